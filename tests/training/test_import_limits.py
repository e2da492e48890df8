"""What one upload may cost: zip bombs, too many rows, the check in a worker with a time limit and
progress, one pass over the file, and how long an uploaded file is kept (issues 11 and 12)."""

import datetime
import io
import logging
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEntry
from tests.training import test_imports
from tests.training.test_imports import GOOD, confirm, upload
from training import imports
from training.models import Booking, ImportJob, ImportStatus
from training.services import (
    TrainingError,
    booking_import_cancel,
    booking_import_start,
    import_files_clean,
)
from training.services import imports as services

sessions = test_imports.sessions  # the fixture: two sessions in the world's period
HEADER = "Event ID,Course,Event Date,Delegate Name,Email,Organisation,Booking Status\n"
ROW = "EV-1,Neglect,01/10/2019,Delegate {n},d{n}@example.org,Council,Attended\n"


def zip_bytes(members: dict[str, bytes | int]) -> bytes:
    """A zip archive; an int member is that many bytes of one repeated spreadsheet cell, written in chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            cell = b'<c r="A1" t="inlineStr"><is><t>x</t></is></c>'
            chunk = cell * (1024 * 1024 // len(cell))
            with archive.open(name, "w") as member:
                for _ in range(content // len(chunk)):
                    member.write(chunk)
    return buffer.getvalue()


def workbook_bytes(rows: int) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    for n in range(rows):
        sheet.append(ROW.format(n=n).strip().split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def no_workbook_opened(monkeypatch):
    """Fails the test if openpyxl is asked to open the workbook at all."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# Zip bombs: refused by the zip directory, before anything is inflated ------------------------


def test_a_workbook_that_expands_hugely_is_refused_at_upload_without_being_opened(sessions, no_workbook_opened):
    raw = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": 50 * 1024 * 1024})
    assert len(raw) < 1024 * 1024  # 50 MB of cells in under 1 MB
    with pytest.raises(TrainingError, match=r"The workbook is compressed far more than any spreadsheet of bookings"):
        upload(sessions, GOOD, name="bomb.xlsx", raw=raw)
    assert not ImportJob.objects.exists()


def test_the_check_task_refuses_a_zip_bomb_too_without_opening_it(no_workbook_opened):
    raw = zip_bytes({"xl/worksheets/sheet1.xml": 50 * 1024 * 1024})
    with pytest.raises(imports.ImportFileError, match="compressed far more"):
        imports.booking_rows(io.BytesIO(raw), file_format="xlsx")


