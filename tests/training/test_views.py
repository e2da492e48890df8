"""Training pages: who may open them, what they show, and the attendance form."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse

from tests.training.factories import BookingFactory, CourseFactory, FeedbackFactory, SessionFactory
from tests.training.test_imports import GOOD
from training.models import Booking, BookingStatus, ImportStatus


@pytest.fixture
def programme(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    course = CourseFactory(partnership=world.partnership, title="Neglect", slug="neglect", duration_hours=Decimal("6"))
    session = SessionFactory(
        course=course,
        period=world.period,
        reference="ev-1",
        starts_at=datetime.datetime(2019, 10, 1, 9, 30, tzinfo=datetime.UTC),
    )
    council = BookingFactory(
        session=session, delegate_name="Ann Council", email="ann@example.org", agency=world.agency_a,
        organisation_text="", status=BookingStatus.ATTENDED, completed=True,
    )  # fmt: skip
    BookingFactory(
        session=session, delegate_name="Pat Police", email="pat@example.org", agency=world.agency_b,
        organisation_text="", status=BookingStatus.DID_NOT_ATTEND,
    )  # fmt: skip
    BookingFactory(session=session, delegate_name="Nell Nursery", email="nell@example.org", status=BookingStatus.BOOKED)
    FeedbackFactory(booking=council, comment="Very useful", consent_to_quote=True)
    FeedbackFactory(
        booking=BookingFactory(session=session, delegate_name="Quiet Quinn", status=BookingStatus.ATTENDED),
        met_aims=False,
        comment="Please do not quote me",
    )
    world.session = session
    world.course = course
    return world


def url(world, name, **extra):
    return reverse(name, kwargs={"partnership_slug": "tsp", "period_slug": "2019-20", **extra})


def statuses(client_as, address, roles):
    return {role: client_as(role).get(address).status_code for role in roles}


ROLES = ("business_manager", "scrutineer", "lead_a", "contributor", "outsider")


def test_course_list_is_for_overseers(programme, client_as):
    address = url(programme, "training:courses")
    assert statuses(client_as, address, ROLES) == {
        "business_manager": 200, "scrutineer": 200, "lead_a": 403, "contributor": 403, "outsider": 404,
    }  # fmt: skip
    page = client_as("scrutineer").get(address).content.decode()
    assert "Neglect" in page
    assert "Import bookings" not in page  # read-only


def test_session_page_lists_its_bookings(programme, client_as):
    address = url(programme, "training:session", reference="ev-1")
    assert statuses(client_as, address, ROLES) == {
        "business_manager": 200, "scrutineer": 200, "lead_a": 403, "contributor": 403, "outsider": 404,
    }  # fmt: skip
    page = client_as("business_manager").get(address).content.decode()
    for name in ("Ann Council", "Pat Police", "Nell Nursery", "Village Nursery", "Did not attend"):
        assert name in page


def test_attendance_form_is_for_the_business_manager_only(programme, client_as):
    address = url(programme, "training:attendance", reference="ev-1")
    assert statuses(client_as, address, ROLES) == {
        "business_manager": 200, "scrutineer": 403, "lead_a": 403, "contributor": 403, "outsider": 404,
    }  # fmt: skip


def _attendance_post(world, changes):
    bookings = list(Booking.objects.filter(session=world.session).order_by("delegate_name", "pk"))
    data = {"form-TOTAL_FORMS": str(len(bookings)), "form-INITIAL_FORMS": str(len(bookings))}
    for i, booking in enumerate(bookings):
        status, completed = changes.get(booking.delegate_name, (booking.status, booking.completed))
        data[f"form-{i}-id"] = str(booking.pk)
        data[f"form-{i}-status"] = status
        if completed:
            data[f"form-{i}-completed"] = "on"
    return data


def test_attendance_for_a_whole_session_is_saved_in_one_form(programme, client_as):
    address = url(programme, "training:attendance", reference="ev-1")
    data = _attendance_post(programme, {"Nell Nursery": (BookingStatus.ATTENDED, True)})
    response = client_as("business_manager").post(address, data, follow=True)
    assert response.redirect_chain[-1][0] == url(programme, "training:session", reference="ev-1")
    assert "Attendance saved: 1 booking changed." in response.content.decode()
    nell = Booking.objects.get(delegate_name="Nell Nursery")
    assert (nell.status, nell.completed) == (BookingStatus.ATTENDED, True)


def test_completed_without_attending_is_refused_with_a_message(programme, client_as):
    address = url(programme, "training:attendance", reference="ev-1")
    data = _attendance_post(programme, {"Pat Police": (BookingStatus.DID_NOT_ATTEND, True)})
    response = client_as("business_manager").post(address, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert (
        "Pat Police did not attend, so cannot have completed. Untick &#x27;Completed&#x27; or mark them as attended."
        in page
    )
    assert Booking.objects.get(delegate_name="Pat Police").completed is False


def test_feedback_summary_shows_percentages_and_only_consented_quotes(programme, client_as):
    address = url(programme, "training:feedback", course_slug="neglect")
    assert statuses(client_as, address, ROLES) == {
        "business_manager": 200, "scrutineer": 200, "lead_a": 403, "contributor": 403, "outsider": 404,
    }  # fmt: skip
    page = client_as("scrutineer").get(address).content.decode()
    assert "50% (1 of 2)" in page  # met aims
    assert "100% (2 of 2)" in page  # more competent
    assert "Very useful" in page
    assert "Please do not quote me" not in page


def test_agency_lead_sees_only_their_own_agencys_delegates(programme, client_as):
    address = url(programme, "training:agency", agency_slug="council")
    assert statuses(client_as, address, ROLES + ("lead_b",)) == {
        "business_manager": 200, "scrutineer": 200, "lead_a": 200, "contributor": 403, "outsider": 404, "lead_b": 403,
    }  # fmt: skip
    response = client_as("lead_a").get(address)
    page = response.content.decode()
    assert "Ann Council" in page
    for other in ("Pat Police", "Nell Nursery", "Quiet Quinn"):
        assert other not in page
    assert [b.delegate_name for b in response.context["bookings"]] == ["Ann Council"]
    assert response.context["statistics"].total.bookings == 1


def test_agency_lead_sees_their_own_no_shows(programme, client_as):
    response = client_as("lead_b").get(url(programme, "training:agency", agency_slug="police"))
    stats = response.context["statistics"]
    assert (stats.total.did_not_attend, stats.total.hours_lost) == (1, Decimal("6"))
    assert [(row.agency_name, row.did_not_attend) for row in stats.did_not_attend_by_agency] == [("Police", 1)]
    assert "Ann Council" not in response.content.decode()


def test_pages_take_the_same_queries_at_two_data_sizes(programme, client_as, django_assert_max_num_queries):
    client = client_as("business_manager")
    pages = [
        url(programme, "training:courses"),
        url(programme, "training:session", reference="ev-1"),
        url(programme, "training:agency", agency_slug="council"),
        url(programme, "training:attendance", reference="ev-1"),
        url(programme, "training:feedback", course_slug="neglect"),
    ]
    client.get(pages[0])  # a session's first request also notes its start and checks the second factor, once
    counts = []
    for _ in range(2):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        row = []
        for address in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(address).status_code == 200
            row.append(len(queries))
        counts.append(row)
        extra = SessionFactory(course=programme.course, period=programme.period)
        for _ in range(10):
            BookingFactory(
                session=extra, agency=programme.agency_a, organisation_text="", status=BookingStatus.ATTENDED
            )
            BookingFactory(session=programme.session, agency=programme.agency_a, organisation_text="")
    assert counts[0] == counts[1]


def test_import_upload_preview_and_confirm(programme, client_as):
    SessionFactory(
        course=programme.course,
        period=programme.period,
        reference="ev-2",
        starts_at=datetime.datetime(2020, 1, 15, 14, 0, tzinfo=datetime.UTC),
    )
    client = client_as("business_manager")
    with GOOD.open("rb") as handle, TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url(programme, "training:import"), {"file": handle})
    assert response.status_code == 302  # the file is kept and checked by a worker, not in the request
    response = client.get(response["Location"])
    page = response.content.decode()
    assert "Checked: ready to import" in page
    assert 'data-testid="new-rows">4<' in page
    assert 'data-testid="updated-rows">1<' in page  # Ann was already booked on ev-1
    assert "What will change" in page
    assert '<td class="govuk-table__cell">Name changed</td>' in page
    assert Booking.objects.count() == 4  # nothing written yet
    job = response.context["job"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url(programme, "training:import_job", job_id=job.pk), {"action": "import"})
    page = client.get(response["Location"]).content.decode()
    assert f"Import {job.pk}: Imported" in page
    assert 'data-testid="new-rows">4<' in page
    assert 'data-testid="updated-rows">1<' in page
    assert Booking.objects.count() == 8
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_import_of_a_bad_file_shows_the_problem_on_the_page(programme, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bookings.csv", b"")
    response = client_as("business_manager").post(url(programme, "training:import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The file is empty. Export the attendee report again and upload the new file." in page


def test_import_of_a_csv_with_an_overlong_cell_shows_the_problem_not_a_server_error(programme, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = b"Event ID,Event Date,Delegate Name,Email,Organisation,Booking Status\nev-1,01/10/2019," + b"x" * 140_000
    upload = SimpleUploadedFile("bookings.csv", raw + b",ann@example.org,Council,Attended\n")
    client = client_as("business_manager")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url(programme, "training:import"), {"file": upload})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "A cell in the file is far longer than any booking needs" in response.content.decode()
    assert Booking.objects.count() == 4


def test_import_of_a_file_with_the_wrong_name_shows_the_problem(programme, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bookings.pdf", b"%PDF-1.4")
    response = client_as("business_manager").post(url(programme, "training:import"), {"file": upload})
    assert response.status_code == 400
    assert "&#x27;bookings.pdf&#x27; is not a CSV or XLSX file." in response.content.decode()


def test_import_pages_are_for_the_business_manager_only(programme, client_as):
    assert statuses(client_as, url(programme, "training:import"), ROLES) == {
        "business_manager": 200, "scrutineer": 403, "lead_a": 403, "contributor": 403, "outsider": 404,
    }  # fmt: skip


def test_csv_export_neutralises_formulas(programme, client_as):
    BookingFactory(session=programme.session, delegate_name="=HYPERLINK(1)", email="evil@example.org")
    response = client_as("business_manager").get(url(programme, "training:export") + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="training-bookings-tsp-2019-20.csv"'
    text = response.content.decode()
    assert text.splitlines()[0] == (
        "Event ID,Course,Event Date,Delegate Name,Email,Organisation,Booking Status,Completed,Aims Met,"
        "More Competent,Comments,Consent To Quote"
    )
    assert (
        "ev-1,Neglect,01/10/2019 10:30,Ann Council,ann@example.org,Council,Attended,Yes,Yes,Yes,Very useful,Yes" in text
    )
    assert "'=HYPERLINK(1)" in text


def test_xlsx_export_neutralises_formulas(programme, client_as):
    BookingFactory(session=programme.session, delegate_name="+SUM(A1)", email="evil@example.org")
    response = client_as("business_manager").get(url(programme, "training:export") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'+SUM(A1)" in names


def test_export_is_for_the_business_manager_only(programme, client_as):
    assert statuses(client_as, url(programme, "training:export"), ROLES) == {
        "business_manager": 200, "scrutineer": 403, "lead_a": 403, "contributor": 403, "outsider": 404,
    }  # fmt: skip


def test_export_then_import_changes_nothing(programme, client_as, tmp_path):
    from training.services import booking_import_start

    response = client_as("business_manager").get(url(programme, "training:export") + "?format=csv")
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = booking_import_start(
            user=programme.users["business_manager"], period=programme.period, name="export.csv", raw=response.content
        )
    job.refresh_from_db()
    assert (job.status, job.new_rows, job.updated_rows, job.unchanged_rows) == (ImportStatus.READY, 0, 0, 4)


def test_an_export_leaves_an_audit_entry_with_its_rows_and_format(programme, client_as):
    from partnership.models import AuditEntry

    response = client_as("business_manager").get(url(programme, "training:export") + "?format=xlsx")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(code__startswith="training.")  # signing in is audited too
    assert (entry.code, entry.actor, entry.data) == (
        "training.bookings.exported", programme.users["business_manager"], {"rows": 4, "format": "xlsx"},
    )  # fmt: skip


def test_an_export_in_another_format_is_refused_with_a_message_and_not_audited(programme, client_as):
    from partnership.models import AuditEntry

    response = client_as("business_manager").get(url(programme, "training:export") + "?format=pdf", follow=True)
    assert "Choose CSV or XLSX for the export." in response.content.decode()
    assert not AuditEntry.objects.filter(code__startswith="training.").exists()
