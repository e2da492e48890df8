"""Importing the booking system's export: preview, row-level errors, all-or-nothing, idempotence."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.test import TestCase

from tests.training.factories import CourseFactory, SessionFactory
from training import imports
from training.models import Booking, BookingStatus, FeedbackResponse, ImportJob, ImportStatus
from training.services import TrainingError, booking_import_confirm, booking_import_start

HERE = Path(__file__).parent
BAD = HERE / "bad_imports"
GOOD = HERE / "good_imports" / "bookings.csv"


@pytest.fixture
def sessions(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    neglect = CourseFactory(partnership=world.partnership, title="Neglect", duration_hours=Decimal("6"))
    thresholds = CourseFactory(partnership=world.partnership, title="Thresholds")
    SessionFactory(
        course=neglect,
        period=world.period,
        reference="ev-1",
        starts_at=datetime.datetime(2019, 10, 1, 9, 30, tzinfo=datetime.UTC),
    )
    SessionFactory(
        course=thresholds,
        period=world.period,
        reference="ev-2",
        starts_at=datetime.datetime(2020, 1, 15, 14, 0, tzinfo=datetime.UTC),
        venue="",
        online=True,
    )
    return world


def upload(world, path: Path, name: str | None = None, raw: bytes | None = None):
    """Upload, then let the check task (eager in tests) run once the upload is committed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = booking_import_start(
            user=world.users["business_manager"],
            period=world.period,
            name=name or path.name,
            raw=path.read_bytes() if raw is None else raw,
        )
    job.refresh_from_db()
    return job


def confirm(world, job):
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking_import_confirm(user=world.users["business_manager"], job=job)
    job.refresh_from_db()
    return job


def import_file(world, path: Path, **kwargs):
    job = upload(world, path, **kwargs)
    assert job.status == ImportStatus.READY, job.errors
    return confirm(world, job)


def test_preview_counts_what_would_change_and_writes_nothing(sessions):
    job = upload(sessions, GOOD)
    assert (job.status, job.total_rows, job.new_rows, job.updated_rows, job.unchanged_rows) == (
        ImportStatus.READY, 5, 5, 0, 0,
    )  # fmt: skip
    assert job.errors == []
    assert [(c["row"], c["delegate"], c["change"]) for c in job.changes] == [
        (1, "Ann Able", "New booking"),
        (2, "Bob Brown", "New booking"),
        (3, "Cat Cole", "New booking"),
        (4, "Dan Dale", "New booking"),
        (5, "Eve Ekwueme", "New booking"),
    ]
    assert Booking.objects.count() == 0
    assert FeedbackResponse.objects.count() == 0


def test_confirmed_import_writes_bookings_attendance_and_feedback(sessions):
    job = import_file(sessions, GOOD)
    assert (job.status, job.new_rows) == (ImportStatus.DONE, 5)
    rows = {
        b.email: (
            b.session.reference,
            b.delegate_name,
            b.agency and b.agency.slug,
            b.organisation_text,
            b.status,
            b.completed,
        )
        for b in Booking.objects.select_related("session", "agency")
    }
    assert rows == {
        "ann@example.org": ("ev-1", "Ann Able", "council", "", BookingStatus.ATTENDED, True),
        "bob@example.org": ("ev-1", "Bob Brown", "police", "", BookingStatus.DID_NOT_ATTEND, False),
        "cat@example.org": ("ev-1", "Cat Cole", None, "Village Nursery", BookingStatus.ATTENDED, False),
        "dan@example.org": ("ev-2", "Dan Dale", "council", "", BookingStatus.BOOKED, False),
        "eve@example.org": ("ev-2", "Eve Ekwueme", None, "Riverside Academy", BookingStatus.CANCELLED, False),
    }
    feedback = {
        f.booking.email: (f.met_aims, f.more_competent, f.comment, f.consent_to_quote)
        for f in FeedbackResponse.objects.select_related("booking")
    }
    assert feedback == {
        "ann@example.org": (True, True, "Very useful", True),
        "cat@example.org": (False, True, "Too long", False),
    }


def test_importing_the_same_file_twice_creates_nothing_new(sessions):
    import_file(sessions, GOOD)
    again = import_file(sessions, GOOD)
    assert (again.status, again.new_rows, again.updated_rows, again.unchanged_rows) == (ImportStatus.DONE, 0, 0, 5)
    assert again.changes == []
    assert Booking.objects.count() == 5
    assert FeedbackResponse.objects.count() == 2


