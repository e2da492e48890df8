"""Fetch a partnership or period through the user's membership of it.

A user who is not a member gets 404, so addresses reveal nothing to outsiders; a member
whose role does not allow the action gets 403 from `require`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from partnership.models import Partnership, ReportingPeriod
from partnership.permissions import user_can_view_partnership


def require(allowed: bool) -> None:
    """Raise 403 unless allowed."""
    if not allowed:
        raise PermissionDenied


def partnership_for(user, slug: str) -> Partnership:
    """The partnership with this slug, if the user is a member; otherwise 404."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if not user_can_view_partnership(user, partnership):
        raise Http404("No such partnership.")
    return partnership


def period_for(user, partnership_slug: str, period_slug: str) -> ReportingPeriod:
    """A reporting period of a partnership the user belongs to; otherwise 404."""
    partnership = partnership_for(user, partnership_slug)
    period = get_object_or_404(ReportingPeriod, partnership=partnership, slug=period_slug)
    period.partnership = partnership
    return period
