"""Training services: who may call them, the one audit entry each writes, bad input, and the lock before the change."""

import datetime
from decimal import Decimal

import pytest
from django.test import TestCase

from lib.errors import InvalidInput, NotAllowed
from partnership.models import AuditEntry, Priority
from tests.factories import PeriodFactory, Role, UserFactory, grant
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
from tests.training.test_imports import GOOD
from training.models import Booking, BookingStatus, Course, CourseSession, ImportJob, ImportStatus
from training.services import (
    AttendanceChange,
    TrainingError,
    attendance_record,
    booking_import_confirm,
    booking_import_start,
    bookings_export,
    course_change,
    course_create,
    session_change,
    session_create,
)

pytestmark = pytest.mark.django_db
REFUSED = ("scrutineer", "lead_a")
MANAGER_ONLY = "Only the business manager can change the training programme."


def only_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, [entry.code for entry in entries]
    return entries[0]


def assert_entry(entry, *, code, actor, target, partnership):
    assert (entry.code, entry.actor, entry.partnership_id) == (code, actor, partnership.pk)
    assert (entry.target_type.model_class(), entry.target_id) == (type(target), target.pk)


@pytest.fixture
def programme(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.course = CourseFactory(
        partnership=world.partnership, title="Neglect", slug="neglect", topic="Neglect", duration_hours=Decimal("6")
    )
    world.session = SessionFactory(course=world.course, period=world.period, reference="ev-1")
    SessionFactory(
        course=world.course,
        period=world.period,
        reference="ev-2",
        starts_at=datetime.datetime(2020, 1, 15, 14, 0, tzinfo=datetime.UTC),
        venue="",
        online=True,
    )
    world.booking = BookingFactory(session=world.session, delegate_name="Ann Able", email="ann@example.org")
    world.manager = world.users["business_manager"]
    return world


# Attendance -----------------------------------------------------------------


def attended(booking, completed=True):
    return [AttendanceChange(booking_id=booking.pk, status=BookingStatus.ATTENDED, completed=completed)]


def test_business_manager_records_attendance_with_one_audit_entry(programme):
    changed = attendance_record(user=programme.manager, session=programme.session, changes=attended(programme.booking))
    assert changed == 1
    programme.booking.refresh_from_db()
    assert (programme.booking.status, programme.booking.completed) == (BookingStatus.ATTENDED, True)
    entry = only_entry()
    assert_entry(
        entry,
        code="training.session.attendance_recorded",
        actor=programme.manager,
        target=programme.session,
        partnership=programme.partnership,
    )
    assert entry.period_id == programme.period.pk
    assert entry.data == {
        "changed": 1,
        "bookings": {str(programme.booking.pk): {"status": ["booked", "attended"], "completed": [False, True]}},
    }


@pytest.mark.parametrize("role", REFUSED)
def test_attendance_is_refused_to_other_roles(programme, role):
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        attendance_record(user=programme.users[role], session=programme.session, changes=attended(programme.booking))
    assert Booking.objects.get(pk=programme.booking.pk).status == BookingStatus.BOOKED
    assert not AuditEntry.objects.exists()


def test_completed_without_attending_is_refused_and_writes_nothing(programme):
    changes = [AttendanceChange(booking_id=programme.booking.pk, status=BookingStatus.DID_NOT_ATTEND, completed=True)]
    with pytest.raises(TrainingError) as caught:
        attendance_record(user=programme.manager, session=programme.session, changes=changes)
    assert caught.value.message == (
        "Only a delegate who attended can have completed. Untick 'Completed' or mark them attended."
    )
    assert Booking.objects.get(pk=programme.booking.pk).status == BookingStatus.BOOKED
    assert not AuditEntry.objects.exists()


def test_a_booking_of_another_session_is_refused_and_nothing_is_written(programme):
    other = BookingFactory(session=SessionFactory(course=programme.course, period=programme.period))
    changes = attended(programme.booking) + attended(other)
    with pytest.raises(TrainingError, match="no longer belongs to the session. Reload the page and try again."):
        attendance_record(user=programme.manager, session=programme.session, changes=changes)
    assert Booking.objects.get(pk=programme.booking.pk).status == BookingStatus.BOOKED
    assert not AuditEntry.objects.exists()


def test_attendance_compares_with_the_locked_rows_not_the_form(programme):
    Booking.objects.filter(pk=programme.booking.pk).update(status=BookingStatus.ATTENDED, completed=True)
    changed = attendance_record(user=programme.manager, session=programme.session, changes=attended(programme.booking))
    assert changed == 0
    assert not AuditEntry.objects.exists()  # nothing changed, so nothing to audit


# Imports --------------------------------------------------------------------


def upload(world, user=None):
    """Upload, then let the check task (eager in tests) run once the upload is committed."""
    user = user or world.manager
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = booking_import_start(user=user, period=world.period, name="bookings.csv", raw=GOOD.read_bytes())
    job.refresh_from_db()
    return job


def confirm(*, user, job):
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_import_confirm(user=user, job=job)


def test_an_upload_is_audited_with_its_size_and_format(programme):
    job = upload(programme)
    entry = only_entry()
    assert_entry(
        entry, code="training.import.uploaded", actor=programme.manager, target=job, partnership=programme.partnership
    )
    assert entry.data == {"format": "csv", "bytes": len(GOOD.read_bytes())}  # the rows are counted later, by a worker


@pytest.mark.parametrize("role", REFUSED)
def test_an_upload_is_refused_to_other_roles(programme, role):
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        upload(programme, programme.users[role])
    assert not ImportJob.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_unreadable_upload_keeps_nothing_and_audits_nothing(programme):
    with pytest.raises(TrainingError, match="The file is empty. Export the attendee report again"):
        booking_import_start(user=programme.manager, period=programme.period, name="bookings.csv", raw=b"")
    assert not ImportJob.objects.exists()
    assert not AuditEntry.objects.exists()


def test_confirming_audits_the_confirmation_and_the_finish_as_the_uploaders_act(programme):
    job = upload(programme)
    second_manager = UserFactory(username="second-manager")
    grant(second_manager, programme.partnership, Role.BUSINESS_MANAGER)
    confirm(user=second_manager, job=job)
    confirmed, finished = AuditEntry.objects.exclude(code="training.import.uploaded").order_by("pk")
    assert_entry(
        confirmed, code="training.import.confirmed", actor=second_manager, target=job, partnership=programme.partnership
    )
    assert confirmed.data == {"rows": 5, "changes": {"status": ["ready", "importing"]}}
    assert_entry(
        finished,
        code="training.import.finished",
        actor=programme.manager,
        target=job,
        partnership=programme.partnership,
    )
    assert finished.data == {
        "result": "Imported",
        "new_rows": 4,
        "updated_rows": 1,
        "unchanged_rows": 0,
        "problems": 0,
        "changes": {"status": ["importing", "done"]},
    }


@pytest.mark.parametrize("role", REFUSED)
def test_confirming_is_refused_to_other_roles(programme, role):
    job = upload(programme)
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        confirm(user=programme.users[role], job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert list(AuditEntry.objects.values_list("code", flat=True)) == ["training.import.uploaded"]


def test_confirming_twice_is_refused_and_audited_once(programme):
    job = upload(programme)
    confirm(user=programme.manager, job=job)
    with pytest.raises(TrainingError, match="its status is 'Imported'. Upload the file again"):
        confirm(user=programme.manager, job=job)
    assert AuditEntry.objects.filter(code="training.import.confirmed").count() == 1
    assert AuditEntry.objects.filter(code="training.import.finished").count() == 1


def test_a_failed_import_is_audited_as_failed(programme):
    job = upload(programme)
    programme.period.course_sessions.filter(reference="ev-2").delete()
    confirm(user=programme.manager, job=job)
    finished = AuditEntry.objects.get(code="training.import.finished")
    assert finished.actor == programme.manager
    assert finished.data == {"result": "Failed", "problems": 2, "changes": {"status": ["importing", "failed"]}}
    assert Booking.objects.count() == 1  # rows 4 and 5 named the deleted session; nothing was written


def test_the_celery_task_audits_the_finish_as_the_uploaders_act_once(programme, monkeypatch):
    from training.services import imports
    from training.tasks import booking_import_run

    monkeypatch.setattr(imports, "_dispatch", lambda job, step: None)  # leave the job for the task
    job = upload(programme)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    booking_import_run.apply(args=[job.pk])
    booking_import_run.apply(args=[job.pk])  # a retry once the job is done does nothing
    finished = AuditEntry.objects.get(code="training.import.finished")
    assert_entry(
        finished,
        code="training.import.finished",
        actor=programme.manager,
        target=job,
        partnership=programme.partnership,
    )
    assert Booking.objects.count() == 5


# Export ---------------------------------------------------------------------


def test_an_export_is_audited_with_its_rows_and_format(programme):
    content = bookings_export(user=programme.manager, period=programme.period, file_format="csv")
    assert content.splitlines()[1].startswith("ev-1,Neglect,01/10/2019 10:30,Ann Able,ann@example.org")
    entry = only_entry()
    assert_entry(
        entry,
        code="training.bookings.exported",
        actor=programme.manager,
        target=programme.period,
        partnership=programme.partnership,
    )
    assert entry.data == {"rows": 1, "format": "csv"}


@pytest.mark.parametrize("role", REFUSED)
def test_an_export_is_refused_to_other_roles(programme, role):
    with pytest.raises(NotAllowed, match="Only the business manager can export the delegates' bookings."):
        bookings_export(user=programme.users[role], period=programme.period, file_format="xlsx")
    assert not AuditEntry.objects.exists()


def test_an_export_in_another_format_is_refused(programme):
    with pytest.raises(InvalidInput) as caught:
        bookings_export(user=programme.manager, period=programme.period, file_format="pdf")
    assert caught.value.errors == ["Choose CSV or XLSX for the export."]
    assert not AuditEntry.objects.exists()


# Courses --------------------------------------------------------------------

COURSE = {
    "title": " Thresholds ",
    "topic": "Thresholds",
    "delivery_partner": "",
    "duration_hours": Decimal("3"),
    "audience": "All practitioners",
    "joint_with_adults": True,
}


def test_business_manager_adds_a_course_with_one_audit_entry(programme):
    priority = Priority.objects.create(partnership=programme.partnership, position=1, title="Neglect")
    course = course_create(
        user=programme.manager, partnership=programme.partnership, values=COURSE | {"priorities": [priority]}
    )
    course = Course.objects.get(pk=course.pk)
    assert (course.title, course.slug, course.duration_hours) == ("Thresholds", "thresholds", Decimal("3.00"))
    assert list(course.priorities.all()) == [priority]
    entry = only_entry()
    assert_entry(
        entry, code="training.course.created", actor=programme.manager, target=course, partnership=programme.partnership
    )
    assert entry.data == {
        "changes": {
            "slug": [None, "thresholds"],
            "title": [None, "Thresholds"],
            "topic": [None, "Thresholds"],
            "delivery_partner": [None, ""],
            "duration_hours": [None, "3.00"],
            "audience": [None, "All practitioners"],
            "joint_with_adults": [None, True],
            "priorities": [None, [priority.pk]],
        }
    }


@pytest.mark.parametrize("role", REFUSED)
def test_adding_a_course_is_refused_to_other_roles(programme, role):
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        course_create(user=programme.users[role], partnership=programme.partnership, values=COURSE)
    assert Course.objects.count() == 1
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"title": "NEGLECT"}, ["There is already a course called 'NEGLECT'. Give this one a different title."]),
        ({"title": "!!"}, ["Enter a title with some letters or numbers in it."]),
        ({"duration_hours": Decimal("0")}, ["Enter a length of more than 0 hours, for example 3 or 6.5."]),
        ({"title": "x" * 201}, ["Title: Ensure this value has at most 200 characters (it has 201)."]),
    ],
)
def test_a_bad_course_is_refused_with_a_message_and_nothing_is_written(programme, changes, errors):
    with pytest.raises(InvalidInput) as caught:
        course_create(user=programme.manager, partnership=programme.partnership, values=COURSE | changes)
    assert caught.value.errors == errors
    assert Course.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_another_partnerships_priority_is_refused(programme):
    stranger = Priority.objects.create(partnership=PeriodFactory().partnership, position=1, title="Elsewhere")
    with pytest.raises(InvalidInput, match="Choose only this partnership's priorities."):
        course_create(
            user=programme.manager, partnership=programme.partnership, values=COURSE | {"priorities": [stranger]}
        )
    assert Course.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_changing_a_course_audits_what_changed_and_keeps_its_address(programme):
    course = course_change(
        user=programme.manager, course=programme.course, values={"title": "Neglect in practice", "topic": "Neglect"}
    )
    course.refresh_from_db()
    assert (course.title, course.slug) == ("Neglect in practice", "neglect")
    entry = only_entry()
    assert_entry(
        entry, code="training.course.changed", actor=programme.manager, target=course, partnership=programme.partnership
    )
    assert entry.data == {"changes": {"title": ["Neglect", "Neglect in practice"]}}


