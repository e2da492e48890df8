"""Reads for tracked items: the evidence a rating may link to, a period's list, and the figures of the
report's "Progress on last year's priorities and areas for development" block."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from reports.models import SectionSpec
from reports.models_progress import EvidenceKind, ProgressRating, TrackedItem
from reports.permissions_progress import tracked_items_visible_to
from reviews.selectors import actions_visible_to
from training.stats import training_statistics

# The training figures an item's evidence may name; the report shows each one's value for the period.
TRAINING_FIGURES = {
    "courses_delivered": "Courses delivered",
    "sessions_delivered": "Sessions delivered",
    "places_offered": "Places offered",
    "attended": "Delegates who attended",
    "did_not_attend": "Delegates who did not attend",
    "organisations": "Organisations reached",
    "met_aims_percent": "Delegates who said the course met its aims (%)",
    "more_competent_percent": "Delegates who felt more competent afterwards (%)",
}


@dataclass
class EvidenceChoices:
    grouped: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def flat(self) -> list[tuple[str, str]]:
        return [choice for _group, choices in self.grouped for choice in choices]


def evidence_choices(*, period, user) -> EvidenceChoices:
    """What a rating may link to: the period's sections and their tables, the review actions the user may
    see, and the training figures by name (three queries)."""
    sections, tables = [], []
    specs = (
        SectionSpec.objects.filter(period=period)
        .exclude(kind="heading")
        .order_by("position")
        .values_list("slug", "title", "section__current_revision__content")
    )
    for slug, title, content in specs:
        sections.append((f"{EvidenceKind.SECTION}:{slug}", title))
        for number, table in enumerate((content or {}).get("tables") or [], start=1):
            tables.append((f"{EvidenceKind.TABLE}:{slug}:{number}", f"{table.get('title')} (in {title})"))
    actions = [
        (
            f"{EvidenceKind.REVIEW_ACTION}:{action.pk}",
            f"{action.recommendation.review.reference}, recommendation {action.recommendation.number}, "
            f"action {action.number}: {action.description[:100]}",
        )
        for action in actions_visible_to(user=user, partnership=period.partnership)
    ]
    training = [(f"{EvidenceKind.TRAINING}:{name}", label) for name, label in TRAINING_FIGURES.items()]
    groups = [
        ("Sections of this report", sections),
        ("Data tables", tables),
        ("Practice review actions", actions),
        ("Training figures", training),
    ]
    return EvidenceChoices([(label, choices) for label, choices in groups if choices])


def tracked_items_for(*, user, period) -> QuerySet[TrackedItem]:
    """The period's items the user may read, in the order the report lists them."""
    return (
        tracked_items_visible_to(user).filter(period=period).select_related("owner_agency").order_by("position", "pk")
    )


def rating_counts(*, period) -> list[tuple[str, str, int]]:
    """(rating, label, number of items) for every rating in order, counted by the database."""
    counted = dict(TrackedItem.objects.filter(period=period).values_list("rating").annotate(n=Count("pk")).order_by())
    return [(value, label, counted.get(value, 0)) for value, label in ProgressRating.choices]


def _anchors(period) -> dict[str, str]:
    """Each section's anchor in the assembled report (its number and title, as reports.assembly makes it)."""
    from reports.assembly import heading_numbers, section_anchor

    specs = list(SectionSpec.objects.filter(period=period).order_by("position").only("slug", "title", "level", "kind"))
    return {
        spec.slug: section_anchor(number, spec.title)
        for number, spec in zip(heading_numbers(specs), specs, strict=True)
    }


def progress_block_data(*, period) -> dict:
    """Every item of the period with its rating, evidence and links, and the count per rating: a fixed
    number of queries however many items there are (five more when a link names a training figure)."""
    items = list(TrackedItem.objects.filter(period=period).select_related("owner_agency").order_by("position", "pk"))
    links = [link for item in items for link in item.evidence_links or []]
    anchors = _anchors(period) if any(link.get("kind") in ("section", "table") for link in links) else {}
    figures = None
    if any(link.get("kind") == EvidenceKind.TRAINING for link in links):
        figures = training_statistics(period=period).total
    for item in items:
        item.links_shown = [_link_shown(link, anchors, figures) for link in item.evidence_links or []]
    counts = rating_counts(period=period)
    return {
        "period_label": period.label,
        "items": items,
        "counts": counts,
        "total": sum(n for _value, _label, n in counts),
    }


def _link_shown(link: dict, anchors: dict, figures) -> dict:
    kind, ref, label = link.get("kind"), str(link.get("ref") or ""), link.get("label") or ""
    shown = {"kind": kind, "label": label, "href": "", "value": None}
    if kind in ("section", "table"):
        anchor = anchors.get(ref.split(":")[0])
        if anchor:
            shown["href"] = f"#{anchor}" if kind == "section" else f"#{anchor}-table-{ref.split(':')[-1]}"
    elif kind == EvidenceKind.TRAINING and figures is not None and ref in TRAINING_FIGURES:
        value = getattr(figures, ref, None)
        shown["value"] = "not known" if value is None else value
    return shown
