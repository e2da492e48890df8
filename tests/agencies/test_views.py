from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.selectors import funding_for_period
from tests.factories import AgencyFactory, FundingFactory

pytestmark = pytest.mark.django_db


def funding_url(world):
    return reverse("agencies:funding", args=[world.partnership.slug, world.period.slug])


def test_funding_page_lists_contributions_and_the_database_total(world, client_as):
    FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("210300"), note="Core budget")
    FundingFactory(agency=world.agency_b, period=world.period, amount=Decimal("550.25"))
    response = client_as("business_manager").get(funding_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Council – Core budget" in html
    assert "£210,300" in html
    assert "£550.25" in html
    assert "£210,850.25" in html


def test_funding_total_is_summed_by_the_database_in_two_queries(world, django_assert_num_queries):
    for n in range(20):
        FundingFactory(agency=AgencyFactory(partnership=world.partnership), period=world.period, amount=Decimal(n))
    with django_assert_num_queries(2):
        summary = funding_for_period(period=world.period)
        names = [c.agency.name for c in summary.contributions]
    assert summary.total == Decimal(sum(range(20)))
    assert len(names) == 20


def test_scrutineer_reads_funding(world, client_as):
    assert client_as("scrutineer").get(funding_url(world)).status_code == 200


def test_agency_lead_may_not_see_funding(world, client_as):
    assert client_as("lead_a").get(funding_url(world)).status_code == 403


def test_outsider_gets_404_for_funding(world, client_as):
    assert client_as("outsider").get(funding_url(world)).status_code == 404


def test_other_agencys_lead_does_not_see_who_holds_accounts(world, client_as):
    detail = reverse("agencies:detail", args=[world.partnership.slug, world.agency_a.slug])
    people = reverse("people:agency", args=[world.partnership.slug, world.agency_a.slug])
    assert people in client_as("lead_a").get(detail).content.decode()
    assert people not in client_as("lead_b").get(detail).content.decode()
    own = client_as("lead_a").get(people)
    assert own.status_code == 200 and "contributor-a" in own.content.decode()
    assert client_as("lead_b").get(people).status_code == 403


def test_home_shows_each_role_what_it_can_do(world, client_as):
    manager = client_as("business_manager").get(reverse("home")).content.decode()
    lead = client_as("lead_a").get(reverse("home")).content.decode()
    nobody = client_as("outsider").get(reverse("home")).content.decode()
    assert "Check funding for 2019/20" in manager
    assert "Check funding" not in lead
    assert "Manage Council" in lead
    assert "no role in any partnership yet" in nobody
