"""The voice ledger: who keeps which entries, the rules of consent and change, the report's block."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import AuditEntry, Priority
from reports.assembly import report_assemble
from reports.blocks import voice_block
from reports.errors import InvalidInput, NotAllowed
from reports.models import VoiceEntry
from reports.rendering import report_html
from reports.voice import voice_entries_for, voice_entry_add, voice_entry_change, voice_entry_remove, voice_statistics
from tests.reports.report_fixtures import add_section, add_spec, content

pytestmark = pytest.mark.django_db


@pytest.fixture
def priorities(world):
    return [
        Priority.objects.create(partnership=world.partnership, position=1, title="Neglect"),
        Priority.objects.create(partnership=world.partnership, position=2, title="Exploitation"),
    ]


def fields(**extra) -> dict:
    base = {
        "agency": None, "priority": None, "service": "Early help", "said": "Workers listened to us.",
        "source": "Young people's forum", "said_on": datetime.date(2019, 10, 1), "method": "youth_forum",
        "consent": "aggregate", "consent_record": "", "public": True, "we_did": "", "change_status": "",
        "change_on": None,
    }  # fmt: skip
    return base | extra


def entry(world, **extra) -> VoiceEntry:
    data = fields(**extra)
    return VoiceEntry.objects.create(period=world.period, **data)


def refusal(call) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value.messages


# Who keeps which entries ---------------------------------------------------------------------------


def test_business_manager_adds_an_entry_for_the_partnership_and_it_is_audited(world):
    added = voice_entry_add(user=world.users["business_manager"], period=world.period, fields=fields())
    assert added.agency is None and added.public
    audit = AuditEntry.objects.get(code="reports.voice.added")
    assert audit.target_label == "Young people's forum, 01 October 2019"
    assert "Workers listened" not in str(audit.data)  # what was said is kept by length, never quoted


def test_agency_lead_adds_for_their_own_agency_only(world):
    lead = world.users["lead_a"]
    assert (
        voice_entry_add(user=lead, period=world.period, fields=fields(agency=world.agency_a)).agency == world.agency_a
    )
    assert refusal(lambda: voice_entry_add(user=lead, period=world.period, fields=fields(agency=world.agency_b))) == [
        "You can only record entries for the agency you lead. Choose your own agency."
    ]
    assert refusal(lambda: voice_entry_add(user=lead, period=world.period, fields=fields())) == [
        "Choose your agency: only the business manager records what the partnership itself heard."
    ]
    assert VoiceEntry.objects.count() == 1


@pytest.mark.parametrize("who", ["contributor", "scrutineer", "outsider"])
def test_readers_and_outsiders_cannot_add(world, who):
    with pytest.raises(NotAllowed):
        voice_entry_add(user=world.users[who], period=world.period, fields=fields(agency=world.agency_a))
    assert not VoiceEntry.objects.exists()


def test_lead_changes_their_agencys_entry_but_not_another_agencys(world):
    mine, theirs = entry(world, agency=world.agency_a), entry(world, agency=world.agency_b, source="Police cadets")
    changed = voice_entry_change(user=world.users["lead_a"], entry=mine, fields=fields(agency=world.agency_a,
                                 we_did="Evening drop-ins.", change_status="planned"))  # fmt: skip
    assert (changed.we_did, changed.change_status) == ("Evening drop-ins.", "planned")
    audit = AuditEntry.objects.get(code="reports.voice.changed")
    assert audit.data["changes"]["change_status"] == ["", "planned"]
    with pytest.raises(NotAllowed):
        voice_entry_change(user=world.users["lead_a"], entry=theirs, fields=fields(agency=world.agency_b))
    with pytest.raises(NotAllowed):
        voice_entry_remove(user=world.users["lead_a"], entry=theirs)
    assert VoiceEntry.objects.filter(pk=theirs.pk).exists()


def test_lead_cannot_move_an_entry_to_another_agency(world):
    mine = entry(world, agency=world.agency_a)
    messages = refusal(
        lambda: voice_entry_change(user=world.users["lead_a"], entry=mine, fields=fields(agency=world.agency_b))
    )
    assert messages == ["You can only record entries for the agency you lead. Choose your own agency."]
    mine.refresh_from_db()
    assert mine.agency == world.agency_a


def test_change_with_nothing_different_writes_no_audit_entry(world):
    mine = entry(world)
    voice_entry_change(user=world.users["business_manager"], entry=mine, fields=fields())
    assert not AuditEntry.objects.filter(code="reports.voice.changed").exists()


def test_remove_is_audited_with_what_it_was(world):
    mine = entry(world, agency=world.agency_a)
    voice_entry_remove(user=world.users["business_manager"], entry=mine)
    assert not VoiceEntry.objects.exists()
    audit = AuditEntry.objects.get(code="reports.voice.removed")
    assert audit.data["before"]["agency"] == "Council" and audit.data["before"]["source"] == "Young people's forum"


# The rules of an entry -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"consent": "none"}, "An entry without consent cannot be shown in the published report. Untick 'show in "
         "the published report', or record the consent that was given."),
        ({"consent": "written"}, "Say how consent was given and where it is recorded."),
        ({"said": "  "}, "Enter what was said, anonymised."),
        ({"source": ""}, "Enter where it came from: a group or a service, never a person's name."),
        ({"service": ""}, "Choose the priority it concerns, or name the service."),
        ({"said_on": datetime.date(2020, 4, 1)}, "Enter a date within 2019/20 (1 April 2019 to 31 March 2020), or "
         "record the entry in the period it belongs to."),
        ({"we_did": "More youth workers."}, "Say whether the change is planned or done."),
        ({"change_status": "planned"}, "Say what changed as a result, or leave its status empty."),
        ({"we_did": "Drop-ins.", "change_status": "done"}, "Enter the date the change was made."),
        ({"we_did": "Drop-ins.", "change_status": "done", "change_on": datetime.date(2019, 9, 1)},
         "The change cannot come before what was said. Check the two dates."),
        ({"method": "rumour"}, "Choose how it was gathered."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_what_to_do_and_nothing_saved(world, extra, message):
    assert refusal(
        lambda: voice_entry_add(user=world.users["business_manager"], period=world.period, fields=fields(**extra))
    ) == [message]
    assert not VoiceEntry.objects.exists()


def test_consent_recorded_and_non_public_entries_without_consent_are_accepted(world):
    manager = world.users["business_manager"]
    voice_entry_add(user=manager, period=world.period, fields=fields(consent="written", consent_record="Form on file"))
    voice_entry_add(user=manager, period=world.period, fields=fields(consent="none", public=False))
    assert VoiceEntry.objects.count() == 2


def test_priority_of_another_partnership_is_refused(world, priorities):
    from tests.factories import PartnershipFactory

    elsewhere = Priority.objects.create(partnership=PartnershipFactory(slug="else"), position=1, title="Neglect")
    assert refusal(
        lambda: voice_entry_add(
            user=world.users["business_manager"], period=world.period, fields=fields(priority=elsewhere, service="")
        )
    ) == ["Choose a priority of this partnership."]


def test_database_refuses_a_public_entry_without_consent(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(world, consent="none", public=True)


def test_database_refuses_a_done_change_without_a_date(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(world, we_did="Drop-ins.", change_status="done")


# The report's block -------------------------------------------------------------------------------


def ledger(world, priorities):
    """Seven entries by hand: 3 surveys, 2 focus groups, 1 complaint, 1 interview; the complaint has no consent."""
    neglect, exploitation = priorities
    day = datetime.date(2019, 11, 1)
    rows = [
        {"priority": exploitation, "method": "survey", "said": "Exploitation survey", "we_did": "Safe spaces.",
         "change_status": "done", "change_on": day},
        {"priority": neglect, "method": "survey", "said": "Neglect survey one"},
        {"priority": neglect, "method": "survey", "said": "Neglect survey two", "we_did": "Home visits.",
         "change_status": "planned"},
        {"priority": neglect, "method": "focus_group", "said": "Neglect group", "we_did": "New leaflet.",
         "change_status": "done", "change_on": day},
        {"service": "Health visiting", "method": "focus_group", "said": "Health visiting group"},
        {"service": "Housing", "method": "complaint", "said": "Secret complaint text", "consent": "none",
         "public": False},
        {"priority": neglect, "method": "interview", "said": "Private interview", "consent": "spoken",
         "consent_record": "Noted by the advocate", "public": False},
    ]  # fmt: skip
    return [entry(world, service=row.pop("service", ""), **row) for row in rows]


def test_block_figures_match_the_hand_counts(world, priorities):
    ledger(world, priorities)
    figures = voice_statistics(period=world.period)
    assert figures.by_method == [("Survey", 3), ("Focus group", 2), ("Interview", 1), ("Complaint", 1)]
    assert (figures.total, figures.shown, figures.done, figures.planned) == (7, 5, 2, 1)
    assert [(g.heading, [e.said for e in g.entries]) for g in figures.groups] == [
        ("Neglect", ["Neglect survey one", "Neglect survey two", "Neglect group"]),
        ("Exploitation", ["Exploitation survey"]),
        ("Other services", ["Health visiting group"]),
    ]


def test_block_never_shows_an_entry_without_consent(world, priorities):
    ledger(world, priorities)
    # Even a row forced past the service and the constraint's intent (public, consent refused) stays out.
    VoiceEntry.objects.filter(said="Secret complaint text").update(consent="aggregate", public=False)
    shown = [e.said for g in voice_statistics(period=world.period).groups for e in g.entries]
    assert "Secret complaint text" not in shown and "Private interview" not in shown


def test_block_costs_the_same_queries_for_3_and_30_entries(world, priorities):
    def count(n):
        VoiceEntry.objects.all().delete()
        for i in range(n):
            entry(world, priority=priorities[i % 2], service="", said=f"Said {i}")
        with CaptureQueriesContext(connection) as queries:
            figures = voice_block(world.period)
            assert figures.context["voice"].shown == n
        return len(queries)

    assert count(3) == count(30) == 2


@pytest.fixture
def voice_report(world, priorities):
    ledger(world, priorities)
    manager = world.users["business_manager"]
    add_spec(world.period, 1, "Voice of the child", level=1)
    spec = add_spec(world.period, 2, "You said, we did", level=2, block="voice")
    add_section(spec, manager, content("We asked children what they think."))
    return world


def test_block_renders_in_the_preview_and_published_html_under_the_sections_heading(voice_report):
    for preview in (True, False):
        html = report_html(report_assemble(period=voice_report.period, preview=preview))
        # The section is level 2 (an h3), so the block's headings are h4.
        assert '<h4 class="subheading">You said, we did: Neglect</h4>' in html
        assert "<caption>How we listened in 2019/20</caption>" in html
        assert '<th scope="col">You said</th><th scope="col">We did</th>' in html
        assert "Exploitation survey" in html and "Safe spaces." in html
        assert "Secret complaint text" not in html and "Private interview" not in html


# The ledger's pages ---------------------------------------------------------------------------------


def test_ledger_lists_only_what_the_reader_may_see_and_filters(world, client_as, priorities):
    entry(world, agency=world.agency_a, said="Council heard", priority=priorities[0], service="")
    entry(world, agency=world.agency_b, said="Police heard", priority=priorities[1], service="")
    entry(world, said="Partnership heard", priority=priorities[1], service="")
    url = reverse("reports:voice", args=[world.partnership.slug, world.period.slug])
    page = client_as("lead_b").get(url).content.decode()
    assert "Police heard" in page and "Partnership heard" in page and "Council heard" not in page
    manager = client_as("business_manager")
    assert "3 entries" in manager.get(url).content.decode()
    filtered = manager.get(url, {"priority": priorities[1].pk}).content.decode()
    assert "Police heard" in filtered and "Partnership heard" in filtered and "Council heard" not in filtered
    by_agency = manager.get(url, {"agency": world.agency_a.pk}).content.decode()
    assert "1 entry" in by_agency and "Council heard" in by_agency
    assert manager.get(url, {"priority": "nonsense"}).status_code == 200


def test_ledger_pages_at_20_and_costs_the_same_queries(world, client_as):
    url = reverse("reports:voice", args=[world.partnership.slug, world.period.slug])
    client = client_as("lead_a")

    def queries(n):
        VoiceEntry.objects.all().delete()
        for i in range(n):
            entry(world, agency=world.agency_a, said=f"Said {i}")
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        return len(captured), response.content.decode()

    few, _ = queries(5)
    many, page = queries(45)
    assert few == many
    assert "45 entries; page 1 of 3" in page


def test_adding_through_the_page_saves_and_bad_input_shows_the_error(world, client_as):
    url = reverse("reports:voice_add", args=[world.partnership.slug, world.period.slug])
    client = client_as("lead_a")
    form = {
        "said": "More clubs please", "source": "Youth club", "said_on": "2019-10-14", "method": "survey",
        "agency": world.agency_a.pk, "service": "Youth service", "consent": "aggregate", "public": "on",
    }  # fmt: skip
    bad = client.post(url, form | {"consent": "none"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "<title>Error:" in page and "An entry without consent cannot be shown" in page
    assert not VoiceEntry.objects.exists()
    assert client.post(url, form).status_code == 302
    assert VoiceEntry.objects.get().agency == world.agency_a


def test_another_agencys_entry_is_not_found_and_a_reader_cannot_change(world, client_as):
    mine = entry(world, agency=world.agency_a)
    args = [world.partnership.slug, world.period.slug, mine.pk]
    assert client_as("lead_b").get(reverse("reports:voice_change", args=args)).status_code == 404
    assert client_as("contributor").get(reverse("reports:voice_change", args=args)).status_code == 403
    assert client_as("lead_b").post(reverse("reports:voice_remove", args=args)).status_code == 404
    assert client_as("lead_a").post(reverse("reports:voice_remove", args=args)).status_code == 302
    assert not VoiceEntry.objects.exists()


def test_entries_for_applies_both_filters(world, priorities):
    entry(world, agency=world.agency_a, priority=priorities[0], service="")
    entry(world, agency=world.agency_a, priority=priorities[1], service="")
    entry(world, agency=world.agency_b, priority=priorities[0], service="")
    found = voice_entries_for(
        user=world.users["business_manager"], period=world.period, priority_id=priorities[0].pk,
        agency_id=world.agency_a.pk,
    )  # fmt: skip
    assert found.count() == 1


def test_block_and_the_childrens_link_keep_the_pdf_within_the_structure_rules(voice_report):
    from reports.rendering import report_pdf
    from tests.reports.pdf_rules import pdf_ua_problems

    childrens = add_spec(voice_report.period, 3, "Our year, for children", kind="children", level=2)
    add_section(childrens, voice_report.users["business_manager"], content("We listened."))
    report = report_assemble(period=voice_report.period, preview=False)
    report.childrens_url = "/reports/tsp/2019-20/v1/children/"
    pdf = report_pdf(report_html(report))
    assert pdf_ua_problems(pdf.data) == []
