"""What every agencies service shares: limits, the permission check, the partnership check, locks."""

from __future__ import annotations

from agencies.models import Agency
from agencies.permissions import user_can_manage_agencies
from lib.errors import InvalidInput, NotAllowed

NAME_MAX = 200
SHORT_NAME_MAX = 60
SLUG_MAX = 60
NOTE_MAX = 200
REFUSED = "Only the partnership's business manager can change its agencies, their seats and their funding."


def require_manager(user, partnership) -> None:
    if not user_can_manage_agencies(user, partnership):
        raise NotAllowed(REFUSED)


def too_long(label: str, value: str, limit: int) -> list[str]:
    if len(value) > limit:
        return [f"Enter {label} of at most {limit} characters; this one has {len(value)}."]
    return []


def agency_partnership_check(*, agency, partnership) -> None:
    """Refuse an agency of another partnership (for any service that links an agency to a partnership's thing)."""
    partnership_id = getattr(partnership, "pk", partnership)
    if agency is None or agency.partnership_id != partnership_id:
        raise InvalidInput(
            "The agency chosen belongs to another partnership. Choose one of this partnership's agencies."
        )


def agency_lock(agency: Agency) -> Agency:
    """The agency's row, locked for the rest of the transaction, with the partnership already fetched."""
    locked = Agency.objects.select_for_update().get(pk=agency.pk)
    locked.partnership = agency.partnership
    return locked
