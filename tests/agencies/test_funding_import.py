"""Uploading a period's funding as CSV: a dry-run preview, then an all-or-nothing import, both audited."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies import services
from agencies.models import FundingContribution, FundingImport, FundingImportStatus
from lib.errors import InvalidInput, NotAllowed, WorkflowError
from partnership.models import AuditEntry
from tests.factories import AgencyFactory, FundingFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

GOOD = 'agency,amount,note\nCouncil,"£210,300",Core budget\nPolice,13300.50,\n'


def check(world, text: str, *, name="funding.csv", role="business_manager") -> FundingImport:
    return services.funding_import_check(
        user=world.users[role], period=world.period, name=name, raw=text.encode("utf-8")
    )


def confirm(world, job, role="business_manager") -> FundingImport:
    job = FundingImport.objects.select_related("period__partnership").get(pk=job.pk)
    return services.funding_import_confirm(user=world.users[role], job=job)


def amounts(world) -> dict[str, Decimal]:
    return {c.agency.slug: c.amount for c in FundingContribution.objects.filter(period=world.period)}


def test_check_previews_what_would_change_and_writes_no_contribution(world):
    FundingFactory(agency=world.agency_b, period=world.period, amount=Decimal("13000"))
    job = check(world, GOOD)
    assert job.status == FundingImportStatus.READY
    assert (job.total_rows, job.new_rows, job.updated_rows, job.unchanged_rows) == (2, 1, 1, 0)
    assert job.changes == [
        {"row": 1, "agency": "Council", "change": "New: £210,300 (Core budget)"},
        {"row": 2, "agency": "Police", "change": "Amount £13,000 to £13,300.50"},
    ]
    assert amounts(world) == {"police": Decimal("13000.00")}
    [entry] = AuditEntry.objects.filter(code="agencies.funding.uploaded")
    assert entry.data == {"rows": 2, "new": 1, "updated": 1, "problems": 0}
    assert entry.target_label == "funding.csv"


def test_confirm_imports_every_row_and_audits_each_contribution(world):
    FundingFactory(agency=world.agency_b, period=world.period, amount=Decimal("13000"))
    job = confirm(world, check(world, GOOD))
    assert job.status == FundingImportStatus.DONE and job.imported_at is not None
    assert amounts(world) == {"council": Decimal("210300.00"), "police": Decimal("13300.50")}
    created = AuditEntry.objects.get(code="agencies.funding.created")
    changed = AuditEntry.objects.get(code="agencies.funding.changed")
    assert created.data["import"] == job.pk
    assert created.data["changes"] == {"amount": [None, "210300.00"], "note": [None, "Core budget"]}
    assert changed.data["changes"] == {"amount": ["13000.00", "13300.50"]}
    assert changed.period_id == world.period.pk
    [done] = AuditEntry.objects.filter(code="agencies.funding.imported")
    assert done.data == {"rows": 2, "new": 1, "updated": 1}


def test_same_file_again_changes_nothing(world):
    confirm(world, check(world, GOOD))
    again = check(world, GOOD)
    assert (again.status, again.unchanged_rows, again.changes) == (FundingImportStatus.READY, 2, [])


def test_one_bad_row_means_nothing_is_imported(world):
    text = (
        "Agency,Amount,Note\n"
        "Council,100,\n"
        "Fire Service,5,\n"
        "Police,-5,\n"
        "Schools,12.345,\n"
        "council,1,\n"
        'Police,7,=HYPERLINK("http://x")\n'
    )
    job = check(world, text)
    assert job.status == FundingImportStatus.INVALID
    assert job.errors == [
        "Row 2: There is no agency called 'Fire Service' in Test Partnership. Write its name or short name as the "
        "agency list shows it, or add the agency first.",
        "Row 3: Enter an amount of £0 or more: a contribution cannot be negative.",
        "Row 4: Enter the amount in pounds and pence, with at most 2 digits after the point.",
        "Row 5: This repeats Council, already in row 1. Keep one row per agency.",
        "Row 6: Column 'note' holds '=HYPERLINK(\"http://x\")', which a spreadsheet would run as a formula. "
        "Remove the leading character and import the file again.",
    ]
    assert job.changes == []
    assert FundingContribution.objects.count() == 0
    with pytest.raises(WorkflowError, match="This file cannot be imported: it is 'has problems'"):
        confirm(world, job)
    assert FundingContribution.objects.count() == 0


def test_another_partnerships_agency_is_unknown_here(world):
    AgencyFactory(partnership=PartnershipFactory(), name="Fire Service", short_name="Fire")
    job = check(world, "agency,amount\nFire,5\n")
    assert job.errors == [
        "Row 1: There is no agency called 'Fire' in Test Partnership. Write its name or short name as the agency "
        "list shows it, or add the agency first."
    ]


def test_deactivated_agency_may_not_start_a_contribution(world):
    services.agency_deactivate(user=world.users["business_manager"], agency=world.agency_c)
    job = check(world, "agency,amount\nSchools,5\n")
    assert job.errors == [
        "Row 1: Schools is deactivated, so it cannot make a new contribution. Reactivate it first, or remove the row."
    ]


def test_funding_changed_after_the_check_stops_the_import(world):
    job = check(world, GOOD)
    FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("1"))
    job = confirm(world, job)
    assert job.status == FundingImportStatus.INVALID
    assert job.errors == [services.STALE_IMPORT]
    assert amounts(world) == {"council": Decimal("1.00")}
    assert not AuditEntry.objects.filter(code="agencies.funding.imported").exists()


def test_a_file_is_imported_once(world):
    job = confirm(world, check(world, GOOD))
    with pytest.raises(WorkflowError) as caught:
        confirm(world, job)
    assert caught.value.message == (
        "This file cannot be imported: it is 'imported'. Upload the file again to start a new import."
    )


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        (
            "funding.xlsx",
            b"x",
            "'funding.xlsx' is not a CSV file. In your spreadsheet use 'Save as' and choose "
            "'CSV UTF-8 (comma delimited)', then upload that file.",
        ),
        ("funding.csv", b"  \n", "The file is empty. Choose the CSV file of this period's funding."),
        (
            "funding.csv",
            b"agency,note\nCouncil,x\n",
            "The file has no column 'amount' (columns found: 'agency', 'note'). The first row must name the "
            "columns agency, amount, note; note may be left out.",
        ),
        (
            "funding.csv",
            b"agency;amount\nCouncil;5\n",
            "The file's columns are separated by semicolons, not commas. In your spreadsheet use 'Save as' and "
            "choose 'CSV UTF-8 (comma delimited)', then upload that file.",
        ),
        (
            "funding.csv",
            "agency,amount\nCafé,5\n".encode("latin-1"),
            "The file is not UTF-8 text, so names with accents would be garbled. In your spreadsheet use 'Save as' "
            "and choose 'CSV UTF-8 (comma delimited)', then upload that file.",
        ),
        (
            "funding.csv",
            b"agency,amount\n",
            "The file has no contributions under its header row. Add one row per agency with the columns "
            "agency, amount, note.",
        ),
    ],
)
def test_unreadable_file_is_refused_and_nothing_is_kept(world, name, raw, message):
    with pytest.raises(InvalidInput) as caught:
        services.funding_import_check(user=world.users["business_manager"], period=world.period, name=name, raw=raw)
    assert caught.value.errors == [message]
    assert FundingImport.objects.count() == 0
    assert not AuditEntry.objects.filter(code="agencies.funding.uploaded").exists()


@pytest.mark.parametrize("role", ["scrutineer", "lead_a", "outsider"])
def test_only_the_business_manager_uploads_and_imports(world, role):
    with pytest.raises(NotAllowed):
        check(world, GOOD, role=role)
    job = check(world, GOOD)
    with pytest.raises(NotAllowed):
        confirm(world, job, role=role)
    assert FundingContribution.objects.count() == 0


# Through the pages -----------------------------------------------------------------


def upload_url(world):
    return reverse("agencies:funding_import", args=[world.partnership.slug, world.period.slug])


def test_upload_page_previews_then_confirm_imports(world, client_as):
    client = client_as("business_manager")
    upload = SimpleUploadedFile("funding.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(upload_url(world), {"file": upload})
    job = FundingImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "agencies:funding_import_job", args=[world.partnership.slug, world.period.slug, job.pk]
    )
    preview = client.get(response["Location"]).content.decode()
    assert "New: £210,300 (Core budget)" in preview
    assert "Import these contributions" in preview
    assert FundingContribution.objects.count() == 0
    done = client.post(response["Location"], follow=True)
    assert "Imported: 2 new contributions, 0 changed, 0 already up to date." in done.content.decode()
    assert amounts(world) == {"council": Decimal("210300.00"), "police": Decimal("13300.50")}


def test_upload_page_shows_a_bad_file_on_the_form(world, client_as):
    upload = SimpleUploadedFile("funding.txt", b"agency,amount\n", content_type="text/plain")
    response = client_as("business_manager").post(upload_url(world), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Upload funding 2019/20" in html
    assert "&#x27;funding.txt&#x27; is not a CSV file." in html


def test_preview_with_problems_offers_no_import(world, client_as):
    job = check(world, "agency,amount\nNowhere,1\n")
    url = reverse("agencies:funding_import_job", args=[world.partnership.slug, world.period.slug, job.pk])
    html = client_as("business_manager").get(url).content.decode()
    assert "The file has problems, so nothing will be imported" in html
    assert "Import these contributions" not in html


def test_scrutineer_cannot_confirm_an_import(world, client_as):
    job = check(world, GOOD)
    url = reverse("agencies:funding_import_job", args=[world.partnership.slug, world.period.slug, job.pk])
    assert client_as("scrutineer").post(url).status_code == 403
    assert client_as("outsider").post(url).status_code == 404
    assert FundingContribution.objects.count() == 0


def test_import_of_another_period_is_not_found(world, client_as):
    from tests.factories import PeriodFactory

    other = PeriodFactory(partnership=world.partnership, label="2020/21", slug="2020-21")
    job = check(world, GOOD)
    url = reverse("agencies:funding_import_job", args=[world.partnership.slug, other.slug, job.pk])
    assert client_as("business_manager").get(url).status_code == 404


# Limits and keeping (issue 11) ------------------------------------------------------------


def test_rows_are_counted_while_reading_and_reading_stops_past_the_limit(world, monkeypatch):
    from agencies import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 50)
    read = []
    real_reader = imports.csv.reader

    def counting_reader(*args, **kwargs):
        for record in real_reader(*args, **kwargs):
            read.append(record)
            yield record

    monkeypatch.setattr(imports.csv, "reader", counting_reader)
    rows = "".join(f"Agency {n},{n},\n" for n in range(51))
    malformed = "x,1,2,3,4,5\n" * 500  # more cells than the header names: never reached
    with pytest.raises(InvalidInput) as caught:
        check(world, "agency,amount,note\n" + rows + malformed)
    assert caught.value.messages == [
        "The file has more than 50 rows; a period's funding needs one row per agency. Check you chose the right file."
    ]
    assert len(read) == 1 + 51
    assert not FundingImport.objects.exists()


def test_the_uploaded_text_is_dropped_once_imported(world):
    job = confirm(world, check(world, GOOD))
    job.refresh_from_db()
    assert (job.status, job.content, job.new_rows) == (FundingImportStatus.DONE, "", 2)


def test_unimported_uploads_are_dropped_after_their_days(world, settings):
    import datetime

    from django.utils import timezone

    settings.PORTAL_FAILED_IMPORT_DAYS = 3
    ready = check(world, GOOD)
    bad = check(world, "Agency,Amount\nNobody,5\n")
    assert bad.status == FundingImportStatus.INVALID and bad.content
    assert services.funding_imports_clean(now=timezone.now() + datetime.timedelta(days=2)) == 0
    assert services.funding_imports_clean(now=timezone.now() + datetime.timedelta(days=4)) == 2
    ready.refresh_from_db()
    bad.refresh_from_db()
    assert (ready.content, bad.content) == ("", "")
    assert ready.status == FundingImportStatus.INVALID
    assert ready.errors[0].startswith("Not imported: nobody confirmed it within 3 days")
    with pytest.raises(WorkflowError):
        confirm(world, ready)
    from config.celery import app

    assert app.conf.beat_schedule["agencies-funding-imports-clean"]["task"] == "agencies.funding_imports_clean"