def test_a_stale_course_does_not_overwrite_what_it_was_not_given(programme):
    """The service re-reads the row under its lock: neither the caller's stale copy nor its
    in-memory edits (what a bound form does to its instance) reach the database or the audit."""
    stale = Course.objects.get(pk=programme.course.pk)
    stale.audience = "Edited in memory only"
    Course.objects.filter(pk=stale.pk).update(topic="Changed meanwhile", duration_hours=Decimal("2"))
    course_change(user=programme.manager, course=stale, values={"duration_hours": Decimal("6.5")})
    course = Course.objects.get(pk=stale.pk)
    assert (course.topic, course.audience, course.duration_hours) == ("Changed meanwhile", "", Decimal("6.50"))
    assert only_entry().data == {"changes": {"duration_hours": ["2.00", "6.50"]}}


def test_saving_a_course_unchanged_writes_no_entry(programme):
    course_change(user=programme.manager, course=programme.course, values={"duration_hours": Decimal("6")})
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", REFUSED)
def test_changing_a_course_is_refused_to_other_roles(programme, role):
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        course_change(user=programme.users[role], course=programme.course, values={"title": "Renamed"})
    assert Course.objects.get(pk=programme.course.pk).title == "Neglect"
    assert not AuditEntry.objects.exists()


def test_changing_a_course_to_anothers_title_is_refused(programme):
    CourseFactory(partnership=programme.partnership, title="Thresholds", slug="thresholds")
    with pytest.raises(InvalidInput) as caught:
        course_change(user=programme.manager, course=programme.course, values={"title": "thresholds"})
    assert caught.value.errors == ["There is already a course called 'thresholds'. Give this one a different title."]
    assert Course.objects.get(pk=programme.course.pk).title == "Neglect"
    assert not AuditEntry.objects.exists()


