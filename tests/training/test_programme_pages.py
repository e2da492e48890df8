"""The business manager adds and changes courses and sessions; bad input gets a message and writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from partnership.models import Priority
from tests.training.factories import CourseFactory, SessionFactory
from training.models import Course, CourseSession


def url(name, **extra):
    return reverse(name, kwargs={"partnership_slug": "tsp", "period_slug": "2019-20", **extra})


COURSE = {
    "title": "Neglect",
    "topic": "Neglect",
    "delivery_partner": "",
    "duration_hours": "6",
    "audience": "All practitioners",
}


@pytest.mark.parametrize("name", ["training:course_add", "training:session_add"])
def test_add_pages_are_for_the_business_manager_only(world, client_as, name):
    statuses = {
        role: client_as(role).get(url(name)).status_code for role in ("business_manager", "scrutineer", "outsider")
    }
    assert statuses == {"business_manager": 200, "scrutineer": 403, "outsider": 404}


def test_business_manager_adds_a_course_with_its_priorities(world, client_as):
    priority = Priority.objects.create(
        partnership=world.partnership, position=1, title="Neglect across the life course"
    )
    response = client_as("business_manager").post(
        url("training:course_add"), COURSE | {"joint_with_adults": "on", "priorities": [priority.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == url("training:courses")
    course = Course.objects.get()
    assert (course.slug, course.duration_hours, course.joint_with_adults) == ("neglect", Decimal("6"), True)
    assert list(course.priorities.all()) == [priority]


def test_a_second_course_with_the_same_title_is_refused(world, client_as):
    CourseFactory(partnership=world.partnership, title="Neglect", slug="neglect")
    response = client_as("business_manager").post(url("training:course_add"), COURSE | {"title": "neglect"})
    assert response.status_code == 400
    assert "There is already a course called &#x27;neglect&#x27;. Give this one a different title." in (
        response.content.decode()
    )
    assert Course.objects.count() == 1


def test_a_course_of_no_length_is_refused(world, client_as):
    response = client_as("business_manager").post(url("training:course_add"), COURSE | {"duration_hours": "0"})
    assert response.status_code == 400
    assert "Enter a length of more than 0 hours, for example 3 or 6.5." in response.content.decode()
    assert Course.objects.count() == 0


def test_changing_a_course_keeps_its_address(world, client_as):
    course = CourseFactory(partnership=world.partnership, title="Neglect", slug="neglect")
    response = client_as("business_manager").post(
        url("training:course_edit", course_slug="neglect"), COURSE | {"title": "Neglect: recognising and responding"}
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.slug) == ("Neglect: recognising and responding", "neglect")


def session_data(course, **changes):
    return {
        "course": course.pk,
        "reference": "EV-1042",
        "starts_at": "2019-10-01T09:30",
        "venue": "Council House",
        "places_offered": "25",
    } | changes


def test_business_manager_adds_a_session(world, client_as):
    course = CourseFactory(partnership=world.partnership)
    response = client_as("business_manager").post(url("training:session_add"), session_data(course))
    assert response["Location"] == url("training:session", reference="ev-1042")
    session = CourseSession.objects.get()
    assert (session.reference, session.venue, session.online, session.places_offered) == (
        "ev-1042", "Council House", False, 25,
    )  # fmt: skip
    assert session.starts_at == datetime.datetime(2019, 10, 1, 8, 30, tzinfo=datetime.UTC)  # 09:30 BST


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"online": "on"}, "Leave the venue blank for an online session, or untick &#x27;Held online&#x27;."),
        ({"venue": ""}, "Enter the venue, or tick &#x27;Held online&#x27;."),
        (
            {"starts_at": "2020-04-01T09:30"},
            "Enter a start between 1 April 2019 and 31 March 2020, the dates of 2019/20.",
        ),
        (
            {"reference": "ev-1"},
            "There is already a session ev-1 in 2019/20. Check the Event ID in the booking system.",
        ),
        ({"places_offered": "-1"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_a_bad_session_is_refused_with_a_message(world, client_as, changes, message):
    course = CourseFactory(partnership=world.partnership)
    SessionFactory(course=course, period=world.period, reference="ev-1")
    response = client_as("business_manager").post(url("training:session_add"), session_data(course, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CourseSession.objects.count() == 1


def test_another_partnerships_course_cannot_be_chosen(world, client_as):
    stranger = CourseFactory()
    response = client_as("business_manager").post(url("training:session_add"), session_data(stranger))
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert CourseSession.objects.count() == 0


def test_a_refusal_from_the_service_is_shown_on_the_form_and_nothing_is_saved(world, client_as, monkeypatch):
    """A rule the form could not see (another manager took the title a moment ago) still reaches the page."""
    from lib.errors import InvalidInput
    from training import views

    def refuse(**kwargs):
        raise InvalidInput("There is already a course called 'Neglect'. Give this one a different title.")

    monkeypatch.setattr(views, "course_create", refuse)
    response = client_as("business_manager").post(url("training:course_add"), COURSE)
    assert response.status_code == 400
    assert "There is already a course called &#x27;Neglect&#x27;. Give this one a different title." in (
        response.content.decode()
    )
    assert Course.objects.count() == 0


def test_a_changed_course_page_is_audited_once(world, client_as):
    from partnership.models import AuditEntry

    CourseFactory(
        partnership=world.partnership, title="Neglect", slug="neglect", topic="Neglect", audience="All",
        duration_hours=Decimal("6"),
    )  # fmt: skip
    response = client_as("business_manager").post(
        url("training:course_edit", course_slug="neglect"), COURSE | {"audience": "All practitioners"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(code__startswith="training.")  # signing in is audited too
    assert (entry.code, entry.data) == (
        "training.course.changed",
        {"changes": {"audience": ["All", "All practitioners"]}},
    )
