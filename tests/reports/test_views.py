import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership.models import AuditEntry
from reports import services
from reports.models import Challenge, Comment, PeriodVisit, Section, SectionRevision, SectionSpec
from tests.factories import PeriodFactory
from tests.reports.conftest import content, put_in_state


def url(name, section=None, **extra):
    kwargs = {"partnership_slug": "tsp", "period_slug": "2019-20"}
    if section is not None:
        kwargs["section_slug"] = section.spec.slug
    return reverse(f"reports:{name}", kwargs=kwargs | extra)


def form_data(narrative="", based_on="", **extra):
    data = {
        "narrative": narrative,
        "key_achievements": "",
        "areas_for_development": "",
        "based_on": based_on,
        "quotes-TOTAL_FORMS": "1",
        "quotes-INITIAL_FORMS": "0",
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "50",
        "quotes-0-kind": "quote",
        "tables-TOTAL_FORMS": "1",
        "tables-INITIAL_FORMS": "0",
        "tables-MIN_NUM_FORMS": "0",
        "tables-MAX_NUM_FORMS": "20",
    }
    data.update(extra)
    data.setdefault("save", "Save")
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_lead_saves_a_revision_through_the_form(client_as, sections):
    response = client_as("lead_a").post(url("section_edit", sections.a), form_data("We **did** it."))
    assert response.status_code == 302
    revision = SectionRevision.objects.get(section=sections.a)
    assert (revision.number, revision.content["narrative"]) == (1, "We **did** it.")
    page = client_as("lead_a").get(url("section", sections.a))
    assert "<strong>did</strong>" in page.content.decode()


def test_edit_page_shows_guidance_and_word_count_script(client_as, sections):
    SectionSpec.objects.filter(pk=sections.a.spec_id).update(guidance="Tell us about training.", suggested_words=300)
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert "Tell us about training." in page
    assert 'data-suggested-words="300"' in page
    assert "reports/word-count.js" in page


def test_preview_renders_sanitised_markdown_and_saves_nothing(client_as, sections):
    data = form_data("Hi <script>alert(1)</script> [x](javascript:alert(1))", preview="Preview")
    data.pop("save")
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: not saved yet" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert SectionRevision.objects.count() == 0


