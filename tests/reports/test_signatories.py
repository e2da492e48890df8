"""Three or four lead partners sign off: the three the law names always, education where the partnership chooses."""

import pytest
from django.urls import reverse

from agencies.models import Agency, AgencyKind, StatutoryRole
from lib.errors import InvalidInput
from people.models import Role
from reports.publishing import PublishRefused, report_publish, report_readiness, report_sign_off
from tests.factories import AgencyFactory, UserFactory, grant
from tests.reports.test_publishing import ready_outline, sign_all


@pytest.fixture
def ready(world):
    return ready_outline(world)


def add_education(world):
    agency = AgencyFactory(
        partnership=world.partnership, name="Schools Alliance", short_name="Schools Alliance", slug="alliance",
        kind=AgencyKind.STATUTORY_PARTNER, statutory_role=StatutoryRole.EDUCATION,
        signatory_title="Director of Education",
    )  # fmt: skip
    world.users["lead_education"] = UserFactory(username="lead-education")
    grant(world.users["lead_education"], world.partnership, Role.AGENCY_LEAD, agency)
    return agency


def test_three_partners_are_enough_when_education_is_not_a_partner(ready):
    sign_all(ready)
    assert report_readiness(period=ready.period).reasons == []
    assert [s.role for s in report_readiness(period=ready.period).signoffs] == ["local_authority", "health", "police"]


def test_an_education_partner_is_a_fourth_signatory(ready):
    add_education(ready)
    sign_all(ready)
    readiness = report_readiness(period=ready.period)
    assert readiness.reasons == ["The education partner has not signed off this draft."]
    with pytest.raises(PublishRefused):
        report_publish(user=ready.users["business_manager"], period=ready.period)
    report_sign_off(user=ready.users["lead_education"], period=ready.period, signatory_name="Pat Head")
    readiness = report_readiness(period=ready.period)
    assert readiness.reasons == [] and len(readiness.signoffs) == 4


def test_a_missing_statutory_partner_is_named_with_what_to_do(ready):
    Agency.objects.filter(pk=ready.agency_b.pk).update(statutory_role="")
    reasons = report_readiness(period=ready.period).reasons
    assert (
        "No agency is marked as the police partner. Mark one on the agencies page, so its lead can sign off." in reasons
    )


def test_the_report_page_shows_each_signatorys_title(ready, client_as):
    add_education(ready)
    html = client_as("business_manager").get(reverse("reports:report", args=["tsp", "2019-20"])).content.decode()
    assert "Education (a fourth partner) (Schools Alliance: Director of Education)" in html


def test_a_signatory_title_needs_a_statutory_role(world):
    from agencies.services import agency_create

    with pytest.raises(InvalidInput, match="Only a lead partner signs off the report"):
        agency_create(
            user=world.users["business_manager"], partnership=world.partnership, name="Youth Club",
            short_name="Youth", kind=AgencyKind.VOLUNTARY_COMMUNITY, signatory_title="Chair",
        )  # fmt: skip
    agency = agency_create(
        user=world.users["business_manager"], partnership=world.partnership, name="Schools Alliance",
        short_name="Alliance", kind=AgencyKind.STATUTORY_PARTNER, statutory_role=StatutoryRole.EDUCATION,
        signatory_title="Director of Education",
    )  # fmt: skip
    assert (agency.statutory_role, agency.signatory_title) == ("education", "Director of Education")
