from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.models import Agency, FundingContribution, Representative
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


# The business manager keeps agencies, seats and funding in the portal (issue 10) -------------


def agency_url(world, name, agency=None, **kwargs):
    args = [world.partnership.slug] + ([agency.slug] if agency is not None else [])
    return reverse(f"agencies:{name}", args=args, kwargs=kwargs or None)


AGENCY_POST = {
    "name": "Fire and Rescue Service",
    "short_name": "Fire",
    "slug": "",
    "kind": "other",
    "statutory_role": "",
}


def test_manager_adds_an_agency_through_the_form(world, client_as):
    response = client_as("business_manager").post(agency_url(world, "add"), AGENCY_POST, follow=True)
    assert response.redirect_chain[-1][0] == "/p/tsp/agencies/fire-and-rescue-service/"
    assert "Fire and Rescue Service added. Add its seats on the partnership below." in response.content.decode()
    assert Agency.objects.get(slug="fire-and-rescue-service").short_name == "Fire"


def test_refused_agency_shows_the_error_summary_and_error_title(world, client_as):
    post = AGENCY_POST | {"name": "Police", "kind": "other", "statutory_role": "police"}
    response = client_as("business_manager").post(agency_url(world, "add"), post)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Add an agency" in html
    assert 'class="govuk-error-summary"' in html
    assert "There is already an agency called &#x27;Police&#x27; in Test Partnership." in html
    assert "Only a statutory partner can hold a statutory role." in html
    assert Agency.objects.count() == 3


