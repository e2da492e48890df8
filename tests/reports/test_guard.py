"""The publication guard: each kind of flag fires, the look-alikes do not, flags survive rescans and go with
their text, the business manager clears them (audited without the text), and publishing waits for them."""

import json
import logging

import pytest
from django.urls import reverse

from agencies.models import Representative
from partnership.models import AuditEntry, Priority
from reports.errors import InvalidInput, NotAllowed
from reports.guard import KnownPeople, Scanner, known_people
from reports.guard_flags import LinkedReason, guard_flag_clear, guard_flags_refresh
from reports.models import GuardFlag, PublishedReport, Section
from reports.publishing import PublishRefused, report_publish, report_readiness
from reports.services import section_approve, section_save, section_submit
from tests.factories import Role, UserFactory, grant
from tests.reports.report_fixtures import add_section, add_spec, content
from tests.reports.test_publishing import ready_outline, sign_all

pytestmark = pytest.mark.django_db

PEOPLE = KnownPeople(
    full_names=("Jane Smith", "Omar Haddad"),
    surnames=("Haddad", "Smith"),
    safe_phrases=("Council", "Test Partnership", "West Midlands Police", "Early Help", "Independent scrutineer"),
)


def kinds(text, threshold=5, people=PEOPLE):
    return [(kind, matched) for kind, _, _, matched in Scanner(people, threshold).text(text)]


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("We thanked Jane Smith for chairing the panel.", "Jane Smith"),
        ("JANE  SMITH wrote to the family.", "JANE  SMITH"),
        ("The family spoke to Mrs Smith every week.", "Mrs Smith"),
        ("Dr. Haddad saw the baby twice.", "Dr. Haddad"),
    ],
)
def test_names_of_people_the_portal_knows_fire(text, matched):
    assert kinds(text) == [("name", matched)]


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("Child C was born on 3 May 2012 in the borough.", "born on 3 May 2012"),
        ("Recorded as DOB: 03/05/2012 on the file.", "DOB: 03/05/2012"),
        ("Her date of birth, 3rd March 2011, was shared.", "date of birth, 3rd March 2011"),
        ("d.o.b. 3.5.12 was in the referral.", "d.o.b. 3.5.12"),
        ("He was born in September 2015.", "born in September 2015"),
    ],
)
def test_dates_of_birth_fire(text, matched):
    assert kinds(text) == [("date_of_birth", matched)]


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("A 7-year-old from Brierley Hill told us about school.", "7-year-old … from Brierley Hill"),
        ("She was aged 14 when the school raised it in May 2020.", "aged 14 … May 2020"),
        ("A fifteen year old boy in Netherton was supported.", "fifteen year old … in Netherton"),
        ("The baby, 6 months old, was seen on 12/03/2021.", "6 months old … 12/03/2021"),
    ],
)
def test_exact_ages_with_a_place_or_date_fire(text, matched):
    assert kinds(text) == [("age", matched)]


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("We held 3 rapid reviews this year.", "3 rapid reviews"),
        ("Four young people joined the panel.", "Four young people"),
        ("Support reached two families.", "two families"),
        ("Only 1 child was placed out of the area.", "1 child"),
        ("There were 4 Child Safeguarding Practice Reviews.", "4 Child"),
    ],
)
def test_counts_below_the_threshold_in_text_fire(text, matched):
    assert kinds(text) == [("small_number", matched)]


def test_the_partnership_threshold_decides_what_is_small():
    assert kinds("We saw 7 children.", threshold=5) == []
    assert kinds("We saw 7 children.", threshold=8) == [("small_number", "7 children")]
    assert kinds("We saw 5 children.", threshold=5) == []
    assert kinds("We saw 4 children.", threshold=5) == [("small_number", "4 children")]


