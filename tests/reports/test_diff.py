"""The diff page: which fields changed, links to each change, added and removed words said aloud,
text compared as the report reads it (or as typed), and long unchanged passages shortened."""

import re

from reports import services
from reports.diff import CONTEXT_WORDS, diff_html, rendered_text, section_changes, word_diff
from tests.reports.conftest import content
from tests.reports.test_views import url

LONG = " ".join(f"word{n}" for n in range(400))


def test_each_field_is_compared_on_its_own_in_the_form_order():
    old = content("Same.", key_achievements="- One", quotes=[{"title": "", "text": "Hi", "attribution": "A"}])
    new = content(
        "Same.", key_achievements="- One\n- Two", tables=[{"title": "Referrals", "columns": ["A"], "rows": []}]
    )
    changes = section_changes(old, new)
    assert [(c.key, c.label, c.changed) for c in changes] == [
        ("narrative", "What we did", False),
        ("impact", "What difference it made", False),
        ("key-achievements", "Key achievements", True),
        ("areas-for-development", "Areas for development", False),
        ("table-1", "Table 1: Referrals", True),
        ("quote-1", "Quote 1", True),
    ]
    assert changes[2].counts == (2, 0)  # "•" and "Two"
    assert changes[5].counts == (0, 3)


def test_text_is_compared_as_the_report_reads_it_unless_asked_for_the_markdown():
    old, new = content("Some **bold** text."), content("Some bold text.")
    assert not section_changes(old, new)[0].changed
    assert section_changes(old, new, rendered=False)[0].changed
    assert rendered_text("# Heading\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |") == (
        "Heading\n• one\n• two\n| a | b\n| 1 | 2"
    )


def test_added_and_removed_words_say_so_to_a_screen_reader():
    html = diff_html(word_diff("The old text.", "The new text."))
    assert (
        '<del><span class="govuk-visually-hidden">[removed: </span>old<span class="govuk-visually-hidden">]</span>'
        in html
    )
    assert (
        '<ins><span class="govuk-visually-hidden">[added: </span>new<span class="govuk-visually-hidden">]</span>'
        in html
    )


def test_long_unchanged_passages_are_shortened_around_the_change():
    change = section_changes(content(LONG + " end."), content(LONG + " finish."))[0]
    html = str(change.html)
    assert f"[{400 - CONTEXT_WORDS:,} unchanged words]" in html
    assert "word0 " not in html and f"word{400 - CONTEXT_WORDS} " in html
    assert "finish." in html
    # the unchanged run between two changes keeps context on both sides
    middle = section_changes(content("start " + LONG + " end"), content("begin " + LONG + " finish"))[0]
    text = str(middle.html)
    assert "word0 " in text and "word399 " in text and f"[{400 - 2 * CONTEXT_WORDS:,} unchanged words]" in text
    # short runs are shown whole
    assert "unchanged words" not in str(section_changes(content("a b c"), content("a b d"))[0].html)


def test_the_diff_page_lists_changed_fields_and_links_first_next_and_previous(client_as, world, sections):
    lead = world.users["lead_a"]
    services.section_save(
        user=lead, section=sections.a, content=content("Old.", areas_for_development="A"), based_on=None
    )
    services.section_save(user=lead, section=sections.a, content=content("New.", areas_for_development="B"), based_on=1)
    page = client_as("scrutineer").get(url("section_diff", sections.a) + "?from=1&to=2").content.decode()
    assert "2 words added, 2 removed, in 2 fields." in page
    assert '<a class="govuk-link" href="#change-narrative">Go to the first change</a>' in page
    ids = re.findall(r'<section class="portal-diff-field" id="([^"]+)"', page)
    assert ids == ["change-narrative", "change-areas-for-development"]
    assert '<dt class="govuk-summary-list__key">Key achievements</dt>' in page and "Not changed" in page
    assert 'href="#change-areas-for-development">Next change' in page
    assert 'href="#change-narrative">Previous change' in page
    assert page.count("Next change") == 1 and page.count("Previous change") == 1
    assert "view=as-written" in page


def test_revisions_with_the_same_text_say_so(client_as, world, sections):
    lead = world.users["lead_a"]
    services.section_save(user=lead, section=sections.a, content=content("Some **bold** text."), based_on=None)
    services.section_save(user=lead, section=sections.a, content=content("Some bold text."), based_on=1)
    page = client_as("scrutineer").get(url("section_diff", sections.a) + "?from=1&to=2").content.decode()
    assert "The two revisions hold the same text." in page and "Go to the first change" not in page
    typed = client_as("scrutineer").get(url("section_diff", sections.a) + "?from=1&to=2&view=as-written")
    assert "Go to the first change" in typed.content.decode()


def test_a_missing_revision_puts_error_in_the_title(client_as, world, sections):
    services.section_save(user=world.users["lead_a"], section=sections.a, content=content("One."), based_on=None)
    page = client_as("scrutineer").get(url("section_diff", sections.a) + "?from=1&to=9").content.decode()
    assert "<title>Error: Changes to" in page