def test_stale_save_through_the_form_shows_the_diff_and_overwrites_nothing(client_as, world, sections):
    services.section_save(
        user=world.users["lead_a"], section=sections.a, content=content("One two three."), based_on=None
    )
    services.section_save(
        user=world.users["contributor"], section=sections.a, content=content("One 2 three."), based_on=1
    )
    response = client_as("lead_a").post(url("section_edit", sections.a), form_data("One two four.", based_on="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone saved revision 2 of this section after you opened it" in html
    hidden = '<span class="govuk-visually-hidden">'
    assert f"<del>{hidden}[removed: </span>2{hidden}]</span></del><ins>{hidden}[added: </span>two" in html
    assert f"[removed: </span>three.{hidden}]</span></del><ins>{hidden}[added: </span>four." in html
    assert SectionRevision.objects.filter(section=sections.a).count() == 2
    assert Section.objects.get(pk=sections.a.pk).current_revision.content["narrative"] == "One 2 three."


def test_quote_needs_the_consent_box(client_as, sections):
    response = client_as("lead_a").post(
        url("section_edit", sections.a),
        form_data("N", **{"quotes-0-text": "It helped", "quotes-0-attribution": "A parent"}),
    )
    assert response.status_code == 200
    assert (
        "Confirm that the quote is anonymised and the person consented, or remove the quote."
        in response.content.decode()
    )
    assert SectionRevision.objects.count() == 0


def test_csv_upload_fills_a_table(client_as, sections):
    upload = SimpleUploadedFile("t.csv", b'\xef\xbb\xbfSource,Dudley,England\nPolice,20%,25%\n"Schools, all",15%,17%\n')
    data = form_data(
        "N", **{"tables-0-title": "Referral by source", "tables-0-csv_file": upload, "tables-0-chart": "bar"}
    )
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    assert response.status_code == 302
    table = SectionRevision.objects.get(section=sections.a).content["tables"][0]
    assert table == {
        "title": "Referral by source",
        "columns": ["Source", "Dudley", "England"],
        "rows": [["Police", "20%", "25%"], ["Schools, all", "15%", "17%"]],
        "source": "",
        "chart": "bar",
    }


def test_csv_upload_with_a_short_row_names_the_row(client_as, sections):
    upload = SimpleUploadedFile("t.csv", b"Source,Dudley,England\nPolice,20%,25%\nSchools,15%\n")
    data = form_data("N", **{"tables-0-title": "Referrals", "tables-0-csv_file": upload})
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    assert "Row 2 has 2 cells but there are 3 column headings. Give every row one cell per column." in (
        response.content.decode()
    )
    assert SectionRevision.objects.count() == 0


def test_csv_upload_that_is_not_utf8_is_refused(client_as, sections):
    upload = SimpleUploadedFile("t.csv", "Source,Dudley\nCafé,1\n".encode("utf-16"))
    data = form_data("N", **{"tables-0-title": "Referrals", "tables-0-csv_file": upload})
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    assert (
        "The file is not UTF-8 text. Save it from your spreadsheet as &#x27;CSV UTF-8&#x27;."
        in response.content.decode()
    )


def test_huge_narrative_is_refused_with_a_message(client_as, sections):
    response = client_as("lead_a").post(url("section_edit", sections.a), form_data("x" * 50_001))
    assert "The narrative is 50,001 characters long; the limit is 50,000." in response.content.decode()
    assert SectionRevision.objects.count() == 0


def test_submit_approve_flow_through_views(client_as, world, sections):
    put_in_state(sections.a, "draft", world.users["lead_a"])
    response = client_as("lead_a").post(url("section_submit", sections.a), follow=True)
    assert messages_of(response) == ["Submitted. The business manager has been told."]
    response = client_as("business_manager").post(url("section_approve", sections.a), {"revision": "1"}, follow=True)
    assert messages_of(response) == ["Approved. This revision is the one the report will use."]
    assert Section.objects.get(pk=sections.a.pk).state == "approved"


def test_business_manager_submitting_their_own_section_is_not_told_they_were_told(client_as, world, sections):
    put_in_state(sections.intro, "draft", world.users["business_manager"])
    response = client_as("business_manager").post(url("section_submit", sections.intro), follow=True)
    assert messages_of(response) == [
        "Submitted. Approve it below, giving your reason, or leave it for another business manager."
    ]
    assert "Why you approve your own writing" in response.content.decode()


def test_assign_page_without_contributors_sends_the_lead_to_invite_one(client_as, world, sections):
    page = client_as("lead_b").get(url("section_assign", sections.b)).content.decode()
    people = reverse("people:agency", args=[world.partnership.slug, world.agency_b.slug])
    link = f'<a class="govuk-link" href="{people}">Invite a colleague as a contributor from Police\'s people page</a>'
    assert link in page
    assert "Ask the business manager" not in page


def test_returned_section_shows_the_reason_to_the_writer(client_as, world, sections):
    put_in_state(sections.a, "submitted", world.users["lead_a"])
    client_as("business_manager").post(url("section_return", sections.a), {"reason": "Add the Q4 figures."})
    page = client_as("lead_a").get(url("section", sections.a)).content.decode()
    assert "Changes requested" in page and "Add the Q4 figures." in page


def test_return_without_reason_shows_message_and_changes_nothing(client_as, world, sections):
    put_in_state(sections.a, "submitted", world.users["lead_a"])
    response = client_as("business_manager").post(url("section_return", sections.a), {"reason": ""}, follow=True)
    assert messages_of(response) == ["Say what needs to change, so the writer knows what to do."]
    assert Section.objects.get(pk=sections.a.pk).state == "submitted"


def test_submitting_twice_gives_a_message_not_an_error(client_as, world, sections):
    put_in_state(sections.a, "submitted", world.users["lead_a"])
    response = client_as("lead_a").post(url("section_submit", sections.a), follow=True)
    assert messages_of(response) == [
        "Only a draft, or a section returned for changes, can be submitted. Save your changes first."
    ]


def test_other_agency_lead_gets_404_on_every_section_page(client_as, world, sections):
    client = client_as("lead_b")
    for name in ("section", "section_edit", "section_history", "section_diff", "section_submit", "comment_add"):
        assert client.get(url(name, sections.a)).status_code == 404, name
    assert client.post(url("section_edit", sections.a), form_data("Mine now")).status_code == 404
    assert SectionRevision.objects.count() == 0


def test_contributor_cannot_submit_through_the_view(client_as, world, sections):
    put_in_state(sections.a, "draft", world.users["lead_a"])
    assert client_as("contributor").post(url("section_submit", sections.a)).status_code == 403
    assert Section.objects.get(pk=sections.a.pk).state == "draft"


def test_comment_and_challenge_through_views(client_as, world, sections):
    put_in_state(sections.a, "draft", world.users["lead_a"])
    client_as("scrutineer").post(url("comment_add", sections.a), {"body": "Clear."})
    client_as("scrutineer").post(url("challenge_raise", sections.a), {"question": "Evidence?"})
    challenge = Challenge.objects.get()
    client_as("lead_a").post(url("challenge_answer", sections.a, challenge_id=challenge.pk), {"answer": "Audit."})
    client_as("scrutineer").post(url("challenge_close", sections.a, challenge_id=challenge.pk))
    challenge.refresh_from_db()
    assert (Comment.objects.get().body, challenge.state, challenge.answer) == ("Clear.", "closed", "Audit.")
    page = client_as("business_manager").get(url("section", sections.a)).content.decode()
    assert "Evidence?" in page and "Audit." in page and "Clear." in page


def test_history_and_diff_pages(client_as, world, sections):
    lead = world.users["lead_a"]
    services.section_save(user=lead, section=sections.a, content=content("The old text."), based_on=None)
    services.section_save(user=lead, section=sections.a, content=content("The new text."), based_on=1)
    history = client_as("scrutineer").get(url("section_history", sections.a)).content.decode()
    assert "Saved the Council Working section" in history and "Changes from 1" in history
    diff = client_as("scrutineer").get(url("section_diff", sections.a) + "?from=1&to=2").content.decode()
    assert '>old<span class="govuk-visually-hidden">]</span></del><ins>' in diff
    assert "1 word added, 1 removed" in diff
    missing = client_as("scrutineer").get(url("section_diff", sections.a) + "?from=1&to=9").content.decode()
    assert "One of those revisions does not exist. Choose two revisions from the lists." in missing


def test_dashboard_shows_counts_overdue_and_challenges(client_as, world, sections):
    put_in_state(sections.b, "approved", world.users["lead_b"])
    services.challenge_raise(user=world.users["scrutineer"], section=sections.a, question="Why?")
    world.period.submission_deadline = datetime.date(2020, 6, 30)
    world.period.save()
    page = client_as("business_manager").get(url("dashboard")).content.decode()
    assert "1 of 3" in page  # approved
    assert page.count("portal-overdue") == 2  # a and intro are not started and past the deadline
    assert 'Open challenges</dt><dd class="govuk-summary-list__value">1<' in page


def test_agency_lead_dashboard_lists_only_their_sections(client_as, sections):
    page = client_as("lead_a").get(url("dashboard")).content.decode()
    assert "Council Working" in page and "Police Working" not in page and "Introduction" not in page


def test_changes_page_lists_what_others_changed_since_last_visit(client_as, world, sections):
    client = client_as("scrutineer")
    first = client.get(url("changes"))
    assert "Nothing has changed since your last visit." in first.content.decode()
    services.section_save(user=world.users["lead_a"], section=sections.a, content=content("New."), based_on=None)
    second = client.get(url("changes")).content.decode()
    assert "Council Working" in second and "Police Working" not in second
    third = client.get(url("changes")).content.decode()
    assert "Nothing has changed since your last visit." in third
    assert PeriodVisit.objects.filter(user=world.users["scrutineer"]).count() == 1


def test_outline_add_edit_move_and_audit(client_as, world, sections):
    client = client_as("business_manager")
    response = client.post(
        url("spec_add"),
        {
            "title": "CDOP",
            "slug": "cdop",
            "level": "2",
            "kind": "narrative",
            "author": "agency",
            "owner_agency": world.agency_b.pk,
            "themes": ["impact", "practice-reviews"],
            "suggested_words": "400",
        },
    )
    assert response.status_code == 302
    spec = SectionSpec.objects.get(slug="cdop")
    assert (spec.position, spec.themes, spec.section.state) == (4, ["impact", "practice-reviews"], "not_started")
    client.post(url("spec_move", spec_slug="cdop"), {"direction": "up"})
    assert SectionSpec.objects.get(slug="cdop").position == 3
    refused = client.post(
        url("spec_add"), {"title": "X", "slug": "x", "level": "2", "kind": "narrative", "author": "agency"}
    )
    assert "Choose the agency that writes this section, or say the partnership writes it." in refused.content.decode()
    audit = client.get(url("audit"), follow=True).content.decode()
    assert "added CDOP to the outline" in audit and "moved CDOP up the outline" in audit
    outline = client.get(url("outline")).content.decode()
    assert "3. CDOP" in outline


def test_copy_outline_from_previous_period_in_one_action(client_as, world, sections):
    PeriodFactory(
        partnership=world.partnership,
        label="2020/21",
        slug="2020-21",
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31),
        submission_deadline=datetime.date(2021, 9, 30),
    )
    client = client_as("business_manager")
    page = client.get(reverse("reports:outline", args=["tsp", "2020-21"])).content.decode()
    assert "Copy the outline of 2019/20" in page
    response = client.post(reverse("reports:outline_copy", args=["tsp", "2020-21"]), follow=True)
    assert messages_of(response) == ["Copied 3 sections from 2019/20."]
    assert SectionSpec.objects.filter(period__slug="2020-21").count() == 3
    assert AuditEntry.objects.filter(code="reports.outline.copied").count() == 1


def test_lead_assigns_a_contributor(client_as, world, sections):
    sections.a.contributors.clear()
    response = client_as("lead_a").post(
        url("section_assign", sections.a), {"contributors": [world.users["contributor"].pk]}
    )
    assert response.status_code == 302
    assert list(sections.a.contributors.all()) == [world.users["contributor"]]


@pytest.mark.parametrize("role", ["lead_a", "contributor", "business_manager", "scrutineer"])
def test_section_page_opens_for_readers(client_as, sections, role):
    assert client_as(role).get(url("section", sections.a)).status_code == 200


def test_business_manager_sees_every_open_challenge_on_the_dashboard(client_as, world, sections):
    services.challenge_raise(user=world.users["scrutineer"], section=sections.a, question="Where is the evidence?")
    services.challenge_raise(user=world.users["scrutineer"], section=sections.b, question="Why the fall?")
    page = client_as("business_manager").get(url("dashboard")).content.decode()
    assert "Where is the evidence?" in page and "Why the fall?" in page
    assert "Where is the evidence?" not in client_as("lead_a").get(url("dashboard")).content.decode()


def test_hostile_markdown_in_a_saved_section_renders_harmless_on_its_page(client_as, world, sections):
    hostile = (
        "<script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](data:text/html,<script>alert(1)</script>)\n\n"
        '<img src=x onerror="alert(1)">\n\n<a href="https://x" onclick="alert(1)">x</a>'
    )
    quote = {"text": "<script>alert(2)</script>", "attribution": "<b>A parent</b>", "kind": "quote", "consented": True}
    table = {"title": "<script>t</script>", "columns": ["<img src=x onerror=alert(3)>"], "rows": [["<b>x</b>"]]}
    services.section_save(
        user=world.users["lead_a"],
        section=sections.a,
        content=content(hostile, quotes=[quote], tables=[table]),
        based_on=None,
    )
    page = client_as("scrutineer").get(url("section", sections.a)).content.decode()
    for needle in ("<script>alert", "<script>t", 'href="javascript:', 'href="data:', "<img", "<b>A parent", "<b>x"):
        assert needle not in page, needle
    assert re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page) is None  # no element carries an event handler


