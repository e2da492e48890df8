"""Tests for one-line bugs a review found surviving the suite (each test fails if its bug is put back)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agencies.selectors import funding_for_period
from lib.spreadsheets import SafeModelResource, looks_like_formula, neutralise_formula
from reports import services
from reports.errors import StaleRevision
from reports.models import Challenge, ChallengeState, SectionRevision
from reports.publishing import report_readiness
from tests.factories import FundingFactory, PeriodFactory
from tests.reports.conftest import content


def test_funding_total_is_of_the_one_period(world):
    later = PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21", start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip
    FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("1000.50"))
    FundingFactory(agency=world.agency_b, period=world.period, amount=Decimal("250.00"))
    FundingFactory(agency=world.agency_a, period=later, amount=Decimal("99999.00"))
    assert funding_for_period(period=world.period).total == Decimal("1250.50")
    assert funding_for_period(period=later).total == Decimal("99999.00")


def test_an_answered_but_unclosed_challenge_still_blocks_publication(world, sections):
    challenge = services.challenge_raise(user=world.users["scrutineer"], section=sections.a, question="Why?")
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.ANSWERED, answer="Because.",
                                                     answered_at=challenge.created_at)  # fmt: skip
    reasons = report_readiness(period=world.period).reasons
    assert "1 challenge from the scrutineer is still open." in reasons
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.CLOSED, closed_at=challenge.created_at)
    assert "1 challenge from the scrutineer is still open." not in report_readiness(period=world.period).reasons


def test_two_writers_starting_the_same_empty_section_the_second_is_refused(world, sections):
    services.section_save(user=world.users["lead_a"], section=sections.a, content=content("First."), based_on=None)
    with pytest.raises(StaleRevision, match="you started from an empty section"):
        services.section_save(
            user=world.users["contributor"], section=sections.a, content=content("Second."), based_on=None
        )
    assert list(SectionRevision.objects.filter(section=sections.a).values_list("number", flat=True)) == [1]


@pytest.mark.parametrize("cell", ["\tcmd", "\r=1+1", "=SUM(A1)", "+1+1", "-A1", "@A1"])
def test_formula_cells_with_any_leading_trigger_are_refused_on_import_and_quoted_on_export(cell):
    assert looks_like_formula(cell)
    assert neutralise_formula(cell) == "'" + cell
    with pytest.raises(ValidationError, match="Column 'Name' holds"):
        SafeModelResource.before_import_row(SafeModelResource.__new__(SafeModelResource), {"Name": cell})


def test_negative_numbers_and_plain_text_are_not_formulas():
    assert not looks_like_formula("-12.5")
    assert not looks_like_formula("Council")
    assert neutralise_formula("Council") == "Council"
