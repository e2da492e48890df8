"""Admin imports and exports of agencies, representatives and funding."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agencies.models import Agency, FundingContribution
from agencies.resources import AgencyResource
from lib.spreadsheets import neutralise_formula
from tests.factories import AgencyFactory, UserFactory, totp_enrol

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"  # the first format offered by the admin: csv


def staff_client(*codenames) -> Client:
    user = UserFactory(username="administrator", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    totp_enrol(user)  # staff must have a second factor (people/mfa.py)
    client = Client()
    client.force_login(user)
    return client


def csv_upload(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile("agencies.csv", buffer.getvalue().encode(), content_type="text/csv")


def preview(client, rows):
    return client.post(
        "/admin/agencies/agency/import/", {"import_file": csv_upload(rows), "format": CSV_FORMAT, "resource": "0"}
    )


def confirm(client, preview_response):
    html = preview_response.content.decode()
    fields = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', html))
    return client.post("/admin/agencies/agency/process_import/", fields)


HEADER = ["partnership", "slug", "name", "short_name", "kind", "statutory_role"]


def test_import_needs_the_explicit_import_permission(world):
    client = staff_client("view_agency", "add_agency", "change_agency")
    response = client.get("/admin/agencies/agency/import/")
    assert response.status_code == 403


def test_import_previews_then_writes_only_on_confirm(world):
    client = staff_client("view_agency", "add_agency", "change_agency", "import_agency")
    rows = [HEADER, ["tsp", "health", "Health Board", "Health", "statutory_partner", "health"]]
    response = preview(client, rows)
    assert response.status_code == 200
    assert "Health Board" in response.content.decode()
    assert not Agency.objects.filter(slug="health").exists()  # dry run wrote nothing
    confirm(client, response)
    assert Agency.objects.get(slug="health").statutory_role == "health"


def test_one_bad_row_rolls_back_the_whole_file(world):
    client = staff_client("view_agency", "add_agency", "change_agency", "import_agency")
    rows = [
        HEADER,
        ["tsp", "health", "Health Board", "Health", "statutory_partner", "health"],
        ["tsp", "school", "A School", "School", "not-a-kind", ""],
    ]
    response = preview(client, rows)
    html = response.content.decode()
    assert "not-a-kind" in html and "is not a valid choice" in html
    assert 'name="import_file_name"' not in html  # no confirm button while any row is wrong
    assert not Agency.objects.filter(slug__in=["health", "school"]).exists()


def test_unknown_partnership_is_reported_by_row(world):
    client = staff_client("view_agency", "add_agency", "change_agency", "import_agency")
    response = preview(client, [HEADER, ["nowhere", "x", "X", "X", "other", ""]])
    assert (
        "No partnership with slug &#x27;nowhere&#x27;. Check the spelling, or add it first."
        in response.content.decode()
    )
    assert not Agency.objects.filter(slug="x").exists()


def test_import_refuses_formulas(world):
    client = staff_client("view_agency", "add_agency", "change_agency", "import_agency")
    response = preview(client, [HEADER, ["tsp", "evil", '=HYPERLINK("http://x")', "Evil", "other", ""]])
    assert "would run as a formula" in response.content.decode()
    assert not Agency.objects.filter(slug="evil").exists()


def test_funding_import_is_scoped_to_the_partnership(world):
    client = staff_client(
        "view_fundingcontribution",
        "add_fundingcontribution",
        "change_fundingcontribution",
        "import_fundingcontribution",
    )
    upload = csv_upload(
        [["partnership", "period", "agency", "amount", "note"], ["tsp", "2019-20", "council", "1200.50", ""]]
    )
    response = client.post(
        "/admin/agencies/fundingcontribution/import/", {"import_file": upload, "format": CSV_FORMAT, "resource": "0"}
    )
    confirm_fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', response.content.decode()
        )
    )
    client.post("/admin/agencies/fundingcontribution/process_import/", confirm_fields)
    assert FundingContribution.objects.get(agency=world.agency_a, period=world.period).amount == Decimal("1200.50")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1384", "'+44 1384"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Dudley MBC", "Dudley MBC"),
        (5, 5),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_exports_neutralise_every_formula_prefix(world):
    AgencyFactory(partnership=world.partnership, name="@evil", short_name="-evil", slug="evil")
    dataset = AgencyResource().export(queryset=Agency.objects.filter(slug="evil"))
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["name"] == "'@evil"
    assert row["short_name"] == "'-evil"
    assert row["slug"] == "evil"
