"""Assemble the annual report: the outline in order, each section's approved revision,
computed blocks filled from the apps that own the figures, numbered headings, contents,
and the statutory checklist.

A preview (for the business manager and scrutineer) shows sections not yet approved
from their latest revision, marked as such; the published report uses approved
revisions only. Queries are constant in the number of sections: one for the outline
with its sections and both revisions, one per computed block (and none for a
block the preview keeps ready: reports.block_cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import SimpleNamespace

from django.utils.text import slugify

from lib.charts import ChartSpec
from reports.blocks import Block, block_fill
from reports.charts import Chart, parse_number, table_chart_spec
from reports.checklist import checklist_exemptions, checklist_rules, statutory_checklist
from reports.content import content_has_substance, development_items
from reports.impact import evidence_for_report, impact_stated
from reports.markdown import markdown_render
from reports.measures import Comparison
from reports.measures_data import EarlierMeasures, earlier_measures
from reports.models import SectionRevision, SectionSpec, SectionState, SpecKind


@dataclass
class RenderedTable:
    title: str
    columns: list[str]
    rows: list[list[str]]
    source: str
    chart: Chart | None
    anchor: str
    spec: ChartSpec | None = None  # what the chart shows; reports.rendering draws it (once) into `chart`
    key: str = ""  # the measure key: compared with earlier years' tables of the same key (reports/measures.py)
    comparison: Comparison | None = None  # set by reports.measures_data.comparisons_attach when rendered

    @property
    def numeric_columns(self) -> list[bool]:
        """Per column: every filled cell is a number (aligned right); text columns stay left-aligned."""
        flags = []
        for index in range(len(self.columns)):
            cells = [row[index] for row in self.rows if index < len(row) and str(row[index]).strip()]
            flags.append(bool(cells) and all(parse_number(cell) is not None for cell in cells))
        return flags

    @property
    def cells(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells with whether to align it as a number."""
        flags = self.numeric_columns
        return [[(cell, flags[i] if i < len(flags) else False) for i, cell in enumerate(row)] for row in self.rows]

    @property
    def headings(self) -> list[tuple[str, bool]]:
        return list(zip(self.columns, self.numeric_columns, strict=True))


class RevisionContents:
    """The content of the report's revisions, read in one query when first needed, never one per section."""

    def __init__(self, revision_ids):
        self.ids = set(revision_ids)
        self.loaded: dict[int, dict] = {}

    def load(self, ids=None) -> None:
        wanted = (self.ids if ids is None else set(ids)) - self.loaded.keys()
        if wanted:
            self.loaded |= dict(SectionRevision.objects.filter(pk__in=wanted).values_list("pk", "content"))

    def get(self, revision_id: int) -> dict:
        if revision_id not in self.loaded:
            self.ids.add(revision_id)
            self.load()
        return self.loaded[revision_id]


class BlockSource:
    """The report's computed blocks, each filled once, and only when something asks for it."""

    def __init__(self, period):
        self.period = period
        self.filled: dict[str, Block] = {}

    def get(self, code: str) -> Block:
        if code not in self.filled:
            self.filled[code] = block_fill(code, self.period)
        return self.filled[code]