def test_a_later_export_updates_attendance(sessions, tmp_path):
    import_file(sessions, GOOD)
    changed = GOOD.read_text().replace(
        "Dan Dale,dan@example.org,Council,Confirmed,,,,,", "Dan Dale,dan@example.org,Council,Attended,Yes,Yes,No,,"
    )
    path = tmp_path / "later.csv"
    path.write_text(changed)
    job = import_file(sessions, path)
    assert (job.new_rows, job.updated_rows, job.unchanged_rows) == (0, 1, 4)
    assert job.changes == [
        {
            "row": 4,
            "event": "ev-2",
            "delegate": "Dan Dale",
            "change": "Status Booked to Attended; marked completed; feedback added",
        }
    ]
    dan = Booking.objects.get(email="dan@example.org")
    assert (dan.status, dan.completed, dan.feedback.met_aims, dan.feedback.more_competent) == (
        BookingStatus.ATTENDED, True, True, False,
    )  # fmt: skip


def test_xlsx_export_of_the_booking_system_imports_the_same(sessions, tmp_path):
    import csv

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in csv.reader(GOOD.read_text().splitlines()):
        sheet.append(row)
    sheet["C2"] = datetime.datetime(2019, 10, 1, 10, 30)  # a real date cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = import_file(sessions, GOOD, name="bookings.xlsx", raw=buffer.getvalue())
    assert (job.status, job.new_rows) == (ImportStatus.DONE, 5)
    assert Booking.objects.count() == 5


def test_confirming_twice_is_refused(sessions):
    job = import_file(sessions, GOOD)
    with pytest.raises(TrainingError, match="its status is 'Imported'. Upload the file again"):
        booking_import_confirm(user=sessions.users["business_manager"], job=job)


def test_scrutineer_cannot_start_an_import(sessions):
    from lib.errors import NotAllowed

    with pytest.raises(NotAllowed):
        booking_import_start(
            user=sessions.users["scrutineer"], period=sessions.period, name="b.csv", raw=GOOD.read_bytes()
        )


FILE_ERRORS = {
    "wrong_columns.csv": "The file has no column 'Event ID', 'Event Date', 'Delegate Name', 'Email', 'Organisation', "
    "'Booking Status' (columns found: 'Name', 'Event', 'When', 'Status'). Export the attendee report with the columns",
    "missing_columns.csv": "The file has no column 'Email' (columns found: 'Event ID', 'Course', 'Event Date', "
    "'Delegate Name', 'Organisation', 'Booking Status').",
    "wrong_encoding.csv": "The file is not UTF-8 text, so names with accents would be garbled. In Excel use 'Save as' "
    "and choose 'CSV UTF-8 (comma delimited)', then upload that file.",
    "empty.csv": "The file is empty. Export the attendee report again and upload the new file.",
    "header_only.csv": "The file has a header row but no bookings under it. Check you exported the right event.",
    "not_a_workbook.xlsx": "The file could not be opened as an Excel workbook.",
    "huge.csv": "The file has more than 1,000 bookings; the most one import takes is 1,000. "
    "Split it into smaller files",
    "semicolons.csv": "The file's columns are separated by semicolons, not commas. In Excel use 'Save as' and "
    "choose 'CSV UTF-8 (comma delimited)', then upload that file.",
    "extra_cells.csv": "Row 2 has 9 cells but the header row names only 7 columns. Remove the extra cells, or add a "
    "name for each column to the header row, then upload the file again.",
}


REFUSED_AT_UPLOAD = {
    "empty.csv",
    "not_a_workbook.xlsx",
}  # judged without parsing, in the request; the rest by the check task


@pytest.mark.parametrize("name", sorted(FILE_ERRORS))
def test_unreadable_files_are_refused_with_a_message_and_nothing_written(sessions, monkeypatch, name):
    monkeypatch.setattr(imports, "MAX_ROWS", 1000)
    if name in REFUSED_AT_UPLOAD:
        with pytest.raises(TrainingError) as caught:
            upload(sessions, BAD / name)
        assert FILE_ERRORS[name] in str(caught.value)
        assert ImportJob.objects.count() == 0
    else:
        job = upload(sessions, BAD / name)
        assert job.status == ImportStatus.INVALID
        [error] = job.errors
        assert FILE_ERRORS[name] in error
        assert job.checked_rows is None
    assert Booking.objects.count() == 0


