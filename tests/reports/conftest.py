"""Sections for the stock world: one of agency A's, one of agency B's, one the business manager writes."""

from dataclasses import dataclass

import pytest

from reports.models import Section, SectionRevision, SectionSpec, SectionState


def make_spec(period, *, slug, position, owner=None, author="agency", kind="narrative", **extra) -> SectionSpec:
    return SectionSpec.objects.create(
        period=period,
        slug=slug,
        position=position,
        title=slug.replace("-", " ").title(),
        owner_agency=owner,
        author=author,
        kind=kind,
        **extra,
    )


def make_section(period, *, slug, position, owner=None, author="agency", **extra) -> Section:
    spec = make_spec(period, slug=slug, position=position, owner=owner, author=author, **extra)
    return Section.objects.create(spec=spec)


def content(narrative="", **extra) -> dict:
    return {
        "narrative": narrative,
        "key_achievements": "",
        "areas_for_development": "",
        "impact": "",
        "evidence": [],
        "quotes": [],
        "tables": [],
    } | extra


def put_in_state(section: Section, state: str, author) -> Section:
    """Set a section's state directly, with one revision if it has been started (test set-up only)."""
    if state != SectionState.NOT_STARTED:
        revision = SectionRevision.objects.create(
            section=section, number=1, content=content("First words."), author=author
        )
        section.current_revision = revision
        if state == SectionState.APPROVED:
            section.approved_revision = revision
    section.state = state
    section.save()
    return Section.objects.select_related("spec__period").get(pk=section.pk)


@dataclass
class Sections:
    a: Section
    b: Section
    intro: Section


@pytest.fixture
def sections(world) -> Sections:
    a = make_section(world.period, slug="council-working", position=1, owner=world.agency_a)
    b = make_section(world.period, slug="police-working", position=2, owner=world.agency_b)
    intro = make_section(world.period, slug="introduction", position=3, author="business_manager")
    a.contributors.add(world.users["contributor"])
    return Sections(*(Section.objects.select_related("spec__period").get(pk=s.pk) for s in (a, b, intro)))