@dataclass
class ReportEntry:
    """One heading or section of the report. Its text, quotes and tables are read from `content` (the
    revision's snapshot) only when asked for: the report's HTML is stored per section (reports.rendering),
    so a section already stored is never rendered again."""

    number: str
    anchor: str
    level: int
    title: str
    spec_slug: str
    owner: str
    kind: str
    state: str = ""
    state_label: str = ""
    revision_id: int | None = None
    revision_number: int | None = None
    from_approved: bool = False
    missing: bool = False
    revision_made: str = ""
    contents: RevisionContents | None = None
    block_code: str = ""  # the computed block shown under the section's text, if any
    blocks: BlockSource | None = None
    earlier_token: str = ""  # names the earlier years' tables its keyed tables are compared with

    @property
    def block(self) -> Block | None:
        """The computed block, filled when first asked for (the preview's blocks are mostly kept ready:
        reports.block_cache)."""
        if not self.block_code or self.blocks is None:
            return None
        return self.blocks.get(self.block_code)

    @property
    def content(self) -> dict | None:
        """The revision's snapshot (loaded for the whole report in one query when first asked for)."""
        if self.revision_id is None or self.contents is None:
            return None
        return self.contents.get(self.revision_id)

    def _markdown(self, name: str, top: int) -> str:
        return markdown_render((self.content or {}).get(name, ""), top=top)

    # The section's heading is h(level + 1) and its subheadings h(level + 2) (reports/document/section.html):
    # the writer's headings go under the one their text sits under.
    @property
    def _top(self) -> int:
        return self.level + 2

    @cached_property
    def narrative(self) -> str:
        return self._markdown("narrative", self._top)

    @cached_property
    def impact(self) -> str:
        """What difference it made (under its own subheading, so its headings sit one lower)."""
        return self._markdown("impact", self._top + 1)

    @cached_property
    def evidence(self) -> list[dict]:
        """How we know: each evidence item, a data table's linked to the table."""
        return evidence_for_report(self.content, self.anchor)

    @cached_property
    def key_achievements(self) -> str:
        return self._markdown("key_achievements", self._top + 1)

    @cached_property
    def areas_for_development(self) -> str:
        return self._markdown("areas_for_development", self._top + 1)

    @property
    def development_items(self) -> list[dict]:
        """The structured areas for development (none in revisions saved before the list existed)."""
        return development_items(self.content)

    @cached_property
    def _quotes(self) -> tuple[list[dict], list[dict]]:
        quotes, case_studies = [], []
        for quote in (self.content or {}).get("quotes", []):
            rendered = {**quote, "html": markdown_render(quote.get("text", ""), top=self._top + 1)}
            (case_studies if quote.get("kind") == "case_study" else quotes).append(rendered)
        return quotes, case_studies

    @property
    def quotes(self) -> list[dict]:
        return self._quotes[0]

    @property
    def case_studies(self) -> list[dict]:
        return self._quotes[1]

    @cached_property
    def tables(self) -> list[RenderedTable]:
        return [
            RenderedTable(
                title=table["title"],
                columns=table["columns"],
                rows=table["rows"],
                source=table.get("source", ""),
                chart=None,
                anchor=f"{self.anchor}-table-{index}",
                spec=table_chart_spec(table),
                key=table.get("key") or "",
            )
            for index, table in enumerate((self.content or {}).get("tables", []), start=1)
        ]

    def flagged(self, preview: bool) -> bool:
        """Whether the preview marks this entry as not approved."""
        return preview and self.kind != "heading" and not self.from_approved

    def contents_inputs(self) -> list:
        """What the contents list shows of this entry."""
        return [self.number, self.anchor, self.level, self.title]

    def fragment_inputs(self, preview: bool) -> dict:
        """Everything the section's stored HTML is made from (the block is not in it: it is drawn live)."""
        inputs = {
            "number": self.number, "anchor": self.anchor, "level": self.level, "title": self.title,
            "owner": self.owner, "kind": self.kind, "flagged": self.flagged(preview),
            # A revision is immutable (SectionRevision.save refuses a change), so its id and time name its content.
            "revision": [self.revision_id, self.revision_made],
        }  # fmt: skip
        if inputs["flagged"]:
            inputs |= {"missing": self.missing, "revision_number": self.revision_number, "state": self.state_label}
        if self.earlier_token:
            inputs["earlier"] = self.earlier_token
        return inputs


@dataclass
class ChecklistItem:
    code: str
    title: str
    evidence: list[str]
    approved_evidence: list[str]
    exemption: object | None = None  # a ChecklistExemption: the business manager's reason it needs no section
    by_impact: bool = False  # met by approved impact statements with evidence, not by a theme tag

    @property
    def met(self) -> bool:
        return bool(self.approved_evidence) or self.exemption is not None


