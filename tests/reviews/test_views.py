import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import reviews.views
from reviews.models import ActionStatus, ActionUpdate, ReviewAction, ReviewKind
from tests.reviews.factories import ActionFactory, BriefingFactory, RecommendationFactory, ReviewFactory, RiskFactory

D = datetime.date
TODAY = D(2019, 12, 31)  # a Tuesday; 1 Jan 2020 is a bank holiday
pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world, monkeypatch):
    monkeypatch.setattr(reviews.views, "_today", lambda: TODAY)
    # Aware Mon 23 Dec: notification due Thu 2 Jan (see test_clock); on Tue 31 Dec only Thu 2 Jan is left.
    due_soon = ReviewFactory(partnership=world.partnership, reference="CSPR-1", title="Child A", kind=ReviewKind.LCSPR)
    # Aware Mon 2 Dec: due Mon 9 Dec, never sent. Working days after 9 Dec to 31 Dec: 10-13 (4), 16-20 (9),
    # 23-24 (11), 25-26 bank holidays, 27 (12), 30-31 (14): 14 working days overdue.
    breached = ReviewFactory(
        partnership=world.partnership,
        reference="RR-2",
        title="Child B",
        kind=ReviewKind.RAPID_REVIEW,
        became_aware_on=D(2019, 12, 2),
    )
    rec = RecommendationFactory(review=due_soon, number=1, text="Share information sooner.")
    own = ActionFactory(
        recommendation=rec, number=1, owner=world.agency_a, due_on=D(2019, 12, 1), description="Council audit"
    )
    other = ActionFactory(
        recommendation=rec,
        number=2,
        owner=world.agency_b,
        due_on=D(2020, 6, 30),
        status=ActionStatus.IN_PROGRESS,
        description="Police briefing",
    )
    RiskFactory(partnership=world.partnership, owner=world.agency_a, title="Author unavailable", likelihood=4, impact=5)
    BriefingFactory(partnership=world.partnership, title="Neglect briefing").reviews.add(due_soon)
    world.due_soon, world.breached, world.own, world.other = due_soon, breached, own, other
    return world


def url(name, world, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"partnership_slug": world.partnership.slug, **kwargs})


@pytest.mark.parametrize(("role", "status"), [("business_manager", 200), ("scrutineer", 200), ("lead_a", 403),
                                              ("contributor", 403), ("outsider", 404)])  # fmt: skip
def test_dashboard_access(data, client_as, role, status):
    assert client_as(role).get(url("dashboard", data)).status_code == status


def test_dashboard_lists_breaches_due_soon_and_overdue_actions(data, client_as):
    response = client_as("business_manager").get(url("dashboard", data))
    board = response.context["board"]
    assert [(i.review.reference, i.clock.rule.code, i.clock.days_left) for i in board.breached] == [
        ("RR-2", "notification", -14)
    ]
    assert [(i.review.reference, i.clock.rule.code, i.clock.due) for i in board.due_soon] == [
        ("CSPR-1", "notification", D(2020, 1, 2))
    ]
    assert [a.description for a in board.overdue_actions] == ["Council audit"]
    content = response.content.decode()
    assert "14 working days overdue" in content
    assert "1 working day left" in content
    assert "Breached timescales (1)" in content


@pytest.mark.parametrize(("role", "status"), [("business_manager", 200), ("scrutineer", 200), ("lead_a", 403),
                                              ("outsider", 404)])  # fmt: skip
def test_review_detail_access(data, client_as, role, status):
    assert client_as(role).get(url("detail", data, reference="CSPR-1")).status_code == status


def test_review_detail_shows_due_dates_days_left_and_breaches(data, client_as):
    response = client_as("business_manager").get(url("detail", data, reference="RR-2"))
    content = response.content.decode()
    assert "9 Dec 2019" in content
    assert "14 working days overdue" in content
    assert "Breached" in content


def test_unknown_review_is_404(data, client_as):
    assert client_as("business_manager").get(url("detail", data, reference="nope")).status_code == 404


def test_agency_lead_sees_only_their_agencys_actions(data, client_as):
    response = client_as("lead_a").get(url("actions", data))
    assert response.status_code == 200
    assert [a.description for a in response.context["actions"]] == ["Council audit"]


def test_overseer_sees_every_action(data, client_as):
    response = client_as("scrutineer").get(url("actions", data))
    assert [a.description for a in response.context["actions"]] == ["Council audit", "Police briefing"]
    assert response.context["can_update"] is False


UPDATE_ACCESS = [
    ("lead_a", 200),
    ("business_manager", 200),
    ("lead_b", 404),
    ("scrutineer", 403),
    ("contributor", 403),
    ("outsider", 404),
]


@pytest.mark.parametrize(("role", "status"), UPDATE_ACCESS)
def test_action_update_access(data, client_as, role, status):
    assert client_as(role).get(url("action_update", data, action_id=data.own.pk)).status_code == status