@pytest.mark.parametrize(
    "text",
    [
        "A count of 12 children were seen.",
        "0 children waited longer than a week.",
        "West Midlands Police and the Council shared the work.",
        "Test Partnership agreed its priorities.",
        "Early Help was the first priority.",
        "Introduction from the Independent Scrutineer.",
        "In May 2020 most meetings moved online.",
        "Working Together 2018 asks for the report.",
        "Working Together 2018 asks partners to listen to children aged 5 to 11 in Dudley.",
        "In 2019 children were asked for their views.",
        "3% of children were referred twice; 4.5 children per 1,000.",
        "The course cost £3 per child and the 3rd child joined.",
        "1 in 4 children said the service helped.",
        "Year 3 pupils took part, and Priority 2 cases were audited.",
        "We set 4 priorities for children and families.",
        "Sessions for 7-year-olds in Dudley ran weekly.",
        "A 7-year-old said the worker listened.",
        "We appointed a new Jane Smith Lead for the area.",
        "Two operational panels now review deaths on a regional footprint.",
        "Child J's review was published.",
    ],
)
def test_look_alikes_do_not_fire(text):
    assert kinds(text) == []


def table(columns, rows, title="Referrals"):
    return {"title": title, "columns": columns, "rows": rows, "source": "", "chart": ""}


def cells(table_, threshold=5):
    return list(Scanner(PEOPLE, threshold).table_cells(table_))


def test_table_cells_below_the_threshold_fire_but_not_zero_or_twelve():
    data = table(["Source", "2019/20", "2020/21"], [["Police", "3", "12"], ["Schools", "0", "4"]])
    assert cells(data) == [(0, 1, "3"), (1, 2, "4")]


def test_years_percentages_money_dates_ordinals_and_row_numbers_are_not_counts():
    data = table(
        ["No.", "Year", "Share (%)", "Cost (£)", "Rate", "Place", "Seen"],
        [["1", "2", "3", "4", "2", "1st", "1/4/2020"], ["2", "3", "4", "1", "3", "3rd", "3%"]],
    )
    assert cells(data) == []
    assert cells(table(["Row", "Children"], [["1", "2"], ["2", "30"]])) == [(0, 1, "2")]
    assert cells(table(["Area", "Children"], [["1", "2"], ["3", "30"]])) == [(0, 0, "1"), (0, 1, "2"), (1, 0, "3")]


def test_known_people_are_the_partnership_members_and_representatives_with_organisations_masked(world):
    world.users["lead_a"].first_name, world.users["lead_a"].last_name = "Priya", "Patel"
    world.users["lead_a"].save()
    stranger = UserFactory(username="stranger", first_name="Sam", last_name="Stranger")  # in no partnership
    assert stranger.memberships.count() == 0
    Representative.objects.create(agency=world.agency_a, role_title="Director of Children's Services", name="Ann Lee")
    Priority.objects.create(partnership=world.partnership, position=1, title="Neglect Matters")
    known = known_people(world.partnership)
    assert known.full_names == ("Ann Lee", "Priya Patel")
    assert known.surnames == ("Patel",)
    assert {"Council", "Police", "Test Partnership", "Neglect Matters", "Director of Children's Services"} <= set(
        known.safe_phrases
    )
    scanner = Scanner(known, 5)
    found = [matched for _, _, _, matched in scanner.text("Priya Patel met Ann Lee and Ms Patel.")]
    assert found == ["Priya Patel", "Ann Lee", "Ms Patel"]
    assert list(scanner.text("Sam Stranger, Neglect Matters, the Director of Children's Services.")) == []


# The stored flags


def draft(world, body, *, position=1, title="Early help"):
    spec = add_spec(world.period, position, title)
    return add_section(spec, world.users["business_manager"], body, approved=False, state="draft")


def resave(world, section, body):
    section = Section.objects.select_related("spec__period").get(pk=section.pk)
    section_save(
        user=world.users["business_manager"], section=section, content=body,
        based_on=section.current_revision.number,
    )  # fmt: skip


CASE = "Child B, aged 9, from Brierley Hill, stopped going to school."


def case_study(text=CASE, title="Case study 1"):
    quote = {"kind": "case_study", "title": title, "text": text, "attribution": "The school", "consented": True}
    return content("The year in brief.", quotes=[quote])