@dataclass
class AssembledReport:
    partnership: object
    period: object
    entries: list[ReportEntry]
    preview: bool
    specs: list = field(default_factory=list)
    revisions: RevisionContents | None = None
    # The children's version: its own page beside the report, not part of its body (reports.childrens).
    childrens: ReportEntry | None = None
    childrens_url: str = ""  # where the contents list links to it; set by whoever renders the report
    earlier: EarlierMeasures | None = None  # earlier years' tables, for keyed tables (reports/measures_data.py)
    blocks: BlockSource | None = None

    @cached_property
    def checklist(self) -> list[ChecklistItem]:
        """Each statutory requirement and whether it is met (worked out only when asked for)."""
        _themes_add(self.specs)  # the outline's rows leave them out until asked for
        contents = self.revisions
        return checklist_evaluate(
            self.specs,
            checklist_exemptions(period=self.period),
            content_of=(lambda revision: contents.get(revision.pk)) if contents else None,
        )

    @property
    def contents(self) -> list[tuple[ReportEntry, list[ReportEntry]]]:
        """Chapters with their sections, for the contents list."""
        tree: list[tuple[ReportEntry, list[ReportEntry]]] = []
        for entry in self.entries:
            if entry.level == 1 or not tree:
                tree.append((entry, []))
            else:
                tree[-1][1].append(entry)
        return tree

    @property
    def unapproved(self) -> list[ReportEntry]:
        return [e for e in self.entries if e.kind != "heading" and not e.from_approved]

    @property
    def checklist_gaps(self) -> list[ChecklistItem]:
        return [item for item in self.checklist if not item.met]

    def manifest(self) -> list[dict]:
        """Which revision of each section went in."""
        entries = [*self.entries, *([self.childrens] if self.childrens else [])]
        return [
            {"spec": e.spec_slug, "title": e.title, "revision_id": e.revision_id, "revision": e.revision_number}
            for e in entries
            if e.kind != "heading"
        ]


# What assembly reads of the outline, as plain rows (no model instances: at a thousand sections building them
# would cost more than the query); no revision content (reports.rendering reads it for sections not stored),
# and the themes only when the checklist is asked for.
OUTLINE_ROW_FIELDS = (
    *("id", "slug", "title", "level", "kind", "computed_block", "owner_agency_id", "owner_agency__name"),
    *("section__id", "section__state", "section__approved_revision_id", "section__current_revision_id"),
    *(f"section__{which}_revision__{name}" for which in ("approved", "current") for name in ("number", "created_at")),
)  # fmt: skip


def _outline_rows(period) -> list[SimpleNamespace]:
    """The period's outline in order as plain rows, in one query: what the checklist and assembly read of a
    spec, its section and their revisions, by the same attribute names as the models
    (`spec.section.approved_revision.pk`)."""
    rows = []
    query = SectionSpec.objects.filter(period=period).order_by("position").values_list(*OUTLINE_ROW_FIELDS)
    for pk, slug, title, level, kind, block, owner_id, owner_name, section_id, state, *revisions in query:
        approved_id, current_id, approved_number, approved_made, current_number, current_made = revisions
        spec = SimpleNamespace(pk=pk, id=pk, slug=slug, title=title, level=level, kind=kind, computed_block=block,
                   owner_agency_id=owner_id, owner_name=owner_name or "")  # fmt: skip
        if section_id is not None:
            spec.section = SimpleNamespace(
                pk=section_id, state=state, state_label=STATE_LABELS.get(state, state),
                approved_revision_id=approved_id, current_revision_id=current_id,
                approved_revision=_revision_row(approved_id, approved_number, approved_made),
                current_revision=_revision_row(current_id, current_number, current_made),
            )  # fmt: skip
        rows.append(spec)
    return rows


def _revision_row(pk, number, made) -> SimpleNamespace | None:
    return SimpleNamespace(pk=pk, number=number, created_at=made) if pk is not None else None


def _themes_add(specs) -> None:
    """Each spec's themes and whether it must state impact, for the checklist (one query)."""
    by_pk = {spec.pk: spec for spec in specs}
    for pk, themes, impact_required in SectionSpec.objects.filter(pk__in=by_pk).values_list(
        "pk", "themes", "impact_required"
    ):
        by_pk[pk].themes, by_pk[pk].impact_required = themes, impact_required


STATE_LABELS = dict(SectionState.choices)


def outline_for_assembly(period):
    return (
        SectionSpec.objects.filter(period=period)
        .select_related("owner_agency", "section__approved_revision", "section__current_revision")
        .order_by("position")
    )


@lru_cache(maxsize=4096)
def _title_slug(title: str) -> str:
    # slugify is slow enough to matter at a thousand sections
    return slugify(title)[:40]


def section_anchor(number: str, title: str) -> str:
    """A section's anchor in the report, from its printed number and its title."""
    return f"section-{number.replace('.', '-')}-{_title_slug(title)}"