def test_blank_form_says_what_to_fill_in(world, client_as):
    response = client_as("business_manager").post(agency_url(world, "add"), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the agency&#x27;s name." in html
    assert "Choose what kind of agency it is." in html
    assert 'href="#id_name"' in html


def test_agency_pages_offer_changes_only_to_the_manager(world, client_as):
    manager = client_as("business_manager").get(agency_url(world, "list")).content.decode()
    lead = client_as("lead_a").get(agency_url(world, "list")).content.decode()
    assert agency_url(world, "add") in manager and agency_url(world, "add") not in lead
    detail = agency_url(world, "detail", world.agency_a)
    assert agency_url(world, "edit", world.agency_a) in client_as("business_manager").get(detail).content.decode()
    for role in ("lead_a", "scrutineer", "contributor"):
        html = client_as(role).get(detail).content.decode()
        assert agency_url(world, "edit", world.agency_a) not in html
        assert agency_url(world, "representative_add", world.agency_a) not in html


def test_manager_changes_an_agency(world, client_as):
    post = {"name": "Schools and Colleges", "short_name": "Schools", "slug": "schools", "kind": "education"}
    response = client_as("business_manager").post(agency_url(world, "edit", world.agency_c), post)
    assert response.status_code == 302
    assert Agency.objects.get(pk=world.agency_c.pk).name == "Schools and Colleges"


def test_edit_form_starts_with_the_agency_values(world, client_as):
    html = client_as("business_manager").get(agency_url(world, "edit", world.agency_b)).content.decode()
    assert 'value="Police"' in html
    assert '<option value="police" selected>Police</option>' in html
    assert '<option value="statutory_partner" selected>Statutory partner</option>' in html


def test_deactivate_and_reactivate_from_the_pages(world, client_as):
    client = client_as("business_manager")
    response = client.post(agency_url(world, "deactivate", world.agency_c), follow=True)
    html = response.content.decode()
    assert "Schools is deactivated" in html and 'data-testid="deactivated"' in html
    listing = client.get(agency_url(world, "list")).content.decode()
    assert 'data-testid="deactivated-agencies"' in listing
    client.post(agency_url(world, "reactivate", world.agency_c))
    assert Agency.objects.get(pk=world.agency_c.pk).active


def test_refused_deactivation_is_a_banner(world, client_as):
    response = client_as("business_manager").post(agency_url(world, "deactivate", world.agency_a), follow=True)
    assert "Council is the partnership&#x27;s statutory partner for local authority" in response.content.decode()
    assert Agency.objects.get(pk=world.agency_a.pk).active


@pytest.mark.parametrize(("role", "status"), [("scrutineer", 403), ("lead_c", 403), ("outsider", 404)])
def test_only_the_manager_posts_agency_changes(world, client_as, role, status):
    client = client_as(role)
    assert client.post(agency_url(world, "deactivate", world.agency_c)).status_code == status
    assert client.post(agency_url(world, "add"), AGENCY_POST).status_code == status
    assert Agency.objects.get(pk=world.agency_c.pk).active
    assert Agency.objects.count() == 3


def test_manager_adds_changes_moves_and_removes_seats(world, client_as):
    client = client_as("business_manager")
    add = agency_url(world, "representative_add", world.agency_a)
    client.post(add, {"role_title": "Director", "name": ""})
    client.post(add, {"role_title": "Lead officer", "name": "A Person"})
    first, second = world.agency_a.representatives.all()
    kwargs = {"representative_id": second.pk}
    args = [world.partnership.slug, world.agency_a.slug, second.pk]
    client.post(reverse("agencies:representative_move", args=args), {"direction": "up"})
    assert [s.role_title for s in world.agency_a.representatives.all()] == ["Lead officer", "Director"]
    client.post(reverse("agencies:representative_edit", args=args), {"role_title": "Lead", "name": "A Person"})
    assert Representative.objects.get(**{"pk": kwargs["representative_id"]}).role_title == "Lead"
    client.post(reverse("agencies:representative_remove", args=[world.partnership.slug, "council", first.pk]))
    assert [s.role_title for s in world.agency_a.representatives.all()] == ["Lead"]


def test_duplicate_seat_is_shown_on_the_form(world, client_as):
    from tests.factories import RepresentativeFactory

    RepresentativeFactory(agency=world.agency_a, role_title="Director")
    response = client_as("business_manager").post(
        agency_url(world, "representative_add", world.agency_a), {"role_title": "Director"}
    )
    assert response.status_code == 400
    assert "Council already has a seat called &#x27;Director&#x27;." in response.content.decode()


def test_seat_of_another_agency_is_not_found(world, client_as):
    from tests.factories import RepresentativeFactory

    seat = RepresentativeFactory(agency=world.agency_b)
    url = reverse("agencies:representative_edit", args=[world.partnership.slug, world.agency_a.slug, seat.pk])
    assert client_as("business_manager").get(url).status_code == 404


def period_url(world, name, *extra):
    return reverse(f"agencies:{name}", args=[world.partnership.slug, world.period.slug, *extra])


def test_funding_page_gives_the_manager_change_links_and_history(world, client_as):
    from agencies import services

    contribution = services.funding_create(
        user=world.users["business_manager"], period=world.period, agency=world.agency_a, amount=Decimal("100")
    )
    services.funding_change(
        user=world.users["business_manager"], contribution=contribution, amount=Decimal("120.5"), note="Core"
    )
    manager = client_as("business_manager").get(funding_url(world)).content.decode()
    scrutineer = client_as("scrutineer").get(funding_url(world)).content.decode()
    edit = period_url(world, "funding_edit", "council")
    assert edit in manager and edit not in scrutineer
    assert period_url(world, "funding_import") in manager and period_url(world, "funding_import") not in scrutineer
    assert "changed. Amount £100 to £120.50; Note ‘none’ to ‘Core’" in manager
    assert "entered. Amount £100" in manager


def test_manager_enters_funding_with_pounds_and_commas(world, client_as):
    response = client_as("business_manager").post(
        period_url(world, "funding_add"), {"agency": world.agency_b.pk, "amount": "£1,250.50", "note": ""}
    )
    assert response.status_code == 302
    assert FundingContribution.objects.get(agency=world.agency_b).amount == Decimal("1250.50")


def test_bad_amount_is_shown_on_the_field(world, client_as):
    response = client_as("business_manager").post(
        period_url(world, "funding_add"), {"agency": world.agency_b.pk, "amount": "-3", "note": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Add a contribution" in html
    assert 'href="#id_amount">Enter an amount of £0 or more: a contribution cannot be negative.</a>' in html
    assert FundingContribution.objects.count() == 0


def test_funding_form_offers_only_this_partnerships_active_agencies_without_funding(world, client_as):
    from tests.factories import PartnershipFactory

    stranger = AgencyFactory(partnership=PartnershipFactory(), name="Elsewhere Police")
    FundingFactory(agency=world.agency_a, period=world.period)
    html = client_as("business_manager").get(period_url(world, "funding_add")).content.decode()
    assert "Police" in html and "Schools" in html
    assert f'value="{world.agency_a.pk}"' not in html and "Elsewhere Police" not in html
    response = client_as("business_manager").post(
        period_url(world, "funding_add"), {"agency": stranger.pk, "amount": "5"}
    )
    assert response.status_code == 400
    assert "Choose one of the agencies listed" in response.content.decode()
    assert not FundingContribution.objects.filter(agency=stranger).exists()


def test_manager_changes_and_deletes_a_contribution(world, client_as):
    FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("5"))
    client = client_as("business_manager")
    client.post(period_url(world, "funding_edit", "council"), {"amount": "6", "note": "Core"})
    assert FundingContribution.objects.get().note == "Core"
    client.post(period_url(world, "funding_remove", "council"))
    assert FundingContribution.objects.count() == 0


def test_scrutineer_cannot_change_funding(world, client_as):
    FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("5"))
    client = client_as("scrutineer")
    assert client.post(period_url(world, "funding_edit", "council"), {"amount": "6"}).status_code == 403
    assert client.post(period_url(world, "funding_remove", "council")).status_code == 403
    assert client_as("outsider").post(period_url(world, "funding_remove", "council")).status_code == 404
    assert FundingContribution.objects.get().amount == Decimal("5.00")


def test_contribution_that_does_not_exist_is_not_found(world, client_as):
    assert client_as("business_manager").get(period_url(world, "funding_edit", "police")).status_code == 404
