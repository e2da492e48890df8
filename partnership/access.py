"""Fetch objects through the partnership that owns them.

A user who is not a member of the partnership gets 404, so addresses reveal nothing
to outsiders; a member whose role does not allow the action gets 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.models import Agency
from partnership.models import Partnership, ReportingPeriod
from partnership.permissions import user_is_member


def require(allowed: bool) -> None:
    """Raise 403 unless allowed."""
    if not allowed:
        raise PermissionDenied


def partnership_for(user, slug: str) -> Partnership:
    """The partnership with this slug, if the user is a member; otherwise 404."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if not user_is_member(user, partnership):
        raise Http404("No such partnership.")
    return partnership


def period_for(user, partnership_slug: str, period_slug: str) -> ReportingPeriod:
    """A reporting period of a partnership the user belongs to; otherwise 404."""
    partnership = partnership_for(user, partnership_slug)
    period = get_object_or_404(ReportingPeriod, partnership=partnership, slug=period_slug)
    period.partnership = partnership
    return period


def agency_for(
    user, partnership_slug: str, agency_slug: str, visible: Callable[[object, Agency], bool] | None = None
) -> Agency:
    """An agency of a partnership the user belongs to; 404 if `visible` says the user may not see it."""
    partnership = partnership_for(user, partnership_slug)
    agency = get_object_or_404(Agency, partnership=partnership, slug=agency_slug)
    agency.partnership = partnership
    if visible is not None and not visible(user, agency):
        raise Http404("No such agency.")
    return agency