def heading_numbers(specs) -> list[str]:
    """The printed number of each spec in outline order: chapters 1, 2; sections 2.1, 2.2. The children's
    version is a page of its own, outside the report's numbering: its number is empty."""
    numbers, chapter, section = [], 0, 0
    for spec in specs:
        if spec.kind == SpecKind.CHILDREN:
            numbers.append("")
        elif spec.level == 1:
            chapter, section = chapter + 1, 0
            numbers.append(str(chapter))
        else:
            section += 1
            numbers.append(f"{max(chapter, 1)}.{section}")
    return numbers


def unapproved_specs(specs) -> list:
    """The content specs whose section is not approved in its current state."""
    unapproved = []
    for spec in specs:
        section = getattr(spec, "section", None)
        if spec.kind != "heading" and (section is None or section.state != SectionState.APPROVED):
            unapproved.append(spec)
    return unapproved


def report_assemble(*, period, preview: bool) -> AssembledReport:
    """The report for a period; with preview, unapproved sections come from their latest revision.
    Revisions' content is not read here: only when a section's HTML is not stored yet (reports.rendering)."""
    specs = _outline_rows(period)
    contents = RevisionContents([])
    earlier = earlier_measures(period=period)
    earlier_token = earlier.token
    entries = []
    blocks = BlockSource(period)
    childrens = None
    for number, spec in zip(heading_numbers(specs), specs, strict=True):
        entry = ReportEntry(
            number=number,
            anchor=section_anchor(number, spec.title),
            level=spec.level,
            title=spec.title,
            spec_slug=spec.slug,
            owner=spec.owner_name,
            kind=spec.kind,
        )
        if spec.kind != "heading":
            _fill_content(entry, spec, preview)
            section = getattr(spec, "section", None)
            contents.ids |= {entry.revision_id, section.approved_revision_id if section else None} - {None}
            entry.contents = contents
            entry.earlier_token = earlier_token
        if spec.kind == SpecKind.CHILDREN:
            entry.anchor, childrens = "childrens-version", entry
            continue
        if spec.computed_block:
            entry.block_code, entry.blocks = spec.computed_block, blocks
        entries.append(entry)
    return AssembledReport(
        partnership=period.partnership, period=period, entries=entries, preview=preview, specs=specs,
        revisions=contents, childrens=childrens, earlier=earlier, blocks=blocks,
    )  # fmt: skip


def _fill_content(entry: ReportEntry, spec, preview: bool) -> None:
    section = getattr(spec, "section", None)
    revision = None
    if section is not None:
        entry.state, entry.state_label = section.state, section.state_label
        revision = section.approved_revision
        entry.from_approved = revision is not None
        if preview and section.state != SectionState.APPROVED and section.current_revision_id:
            revision = section.current_revision
            entry.from_approved = False
    if revision is None:
        entry.missing = True
        return
    entry.revision_id, entry.revision_number = revision.pk, revision.number
    entry.revision_made = revision.created_at.isoformat()


def checklist_evaluate(specs, exemptions: dict | None = None, *, content_of=None) -> list[ChecklistItem]:
    """Each statutory requirement with the sections tagged for it and those that evidence it: approved and
    saying something (a tag on an empty section is no evidence). A requirement met by impact statements
    (reports.checklist.checklist_rules) is evidenced by every approved section that states its impact with
    evidence, tagged or not; it lists the sections tagged for it or required to state impact, and those that
    state it. `exemptions` maps code to ChecklistExemption; `content_of(revision)` reads a revision's content
    (by default its own field)."""
    exemptions = exemptions or {}
    content_of = content_of or (lambda revision: revision.content)
    rules = checklist_rules()
    items = []
    for code, title in statutory_checklist().items():
        by_impact = rules.get(code) == "impact_statements"
        evidence, approved = [], []
        for spec in specs:
            if spec.kind == "heading":
                continue
            section = getattr(spec, "section", None)
            revision = section.approved_revision if section is not None and section.approved_revision_id else None
            if by_impact:
                stated = revision is not None and impact_stated(content_of(revision))
                if stated or code in (spec.themes or []) or spec.impact_required:
                    evidence.append(spec.title)
                if stated:
                    approved.append(spec.title)
            elif code in (spec.themes or []):
                evidence.append(spec.title)
                if revision is not None and content_has_substance(content_of(revision)):
                    approved.append(spec.title)
        items.append(ChecklistItem(code, title, evidence, approved, exemptions.get(code), by_impact))
    return items
