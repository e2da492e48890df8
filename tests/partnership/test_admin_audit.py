"""What an operator changes in the Django admin is audited like any other change."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agencies.models import FundingContribution
from partnership.audit import audit_describe
from partnership.models import AuditEntry, Priority, Subgroup
from tests.factories import FundingFactory, sign_in_freshly, staff_user
from training.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(world):
    user = staff_user()  # with a second factor, as the admin's operators must have
    client = Client()
    sign_in_freshly(client, user)
    return user, client


def form_data(response) -> dict:
    """What the admin page's form would post back unchanged, inline formsets included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                value = "on" if value else None
            if value is not None:
                data[field.html_name] = value
    return data


def only(code: str) -> AuditEntry:
    [entry] = AuditEntry.objects.filter(code=code)
    return entry


def test_changing_a_funding_contribution_records_the_old_and_new_amount(world, operator):
    user, client = operator
    funding = FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("1000.00"))
    url = reverse("admin:agencies_fundingcontribution_change", args=[funding.pk])
    data = form_data(client.get(url)) | {"amount": "1500.00", "_save": "Save"}
    assert client.post(url, data).status_code == 302
    entry = only("partnership.admin.changed")
    assert (entry.actor, entry.partnership, entry.target_id, entry.ip) == (
        user,
        world.partnership,
        funding.pk,
        "127.0.0.1",
    )
    assert entry.data == {"model": "funding contribution", "changes": {"amount": ["1000.00", "1500.00"]}, "before": {}}
    assert audit_describe(entry) == "changed the funding contribution Council 2019/20: £1,500.00 in the administration"


def test_adding_in_the_admin_records_every_value(world, operator):
    _, client = operator
    url = reverse("admin:partnership_priority_add")
    data = {"partnership": world.partnership.pk, "position": 1, "title": "Neglect", "description": "", "_save": "Save"}
    assert client.post(url, data).status_code == 302
    entry = only("partnership.admin.added")
    priority = Priority.objects.get()
    assert (entry.partnership, entry.target_id, entry.target_label) == (world.partnership, priority.pk, "1. Neglect")
    assert entry.data["changes"] == {
        "id": [None, priority.pk],
        "partnership": [None, world.partnership.pk],
        "position": [None, 1],
        "title": [None, "Neglect"],
        "description": [None, ""],
    }


def test_a_many_to_many_change_is_recorded_as_it_was_saved(world, operator):
    _, client = operator
    neglect = Priority.objects.create(partnership=world.partnership, position=1, title="Neglect")
    exploitation = Priority.objects.create(partnership=world.partnership, position=2, title="Exploitation")
    course = Course.objects.create(partnership=world.partnership, slug="basics", title="Basics", duration_hours=3)
    course.priorities.add(neglect)
    url = reverse("admin:training_course_change", args=[course.pk])
    data = form_data(client.get(url)) | {"priorities": [neglect.pk, exploitation.pk], "_save": "Save"}
    assert client.post(url, data).status_code == 302
    assert only("partnership.admin.changed").data["changes"] == {
        "priorities": [[neglect.pk], sorted([neglect.pk, exploitation.pk])]
    }


def test_an_inline_row_added_in_the_admin_is_recorded_with_its_partnership(world, operator):
    _, client = operator
    subgroup = Subgroup.objects.create(partnership=world.partnership, name="Learning", slug="learning")
    url = reverse("admin:partnership_subgroup_change", args=[subgroup.pk])
    data = form_data(client.get(url))
    prefix = "meeting_counts"
    data |= {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-0-subgroup": subgroup.pk,
        f"{prefix}-0-period": world.period.pk,
        f"{prefix}-0-meetings_held": "4",
        "_save": "Save",
    }
    assert client.post(url, data).status_code == 302
    entry = only("partnership.admin.added")
    assert (entry.partnership, entry.target_label) == (world.partnership, "Learning: 4 in 2019/20")
    assert entry.data["changes"] == {"period": [None, world.period.pk], "meetings_held": [None, 4]}
    assert only("partnership.admin.changed").data["changes"] == {}


def test_deleting_in_the_admin_records_what_was_removed(world, operator):
    _, client = operator
    funding = FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("250.00"), note="Core")
    url = reverse("admin:agencies_fundingcontribution_delete", args=[funding.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    entry = only("partnership.admin.deleted")
    assert (entry.partnership, entry.target_id, entry.target_label) == (
        world.partnership,
        None,
        "Council 2019/20: £250.00",
    )
    assert entry.data["before"] == {
        "id": funding.pk,
        "agency": world.agency_a.pk,
        "period": world.period.pk,
        "amount": "250.00",
        "note": "Core",
    }
    assert not FundingContribution.objects.exists()


def test_an_admin_export_is_recorded_with_its_row_count(world, operator):
    user, client = operator
    FundingFactory(agency=world.agency_a, period=world.period)
    FundingFactory(agency=world.agency_b, period=world.period)
    url = reverse("admin:agencies_fundingcontribution_export")
    form = client.get(url).context["form"]
    data = {"format": "0", "resource": "0"} | {name: "on" for name in form.fields if name.startswith("funding")}
    response = client.post(url, data)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    entry = only("partnership.export.made")
    assert (entry.actor, entry.partnership, entry.ip) == (user, None, "127.0.0.1")
    assert entry.data == {"rows": 2, "what": "funding contributions", "format": "csv"}
    assert audit_describe(entry) == "exported 2 funding contributions from the administration"


def test_an_admin_export_asks_a_stale_sign_in_to_confirm_who_it_is(world):
    client = Client()
    client.force_login(staff_user())  # signed in, but with no recent authentication on record
    response = client.get(reverse("admin:agencies_fundingcontribution_export"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEntry.objects.filter(code="partnership.export.made").exists()


def test_an_admin_import_is_recorded_once_when_confirmed(world, operator):
    _, client = operator
    csv = "partnership,period,agency,amount,note\ntsp,2019-20,council,1200.00,Core\ntsp,2019-20,police,800.00,\n"
    url = reverse("admin:agencies_fundingcontribution_import")
    upload = SimpleUploadedFile("funding.csv", csv.encode(), content_type="text/csv")
    preview = client.post(url, {"resource": "0", "format": "0", "import_file": upload})
    assert preview.status_code == 200 and not AuditEntry.objects.filter(code="partnership.import.made").exists()
    confirm = preview.context["confirm_form"]
    response = client.post(reverse("admin:agencies_fundingcontribution_process_import"), confirm.initial)
    assert response.status_code == 302
    assert FundingContribution.objects.count() == 2
    entry = only("partnership.import.made")
    assert (entry.data["rows"], entry.data["totals"]["new"]) == (2, 2)
    assert audit_describe(entry) == "imported 2 funding contributions in the administration"
