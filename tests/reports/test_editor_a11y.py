"""The section page and editor as a keyboard or screen-reader user meets them: errors on the field they
belong to, linked from the summary; actions at the top as well as the bottom; a preview that takes focus;
the section's parts listed when it has many."""

import re

from reports import services
from reports.models import Challenge, Comment
from tests.reports.conftest import content
from tests.reports.test_views import form_data, url


def summary_links(page: str) -> list[tuple[str, str]]:
    summary = page[page.index('class="govuk-error-summary"') :].split("</ul>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_an_empty_comment_marks_the_field_and_the_summary_links_to_it(client_as, world, sections):
    services.section_save(user=world.users["lead_a"], section=sections.a, content=content("Text."), based_on=None)
    response = client_as("scrutineer").post(url("comment_add", sections.a), {"body": "   "})
    page = response.content.decode()
    assert response.status_code == 400
    assert summary_links(page) == [("id_body", "Write your comment before sending it.")]
    assert 'id="id_body"' in page and "is-invalid" in page
    assert "<title>Error: " in page
    assert not Comment.objects.exists()


def test_an_empty_challenge_marks_its_field(client_as, world, sections):
    services.section_save(user=world.users["lead_a"], section=sections.a, content=content("Text."), based_on=None)
    response = client_as("scrutineer").post(url("challenge_raise", sections.a), {"question": ""})
    assert response.status_code == 400
    assert summary_links(response.content.decode()) == [("id_question", "Write your challenge before sending it.")]
    assert not Challenge.objects.exists()


def test_an_empty_answer_marks_that_challenges_answer_field(client_as, world, sections):
    services.section_save(user=world.users["lead_a"], section=sections.a, content=content("Text."), based_on=None)
    challenge = services.challenge_raise(user=world.users["scrutineer"], section=sections.a, question="Why?")
    response = client_as("lead_a").post(url("challenge_answer", sections.a, challenge_id=challenge.pk), {"answer": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert summary_links(page) == [(f"answer-{challenge.pk}", "Write your answer before sending it.")]
    assert f'<textarea class="govuk-textarea govuk-textarea--error" id="answer-{challenge.pk}"' in page
    challenge.refresh_from_db()
    assert challenge.state == "open"


def test_a_quote_error_links_to_the_quote_field(client_as, world, sections):
    data = form_data("N", **{"quotes-0-text": "It helped"})  # a quote with no attribution
    page = client_as("lead_a").post(url("section_edit", sections.a), data).content.decode()
    links = summary_links(page)
    assert links, "the error summary lists the quote's problem"
    for anchor, _ in links:
        assert f'id="{anchor}"' in page, f"the summary links to #{anchor}, which is on the page"
    assert "<title>Error: Edit" in page


def test_save_and_preview_are_offered_at_the_top_and_the_bottom(client_as, sections):
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    form = page[page.index('<form method="post" enctype') :]
    assert form.count('<button class="govuk-button" type="submit" name="save">Save</button>') == 2
    assert form.count('name="preview">Preview</button>') == 2
    assert form.index('name="preview">Preview') < form.index('name="narrative"')


def test_the_preview_takes_focus(client_as, sections):
    page = client_as("lead_a").post(url("section_edit", sections.a), form_data("Draft.", preview="1")).content.decode()
    assert 'tabindex="-1" data-focus-on-load' in page and 'data-testid="preview"' in page


def test_a_section_with_many_parts_lists_them_with_links_and_word_counts(client_as, world, sections):
    quotes = [{"kind": "quote", "title": "", "text": "It helped a lot", "attribution": "A parent", "consented": True}]
    tables = [{"title": "Referrals", "columns": ["A", "B"], "rows": [["x", "1"]], "source": "", "chart": ""}]
    services.section_save(
        user=world.users["lead_a"], section=sections.a, content=content("Two words.", quotes=quotes, tables=tables),
        based_on=None,
    )  # fmt: skip
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    tasks = page[page.index('<ul class="govuk-task-list"') :].split("</ul>")[0]
    names = re.findall(r'href="#([^"]+)" aria-describedby="[^"]+">([^<]+)</a>', tasks)
    assert [name for _, name in names] == [
        "What we did", "What difference it made for children and families", "Key achievements",
        "Areas for development", "Quote or case study 1", "Quote or case study 2",
        "Table 1: Referrals", "Table 2",
    ]  # fmt: skip
    for anchor, _ in names:
        assert f'id="{anchor}"' in page
    assert (
        "2 words" in tasks and "4 words" in tasks and tasks.count(">Empty</strong>") == 5
    )  # and the blank quote and table


def test_a_section_with_few_parts_has_no_list(client_as, sections):
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert "govuk-task-list" not in page


def test_the_back_link_is_inside_main(client_as, sections):
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    main = page[page.index('<main class="govuk-main-wrapper"') : page.index("</main>")]
    assert 'class="govuk-back-link"' in main
