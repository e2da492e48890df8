"""The audit log page and its CSV export: the business manager's, filtered, paged, in words."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.urls import reverse

from partnership.audit import audit_record
from partnership.models import AuditEntry
from partnership.permissions import audit_entries_visible_to, user_can_view_audit
from tests.conftest import ROLE_NAMES
from tests.factories import PartnershipFactory, PeriodFactory

pytestmark = pytest.mark.django_db
# Addresses are reversed inside tests: reversing at import would load the URLconf before
# pytest-django turns DEBUG off, and keep the DEBUG-only media route for the whole session.
LOG, EXPORT = "partnership:audit", "partnership:audit_export"


def url(name: str) -> str:
    return reverse(name, args=["tsp"])


HEADER = ["When (UTC)", "Who", "What", "Code", "Target", "Period", "Details", "IP address"]


def entry_on(day: int, code: str, **kwargs) -> AuditEntry:
    """An entry written at noon on that day of January 2020 (GMT, so the local day and the UTC day agree)."""
    moment = datetime.datetime(2020, 1, day, 12, 0, tzinfo=datetime.UTC)
    with mock.patch("partnership.audit.timezone.now", return_value=moment):
        return audit_record(code=code, **kwargs)


class Log:
    def __init__(self, world):
        manager, lead_a = world.users["business_manager"], world.users["lead_a"]
        self.later_period = PeriodFactory(
            partnership=world.partnership,
            label="2020/21",
            slug="2020-21",
            start=datetime.date(2020, 4, 1),
            end=datetime.date(2021, 3, 31),
            submission_deadline=datetime.date(2021, 9, 30),
        )
        section = {"target_label": "Council Working"}
        self.approved = entry_on(1, "reports.section.approved", actor=manager, period=world.period, **section)
        self.submitted = entry_on(2, "reports.section.submitted", actor=lead_a, period=world.period, **section)
        self.priority = entry_on(
            3, "partnership.priority.changed", actor=manager, partnership=world.partnership, target_label="1. Neglect"
        )
        self.saved = entry_on(4, "reports.section.saved", actor=lead_a, period=self.later_period, target_label="Police")
        elsewhere = PartnershipFactory(slug="elsewhere")
        self.elsewhere = entry_on(2, "partnership.priority.changed", actor=manager, partnership=elsewhere)


@pytest.fixture
def log(world, client_as):
    log = Log(world)
    log.client = client_as("business_manager")
    # Signing in is itself an entry (today, by the manager, in no period).
    log.signin = AuditEntry.objects.get(code="people.signin.succeeded", partnership=world.partnership)
    return log


def listed(response) -> list[int]:
    return [entry.pk for entry in response.context["page"].object_list]


def table(response) -> str:
    content = response.content.decode()
    return content[content.index("<tbody") : content.index("</tbody>")]


def test_the_log_lists_the_partnerships_entries_newest_first_in_words(log):
    response = log.client.get(url(LOG))
    assert response.status_code == 200
    assert listed(response) == [log.signin.pk, log.saved.pk, log.priority.pk, log.submitted.pk, log.approved.pk]
    rows = table(response)
    assert "<strong>manager</strong> approved the Council Working section</td>" in rows
    assert "<strong>lead-a</strong> submitted the Council Working section for approval</td>" in rows
    assert "<strong>manager</strong> changed the priority 1. Neglect</td>" in rows
    assert "reports.section" not in rows and "partnership.priority" not in rows
    assert "5 entries." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda log, world: {"person": world.users["lead_a"].pk}, ["saved", "submitted"]),
        (lambda log, world: {"app": "reports"}, ["saved", "submitted", "approved"]),
        (lambda log, world: {"app": "partnership"}, ["priority"]),
        (lambda log, world: {"code": "reports.section.approved"}, ["approved"]),
        (lambda log, world: {"period": world.period.pk}, ["submitted", "approved"]),
        (lambda log, world: {"period": log.later_period.pk}, ["saved"]),
        (lambda log, world: {"date_from": "2020-01-02", "date_to": "2020-01-03"}, ["priority", "submitted"]),
        (lambda log, world: {"date_from": "2/1/2020", "date_to": "3/1/2020"}, ["priority", "submitted"]),
        (lambda log, world: {"date_to": "2020-01-01"}, ["approved"]),
        (lambda log, world: {"date_from": "2020-01-04"}, ["signin", "saved"]),
        (lambda log, world: {"person": world.users["lead_a"].pk, "period": world.period.pk}, ["submitted"]),
    ],
    ids=[
        "person",
        "app",
        "other-app",
        "code",
        "period",
        "other-period",
        "iso-dates",
        "british-dates",
        "to",
        "from",
        "both",
    ],
)
def test_each_filter_narrows_the_log(log, world, query, expected):
    response = log.client.get(url(LOG), query(log, world))
    assert response.status_code == 200
    assert listed(response) == [getattr(log, name).pk for name in expected]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"person": "abc"}, "person", "Choose a person from the list."),
        ({"code": "reports.nothing.such"}, "code", "Choose what was done from the list."),
        ({"period": "999999"}, "period", "Choose a period from the list."),
        ({"date_from": "31/2/2020"}, "date_from", "Enter a real date, for example 1/4/2019."),
        (
            {"date_from": "2020-01-03", "date_to": "2020-01-02"},
            "date_to",
            "The &#x27;to&#x27; date must be the same as or after the &#x27;from&#x27; date.",
        ),
    ],
)
def test_a_bad_filter_is_named_with_no_entries_shown(log, query, field, message):
    response = log.client.get(url(LOG), query)
    assert response.status_code == 400
    content = response.content.decode()
    assert f'<a href="#id_{field}">{message}</a>' in content
    assert response.context["page"] is None and "<tbody" not in content
    assert "<title>Error: Audit log" in content


def test_a_bad_filter_exports_nothing_and_records_no_export(log):
    response = log.client.get(url(EXPORT), {"date_from": "2020-01-03", "date_to": "2020-01-02"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(code="partnership.audit.exported").exists()


def test_the_log_shows_50_entries_a_page(world, client_as):
    client = client_as("business_manager")  # its sign-in is the first entry
    for number in range(119):
        audit_record(code="partnership.priority.changed", partnership=world.partnership, target_label=f"P{number}")
    first = client.get(url(LOG))
    assert len(listed(first)) == 50
    assert "120 entries; page 1 of 3." in first.content.decode()
    last = client.get(url(LOG), {"page": 3})
    assert len(listed(last)) == 20
    assert "120 entries; page 3 of 3." in last.content.decode()


def test_the_pages_keep_the_filters(world, client_as):
    client = client_as("business_manager")
    for number in range(51):
        audit_record(code="partnership.priority.changed", partnership=world.partnership, target_label=f"P{number}")
    response = client.get(url(LOG), {"app": "partnership", "page": 1})
    content = response.content.decode()
    assert "51 entries; page 1 of 2." in content
    assert 'href="?app=partnership&amp;page=2"' in content
    assert f'href="{url(EXPORT)}?app=partnership"' in content


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def test_the_export_is_the_filtered_log_as_csv(log):
    response = log.client.get(url(EXPORT), {"app": "reports"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-tsp-')
    assert read_csv(response) == [
        HEADER,
        [
            "2020-01-04 12:00:00",
            "lead-a",
            "saved the Police section",
            "reports.section.saved",
            "Police",
            "2020/21",
            "",
            "",
        ],
        [
            "2020-01-02 12:00:00",
            "lead-a",
            "submitted the Council Working section for approval",
            "reports.section.submitted",
            "Council Working",
            "2019/20",
            "",
            "",
        ],
        [
            "2020-01-01 12:00:00",
            "manager",
            "approved the Council Working section",
            "reports.section.approved",
            "Council Working",
            "2019/20",
            "",
            "",
        ],
    ]


def test_the_export_neutralises_spreadsheet_formulas(world, log):
    entry_on(5, "reports.section.saved", period=world.period, target_label='=HYPERLINK("http://evil.example")')
    rows = read_csv(log.client.get(url(EXPORT), {"code": "reports.section.saved", "date_from": "2020-01-05"}))
    assert rows[1][1:5] == [
        "The portal",
        'saved the =HYPERLINK("http://evil.example") section',
        "reports.section.saved",
        '\'=HYPERLINK("http://evil.example")',
    ]


def test_the_export_records_one_entry_with_its_row_count_and_leaves_itself_out(log, world):
    response = log.client.get(url(EXPORT))
    rows = read_csv(response)
    [export] = AuditEntry.objects.filter(code="partnership.audit.exported")
    assert len(rows) == 1 + 5
    assert (export.actor, export.partnership, export.ip, export.data) == (
        world.users["business_manager"],
        world.partnership,
        "127.0.0.1",
        {"rows": 5, "filters": {}},
    )
    assert "partnership.audit.exported" not in [row[3] for row in rows]


def test_the_export_records_the_filters_it_used(log):
    read_csv(log.client.get(url(EXPORT), {"app": "reports", "person": ""}))
    [export] = AuditEntry.objects.filter(code="partnership.audit.exported")
    assert export.data == {"rows": 3, "filters": {"app": "reports", "person": ""}}
    next_page = log.client.get(url(LOG))
    assert "<strong>manager</strong> exported 3 audit entries as CSV</td>" in table(next_page)


@pytest.mark.parametrize("name", [LOG, EXPORT])
def test_neither_the_log_nor_its_export_is_cached(log, name):
    response = log.client.get(url(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("name", [LOG, EXPORT])
def test_a_refused_filter_is_not_cached_either(log, name):
    assert "no-store" in log.client.get(url(name), {"person": "abc"})["Cache-Control"]


def test_who_may_read_the_log_agrees_with_the_entries_they_may_see(world, log):
    for role in ROLE_NAMES[1:]:
        user = world.users[role]
        visible = set(audit_entries_visible_to(user).values_list("pk", flat=True))
        mine = set(AuditEntry.objects.filter(partnership=world.partnership).values_list("pk", flat=True))
        assert (visible == mine) is user_can_view_audit(user, world.partnership), role
        assert visible in (set(), mine), role