def test_every_part_of_a_section_is_scanned_and_flags_are_stored_with_where_they_are(world):
    body = content(
        "We held 3 rapid reviews.",
        key_achievements="Jane Smith chaired.",
        areas_for_development="Born on 1 June 2010.",
        quotes=[{"kind": "quote", "title": "", "text": "It helped.", "attribution": "Mrs Smith", "consented": True}],
        tables=[table(["Team", "Cases"], [["North", "2"], ["South", "40"]], title="Cases by team")],
    )
    body["tables"][0]["source"] = "Figures checked by Jane Smith."
    world.users["scrutineer"].first_name, world.users["scrutineer"].last_name = "Jane", "Smith"
    world.users["scrutineer"].save()
    draft(world, body)
    flags = guard_flags_refresh(period=world.period)
    assert sorted((flag.kind, flag.location, flag.matched) for flag in flags) == [
        ("date_of_birth", "Section 1 'Early help', areas for development", "Born on 1 June 2010"),
        ("name", "Section 1 'Early help', key achievements", "Jane Smith"),
        ("name", "Section 1 'Early help', quote 1, attribution", "Mrs Smith"),
        ("name", "Section 1 'Early help', table 1, source note", "Jane Smith"),
        ("small_number", "Section 1 'Early help', table 1, row 1, column 2", "2"),
        ("small_number", "Section 1 'Early help', the narrative", "3 rapid reviews"),
    ]
    assert GuardFlag.objects.filter(period=world.period).count() == 6


def test_text_fields_added_to_the_content_later_are_scanned_too(world):
    draft(world, content("Nothing here.", impact={"difference": "A 9-year-old from Netherton went back to school."}))
    assert [flag.matched for flag in guard_flags_refresh(period=world.period)] == ["9-year-old … from Netherton"]


def test_a_flag_survives_rescans_and_is_dropped_when_its_text_goes(world):
    section = draft(world, case_study())
    first = guard_flags_refresh(period=world.period)
    assert [(flag.kind, flag.matched) for flag in first] == [("age", "aged 9 … from Brierley Hill")]
    resave(world, section, case_study(CASE + " She is doing well."))
    again = guard_flags_refresh(period=world.period)
    assert [flag.pk for flag in again] == [first[0].pk]
    resave(world, section, case_study("Child B, of primary school age, stopped going to school."))
    assert guard_flags_refresh(period=world.period) == []
    assert GuardFlag.objects.count() == 0


def test_a_cleared_flag_stays_cleared_when_the_draft_is_scanned_again(world):
    draft(world, case_study())
    flag = guard_flags_refresh(period=world.period)[0]
    guard_flag_clear(user=world.users["business_manager"], flag=flag, reason="consented", note="Family agreed.")
    [again] = guard_flags_refresh(period=world.period)
    assert (again.pk, again.reason, again.note) == (flag.pk, "consented", "Family agreed.")


def test_clearing_is_audited_with_kind_location_and_reason_but_never_the_text(world):
    draft(world, case_study())
    flag = guard_flags_refresh(period=world.period)[0]
    guard_flag_clear(
        user=world.users["business_manager"], flag=flag, reason="not_identifying", note="Brierley Hill is large."
    )
    flag.refresh_from_db()
    assert (flag.reason, flag.cleared_by, flag.cleared_at is not None) == (
        "not_identifying", world.users["business_manager"], True,
    )  # fmt: skip
    entry = AuditEntry.objects.get(code="reports.guard.flag_cleared")
    assert entry.data == {
        "kind": "age",
        "location": "Section 1 'Early help', case study 1, text",
        "reason": "not_identifying",
    }
    stored = json.dumps([entry.data, entry.target_label])
    assert "Brierley" not in stored and "aged 9" not in stored


def test_a_location_never_carries_the_flagged_text(world):
    world.users["lead_a"].first_name, world.users["lead_a"].last_name = "Jane", "Smith"
    world.users["lead_a"].save()
    draft(world, content("Jane Smith wrote this."), title="Thanks to Jane Smith")
    locations = sorted(flag.location for flag in guard_flags_refresh(period=world.period))
    assert locations == ["Section 1, its title", "Section 1, the narrative"]


ONLY_MANAGER = "Only the business manager can clear a flag of the publication guard."


