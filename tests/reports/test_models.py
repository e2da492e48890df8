import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import Challenge, ReminderSent, Section, SectionSpec
from tests.reports.conftest import make_spec


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_closed_challenge_needs_an_answer(world, sections):
    now = timezone.now()
    refused(
        lambda: Challenge.objects.create(
            section=sections.a,
            raised_by=world.users["scrutineer"],
            question="Q",
            state="closed",
            closed_at=now,
            answered_at=now,
        )
    )


def test_an_approved_section_needs_an_approved_revision(world, sections):
    refused(lambda: Section.objects.filter(pk=sections.a.pk).update(state="approved"))


def test_spec_slug_and_position_are_unique_per_period(world, sections):
    refused(lambda: make_spec(world.period, slug="council-working", position=99, owner=world.agency_a))
    refused(lambda: make_spec(world.period, slug="new", position=1, owner=world.agency_a))


def test_agency_author_needs_an_owner_and_partnership_author_has_none(world):
    refused(lambda: make_spec(world.period, slug="x", position=10, owner=None, author="agency"))
    refused(lambda: make_spec(world.period, slug="y", position=11, owner=world.agency_a, author="business_manager"))


def test_level_is_one_or_two(world):
    refused(lambda: make_spec(world.period, slug="z", position=12, owner=world.agency_a, level=3))


def test_one_reminder_of_each_kind_per_section(world, sections):
    ReminderSent.objects.create(section=sections.a, kind="7d")
    refused(lambda: ReminderSent.objects.create(section=sections.a, kind="7d"))
    assert SectionSpec.objects.count() == 3