def test_a_cell_longer_than_the_csv_field_limit_is_refused_with_a_message(sessions):
    header = "Event ID,Event Date,Delegate Name,Email,Organisation,Booking Status\n"
    raw = (header + "EV-1,01/10/2019," + "x" * 140_000 + ",ann@example.org,Council,Attended\n").encode()
    job = upload(sessions, GOOD, name="long.csv", raw=raw)
    assert (job.status, job.errors) == (
        ImportStatus.INVALID,
        [
            "A cell in the file is far longer than any booking needs (over 131,072 characters). "
            "Check the file is the attendee report, correct or remove that cell and upload it again."
        ],
    )
    assert Booking.objects.count() == 0


ROW_ERRORS = {
    "unknown_session.csv": [
        "Row 2: Event ID 'EV-999' is not a session of 2019/20. Check the Event ID, or add the session before "
        "importing its bookings."
    ],
    "bad_dates.csv": [
        "Row 1: Event Date '31/02/2019' is not a date; write it as DD/MM/YYYY, for example 01/10/2019.",
        "Row 2: Event Date 'next Tuesday' is not a date; write it as DD/MM/YYYY, for example 01/10/2019.",
        "Row 3: Event Date 02/10/2019 is not the date of EV-1 (01/10/2019). Check the Event ID and the date.",
    ],
    "duplicate_rows.csv": [
        "Row 2: This repeats the booking of ann@example.org on ev-1 in row 1. Remove one of the two rows."
    ],
    "formulas.csv": [
        "Row 1: Column 'Delegate Name' holds '=HYPERLINK(\"http://evil.example\",\"Click\"', which a spreadsheet "
        "would run as a formula. Remove the leading character and import the file again.",
        "Row 2: Column 'Organisation' holds '@SUM(A1:A2)', which a spreadsheet would run as a formula. Remove the "
        "leading character and import the file again.",
    ],
    "bad_values.csv": [
        "Row 1: Email 'not-an-email' is not an email address; correct it.",
        "Row 2: Booking Status 'Maybe' is not one of Booked, Attended, Did not attend, Cancelled.",
        "Row 3: Completed is Yes but the delegate did not attend; change one of them.",
        "Row 4: There is feedback but the delegate did not attend; check the Booking Status.",
        "Row 5: Feedback needs both Aims Met and More Competent (Yes or No), or neither.",
        "Row 6: Delegate Name is blank; fill it in.",
    ],
}


@pytest.mark.parametrize("name", sorted(ROW_ERRORS))
def test_bad_rows_are_listed_by_row_and_nothing_is_written(sessions, name):
    job = upload(sessions, BAD / name)
    assert job.status == ImportStatus.INVALID
    assert job.errors == ROW_ERRORS[name]
    assert Booking.objects.count() == 0
    with pytest.raises(TrainingError):
        confirm(sessions, job)
    assert Booking.objects.count() == 0


def test_a_file_that_went_bad_after_checking_imports_nothing(sessions):
    """All or nothing: if a session vanishes between check and confirm, no row of the file is written."""
    job = upload(sessions, GOOD)
    sessions.period.course_sessions.filter(reference="ev-2").delete()
    confirm(sessions, job)
    assert job.status == ImportStatus.FAILED
    assert job.errors[0].startswith("Row 4: Event ID 'EV-2' is not a session of 2019/20.")
    assert Booking.objects.count() == 0


def test_every_file_is_checked_by_the_celery_task_after_the_upload_commits(
    sessions, django_capture_on_commit_callbacks
):
    """The request keeps the file and queues the check: no row is read in the web worker."""
    from training.services import imports as services

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = booking_import_start(
            user=sessions.users["business_manager"], period=sessions.period, name="b.csv", raw=GOOD.read_bytes()
        )
    job.refresh_from_db()
    assert (job.status, job.total_rows) == (ImportStatus.CHECKING, 0)  # nothing parsed yet
    assert len(callbacks) == 1
    callbacks[0]()  # the task, eager in tests
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.new_rows) == (ImportStatus.READY, 5, 5)
    assert services.import_progress(job=job) == 5
    confirm(sessions, job)
    assert (job.status, Booking.objects.count()) == (ImportStatus.DONE, 5)


def test_tasks_do_nothing_once_the_job_has_moved_on(sessions):
    from training.tasks import booking_import_check, booking_import_run

    job = import_file(sessions, GOOD)
    booking_import_check.apply(args=[job.pk])
    booking_import_run.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.new_rows, Booking.objects.count()) == (ImportStatus.DONE, 5, 5)