def test_a_field_no_service_changes_is_a_programming_error(programme):
    with pytest.raises(TypeError, match="Not a field this service changes: slug."):
        course_change(user=programme.manager, course=programme.course, values={"slug": "other"})


# Sessions -------------------------------------------------------------------


def session_values(course, **changes):
    return {
        "course": course,
        "reference": "EV-1042",
        "starts_at": datetime.datetime(2019, 11, 5, 9, 30, tzinfo=datetime.UTC),
        "online": False,
        "venue": " Council House ",
        "places_offered": 25,
    } | changes


def test_business_manager_adds_a_session_with_one_audit_entry(programme):
    session = session_create(user=programme.manager, period=programme.period, values=session_values(programme.course))
    session = CourseSession.objects.get(pk=session.pk)
    assert (session.reference, session.venue, session.places_offered) == ("ev-1042", "Council House", 25)
    entry = only_entry()
    assert_entry(
        entry,
        code="training.session.created",
        actor=programme.manager,
        target=session,
        partnership=programme.partnership,
    )
    assert entry.data == {
        "changes": {
            "course": [None, programme.course.pk],
            "reference": [None, "ev-1042"],
            "starts_at": [None, "2019-11-05T09:30:00Z"],
            "online": [None, False],
            "venue": [None, "Council House"],
            "places_offered": [None, 25],
        }
    }


