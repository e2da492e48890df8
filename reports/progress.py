"""Every change to tracked items: carrying last period's open items forward, adding, changing, assigning
and rating them.

Working Together asks the yearly report for "an analysis of any areas where there has been little or no
evidence of progress on agreed priorities"; so an item rated little or no progress must say why and what
will change, and every item not achieved is carried into the next period.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from agencies.models import Agency
from lib.errors import InvalidInput, NotAllowed
from partnership.audit import audit_record
from partnership.models import Priority, ReportingPeriod
from reports.content import development_items
from reports.models import Section
from reports.models_progress import ItemOrigin, ProgressRating, TrackedItem
from reports.permissions_progress import user_can_manage_tracked_items, user_can_update_tracked_item
from reports.progress_selectors import evidence_choices

MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 10_000
UNCHANGED = object()


class ItemInvalid(InvalidInput):
    """Input for a tracked item that cannot be saved, with each problem under the field it is about."""

    def __init__(self, by_field: dict[str, list[str]]):
        self.by_field = by_field
        super().__init__([message for messages in by_field.values() for message in messages])


def _audit(*, code: str, user, item: TrackedItem, data: dict) -> None:
    audit_record(code=code, actor=user, period=item.period, target=item, target_label=item.title, data=data)


def _trimmed(value) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def _item_text(errors: dict, title, detail) -> tuple[str, str]:
    title, detail = " ".join(str(title or "").split()), _trimmed(detail)
    if not title:
        errors.setdefault("title", []).append("Give the item a short title.")
    elif len(title) > MAX_TITLE_CHARS:
        errors.setdefault("title", []).append(f"Keep the title under {MAX_TITLE_CHARS} characters.")
    if len(detail) > MAX_TEXT_CHARS:
        errors.setdefault("detail", []).append(f"Keep the detail under {MAX_TEXT_CHARS:,} characters.")
    return title, detail


def _owner_check(errors: dict, period, owner_agency) -> None:
    if owner_agency is not None and owner_agency.partnership_id != period.partnership_id:
        errors.setdefault("owner_agency", []).append("Choose an agency of this partnership, or the partnership itself.")


# Carrying forward -------------------------------------------------------------------------


def _carry_candidates(source_period) -> list[dict]:
    """What the next period tracks: the source's open items, then priorities and areas for development
    it did not track yet. Achieved items, and what they tracked, are not carried."""
    previous = list(TrackedItem.objects.filter(period=source_period).order_by("position", "pk"))
    tracked = {item.carry_key for item in previous if item.carry_key}
    found = [
        {
            "carry_key": item.carry_key or f"item:{item.pk}",  # an item added by hand keeps its first period's id
            "title": item.title,
            "detail": item.detail,
            "origin": ItemOrigin.CARRIED,
            "source_label": f"Carried again from {source_period.label}: "
            f"{item.source_label or item.get_origin_display()}",
            "source_priority_id": item.source_priority_id,
            "carried_from_id": item.pk,
            "owner_agency_id": item.owner_agency_id,
        }
        for item in previous
        if item.is_open
    ]
    for priority in Priority.objects.filter(partnership_id=source_period.partnership_id).current():
        key = f"priority:{priority.pk}"
        if key not in tracked:
            found.append({
                "carry_key": key, "title": priority.title, "detail": priority.description,
                "origin": ItemOrigin.PRIORITY, "source_label": f"Priority {priority.position}",
                "source_priority_id": priority.pk,
            })  # fmt: skip
    sections = (
        Section.objects.filter(spec__period=source_period, approved_revision__isnull=False)
        .select_related("spec", "approved_revision")
        .order_by("spec__position")
    )
    for section in sections:
        for number, area in enumerate(development_items(section.approved_revision.content), start=1):
            key = f"area:{section.pk}:{number}"
            if key not in tracked:
                found.append({
                    "carry_key": key, "title": area["title"], "detail": area.get("detail", ""),
                    "origin": ItemOrigin.DEVELOPMENT,
                    "source_label": f"Area for development in '{section.spec.title}', {source_period.label}",
                    "owner_agency_id": section.spec.owner_agency_id,
                })  # fmt: skip
    return found


def progress_items_carry(*, user, source_period, target_period) -> int:
    """Carry the source period's open items, priorities and approved areas for development into the target
    period; what the target already tracks is left alone, so a second copy adds nothing. Returns how many."""
    if not user_can_manage_tracked_items(user, target_period):
        raise NotAllowed("Only the business manager can carry items into a new period.")
    if source_period.partnership_id != target_period.partnership_id or source_period.pk == target_period.pk:
        raise InvalidInput("Choose an earlier period of the same partnership to carry items from.")
    with transaction.atomic():
        ReportingPeriod.objects.select_for_update().get(pk=target_period.pk)
        existing = set(TrackedItem.objects.filter(period=target_period).values_list("carry_key", flat=True))
        start = TrackedItem.objects.filter(period=target_period).aggregate(m=Max("position"))["m"] or 0
        new = [c for c in _carry_candidates(source_period) if c["carry_key"] not in existing]
        TrackedItem.objects.bulk_create(
            [TrackedItem(period=target_period, position=start + n, **c) for n, c in enumerate(new, start=1)]
        )
        if new:
            audit_record(
                code="reports.progress.carried", actor=user, period=target_period, target=target_period,
                target_label=target_period.label,
                data={"count": len(new), "source": source_period.label, "items": [c["title"] for c in new]},
            )  # fmt: skip
    return len(new)


# One item ---------------------------------------------------------------------------------


def tracked_item_add(*, user, period, title: str, detail: str = "", owner_agency: Agency | None = None) -> TrackedItem:
    """The business manager adds an item the period tracks, with its owner (none: the partnership)."""
    if not user_can_manage_tracked_items(user, period):
        raise NotAllowed("Only the business manager can add tracked items.")
    errors: dict[str, list[str]] = {}
    title, detail = _item_text(errors, title, detail)
    _owner_check(errors, period, owner_agency)
    if errors:
        raise ItemInvalid(errors)
    with transaction.atomic():
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        position = (TrackedItem.objects.filter(period=period).aggregate(m=Max("position"))["m"] or 0) + 1
        item = TrackedItem.objects.create(
            period=period, title=title, detail=detail, owner_agency=owner_agency, origin=ItemOrigin.ADDED,
            source_label="Added this period", position=position,
        )  # fmt: skip
        _audit(code="reports.progress.item_added", user=user, item=item, data={"owner": item.owner_name})
    return item


def tracked_item_change(*, user, item: TrackedItem, title: str, detail: str, owner_agency=UNCHANGED) -> TrackedItem:
    """Change an item's title and detail (its owner's lead or the business manager); only the business
    manager gives it another owner."""
    if not user_can_update_tracked_item(user, item):
        raise NotAllowed("Only the business manager or the lead of the agency that owns this item can change it.")
    reassigning = owner_agency is not UNCHANGED and getattr(owner_agency, "pk", None) != item.owner_agency_id
    if reassigning and not user_can_manage_tracked_items(user, item.period):
        raise NotAllowed("Only the business manager can give an item to another owner.")
    errors: dict[str, list[str]] = {}
    title, detail = _item_text(errors, title, detail)
    if reassigning:
        _owner_check(errors, item.period, owner_agency)
    if errors:
        raise ItemInvalid(errors)
    with transaction.atomic():
        # The owner is a nullable join, which PostgreSQL will not lock: lock the item's row alone.
        locked = TrackedItem.objects.select_for_update(of=("self",)).select_related("owner_agency").get(pk=item.pk)
        locked.period = item.period
        changes = {
            n: [getattr(locked, n), v] for n, v in (("title", title), ("detail", detail)) if getattr(locked, n) != v
        }
        locked.title, locked.detail = title, detail
        fields = ["title", "detail", "updated_at"]
        if reassigning:
            before = locked.owner_name
            locked.owner_agency = owner_agency
            fields.append("owner_agency")
            _audit(code="reports.progress.item_assigned", user=user, item=locked,
                   data={"owner": locked.owner_name, "changes": {"owner": [before, locked.owner_name]}})  # fmt: skip
        locked.save(update_fields=fields)
        if changes:
            _audit(code="reports.progress.item_changed", user=user, item=locked, data={"changes": changes})
    return locked


def _links_clean(errors: dict, links, allowed: dict[str, str]) -> list[dict]:
    cleaned = []
    for value in links or []:
        if value not in allowed:
            errors.setdefault("links", []).append(
                "One of the chosen links is no longer available. Choose the evidence again from the list."
            )
            break
        kind, _, ref = value.partition(":")
        cleaned.append({"kind": kind, "ref": ref, "label": allowed[value]})
    return cleaned


def tracked_item_rate(
    *, user, item: TrackedItem, rating: str, evidence: str = "", links=(), explanation: str = "",
    what_will_change: str = "",
) -> TrackedItem:  # fmt: skip
    """Rate an item's progress with its evidence; little or no progress needs the reason and what will change."""
    if not user_can_update_tracked_item(user, item):
        raise NotAllowed("Only the business manager or the lead of the agency that owns this item can rate it.")
    errors: dict[str, list[str]] = {}
    if rating not in ProgressRating.values:
        errors["rating"] = ["Choose how much progress was made."]
    texts = {"evidence": _trimmed(evidence), "explanation": _trimmed(explanation),
             "what_will_change": _trimmed(what_will_change)}  # fmt: skip
    for name, text in texts.items():
        if len(text) > MAX_TEXT_CHARS:
            errors.setdefault(name, []).append(f"Keep this under {MAX_TEXT_CHARS:,} characters.")
    if rating == ProgressRating.LITTLE:
        if not texts["explanation"]:
            errors.setdefault("explanation", []).append(
                "Say why there was little or no progress: the report must explain it."
            )
        if not texts["what_will_change"]:
            errors.setdefault("what_will_change", []).append(
                "Say what will change so that this item makes progress next year."
            )
    cleaned_links = _links_clean(errors, links, dict(evidence_choices(period=item.period, user=user).flat))
    if errors:
        raise ItemInvalid(errors)
    with transaction.atomic():
        locked = TrackedItem.objects.select_for_update().get(pk=item.pk)
        locked.period = item.period
        before = {"rating": locked.rating, "evidence": locked.evidence, "explanation": locked.explanation,
                  "what_will_change": locked.what_will_change}  # fmt: skip
        locked.rating, locked.evidence_links = rating, cleaned_links
        locked.evidence, locked.explanation = texts["evidence"], texts["explanation"]
        locked.what_will_change = texts["what_will_change"]
        locked.rated_by, locked.rated_at = user, timezone.now()
        locked.save(update_fields=[*before, "evidence_links", "rated_by", "rated_at", "updated_at"])
        after = {"rating": rating, **texts}
        _audit(
            code="reports.progress.item_rated", user=user, item=locked,
            data={"rating": locked.get_rating_display(),
                  "changes": {k: [v, after[k]] for k, v in before.items() if v != after[k]}},
        )  # fmt: skip
    return locked