@pytest.mark.parametrize(
    ("who", "reason", "note", "error", "message"),
    [
        ("scrutineer", "edited", "n", NotAllowed, ONLY_MANAGER),
        ("lead_a", "edited", "n", NotAllowed, ONLY_MANAGER),
        ("business_manager", "because", "n", InvalidInput,
         "Choose why the flag can be cleared: edited, consented or not identifying."),
        ("business_manager", "edited", "  ", InvalidInput,
         "Enter a note saying what you checked, for example who consented or why it identifies no one."),
        ("business_manager", "edited", "x" * 2001, InvalidInput, "Keep the note under 2,000 characters."),
    ],
)  # fmt: skip
def test_clearing_refusals_change_nothing(world, who, reason, note, error, message):
    draft(world, case_study())
    flag = guard_flags_refresh(period=world.period)[0]
    with pytest.raises(error) as refused:
        guard_flag_clear(user=world.users[who], flag=flag, reason=reason, note=note)
    assert message in refused.value.messages
    flag.refresh_from_db()
    assert flag.reason == "" and not AuditEntry.objects.filter(code="reports.guard.flag_cleared").exists()


def test_a_flag_cannot_be_cleared_twice_or_once_its_text_is_gone(world):
    section = draft(world, case_study())
    flag = guard_flags_refresh(period=world.period)[0]
    manager = world.users["business_manager"]
    guard_flag_clear(user=manager, flag=flag, reason="edited", note="Took the street out.")
    with pytest.raises(InvalidInput, match="already cleared"):
        guard_flag_clear(user=manager, flag=flag, reason="edited", note="Again.")
    section2 = draft(world, case_study("A 6-year-old from Quarry Bank."), position=2, title="More")
    other = next(f for f in guard_flags_refresh(period=world.period) if f.spec_slug == section2.spec.slug)
    resave(world, section2, case_study("A child of primary school age."))
    guard_flags_refresh(period=world.period)
    with pytest.raises(InvalidInput, match="no longer in the draft"):
        guard_flag_clear(user=manager, flag=other, reason="edited", note="Gone.")
    assert AuditEntry.objects.filter(code="reports.guard.flag_cleared").count() == 1
    assert section.pk


def test_nothing_of_a_flag_reaches_the_logs(world, caplog):
    world.users["lead_a"].first_name, world.users["lead_a"].last_name = "Jane", "Smith"
    world.users["lead_a"].save()
    draft(world, case_study(CASE + " Jane Smith visited; born on 3 May 2012."))
    with caplog.at_level(logging.DEBUG):
        flags = guard_flags_refresh(period=world.period)
        for flag in flags:
            guard_flag_clear(user=world.users["business_manager"], flag=flag, reason="edited", note="Checked.")
        report_readiness(period=world.period)
    assert len(flags) == 3
    logged = "\n".join(f"{record.getMessage()} {record.args}" for record in caplog.records)
    for secret in ("Brierley", "aged 9", "Jane Smith", "3 May 2012"):
        assert secret not in logged


# Publishing waits for the guard


def approve_again(world, body):
    section = Section.objects.get(spec__slug="s1")
    section_save(user=world.users["lead_a"], section=section, content=body, based_on=section.current_revision.number)
    section_submit(user=world.users["lead_a"], section=Section.objects.get(pk=section.pk))
    section_approve(user=world.users["business_manager"], section=Section.objects.get(pk=section.pk))
    sign_all(world)


def test_publishing_is_refused_while_a_flag_is_open_and_goes_ahead_once_it_is_cleared(
    world, django_capture_on_commit_callbacks
):
    ready_outline(world)
    approve_again(world, case_study())
    manager = world.users["business_manager"]
    with pytest.raises(PublishRefused) as refused:
        report_publish(user=manager, period=world.period)
    [reason] = refused.value.reasons
    assert reason == (
        "1 detail that could identify someone is not cleared. Check each on the publication guard's list of flags, "
        "edit the section or clear the flag with a reason."
    )
    assert isinstance(reason, LinkedReason) and reason.url == "/p/tsp/periods/2019-20/report/flags/"
    assert PublishedReport.objects.count() == 0 and GuardFlag.objects.count() == 0  # a refusal writes nothing
    flag = guard_flags_refresh(period=world.period)[0]  # as the report page does
    guard_flag_clear(user=manager, flag=flag, reason="consented", note="The family agreed.")
    with django_capture_on_commit_callbacks(execute=True):
        version = report_publish(user=manager, period=world.period)
    assert version.number == 1


