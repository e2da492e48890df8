"""Fetch an agency through the partnership that owns it (outsider: 404)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.models import Agency
from partnership.access import partnership_for


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
