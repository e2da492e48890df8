"""Fetch sections, specs and challenges through the period that owns them.

A section the user may not see is a 404, like a partnership they do not belong to:
another agency's lead learns nothing from the address.
"""

from __future__ import annotations

from django.http import Http404

from partnership.access import period_for
from reports.models import Challenge, Section, SectionSpec
from reports.permissions import user_can_view_section


def section_for(user, partnership_slug: str, period_slug: str, section_slug: str) -> Section:
    """A section the user may see; otherwise 404."""
    period = period_for(user, partnership_slug, period_slug)
    section = (
        Section.objects.filter(spec__period=period, spec__slug=section_slug)
        .select_related("spec__owner_agency", "current_revision__author", "approved_revision")
        .prefetch_related("contributors")
        .first()
    )
    if section is None:
        raise Http404("No such section.")
    section.spec.period = period
    if not user_can_view_section(user, section):
        raise Http404("No such section.")
    return section


def spec_for(period, spec_slug: str) -> SectionSpec:
    """A spec of the period's outline; otherwise 404."""
    spec = SectionSpec.objects.filter(period=period, slug=spec_slug).select_related("owner_agency").first()
    if spec is None:
        raise Http404("No such section in the outline.")
    spec.period = period
    return spec


def challenge_for(section: Section, challenge_id: int) -> Challenge:
    """A challenge on this section; otherwise 404."""
    challenge = Challenge.objects.filter(section=section, pk=challenge_id).first()
    if challenge is None:
        raise Http404("No such challenge.")
    challenge.section = section
    return challenge
