"""The tracked items' pages: the list, an item's page with its rating form, adding and changing an item; and
the section editor's list of areas for development."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import SectionRevision, TrackedItem
from tests.reports.conftest import content, make_section, put_in_state
from tests.reports.test_views import form_data
from tests.reports.test_views import url as section_url

PERIOD = {"partnership_slug": "tsp", "period_slug": "2019-20"}


def url(name, item=None):
    return reverse(f"reports:{name}", kwargs=PERIOD | ({"item_uuid": item.uuid} if item else {}))


@pytest.fixture
def items(world):
    made = {}
    for n, (title, owner) in enumerate(
        [("Council item", world.agency_a), ("Police item", world.agency_b), ("Partnership item", None)], start=1
    ):
        made[title] = TrackedItem.objects.create(
            period=world.period, title=title, origin="priority", owner_agency=owner, position=n
        )
    return made


def _titles(response) -> list[str]:
    return [item.title for item in response.context["page"].object_list]


def test_the_list_shows_a_contributor_only_their_agencys_items(client_as, items):
    assert _titles(client_as("contributor").get(url("progress"))) == ["Council item"]
    assert _titles(client_as("lead_b").get(url("progress"))) == ["Council item", "Police item", "Partnership item"]
    response = client_as("business_manager").get(url("progress"))
    assert response.context["can_manage"] is True
    assert "Add an item" in response.content.decode()
    assert "Add an item" not in client_as("lead_a").get(url("progress")).content.decode()


def test_the_list_pages_through_items_at_a_constant_cost(client_as, world, items):
    client = client_as("business_manager")

    def queries(page=1):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("progress"), {"page": page})
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    queries()  # the first request of a session does its own bookkeeping
    few, _ = queries()
    for n in range(4, 41):
        TrackedItem.objects.create(period=world.period, title=f"Item {n}", origin="added", position=n)
    many, response = queries()
    assert many == few
    assert len(response.context["page"].object_list) == 25
    _, second = queries(2)
    assert _titles(second)[0] == "Item 26" and len(_titles(second)) == 15


def test_another_agencys_contributor_gets_404_for_an_item(client_as, items):
    assert client_as("contributor").get(url("tracked_item", items["Police item"])).status_code == 404
    assert client_as("contributor").get(url("tracked_item", items["Council item"])).status_code == 200


def test_a_lead_reads_another_agencys_item_without_the_rating_form(client_as, items):
    response = client_as("lead_b").get(url("tracked_item", items["Council item"]))
    assert response.status_code == 200 and response.context["form"] is None
    assert "Rate its progress" not in response.content.decode()
    refused = client_as("lead_b").post(url("tracked_item", items["Council item"]), {"rating": "achieved"})
    assert refused.status_code == 403
    assert TrackedItem.objects.get(pk=items["Council item"].pk).rating == "not_rated"


def test_little_progress_without_an_explanation_shows_what_to_do_and_changes_nothing(client_as, items):
    item = items["Council item"]
    response = client_as("lead_a").post(url("tracked_item", item), {"rating": "little", "evidence": "Tried."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert "Say why there was little or no progress: the report must explain it." in page
    assert 'href="#id_what_will_change"' in page
    item.refresh_from_db()
    assert item.rating == "not_rated" and item.evidence == ""


def test_the_owning_lead_rates_with_linked_evidence(client_as, world, items):
    section = make_section(world.period, slug="council-working", position=1, owner=world.agency_a)
    put_in_state(section, "draft", world.users["lead_a"])
    item = items["Council item"]
    client = client_as("lead_a")
    choices = dict(client.get(url("tracked_item", item)).context["form"].fields["links"].choices)
    assert choices["section:council-working"] == "Sections of this report: Council Working"
    assert choices["training:attended"] == "Training figures: Delegates who attended"
    response = client.post(
        url("tracked_item", item),
        {"rating": "good", "evidence": "Every conference had a GP report.", "links": ["section:council-working"]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.rating == "good"
    assert item.evidence_links == [{"kind": "section", "ref": "council-working", "label": "Council Working"}]


def test_the_manager_adds_and_reassigns_but_a_lead_only_changes_the_text(client_as, world, items):
    manager = client_as("business_manager")
    response = manager.post(url("progress_add"), {"title": "New item", "detail": "", "owner_agency": world.agency_c.pk})
    assert response.status_code == 302
    added = TrackedItem.objects.get(title="New item")
    assert added.owner_agency == world.agency_c and added.origin == "added"
    assert "Enter title." in manager.post(url("progress_add"), {"title": ""}).content.decode()
    lead_form = client_as("lead_a").get(url("tracked_item_edit", items["Council item"])).context["form"]
    assert "owner_agency" not in lead_form.fields
    client_as("lead_a").post(
        url("tracked_item_edit", items["Council item"]), {"title": "Renamed", "owner_agency": world.agency_b.pk}
    )
    renamed = TrackedItem.objects.get(pk=items["Council item"].pk)
    assert (renamed.title, renamed.owner_agency) == ("Renamed", world.agency_a)
    manager.post(url("tracked_item_edit", renamed), {"title": "Renamed", "owner_agency": world.agency_b.pk})
    assert TrackedItem.objects.get(pk=renamed.pk).owner_agency == world.agency_b


DEVELOPMENT = {"development-TOTAL_FORMS": "2", "development-INITIAL_FORMS": "0"}


def test_the_editor_saves_areas_for_development_as_a_list(client_as, sections):
    data = form_data("Text.", **DEVELOPMENT, **{
        "development-0-title": "GP reports", "development-0-detail": "For every conference.",
        "development-1-title": "", "development-1-detail": "",
    })  # fmt: skip
    response = client_as("lead_a").post(section_url("section_edit", sections.a), data)
    assert response.status_code == 302
    revision = SectionRevision.objects.get(section=sections.a)
    assert revision.content["development_items"] == [{"title": "GP reports", "detail": "For every conference."}]
    page = client_as("lead_a").get(section_url("section", sections.a)).content.decode()
    assert "<strong>GP reports</strong>: For every conference." in page
    editor = client_as("lead_a").get(section_url("section_edit", sections.a))
    assert editor.context["development"].initial == [{"title": "GP reports", "detail": "For every conference."}]


def test_a_detail_without_a_title_is_refused_with_the_item_named(client_as, sections):
    data = form_data("Text.", **DEVELOPMENT, **{"development-0-title": "", "development-0-detail": "Something."})
    response = client_as("lead_a").post(section_url("section_edit", sections.a), data)
    assert response.status_code == 200
    assert (
        "id_development-0-title",
        "Area for development 1 (title): Give the area for development a short title, or remove it.",
    ) in response.context["summary_errors"]
    assert not SectionRevision.objects.filter(section=sections.a).exists()


def test_add_another_area_keeps_what_was_typed(client_as, sections):
    data = form_data(**DEVELOPMENT, **{"development-0-title": "Kept"}) | {"add_development": "1"}
    data.pop("save")
    response = client_as("lead_a").post(section_url("section_edit", sections.a), data)
    formset = response.context["development"]
    assert formset.total_form_count() == 3
    assert 'value="Kept"' in response.content.decode()


def test_an_old_revision_without_the_list_still_opens_in_the_editor(client_as, world, sections):
    put_in_state(sections.a, "draft", world.users["lead_a"])
    assert "development_items" not in SectionRevision.objects.get(section=sections.a).content
    response = client_as("lead_a").get(section_url("section_edit", sections.a))
    assert response.status_code == 200 and response.context["development"].initial == []
    assert client_as("lead_a").get(section_url("section", sections.a)).status_code == 200
    assert "development_items" not in content()  # the shared helper makes revisions as they were before
