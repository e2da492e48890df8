"""The business manager's setup pages: who may open them, what a save does, and what bad input shows."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership import services
from partnership.models import AuditEntry, Partnership, Priority, ReportingPeriod, Subgroup, SubgroupMeetings

P = {"partnership_slug": "tsp"}


def url(name, **extra):
    return reverse(f"partnership:{name}", kwargs=P | extra)


def text(response) -> str:
    return response.content.decode()


def title(response) -> str:
    page = text(response)
    return page[page.index("<title>") + 7 : page.index("</title>")].strip()


@pytest.fixture
def priority(world):
    return services.priority_add(user=world.users["business_manager"], partnership=world.partnership, title="Neglect")


@pytest.fixture
def subgroup(world):
    return services.subgroup_add(user=world.users["business_manager"], partnership=world.partnership, name="Learning")


PAGES = [
    ("settings", {}),
    ("period_add", {}),
    ("period_edit", {"period_slug": "2019-20"}),
    ("period_close", {"period_slug": "2019-20"}),
    ("priorities", {}),
    ("priority_add", {}),
    ("priority_edit", {"priority_id": "priority"}),
    ("priority_retire", {"priority_id": "priority"}),
    ("subgroups", {}),
    ("subgroup_add", {}),
    ("subgroup_edit", {"subgroup_slug": "learning"}),
    ("subgroup_meetings", {"subgroup_slug": "learning"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[p[0] for p in PAGES])
def test_setup_pages_are_for_the_business_manager_only(world, client_as, priority, subgroup, name, kwargs):
    kwargs = {k: (priority.pk if v == "priority" else v) for k, v in kwargs.items()}
    statuses = {
        role: client_as(role).get(url(name, **kwargs)).status_code
        for role in ("business_manager", "scrutineer", "lead_a", "outsider", "anonymous")
    }
    assert statuses == {"business_manager": 200, "scrutineer": 403, "lead_a": 403, "outsider": 404, "anonymous": 302}


def test_a_priority_of_another_partnership_is_not_found(world, client_as):
    from tests.factories import PartnershipFactory

    other = Priority.objects.create(partnership=PartnershipFactory(), position=1, title="Theirs")
    assert client_as("business_manager").get(url("priority_edit", priority_id=other.pk)).status_code == 404


# Settings ------------------------------------------------------------------------------------

SETTINGS = {"name": "Test Partnership", "short_name": "TSP", "area": "Somewhere", "about": ""}


def test_business_manager_saves_the_settings(world, client_as):
    response = client_as("business_manager").post(url("settings"), SETTINGS | {"about": "We are three partners."})
    assert response.status_code == 302
    assert response["Location"] == url("detail")
    assert Partnership.objects.get().about == "We are three partners."
    assert AuditEntry.objects.filter(code="partnership.partnership.changed").count() == 1


def test_settings_with_nothing_filled_in_show_every_problem(world, client_as):
    response = client_as("business_manager").post(url("settings"), {"name": "", "short_name": "", "area": ""})
    assert response.status_code == 400
    assert title(response).startswith("Error: Partnership settings")
    page = text(response)
    assert "There is a problem" in page
    assert "Enter the partnership&#x27;s name." in page
    assert "Enter a short name, for example the initials the partnership goes by." in page
    assert "Enter the local authority area the partnership covers." in page
    assert Partnership.objects.get().name == "Test Partnership"


def test_an_svg_logo_with_a_script_is_saved_without_it_and_the_manager_is_told(world, client_as):
    logo = SimpleUploadedFile(
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="4"/></svg>',
        content_type="image/svg+xml",
    )
    client = client_as("business_manager")
    response = client.post(url("settings"), SETTINGS | {"logo": logo})
    assert response.status_code == 302
    assert response["Location"] == url("settings")
    page = text(client.get(url("settings")))
    assert (
        "Some parts of the logo were taken out because a logo may not run code or load other files: "
        "&lt;script&gt;. Check the logo on this page looks right."
    ) in page
    assert 'src="data:image/svg+xml;base64,' in page
    with Partnership.objects.get().logo.open("rb") as handle:
        assert b"script" not in handle.read()


def test_a_file_that_is_not_an_image_is_refused_as_a_logo(world, client_as):
    logo = SimpleUploadedFile("minutes.docx", b"PK\x03\x04 a word document", content_type="application/msword")
    response = client_as("business_manager").post(url("settings"), SETTINGS | {"name": "Renamed", "logo": logo})
    assert response.status_code == 400
    assert title(response).startswith("Error: ")
    assert "The logo must be an SVG or a PNG file. Choose a file whose name ends in .svg or .png." in text(response)
    partnership = Partnership.objects.get()
    assert (partnership.name, partnership.logo.name) == ("Test Partnership", "")


def test_a_logo_over_512_kb_is_refused_before_it_is_read(world, client_as):
    logo = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 600 * 1024, content_type="image/png")
    response = client_as("business_manager").post(url("settings"), SETTINGS | {"logo": logo})
    assert response.status_code == 400
    assert "The logo is 600 KB; it can be at most 512 KB." in text(response)


def test_the_scrutineer_cannot_post_the_settings(world, client_as):
    response = client_as("scrutineer").post(url("settings"), SETTINGS | {"name": "Taken over"})
    assert response.status_code == 403
    assert client_as("outsider").post(url("settings"), SETTINGS | {"name": "Taken over"}).status_code == 404
    assert Partnership.objects.get().name == "Test Partnership"


# Periods -------------------------------------------------------------------------------------

PERIOD = {
    "label": "2020/21",
    "slug": "",
    "start": "2020-04-01",
    "end": "2021-03-31",
    "submission_deadline": "2021-09-30",
}


def test_opening_a_period_leads_to_its_outline_which_offers_the_last_ones(world, client_as):
    client = client_as("business_manager")
    response = client.post(url("period_add"), PERIOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:outline", args=["tsp", "2020-21"])
    outline = text(client.get(response["Location"]))
    assert "Opened 2020/21. Now set out its outline: copy the last period&#x27;s, or add sections." in outline
    assert "Copy the outline of 2019/20" in outline


def test_a_period_opened_after_its_deadline_is_a_catch_up_period(world, client_as):
    response = client_as("business_manager").post(
        url("period_add"),
        PERIOD | {"label": "2015/16", "start": "2015-04-01", "end": "2016-03-31", "submission_deadline": "2016-09-30"},
    )
    assert response.status_code == 302
    assert ReportingPeriod.objects.get(slug="2015-16").is_catch_up is True


def test_a_duplicate_period_address_is_refused_on_the_page(world, client_as):
    response = client_as("business_manager").post(url("period_add"), PERIOD | {"slug": "2019-20"})
    assert response.status_code == 400
    assert title(response).startswith("Error: Open a reporting period")
    assert "Another period of this partnership already uses the address &#x27;2019-20&#x27;. Choose another." in (
        text(response)
    )
    assert ReportingPeriod.objects.count() == 1


def test_a_date_that_is_not_a_date_is_named(world, client_as):
    response = client_as("business_manager").post(url("period_add"), PERIOD | {"end": "31/02/2021"})
    assert response.status_code == 400
    assert "Enter the end date as a real date, for example 31/3/2020." in text(response)
    assert ReportingPeriod.objects.count() == 1


def test_business_manager_changes_a_period(world, client_as):
    response = client_as("business_manager").post(
        url("period_edit", period_slug="2019-20"), PERIOD | {"label": "2019 to 2020", "start": "2019-04-01"}
    )
    assert response.status_code == 302
    period = ReportingPeriod.objects.get()
    assert (period.label, period.slug, period.end) == ("2019 to 2020", "2019-20", datetime.date(2021, 3, 31))


def test_a_period_ending_before_it_starts_is_refused_on_the_page(world, client_as):
    response = client_as("business_manager").post(
        url("period_edit", period_slug="2019-20"), PERIOD | {"end": "2020-01-01"}
    )
    assert response.status_code == 400
    assert "The end date must be after the start date." in text(response)
    assert ReportingPeriod.objects.get().label == "2019/20"


def test_business_manager_closes_a_period_after_confirming(world, client_as):
    client = client_as("business_manager")
    confirm = client.get(url("period_close", period_slug="2019-20"))
    assert "A closed period cannot be opened again." in text(confirm)
    assert ReportingPeriod.objects.get().closed_at is None
    response = client.post(url("period_close", period_slug="2019-20"))
    assert response.status_code == 302
    assert ReportingPeriod.objects.get().closed_at is not None
    detail = text(client.get(url("detail")))
    assert "Closed 2019/20." in detail
    edit = text(client.get(url("period_edit", period_slug="2019-20")))
    assert "so it can no longer be changed." in edit


def test_the_scrutineer_cannot_close_a_period(world, client_as):
    assert client_as("scrutineer").post(url("period_close", period_slug="2019-20")).status_code == 403
    assert ReportingPeriod.objects.get().closed_at is None


# Priorities ----------------------------------------------------------------------------------


def test_business_manager_adds_a_priority(world, client_as):
    response = client_as("business_manager").post(url("priority_add"), {"title": "Neglect", "description": ""})
    assert response.status_code == 302
    assert response["Location"] == url("priorities")
    assert list(Priority.objects.values_list("title", "position")) == [("Neglect", 1)]


def test_a_priority_without_a_title_is_refused_on_the_page(world, client_as):
    response = client_as("business_manager").post(url("priority_add"), {"title": " "})
    assert response.status_code == 400
    assert title(response).startswith("Error: Add a priority")
    assert "Enter the priority&#x27;s title." in text(response)
    assert Priority.objects.count() == 0


def test_priorities_move_from_the_list(world, client_as, priority):
    second = services.priority_add(
        user=world.users["business_manager"], partnership=world.partnership, title="Exploitation"
    )
    client = client_as("business_manager")
    page = text(client.get(url("priorities")))
    assert page.count('name="direction" value="up"') == 1
    assert page.count('name="direction" value="down"') == 1
    response = client.post(url("priority_move", priority_id=second.pk), {"direction": "up"})
    assert response.status_code == 302
    assert list(Priority.objects.order_by("position").values_list("title", flat=True)) == ["Exploitation", "Neglect"]


def test_moving_a_priority_needs_a_post(world, client_as, priority):
    assert client_as("business_manager").get(url("priority_move", priority_id=priority.pk)).status_code == 405
    assert (
        client_as("scrutineer").post(url("priority_move", priority_id=priority.pk), {"direction": "up"}).status_code
        == 403
    )


def test_a_retired_priority_leaves_the_partnership_page(world, client_as, priority):
    client = client_as("business_manager")
    assert "Neglect" in text(client.get(url("detail")))
    response = client.post(url("priority_retire", priority_id=priority.pk))
    assert response.status_code == 302
    assert Priority.objects.get().retired_at is not None
    assert "<li>Neglect" not in text(client.get(url("detail")))
    assert "Retired priorities" in text(client.get(url("priorities")))


def test_the_scrutineer_cannot_retire_a_priority(world, client_as, priority):
    assert client_as("scrutineer").post(url("priority_retire", priority_id=priority.pk)).status_code == 403
    assert Priority.objects.get().retired_at is None


# Subgroups -----------------------------------------------------------------------------------

SUBGROUP = {"name": "Case Review Group", "slug": "", "purpose": "", "chair": "", "oversees": "reviews"}


def test_business_manager_adds_a_subgroup_that_oversees_reviews(world, client_as):
    response = client_as("business_manager").post(url("subgroup_add"), SUBGROUP)
    assert response.status_code == 302
    assert list(Subgroup.objects.values_list("name", "slug", "oversees")) == [
        ("Case Review Group", "case-review-group", "reviews")
    ]
    detail = text(client_as("lead_a").get(url("detail")))
    assert "Oversees practice reviews for the report." in detail


def test_a_second_subgroup_for_reviews_is_refused_on_the_page(world, client_as, subgroup):
    client = client_as("business_manager")
    client.post(url("subgroup_add"), SUBGROUP)
    response = client.post(url("subgroup_edit", subgroup_slug="learning"), SUBGROUP | {"name": "Learning"})
    assert response.status_code == 400
    assert title(response).startswith("Error: Change Learning")
    assert "Case Review Group already oversees practice reviews." in text(response)
    assert Subgroup.objects.get(slug="learning").oversees == ""


def test_business_manager_records_meetings(world, client_as, subgroup):
    response = client_as("business_manager").post(
        url("subgroup_meetings", subgroup_slug="learning"), {"period": world.period.pk, "meetings_held": "6"}
    )
    assert response.status_code == 302
    assert SubgroupMeetings.objects.get().meetings_held == 6


def test_a_meeting_count_that_is_not_a_number_is_refused_on_the_page(world, client_as, subgroup):
    response = client_as("business_manager").post(
        url("subgroup_meetings", subgroup_slug="learning"), {"period": world.period.pk, "meetings_held": "six"}
    )
    assert response.status_code == 400
    assert title(response).startswith("Error: Meetings of Learning")
    assert "Enter the number of meetings as a whole number, for example 6." in text(response)
    assert SubgroupMeetings.objects.count() == 0


def test_the_scrutineer_cannot_record_meetings(world, client_as, subgroup):
    response = client_as("scrutineer").post(
        url("subgroup_meetings", subgroup_slug="learning"), {"period": world.period.pk, "meetings_held": "6"}
    )
    assert response.status_code == 403
    assert SubgroupMeetings.objects.count() == 0


# The partnership page ------------------------------------------------------------------------


def test_the_partnership_page_links_the_business_manager_to_setup_and_nobody_else(world, client_as):
    links = [
        url("settings"),
        url("period_add"),
        url("period_edit", period_slug="2019-20"),
        url("priorities"),
        url("subgroups"),
    ]
    manager_page = text(client_as("business_manager").get(url("detail")))
    assert [link in manager_page for link in links] == [True] * 5
    for role in ("scrutineer", "lead_a"):
        page = text(client_as(role).get(url("detail")))
        assert [link in page for link in links] == [False] * 5


def test_partnership_page_links_the_business_manager_to_the_people_page(client_as, world):
    people = reverse("people:list", args=["tsp"])
    assert f'href="{people}">People and their roles</a>' in text(client_as("business_manager").get(url("detail")))
    assert people not in text(client_as("lead_a").get(url("detail")))
