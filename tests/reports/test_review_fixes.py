"""Regression tests for defects found in review: bad input, admin, PDF failures and races, queries."""

import pytest
from django.urls import reverse

from reports import services
from reports.errors import InvalidInput
from reports.models import Challenge, Section, SectionSpec, SectionState
from tests.factories import sign_in_freshly
from tests.reports.conftest import put_in_state

pytestmark = pytest.mark.django_db


def url(name, section=None, **extra):
    kwargs = {"partnership_slug": "tsp", "period_slug": "2019-20"}
    if section is not None:
        kwargs["section_slug"] = section.spec.slug
    return reverse(f"reports:{name}", kwargs=kwargs | extra)


# Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999999999"])
def test_diff_with_odd_numbers_shows_a_page_not_a_500(client_as, world, sections, value):
    put_in_state(sections.a, SectionState.DRAFT, world.users["lead_a"])
    response = client_as("business_manager").get(url("section_diff", sections.a), {"from": value, "to": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "abc", "99999999999999999999999999"])
def test_approve_with_a_garbage_revision_number_is_refused_and_writes_nothing(client_as, world, sections, value):
    put_in_state(sections.a, SectionState.SUBMITTED, world.users["lead_a"])
    client = client_as("business_manager")
    response = client.post(url("section_approve", sections.a), {"revision": value}, follow=True)
    assert response.status_code == 200
    section = Section.objects.get(pk=sections.a.pk)
    assert (section.state, section.approved_revision_id) == (SectionState.SUBMITTED, None)
    assert [str(m) for m in response.context["messages"]] == [
        "There is no such revision to approve. Open the section again and approve the revision shown."
    ]


@pytest.mark.parametrize("value", ["²", "99999999999999999999999999"])
def test_comment_on_an_odd_revision_number_is_refused_not_a_500(client_as, world, sections, value):
    put_in_state(sections.a, SectionState.DRAFT, world.users["lead_a"])
    client = client_as("lead_a")
    response = client.post(url("comment_add", sections.a), {"revision": value, "body": "Hello"}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "There is no such revision to comment on. Choose one from the section's history."
    ]


# The outline ---------------------------------------------------------------


def test_a_section_with_challenges_cannot_become_a_heading(world, sections):
    challenge = services.challenge_raise(user=world.users["scrutineer"], section=sections.a, question="Why so late?")
    spec = SectionSpec.objects.get(pk=sections.a.spec_id)
    fields = {"slug": spec.slug, "title": spec.title, "kind": "heading", "author": "business_manager"}
    fields["owner_agency"] = None
    with pytest.raises(InvalidInput, match="challenges from the scrutineer"):
        services.spec_update(user=world.users["business_manager"], spec=spec, fields=fields)
    assert Challenge.objects.filter(pk=challenge.pk).exists()
    assert Section.objects.filter(pk=sections.a.pk).exists()
    assert SectionSpec.objects.get(pk=spec.pk).kind == "narrative"


def test_lead_of_a_non_statutory_agency_cannot_preview_sign_off_or_publish(world, client):
    from reports.errors import NotAllowed
    from reports.publishing import report_publish, report_sign_off

    school = world.agency_c  # the stock non-statutory agency
    assert school.statutory_role == ""
    lead = world.users["lead_c"]
    sign_in_freshly(client, lead)  # just signed in: publishing asks no re-authentication, only refuses
    for name in ("report", "report_preview"):
        assert client.get(url(name)).status_code == 403, name
    for name in ("report_sign_off", "report_publish"):
        assert client.post(url(name), {"signatory_name": "Head", "change_note": "x"}).status_code == 403, name
    with pytest.raises(NotAllowed):
        report_sign_off(user=lead, period=world.period, signatory_name="Head")
    with pytest.raises(NotAllowed):
        report_sign_off(user=lead, period=world.period, signatory_name="Head", agency=world.agency_b)
    with pytest.raises(NotAllowed):
        report_publish(user=world.users["lead_a"], period=world.period)
