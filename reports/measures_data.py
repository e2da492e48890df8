"""Which earlier tables a period's keyed tables are compared with (reports/measures.py matches them).

An earlier table counts when it is in the approved revision of a section of one of the partnership's
LOOKBACK periods before this one (by start date). A published report is made of approved revisions, and
an edit after approval leaves the approved revision in place, so what an earlier year approved or
published is what is compared; drafts never are. Each key is taken from the first section in outline
order that holds it in a period (section_save refuses a key another section of the period already has).

Queries are fixed whatever the number of keyed tables, sections or years: one lists the earlier
periods' approved revisions (at assembly; its ids name the stored HTML, so a change in an earlier year
renders the sections again), and one reads their tables, only when a section must be rendered.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from partnership.models import ReportingPeriod
from reports.measures import EarlierTable, comparison_build
from reports.models import Section, SectionRevision

# Earlier periods looked at: twice the years shown, so a measure skipped for a year or two still finds four.
LOOKBACK = 8


@dataclass(frozen=True)
class EarlierRevision:
    period_label: str
    period_start: object
    spec_slug: str
    spec_title: str
    position: int
    revision_id: int


@dataclass(frozen=True)
class KeyedTable:
    """A keyed table of an earlier period, where it was."""

    key: str
    period_label: str
    spec_slug: str
    spec_title: str
    table: dict

    @property
    def choice_label(self) -> str:
        return f"{self.table.get('title') or 'Untitled table'} (in '{self.spec_title}', {self.period_label})"


class EarlierMeasures:
    """The approved revisions of the earlier periods, their keyed tables read when first asked for."""

    def __init__(self, *, period_label: str, rows: list[EarlierRevision]):
        self.period_label = period_label
        self.rows = sorted(rows, key=lambda r: (-r.period_start.toordinal(), r.position))
        self._tables: list[KeyedTable] | None = None

    @property
    def token(self) -> str:
        """A name for everything the comparisons can read ('' when there is no earlier approved revision)."""
        if not self.rows:
            return ""
        data = [[r.revision_id, r.period_label] for r in self.rows]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()

    @property
    def tables(self) -> list[KeyedTable]:
        """Every keyed table, newest period first and in outline order, one per key and period (one query)."""
        if self._tables is None:
            contents = dict(
                SectionRevision.objects.filter(pk__in=[r.revision_id for r in self.rows]).values_list("pk", "content")
            )
            found, seen = [], set()
            for row in self.rows:
                for table in (contents.get(row.revision_id) or {}).get("tables") or []:
                    key = table.get("key") or ""
                    if key and (key, row.period_label) not in seen:
                        seen.add((key, row.period_label))
                        found.append(KeyedTable(key, row.period_label, row.spec_slug, row.spec_title, table))
            self._tables = found
        return self._tables

    def earlier_for(self, key: str) -> list[EarlierTable]:
        """The earlier tables with this key, newest first."""
        return [EarlierTable(t.period_label, t.table) for t in self.tables if t.key == key]

    def by_key(self) -> dict[str, KeyedTable]:
        """The newest earlier table of each key."""
        found: dict[str, KeyedTable] = {}
        for table in self.tables:
            found.setdefault(table.key, table)
        return found


def earlier_measures(*, period, lookback: int = LOOKBACK) -> EarlierMeasures:
    """The approved revisions of the `lookback` periods before this one, in one query."""
    earlier = (
        ReportingPeriod.objects.filter(partnership_id=period.partnership_id, start__lt=period.start)
        .order_by("-start")
        .values("pk")[:lookback]
    )
    rows = (
        Section.objects.filter(spec__period__in=earlier, approved_revision__isnull=False).values_list(
            "spec__period__label",
            "spec__period__start",
            "spec__slug",
            "spec__title",
            "spec__position",
            "approved_revision_id",
        )  # fmt: skip
    )
    return EarlierMeasures(period_label=period.label, rows=[EarlierRevision(*row) for row in rows])


def comparisons_attach(entries, earlier: EarlierMeasures | None) -> None:
    """Give each keyed table of these report entries its comparison with earlier years (reports.rendering)."""
    if earlier is None or not earlier.rows:
        return
    keyed = [table for entry in entries for table in entry.tables if table.key]
    if not keyed:
        return  # nothing to compare: the earlier tables are not read
    for table in keyed:
        table.comparison = comparison_build(
            key=table.key,
            table={"title": table.title, "columns": table.columns, "rows": table.rows},
            period_label=earlier.period_label,
            earlier=earlier.earlier_for(table.key),
        )


# The editor ------------------------------------------------------------------------


def previous_keyed_tables(*, period, spec_slug: str) -> list[KeyedTable]:
    """The previous period's keyed tables that this period's section may continue: those of the section with
    the same address first, then the rest in outline order (two queries)."""
    tables = earlier_measures(period=period, lookback=1).tables
    return sorted(tables, key=lambda t: t.spec_slug != spec_slug)


def carried_tables(previous: list[KeyedTable], spec_slug: str) -> list[dict]:
    """A new section's starting tables: last year's keyed tables of the same section, with their key, headings
    and row names, and this year's figures left for the writer to fill in."""
    carried = []
    for item in previous:
        if item.spec_slug != spec_slug:
            continue
        table = item.table
        width = len(table.get("columns") or [])
        rows = [[str(row[0]) if row else ""] + [""] * (width - 1) for row in table.get("rows") or []]
        carried.append(
            {
                "title": table.get("title") or "",
                "columns": list(table.get("columns") or []),
                "rows": rows,
                "source": "",
                "chart": table.get("chart") or "",
                "key": item.key,
            }
        )
    return carried


def period_keys_taken(*, section, tables: list[dict]) -> list[str]:
    """A sentence for each key of `tables` that another section of the same period already uses (one query,
    only when the tables have keys)."""
    keys = {t["key"]: index for index, t in enumerate(tables, start=1) if t.get("key")}
    if not keys:
        return []
    others = (
        Section.objects.filter(spec__period_id=section.spec.period_id, current_revision__isnull=False)
        .exclude(pk=section.pk)
        .order_by("spec__position")
        .values_list("spec__title", "current_revision__content")
    )
    problems, reported = [], set()
    for title, content in others:
        for table in (content or {}).get("tables") or []:
            key = table.get("key") or ""
            if key in keys and key not in reported:
                reported.add(key)
                problems.append(
                    f"Table {keys[key]}: the measure key '{key}' is already used by the table "
                    f"'{table.get('title') or ''}' in the section '{title}'. A measure appears once a year: "
                    "choose another key, or clear it there first."
                )
    return problems