def test_a_workbook_larger_than_the_limit_once_expanded_is_refused(sessions, monkeypatch, no_workbook_opened):
    monkeypatch.setattr(imports, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    raw = zip_bytes({"xl/worksheets/sheet1.xml": bytes(range(256)) * 8192})  # 2 MB that hardly compresses
    with pytest.raises(TrainingError) as caught:
        upload(sessions, GOOD, name="big.xlsx", raw=raw)
    assert str(caught.value).startswith("The workbook expands to 2 MB when opened; the most this page takes is 1 MB.")
    assert "Export the attendee report as CSV instead" in str(caught.value)


def test_a_zip_of_too_many_members_is_refused(sessions, no_workbook_opened):
    raw = zip_bytes({f"xl/part{n}.xml": b"<x/>" for n in range(imports.MAX_ZIP_MEMBERS + 1)})
    with pytest.raises(TrainingError, match=f"The file holds {imports.MAX_ZIP_MEMBERS + 1} parts"):
        upload(sessions, GOOD, name="parts.xlsx", raw=raw)


def test_a_real_workbook_passes_the_zip_checks(sessions):
    job = upload(sessions, GOOD, name="b.xlsx", raw=workbook_bytes(3))
    assert (job.status, job.new_rows) == (ImportStatus.READY, 3), job.errors


# Rows are counted while reading, which stops at the limit ---------------------------------


class Counted:
    """Wraps a reader function so the test can see how many records it yielded."""

    def __init__(self, function):
        self.function, self.yielded = function, 0

    def __call__(self, *args, **kwargs):
        for record in self.function(*args, **kwargs):
            self.yielded += 1
            yield record


def test_a_csv_over_the_row_limit_is_refused_at_the_limit_without_reading_on(sessions, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 1000)
    counted = Counted(imports._csv_records)
    monkeypatch.setattr(imports, "_csv_records", counted)
    good = "".join(ROW.format(n=n) for n in range(1000))
    malformed = "=HYPERLINK(1),x,y,z,w,v,u,t,s,r\n" * 4000  # formulas and extra cells: never reached
    job = upload(sessions, GOOD, name="big.csv", raw=(HEADER + good + ROW.format(n=1000) + malformed).encode())
    assert job.status == ImportStatus.INVALID
    assert job.errors == [
        "The file has more than 1,000 bookings; the most one import takes is 1,000. "
        "Split it into smaller files and upload them one at a time."
    ]
    assert counted.yielded == 1 + 1001  # the header, the rows up to the limit and the one past it
    assert Booking.objects.count() == 0


def test_an_xlsx_over_the_row_limit_is_refused_at_the_limit_without_reading_on(sessions, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 10)
    counted = Counted(imports._xlsx_records)
    monkeypatch.setattr(imports, "_xlsx_records", counted)
    job = upload(sessions, GOOD, name="big.xlsx", raw=workbook_bytes(500))
    assert job.errors == [
        "The file has more than 10 bookings; the most one import takes is 10. "
        "Split it into smaller files and upload them one at a time."
    ]
    assert counted.yielded == 1 + 11


def test_the_xlsx_is_read_by_openpyxl_in_read_only_mode(sessions, monkeypatch):
    seen = {}
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    upload(sessions, GOOD, name="b.xlsx", raw=workbook_bytes(2))
    assert seen == {"read_only": True, "data_only": True}


# The check runs in the task, with a time limit and progress ---------------------------------


def test_the_upload_page_keeps_the_file_and_parses_nothing(sessions, client_as, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the request parsed the file")

    monkeypatch.setattr(imports, "booking_rows", refuse)
    address = reverse("training:import", args=[sessions.partnership.slug, sessions.period.slug])
    response = client_as("business_manager").post(address, {"file": SimpleUploadedFile("b.csv", GOOD.read_bytes())})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKING and job.file.storage.exists(job.file.name)


def test_the_tasks_are_handed_the_job_id_only(sessions, monkeypatch):
    from training import tasks

    handed = []
    monkeypatch.setattr(tasks.booking_import_check, "delay", lambda *a, **k: handed.append(("check", a, k)))
    monkeypatch.setattr(tasks.booking_import_run, "delay", lambda *a, **k: handed.append(("run", a, k)))
    job = upload(sessions, GOOD)
    assert handed == [("check", (job.pk,), {})]
    services.import_job_check(job_id=job.pk)
    job.refresh_from_db()
    confirm(sessions, job)
    assert handed[1] == ("run", (job.pk,), {})


def test_the_import_tasks_have_a_time_limit():
    from training import tasks

    for task in (tasks.booking_import_check, tasks.booking_import_run):
        assert (task.time_limit, task.soft_time_limit) == (600, 540)


def test_a_check_stopped_by_the_time_limit_fails_with_a_message(sessions, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(job):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "_check_file", too_slow)
    job = upload(sessions, GOOD)
    assert job.status == ImportStatus.FAILED
    assert job.errors == [
        f"Import {job.pk} took longer than the portal allows, so it was stopped and nothing was written. "
        "Split the file into smaller files and upload them one at a time."
    ]


def test_progress_is_reported_every_n_rows_while_checking(sessions, monkeypatch):
    reported = []
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    real = services._progress_set
    monkeypatch.setattr(services, "_progress_set", lambda job_id, rows: (reported.append(rows), real(job_id, rows)))
    job = upload(sessions, GOOD)
    assert reported == [0, 2, 4, 5]
    assert services.import_progress(job=job) == 5


def test_the_status_page_shows_rows_checked_so_far_and_refreshes(sessions, client_as):
    from django.core.cache import cache

    with TestCase.captureOnCommitCallbacks(execute=False):
        job = booking_import_start(
            user=sessions.users["business_manager"], period=sessions.period, name="b.csv", raw=GOOD.read_bytes()
        )
    cache.set(services._progress_key(job.pk), 3000)
    address = reverse("training:import_job", args=[sessions.partnership.slug, sessions.period.slug, job.pk])
    page = client_as("business_manager").get(address).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "3000 rows checked so far." in page


# One pass: the confirmed import writes what the check kept ---------------------------------


def test_the_confirmed_import_does_not_read_the_file_again(sessions, monkeypatch):
    job = upload(sessions, GOOD)
    assert job.checked_rows  # the rows to write, kept by the check

    def refuse(*args, **kwargs):
        raise AssertionError("the file was read a second time")

    monkeypatch.setattr(imports, "booking_rows", refuse)
    confirm(sessions, job)
    assert (job.status, job.new_rows, Booking.objects.count()) == (ImportStatus.DONE, 5, 5)
    assert job.checked_rows is None


def test_a_change_to_the_period_after_the_check_means_the_file_is_checked_again(sessions):
    from tests.training.factories import BookingFactory

    job = upload(sessions, GOOD)
    session = sessions.period.course_sessions.get(reference="ev-1")
    BookingFactory(session=session, email="ann@example.org", delegate_name="Ann Old")  # booked meanwhile
    confirm(sessions, job)
    assert (job.status, job.new_rows, job.updated_rows) == (ImportStatus.DONE, 4, 1)
    assert Booking.objects.get(email="ann@example.org").delegate_name == "Ann Able"
    assert Booking.objects.count() == 5


# Uploaded files are kept only as long as they are needed (issue 11, F14) --------------------


def file_exists(job) -> bool:
    job.refresh_from_db()
    return bool(job.file.name) and job.file.storage.exists(job.file.name)


def test_the_file_is_removed_once_imported_and_the_job_keeps_its_outcome(sessions):
    job = upload(sessions, GOOD)
    name = job.file.name
    assert file_exists(job)
    confirm(sessions, job)
    assert not file_exists(job) and job.file.name == ""
    assert not job.file.storage.exists(name)
    assert (job.status, job.new_rows, job.total_rows) == (ImportStatus.DONE, 5, 5)
    assert len(job.changes) == 5  # shown on the job's page for now
    import_files_clean(now=job.finished_at + datetime.timedelta(days=8))
    job.refresh_from_db()
    assert (job.changes, job.new_rows) == ([], 5)  # past its days the preview, which names delegates, goes


def test_cancelling_removes_the_file_imports_nothing_and_is_audited(sessions, client_as):
    job = upload(sessions, GOOD)
    address = reverse("training:import_job", args=[sessions.partnership.slug, sessions.period.slug, job.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_as("business_manager").post(address, {"action": "cancel"})
    assert response.status_code == 302
    assert not file_exists(job)
    assert (job.status, job.new_rows, job.checked_rows) == (ImportStatus.CANCELLED, 5, None)
    assert Booking.objects.count() == 0
    entry = AuditEntry.objects.get(code="training.import.cancelled")
    assert (entry.actor, entry.data) == (
        sessions.users["business_manager"],
        {"changes": {"status": ["ready", "cancelled"]}},
    )
    with pytest.raises(TrainingError, match="its status is 'Cancelled: not imported'"):
        confirm(sessions, job)


def test_only_the_business_manager_can_cancel(sessions):
    from lib.errors import NotAllowed

    job = upload(sessions, GOOD)
    with pytest.raises(NotAllowed):
        booking_import_cancel(user=sessions.users["scrutineer"], job=job)
    assert file_exists(job) and job.status == ImportStatus.READY


@pytest.mark.parametrize("days", [7, 3])
def test_a_failed_upload_is_kept_for_its_days_then_removed_by_the_clean_up(sessions, settings, days):
    settings.PORTAL_FAILED_IMPORT_DAYS = days
    job = upload(sessions, GOOD.parent.parent / "bad_imports" / "bad_values.csv")
    assert job.status == ImportStatus.INVALID and job.finished_at is not None
    assert import_files_clean(now=job.finished_at + datetime.timedelta(days=days, minutes=-1)) == 0
    assert file_exists(job)
    assert import_files_clean(now=job.finished_at + datetime.timedelta(days=days, minutes=1)) == 1
    assert not file_exists(job)
    assert job.status == ImportStatus.INVALID and len(job.errors) == 6  # the outcome stays


def test_a_checked_file_nobody_confirms_is_cancelled_and_removed_after_its_days(sessions):
    job = upload(sessions, GOOD)
    assert import_files_clean(now=timezone.now() + datetime.timedelta(days=6)) == 0
    assert file_exists(job) and job.status == ImportStatus.READY
    assert import_files_clean(now=timezone.now() + datetime.timedelta(days=8)) == 1
    assert not file_exists(job)
    assert job.status == ImportStatus.CANCELLED and job.checked_rows is None
    assert job.errors[0].startswith("Not imported: nobody confirmed it within 7 days")


def test_the_clean_up_runs_daily_from_celery_beat():
    from config.celery import app
    from training import tasks

    entry = app.conf.beat_schedule["training-import-files-clean"]
    assert entry["task"] == tasks.import_files_clean_task.name == "training.import_files_clean"


def test_a_crash_is_logged_without_the_delegates_details(sessions, monkeypatch, caplog):
    def crash(rows, **kwargs):
        raise ValueError("duplicate key value (ann@example.org, Ann Able)")

    monkeypatch.setattr("training.booking_check.booking_rows_write", crash)
    job = upload(sessions, GOOD)
    with caplog.at_level(logging.INFO):
        confirm(sessions, job)
    assert job.status == ImportStatus.FAILED and Booking.objects.count() == 0
    assert f"Booking import {job.pk} crashed: builtins.ValueError at " in caplog.text
    assert "ann@example.org" not in caplog.text and "Ann Able" not in caplog.text
    assert file_exists(job)  # kept for its days, to find out what went wrong