@pytest.mark.parametrize("role", REFUSED)
def test_adding_a_session_is_refused_to_other_roles(programme, role):
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        session_create(user=programme.users[role], period=programme.period, values=session_values(programme.course))
    assert CourseSession.objects.count() == 2
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"reference": "EV-1"},
            ["There is already a session ev-1 in 2019/20. Check the Event ID in the booking system."],
        ),
        ({"reference": "Add"}, ["Enter the Event ID from the booking system, for example EV-1042."]),
        ({"online": True}, ["Leave the venue blank for an online session, or untick 'Held online'."]),
        ({"venue": "  "}, ["Enter the venue, or tick 'Held online'."]),
        (
            {"starts_at": datetime.datetime(2020, 4, 1, 9, 30, tzinfo=datetime.UTC)},
            ["Enter a start between 1 April 2019 and 31 March 2020, the dates of 2019/20."],
        ),
        ({"places_offered": -1}, ["Places offered: Ensure this value is greater than or equal to 0."]),
    ],
)
def test_a_bad_session_is_refused_with_a_message_and_nothing_is_written(programme, changes, errors):
    with pytest.raises(InvalidInput) as caught:
        session_create(
            user=programme.manager, period=programme.period, values=session_values(programme.course, **changes)
        )
    assert caught.value.errors == errors
    assert CourseSession.objects.count() == 2
    assert not AuditEntry.objects.exists()


def test_another_partnerships_course_is_refused(programme):
    with pytest.raises(InvalidInput, match="Choose one of this partnership's courses."):
        session_create(user=programme.manager, period=programme.period, values=session_values(CourseFactory()))
    assert CourseSession.objects.count() == 2
    assert not AuditEntry.objects.exists()


