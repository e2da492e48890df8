"""The home page's task list: what needs each person now, with counts and links."""

import datetime

import pytest
from django.urls import reverse

from people.invitations import invitation_create
from people.models import Role
from reports import services
from reports.models import Challenge, Section
from reports.tasklist import tasks_for
from tests.reports.conftest import content, put_in_state

TODAY = datetime.date(2020, 9, 20)  # ten days before the test period's deadline (30 September 2020)


def texts(world, role, **kwargs):
    return [t.text for t in tasks_for(user=world.users[role], period=world.period, today=TODAY, **kwargs)]


def test_manager_sees_sections_waiting_for_review_but_not_their_own(world, sections):
    put_in_state(sections.a, "submitted", world.users["lead_a"])
    put_in_state(sections.b, "submitted", world.users["lead_b"])
    assert "2 sections are waiting for your review" in texts(world, "business_manager")
    put_in_state(sections.intro, "submitted", world.users["business_manager"])
    assert "2 sections are waiting for your review" in texts(world, "business_manager")


def test_writer_sees_returned_sections_challenges_and_what_is_not_submitted(world, sections):
    section = put_in_state(sections.a, "submitted", world.users["lead_a"])
    services.section_request_changes(user=world.users["business_manager"], section=section, reason="More.")
    services.challenge_raise(user=world.users["scrutineer"], section=section, question="Why?")
    lead = texts(world, "lead_a")
    assert lead[:2] == ["1 section was returned to you for changes", "1 challenge needs your answer"]
    assert texts(world, "lead_b") == ["1 of your sections is not yet submitted: due by 30 September 2020, in 10 days"]


def test_scrutineer_sees_answers_to_close(world, sections):
    challenge = services.challenge_raise(user=world.users["scrutineer"], section=sections.a, question="Why?")
    services.section_save(user=world.users["lead_a"], section=sections.a, content=content("x"), based_on=None)
    services.challenge_answer(
        user=world.users["lead_a"], challenge=Challenge.objects.get(pk=challenge.pk), answer="So."
    )
    assert texts(world, "scrutineer") == ["1 answer is waiting for you to read and close"]


def test_overdue_is_counted_in_days_unless_the_period_is_a_catch_up(world, sections):
    late = datetime.date(2020, 10, 3)
    (task,) = tasks_for(user=world.users["lead_b"], period=world.period, today=late)
    assert task.text == "1 of your sections is not yet submitted: 3 days past the deadline of 30 September 2020"
    world.period.is_catch_up = True
    (task,) = tasks_for(user=world.users["lead_b"], period=world.period, today=late)
    assert task.text == "1 of your sections is not yet submitted"


def test_statutory_lead_is_asked_to_sign_off_only_the_final_draft(world, sections):
    put_in_state(sections.a, "approved", world.users["lead_a"])
    put_in_state(sections.b, "approved", world.users["lead_b"])
    put_in_state(sections.intro, "submitted", world.users["business_manager"])
    assert not any("sign-off" in t for t in texts(world, "lead_b"))
    intro = Section.objects.get(pk=sections.intro.pk)
    Section.objects.filter(pk=intro.pk).update(state="approved", approved_revision=intro.current_revision)
    assert "The final draft is waiting for your sign-off for Police" in texts(world, "lead_b")
    assert not any("sign-off" in t for t in texts(world, "lead_c"))


def test_pending_invitations_are_a_task_for_the_manager_on_the_home_page(world, client_as):
    invitation_create(user=world.users["business_manager"], partnership=world.partnership, email="p@example.org",
                      role=Role.SCRUTINEER)  # fmt: skip
    html = client_as("business_manager").get(reverse("home")).content.decode()
    assert "1 invitation is waiting to be accepted" in html
    assert "Nothing needs you right now." in client_as("contributor").get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["lead_a", "business_manager", "scrutineer"])
def test_home_query_count_does_not_grow_with_sections(world, client_as, role, django_assert_max_num_queries):
    client = client_as(role)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("home")).status_code == 200


def test_outline_shows_theme_titles_and_assign_shows_names(world, sections, client_as):
    from reports.models import SectionSpec

    SectionSpec.objects.filter(pk=sections.a.spec_id).update(themes=["training"])
    outline = client_as("business_manager").get(reverse("reports:outline", args=["tsp", "2019-20"])).content.decode()
    assert "Training and its impact" in outline and ">training<" not in outline
    contributor = world.users["contributor"]
    contributor.first_name, contributor.last_name = "Cara", "Jones"
    contributor.save()
    page = client_as("lead_a").get(reverse("reports:section_assign", args=["tsp", "2019-20", "council-working"]))
    assert "Cara Jones (contributor-a@example.org)" in page.content.decode()


def test_an_outline_entry_without_an_address_gets_one_from_its_title(world):
    spec = services.spec_create(
        user=world.users["business_manager"], period=world.period,
        fields={"title": "Child Death Overview Panel", "slug": "", "kind": "narrative", "author": "agency",
                "owner_agency": world.agency_a, "level": 2},
    )  # fmt: skip
    again = services.spec_create(
        user=world.users["business_manager"], period=world.period,
        fields={"title": "Child Death Overview Panel", "slug": "", "kind": "narrative", "author": "agency",
                "owner_agency": world.agency_a, "level": 2},
    )  # fmt: skip
    assert (spec.slug, again.slug) == ("child-death-overview-panel", "child-death-overview-panel-2")


def test_a_catch_up_period_shows_no_days_late_on_the_dashboard(world, sections, client_as):
    url = reverse("reports:dashboard", args=["tsp", "2019-20"])
    assert "portal-overdue" in client_as("business_manager").get(url).content.decode()
    type(world.period).objects.filter(pk=world.period.pk).update(is_catch_up=True)
    html = client_as("business_manager").get(url).content.decode()
    assert "portal-overdue" not in html and "days late" not in html and "Not started" in html
