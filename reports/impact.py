"""Impact: what difference a section's work made for children and families, and how we know.

Working Together asks the yearly report for evidence of impact, not only of activity, so a section
separates "what we did" (its narrative) from "what difference it made" (`impact`, Markdown) and
"how we know" (`evidence`, a list of items, each of a kind with a short description; a data-table
item names a table of the same section by its number).

One rule decides whether a section states its impact with evidence: some impact text and at least
one evidence item. `impact_stated` answers it for one revision's content and `impact_stated_q`
for many revisions in the database (tests/reports/test_impact.py proves the two agree). The
outline's `impact_required`, the submit refusal, the dashboard's counts, the statutory checklist's
impact requirement and the report all ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from lib.errors import WorkflowError
from reports.models import Section

EVIDENCE_KINDS = {
    "data_table": "Data table in this section",
    "audit": "Audit",
    "feedback": "Feedback from children, families or practitioners",
    "practice_review": "Practice review",
    "training_evaluation": "Training evaluation",
    "other": "Other evidence",
}
MAX_EVIDENCE = 20
MAX_EVIDENCE_CHARS = 500

IMPACT_LABEL = "What difference it made for children and families"
EVIDENCE_LABEL = "How we know"


class ImpactMissing(WorkflowError):
    """The outline requires this section to state its impact with evidence, and it does not yet."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            "This section must say what difference it made before it can be submitted. Edit it and add "
            + " and ".join(missing)
            + "."
        )


def impact_text(content: dict | None) -> str:
    return str((content or {}).get("impact") or "").strip()


def evidence_items(content: dict | None) -> list[dict]:
    """The evidence items that say something (a revision saved before impact existed has none)."""
    items = (content or {}).get("evidence") or []
    return [item for item in items if isinstance(item, dict) and str(item.get("description") or "").strip()]


def impact_missing(content: dict | None) -> list[str]:
    """What the section still needs to state its impact with evidence, in words for the writer."""
    missing = []
    if not impact_text(content):
        missing.append(f"'{IMPACT_LABEL}'")
    if not evidence_items(content):
        missing.append(f"at least one item under '{EVIDENCE_LABEL}'")
    return missing


def impact_stated(content: dict | None) -> bool:
    """Whether a revision states its impact with evidence: impact text and at least one evidence item."""
    return not impact_missing(content)


def impact_stated_q(prefix: str) -> Q:
    """The same rule for many rows: `prefix` is the path to a revision's content ("content",
    "current_revision__content"). Stored content is cleaned (reports.content): impact text is
    stripped and every evidence item kept has a description, so a first item means evidence."""
    return (
        Q(**{f"{prefix}__impact__isnull": False})
        & ~Q(**{f"{prefix}__impact": ""})
        & Q(**{f"{prefix}__evidence__0__isnull": False})
    )


def evidence_for_report(content: dict | None, anchor: str) -> list[dict]:
    """Each evidence item with its kind in words and, for a data table, the table's title and anchor."""
    tables = (content or {}).get("tables") or []
    shown = []
    for item in evidence_items(content):
        row = {
            "kind": item.get("kind") or "other",
            "label": EVIDENCE_KINDS.get(item.get("kind"), EVIDENCE_KINDS["other"]),
            "description": str(item.get("description")).strip(),
            "table_title": "",
            "table_anchor": "",
        }
        number = item.get("table")
        if row["kind"] == "data_table" and isinstance(number, int) and 1 <= number <= len(tables):
            row["table_title"] = tables[number - 1].get("title", "")
            row["table_anchor"] = f"{anchor}-table-{number}"
        shown.append(row)
    return shown


# Reads for the dashboard -------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactCounts:
    """How many of a period's sections state impact with evidence in their latest revision."""

    stated: int  # sections whose latest revision states impact with evidence
    total: int  # every section of the period (each could)
    required_stated: int  # of those the outline requires to, how many do
    required: int

    @property
    def not_stated(self) -> int:
        return self.total - self.stated


def impact_counts(*, period) -> ImpactCounts:
    """The period's sections counted by whether their latest revision states impact with evidence, in one query."""
    stated = impact_stated_q("current_revision__content")
    required = Q(spec__impact_required=True)
    counts = Section.objects.filter(spec__period=period).aggregate(
        stated=Count("pk", filter=stated),
        total=Count("pk"),
        required_stated=Count("pk", filter=stated & required),
        required=Count("pk", filter=required),
    )
    return ImpactCounts(**counts)


def sections_without_impact(*, period) -> QuerySet:
    """The period's sections whose latest revision does not state impact with evidence, those the outline
    requires to first, then in outline order."""
    sections = Section.objects.filter(spec__period=period)
    stated = sections.filter(impact_stated_q("current_revision__content")).values("pk")
    return (
        sections.exclude(pk__in=stated)
        .select_related("spec__owner_agency", "current_revision__author")
        .defer("current_revision__content")
        .order_by("-spec__impact_required", "spec__position")
    )