def test_changing_a_session_audits_what_changed(programme):
    session = session_change(
        user=programme.manager, session=programme.session, values={"online": True, "venue": "", "places_offered": 20}
    )
    session.refresh_from_db()
    assert (session.online, session.venue, session.places_offered) == (True, "", 20)
    entry = only_entry()
    assert_entry(
        entry,
        code="training.session.changed",
        actor=programme.manager,
        target=session,
        partnership=programme.partnership,
    )
    assert entry.data == {"changes": {"online": [False, True], "venue": ["Council House, Dudley", ""]}}


def test_a_stale_session_does_not_overwrite_what_it_was_not_given(programme):
    stale = CourseSession.objects.get(pk=programme.session.pk)
    stale.venue = "Edited in memory only"
    CourseSession.objects.filter(pk=stale.pk).update(reference="ev-40", places_offered=40)
    session_change(user=programme.manager, session=stale, values={"places_offered": 30})
    session = CourseSession.objects.get(pk=stale.pk)
    assert (session.reference, session.venue, session.places_offered) == ("ev-40", "Council House, Dudley", 30)
    assert only_entry().data == {"changes": {"places_offered": [40, 30]}}


def test_the_rules_apply_to_the_row_as_it_is_now(programme):
    """Going online is refused while the row still has a venue, whatever the caller's copy says."""
    stale = CourseSession.objects.get(pk=programme.session.pk)
    stale.venue = ""
    with pytest.raises(InvalidInput) as caught:
        session_change(user=programme.manager, session=stale, values={"online": True})
    assert caught.value.errors == ["Leave the venue blank for an online session, or untick 'Held online'."]
    assert CourseSession.objects.get(pk=programme.session.pk).online is False
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", REFUSED)
def test_changing_a_session_is_refused_to_other_roles(programme, role):
    with pytest.raises(NotAllowed, match=MANAGER_ONLY):
        session_change(user=programme.users[role], session=programme.session, values={"places_offered": 1})
    assert CourseSession.objects.get(pk=programme.session.pk).places_offered == 20
    assert not AuditEntry.objects.exists()


def test_changing_a_session_to_anothers_event_id_is_refused(programme):
    with pytest.raises(InvalidInput) as caught:
        session_change(user=programme.manager, session=programme.session, values={"reference": "ev-2"})
    assert caught.value.errors == [
        "There is already a session ev-2 in 2019/20. Check the Event ID in the booking system."
    ]
    assert CourseSession.objects.get(pk=programme.session.pk).reference == "ev-1"
    assert not AuditEntry.objects.exists()


def test_the_entries_read_as_sentences(programme):
    from partnership.audit import audit_describe

    bookings_export(user=programme.manager, period=programme.period, file_format="xlsx")
    attendance_record(user=programme.manager, session=programme.session, changes=attended(programme.booking))
    exported, recorded = AuditEntry.objects.order_by("pk")
    assert audit_describe(exported) == "exported the bookings of TSP 2019/20 (xlsx, rows: 1)"
    assert audit_describe(recorded) == "recorded attendance at Neglect, 01 Oct 2019 (bookings changed: 1)"


@pytest.fixture
def writes(monkeypatch):
    """Every row lock and every save, in order, by model name."""
    from django.db.models import Model, QuerySet

    seen = []
    lock, save = QuerySet.select_for_update, Model.save

    def spy_lock(self, *args, **kwargs):
        seen.append(("lock", self.model.__name__))
        return lock(self, *args, **kwargs)

    def spy_save(self, *args, **kwargs):
        seen.append(("save", type(self).__name__))
        return save(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy_lock)
    monkeypatch.setattr(Model, "save", spy_save)
    return seen


def test_a_course_is_locked_before_it_is_changed(programme, writes):
    course_change(user=programme.manager, course=programme.course, values={"title": "Neglect in practice"})
    assert writes[:3] == [("lock", "Partnership"), ("lock", "Course"), ("save", "Course")]


def test_a_new_course_waits_for_the_partnership_lock(programme, writes):
    course_create(user=programme.manager, partnership=programme.partnership, values=COURSE)
    assert writes[:2] == [("lock", "Partnership"), ("save", "Course")]


def test_a_session_is_locked_before_it_is_changed(programme, writes):
    session_change(user=programme.manager, session=programme.session, values={"places_offered": 30})
    assert writes[:3] == [("lock", "ReportingPeriod"), ("lock", "CourseSession"), ("save", "CourseSession")]


def test_a_new_session_waits_for_the_period_lock(programme, writes):
    session_create(user=programme.manager, period=programme.period, values=session_values(programme.course))
    assert writes[:2] == [("lock", "ReportingPeriod"), ("save", "CourseSession")]
