"""An agency's seats on the partnership (the report's membership table): add, change, reorder, remove."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from agencies.models import Agency, Representative
from agencies.services.base import NAME_MAX, agency_lock, require_manager, too_long
from lib.errors import InvalidInput, WorkflowError
from partnership.audit import audit_record, changes_between


def _seat_values(seat: Representative) -> dict:
    return {"role_title": seat.role_title, "name": seat.name, "position": seat.position}


def _seat_label(agency: Agency, role_title: str) -> str:
    return f"{role_title} ({agency.short_name})"


def _seat_problems(*, agency: Agency, seat: Representative) -> list[str]:
    problems = []
    if not seat.role_title:
        problems.append("Enter the seat's title, for example 'Designated safeguarding lead'.")
    problems += too_long("a seat title", seat.role_title, NAME_MAX)
    problems += too_long("a name", seat.name, NAME_MAX)
    others = Representative.objects.filter(agency=agency).exclude(pk=seat.pk)
    if seat.role_title and others.filter(role_title__iexact=seat.role_title).exists():
        problems.append(
            f"{agency.name} already has a seat called '{seat.role_title}'. "
            "Give this seat a different title, or change that one."
        )
    return problems


def _seat_audit(*, code: str, user, agency: Agency, seat: Representative, data: dict) -> None:
    audit_record(
        code=code,
        actor=user,
        partnership=agency.partnership,
        target=seat,
        target_label=_seat_label(agency, seat.role_title),
        data=data,
    )


def representative_add(*, user, agency: Agency, role_title: str, name: str = "") -> Representative:
    """Give the agency another seat on the partnership, after its existing seats."""
    require_manager(user, agency.partnership)
    with transaction.atomic():
        agency = agency_lock(agency)
        seat = Representative(agency=agency, role_title=(role_title or "").strip(), name=(name or "").strip())
        problems = _seat_problems(agency=agency, seat=seat)
        if not agency.active:
            problems.append(f"{agency.name} is deactivated, so it cannot take a new seat. Reactivate it first.")
        if problems:
            raise InvalidInput(problems)
        seat.position = (agency.representatives.aggregate(last=Max("position"))["last"] or 0) + 1
        seat.save()
        after = _seat_values(seat)
        _seat_audit(
            code="agencies.representative.created",
            user=user,
            agency=agency,
            seat=seat,
            data={"after": after, "changes": changes_between({}, after)},
        )
    return seat


def representative_change(*, user, representative: Representative, role_title: str, name: str) -> Representative:
    """Change a seat's title or the name of the person who holds it."""
    agency = representative.agency
    require_manager(user, agency.partnership)
    with transaction.atomic():
        agency = agency_lock(agency)
        seat = Representative.objects.select_for_update().get(pk=representative.pk, agency=agency)
        before = _seat_values(seat)
        seat.role_title, seat.name = (role_title or "").strip(), (name or "").strip()
        problems = _seat_problems(agency=agency, seat=seat)
        if problems:
            raise InvalidInput(problems)
        changes = changes_between(before, _seat_values(seat))
        if changes:
            seat.save(update_fields=[*changes, "updated_at"])
            _seat_audit(
                code="agencies.representative.changed",
                user=user,
                agency=agency,
                seat=seat,
                data={"before": before, "after": _seat_values(seat), "changes": changes},
            )
    seat.agency = agency
    return seat


def representative_move(*, user, representative: Representative, direction: str) -> Representative:
    """Swap a seat with the one above ('up') or below ('down') in the agency's list."""
    agency = representative.agency
    require_manager(user, agency.partnership)
    if direction not in ("up", "down"):
        raise InvalidInput("Choose to move the seat up or down.")
    with transaction.atomic():
        agency = agency_lock(agency)
        # Renumbering 1, 2, 3... first makes the swap well defined even when older seats share a position.
        seats = list(
            Representative.objects.select_for_update().filter(agency=agency).order_by("position", "role_title")
        )
        index = next((i for i, s in enumerate(seats) if s.pk == representative.pk), None)
        if index is None:
            raise WorkflowError("This seat has been removed. Reload the page.")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(seats):
            raise WorkflowError(f"This seat is already at the {'top' if direction == 'up' else 'bottom'}.")
        seats[index], seats[other] = seats[other], seats[index]
        for position, seat in enumerate(seats, start=1):
            seat.position = position
        Representative.objects.bulk_update(seats, ["position"])
        moved = seats[other]
        _seat_audit(
            code="agencies.representative.moved",
            user=user,
            agency=agency,
            seat=moved,
            data={"direction": direction, "changes": {"position": [index + 1, other + 1]}},
        )
    moved.agency = agency
    return moved


def representative_remove(*, user, representative: Representative) -> None:
    """Take a seat off the membership table; the audit trail keeps what it was."""
    agency = representative.agency
    require_manager(user, agency.partnership)
    with transaction.atomic():
        agency = agency_lock(agency)
        seat = Representative.objects.select_for_update().filter(pk=representative.pk, agency=agency).first()
        if seat is None:
            raise WorkflowError("This seat has already been removed.")
        _seat_audit(
            code="agencies.representative.deleted",
            user=user,
            agency=agency,
            seat=seat,
            data={"before": _seat_values(seat)},
        )
        seat.delete()