def test_comment_on_an_earlier_revision_from_the_diff_page(client_as, world, sections):
    lead = world.users["lead_a"]
    services.section_save(user=lead, section=sections.a, content=content("Old."), based_on=None)
    services.section_save(user=lead, section=sections.a, content=content("New."), based_on=1)
    diff = client_as("scrutineer").get(url("section_diff", sections.a) + "?from=2&to=1").content.decode()
    assert "Comment on revision 1" in diff
    client_as("scrutineer").post(url("comment_add", sections.a), {"revision": "1", "body": "Why was this cut?"})
    assert list(Comment.objects.values_list("revision__number", "body")) == [(1, "Why was this cut?")]
    response = client_as("scrutineer").post(url("comment_add", sections.a), {"revision": "7", "body": "x"}, follow=True)
    assert messages_of(response) == ["There is no such revision to comment on. Choose one from the section's history."]


def test_dashboard_says_when_each_section_is_due(client_as, world, sections):
    put_in_state(sections.b, "submitted", world.users["lead_b"])
    world.period.submission_deadline = datetime.date(2020, 6, 30)
    world.period.save()
    page = client_as("business_manager").get(url("dashboard")).content.decode()
    assert page.count("Handed in") == 1
    assert page.count(" days late") == 2


def test_rows_typed_into_the_form_with_a_nul_character_get_a_message(client_as, sections):
    data = form_data("N", **{"tables-0-title": "T", "tables-0-columns": "A,B", "tables-0-rows": "1,\x002\n"})
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    assert response.status_code == 200
    assert SectionRevision.objects.count() == 0


def test_add_another_quote_without_scripts_keeps_what_was_typed_and_saves_nothing(client_as, sections):
    data = form_data("Typed but not saved.", **{"quotes-0-text": "A parent said thank you.", "add_quote": "1"})
    del data["save"]
    response = client_as("lead_a").post(url("section_edit", sections.a), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Typed but not saved." in html and "A parent said thank you." in html
    assert 'name="quotes-1-text"' in html and 'name="quotes-TOTAL_FORMS" value="2"' in html
    assert "There is a problem" not in html
    assert not SectionRevision.objects.filter(section=sections.a).exists()
    data = form_data("Tables too.", add_table="1")
    del data["save"]
    html = client_as("lead_a").post(url("section_edit", sections.a), data).content.decode()
    assert 'name="tables-TOTAL_FORMS" value="2"' in html and "Table 2" in html