def test_a_detail_added_after_clearing_blocks_publishing_again(world):
    ready_outline(world)
    approve_again(world, case_study())
    manager = world.users["business_manager"]
    flag = guard_flags_refresh(period=world.period)[0]
    guard_flag_clear(user=manager, flag=flag, reason="consented", note="The family agreed.")
    approve_again(world, case_study(CASE + " Born on 3 May 2012."))
    reasons = report_readiness(period=world.period).reasons
    assert [r for r in reasons if isinstance(r, LinkedReason)] == [
        "1 detail that could identify someone is not cleared. Check each on the publication guard's list of flags, "
        "edit the section or clear the flag with a reason."
    ]


# The pages


def test_the_report_page_links_the_refusal_to_the_flags_and_lists_cleared_flags(world, client_as):
    draft(world, case_study())
    draft(world, content("Born on 3 May 2012."), position=2, title="Other")
    flags = guard_flags_refresh(period=world.period)
    guard_flag_clear(user=world.users["business_manager"], flag=flags[1], reason="edited", note="Date taken out.")
    page = client_as("scrutineer").get(reverse("reports:report", args=["tsp", "2019-20"])).content.decode()
    assert '<a class="govuk-link" href="/p/tsp/periods/2019-20/report/flags/">1 detail that could identify' in page
    assert "Date taken out." in page and "Edited: it no longer identifies anyone" in page
    assert "Born on 3 May 2012" not in page.split('id="guard"')[1].split("Sign-off")[0]


def test_the_flags_page_shows_each_flag_and_only_the_manager_gets_a_clear_link(world, client_as):
    draft(world, case_study())
    flag = guard_flags_refresh(period=world.period)[0]
    url = reverse("reports:guard_flags", args=["tsp", "2019-20"])
    clear = reverse("reports:guard_flag_clear", args=["tsp", "2019-20", flag.pk])
    as_scrutineer = client_as("scrutineer").get(url).content.decode()
    assert "aged 9 … from Brierley Hill" in as_scrutineer and clear not in as_scrutineer
    assert clear in client_as("business_manager").get(url).content.decode()


def test_clearing_through_the_page_and_its_error_messages(world, client_as):
    draft(world, case_study())
    flag = guard_flags_refresh(period=world.period)[0]
    client = client_as("business_manager")
    url = reverse("reports:guard_flag_clear", args=["tsp", "2019-20", flag.pk])
    response = client.post(url, {"reason": "", "note": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Clear a flag" in page and "There is a problem" in page
    flag.refresh_from_db()
    assert flag.reason == ""
    response = client.post(url, {"reason": "consented", "note": "The family agreed in writing."})
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:guard_flags", args=["tsp", "2019-20"]
    )
    flag.refresh_from_db()
    assert (flag.reason, flag.note) == ("consented", "The family agreed in writing.")
    again = client.post(url, {"reason": "consented", "note": "Again."})
    assert again.status_code == 400 and "This flag is already cleared" in again.content.decode()


def test_a_flag_of_another_period_is_not_found(world, client_as):
    from tests.factories import PeriodFactory

    other = PeriodFactory(partnership=world.partnership, label="2020/21", slug="2020-21")
    spec = add_spec(other, 1, "Other year")
    add_section(spec, world.users["business_manager"], case_study(), approved=False)
    flag = guard_flags_refresh(period=other)[0]
    url = reverse("reports:guard_flag_clear", args=["tsp", "2019-20", flag.pk])
    assert client_as("business_manager").get(url).status_code == 404


def test_a_member_of_the_partnership_with_no_report_role_cannot_see_flags(world, client_as):
    contributor = UserFactory(username="another")
    grant(contributor, world.partnership, Role.CONTRIBUTOR, world.agency_a)
    assert client_as("contributor").get(reverse("reports:guard_flags", args=["tsp", "2019-20"])).status_code == 403


def test_what_the_voice_block_prints_is_read_by_the_guard(world):
    # A ledger entry reaches the public report through the voice block, not a section's text.
    from tests.reports.test_voice import entry

    spec = add_spec(world.period, 1, "Voice of children", author="business_manager", block="voice")
    add_section(spec, world.users["business_manager"], content(narrative="What children told us."))
    entry(world, said="Our son, aged 9, from Brierley Hill, was helped quickly.")
    [flag] = guard_flags_refresh(period=world.period)
    assert flag.kind == "age"
    assert "you said, we did 1, you said" in flag.location