def test_agency_lead_updates_own_action_with_a_history_row(data, client_as):
    response = client_as("lead_a").post(
        url("action_update", data, action_id=data.own.pk),
        {"status": "completed", "completed_on": "2019-12-20", "completion_evidence": "Audit report", "note": "Done"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("actions", data)
    action = ReviewAction.objects.get(pk=data.own.pk)
    assert (action.status, action.completed_on, action.completion_evidence) == (
        "completed",
        D(2019, 12, 20),
        "Audit report",
    )
    update = ActionUpdate.objects.get(action=action)
    assert (update.user, update.from_status, update.to_status, update.note, update.code) == (
        data.users["lead_a"],
        "not_started",
        "completed",
        "Done",
        "reviews.action.completed",
    )


def test_agency_lead_cannot_update_another_agencys_action(data, client_as):
    response = client_as("lead_b").post(url("action_update", data, action_id=data.own.pk), {"status": "in_progress"})
    assert response.status_code == 404
    assert ReviewAction.objects.get(pk=data.own.pk).status == "not_started"
    assert not ActionUpdate.objects.exists()


def test_completing_without_evidence_is_refused_with_a_message(data, client_as):
    response = client_as("lead_a").post(url("action_update", data, action_id=data.own.pk), {"status": "completed"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter the date the action was completed, or choose another status." in content
    assert "Describe the evidence of completion, or choose another status." in content
    assert ReviewAction.objects.get(pk=data.own.pk).status == "not_started"
    assert not ActionUpdate.objects.exists()


def test_completion_date_in_the_future_is_refused_with_a_message(data, client_as):
    response = client_as("lead_a").post(
        url("action_update", data, action_id=data.own.pk),
        {"status": "completed", "completed_on": "2020-01-02", "completion_evidence": "Audit report"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert (
        "The date completed cannot be in the future. Enter 31/12/2019 or an earlier date, "
        "or choose &#x27;In progress&#x27; until the action is done."
    ) in content
    assert ReviewAction.objects.get(pk=data.own.pk).status == "not_started"
    assert not ActionUpdate.objects.exists()


def test_unknown_status_is_refused(data, client_as):
    response = client_as("lead_a").post(url("action_update", data, action_id=data.own.pk), {"status": "overdue"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("business_manager", 200), ("scrutineer", 200), ("lead_a", 403),
                                              ("outsider", 404)])  # fmt: skip
def test_risk_register_access(data, client_as, role, status):
    assert client_as(role).get(url("risks", data)).status_code == status


def test_risk_register_shows_rating(data, client_as):
    response = client_as("business_manager").get(url("risks", data))
    assert [(r.title, r.score) for r in response.context["risks"]] == [("Author unavailable", 20)]


@pytest.mark.parametrize(("role", "status"), [("contributor", 200), ("lead_b", 200), ("outsider", 404)])
def test_briefings_access(data, client_as, role, status):
    response = client_as(role).get(url("briefings", data))
    assert response.status_code == status
    if status == 200:
        assert "Neglect briefing" in response.content.decode()


def _more_actions(world, count):
    for _ in range(count):
        review = ReviewFactory(partnership=world.partnership, became_aware_on=D(2019, 12, 2))
        ActionFactory(recommendation=RecommendationFactory(review=review), owner=world.agency_a, due_on=D(2019, 12, 1))


@pytest.mark.parametrize("name", ["dashboard", "actions"])
def test_page_queries_do_not_grow_with_data(data, client_as, name):
    client = client_as("business_manager")
    client.get(url(name, data))  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(url(name, data))
    _more_actions(data, 15)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(name, data))
    assert response.status_code == 200
    assert len(small) == len(large)


REVIEW_FORM = {
    "reference": "CSPR-9",
    "title": "Child Z",
    "kind": "lcspr",
    "status": "scoping",
    "became_aware_on": "2020-01-06",
    "notification_sent_on": "2020-01-10",
    "learning_themes": "Neglect\nVoice of the child",
}


@pytest.mark.parametrize(("role", "status"), [("business_manager", 200), ("scrutineer", 403), ("lead_a", 403),
                                              ("outsider", 404)])  # fmt: skip
def test_review_create_access(data, client_as, role, status):
    assert client_as(role).get(url("create", data)).status_code == status


def test_business_manager_records_a_review(data, client_as):
    response = client_as("business_manager").post(url("create", data), REVIEW_FORM)
    assert response.status_code == 302
    assert response["Location"] == url("detail", data, reference="CSPR-9")
    review = data.partnership.practice_reviews.get(reference="CSPR-9")
    assert (review.title, review.notification_sent_on, review.themes) == (
        "Child Z",
        D(2020, 1, 10),
        ["Neglect", "Voice of the child"],
    )


def test_review_dates_out_of_order_are_refused_with_a_message(data, client_as):
    response = client_as("business_manager").post(
        url("create", data), {**REVIEW_FORM, "notification_sent_on": "2020-01-03"}
    )
    assert response.status_code == 200
    assert (
        "Serious incident notification sent to the national panel cannot be before partnership became aware "
        "of the incident. Check both dates."
    ) in response.content.decode()
    assert not data.partnership.practice_reviews.filter(reference="CSPR-9").exists()


def test_review_dates_out_of_order_across_a_blank_step_are_refused_with_a_message(data, client_as):
    form = {**REVIEW_FORM, "decision_on": "2020-03-02", "published_on": "2020-02-03"}  # not completed yet
    response = client_as("business_manager").post(url("create", data), form)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Review published cannot be before decision to hold a local review. Check both dates." in content
    assert not data.partnership.practice_reviews.filter(reference="CSPR-9").exists()


def test_duplicate_reference_is_refused_with_a_message(data, client_as):
    response = client_as("business_manager").post(url("create", data), {**REVIEW_FORM, "reference": "RR-2"})
    assert response.status_code == 200
    assert "Another review already has the reference RR-2. Choose a different one." in response.content.decode()


def test_business_manager_changes_a_review(data, client_as):
    response = client_as("business_manager").post(
        url("edit", data, reference="RR-2"),
        {**REVIEW_FORM, "reference": "RR-2", "kind": "rapid_review", "became_aware_on": "2019-12-02"},
    )
    assert response.status_code == 302
    data.breached.refresh_from_db()
    assert (data.breached.title, data.breached.notification_sent_on) == ("Child Z", D(2020, 1, 10))


def test_scrutineer_cannot_change_a_review(data, client_as):
    response = client_as("scrutineer").post(url("edit", data, reference="RR-2"), REVIEW_FORM)
    assert response.status_code == 403
    data.breached.refresh_from_db()
    assert data.breached.title == "Child B"


def test_review_detail_queries_do_not_grow_with_actions(data, client_as):
    client = client_as("business_manager")
    address = url("detail", data, reference="CSPR-1")
    client.get(address)
    with CaptureQueriesContext(connection) as small:
        client.get(address)
    for number in range(2, 8):
        rec = RecommendationFactory(review=data.due_soon, number=number)
        ActionFactory(recommendation=rec, number=1, owner=data.agency_b)
    with CaptureQueriesContext(connection) as large:
        response = client.get(address)
    assert len(response.context["review"].recommendations.all()) == 7
    assert len(small) == len(large)


@pytest.mark.parametrize(
    ("role", "link"),
    [
        ("business_manager", "Track practice reviews: statutory timescales, action plans and risks"),
        ("scrutineer", "Track practice reviews: statutory timescales, action plans and risks"),
        ("lead_a", "Update your agencies' practice review actions"),
        ("contributor", "Read the learning briefings from practice reviews"),
    ],
)
def test_home_links_to_the_review_pages_for_each_role(world, client_as, role, link):
    assert link in html.unescape(client_as(role).get(reverse("home")).content.decode())


def test_an_action_update_from_the_page_is_audited(data, client_as):
    from partnership.models import AuditEntry

    client_as("lead_a").post(url("action_update", data, action_id=data.own.pk), {"status": "in_progress"})
    entry = AuditEntry.objects.get(code__startswith="reviews.")  # signing in is audited too
    assert (entry.code, entry.actor, entry.target_id, entry.data) == (
        "reviews.action.updated", data.users["lead_a"], data.own.pk,
        {"changes": {"status": ["not_started", "in_progress"]}, "note": ""},
    )  # fmt: skip


def test_a_changed_review_from_the_page_is_audited_with_what_changed(data, client_as):
    from partnership.models import AuditEntry

    form = {
        **REVIEW_FORM,
        "reference": "RR-2",
        "title": "Child B",
        "kind": "rapid_review",
        "summary": "An anonymised summary.",
    }
    client_as("business_manager").post(url("edit", data, reference="RR-2"), {**form, "became_aware_on": "2019-12-02"})
    entry = AuditEntry.objects.get(code__startswith="reviews.")
    assert (entry.code, entry.target_id) == ("reviews.review.changed", data.breached.pk)
    assert entry.data["changes"] == {
        "notification_sent_on": [None, "2020-01-10"],
        "learning_themes": ["", "Neglect\nVoice of the child"],
    }


def test_a_refusal_from_the_service_is_shown_on_the_review_form(data, client_as, monkeypatch):
    """A rule the form could not see (another manager took the reference a moment ago) still reaches the page."""
    from lib.errors import InvalidInput

    def refuse(**kwargs):
        raise InvalidInput("Another review already has the reference CSPR-9. Choose a different one.")

    monkeypatch.setattr(reviews.views, "review_create", refuse)
    response = client_as("business_manager").post(url("create", data), REVIEW_FORM)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Another review already has the reference CSPR-9. Choose a different one." in content
    assert not data.partnership.practice_reviews.filter(reference="CSPR-9").exists()
