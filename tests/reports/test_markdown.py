import pytest

from reports.markdown import MarkdownTooLong, markdown_render, word_count


def test_ordinary_markdown_renders():
    assert markdown_render("**Bold** and [a link](https://example.org)") == (
        '<p><strong>Bold</strong> and <a href="https://example.org" rel="noopener noreferrer">a link</a></p>\n'
    )


def test_script_tag_is_shown_as_text_not_run():
    html = markdown_render("<script>alert(1)</script>")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
    ],
)
def test_dangerous_link_schemes_lose_their_href(source):
    html = markdown_render(source)
    assert "<a" not in html
    assert "href" not in html


def test_event_handler_attributes_in_raw_html_are_escaped():
    html = markdown_render('<img src=x onerror="alert(1)"> <a href="https://x" onclick="alert(1)">x</a>')
    assert "<img" not in html
    assert "<a " not in html
    assert '&lt;img src=x onerror="alert(1)"&gt;' in html  # shown as text, inert


def test_image_markdown_is_dropped():
    html = markdown_render('![x](https://example.org/x.png "t")')
    assert "<img" not in html


def test_raw_html_block_is_escaped():
    html = markdown_render('<div style="position:fixed">overlay</div>\n\n<iframe src="https://evil"></iframe>')
    assert "<div" not in html and "<iframe" not in html
    assert "&lt;iframe" in html


def test_mailto_and_http_links_are_kept():
    html = markdown_render("[mail](mailto:a@example.org) [web](http://example.org)")
    assert 'href="mailto:a@example.org"' in html and 'href="http://example.org"' in html


def test_a_writers_headings_sit_under_the_heading_their_text_is_shown_under():
    assert markdown_render("# Big") == "<h3>Big</h3>\n"
    assert markdown_render("#### Our work") == "<h3>Our work</h3>\n"
    assert markdown_render("# A\n\n## B\n\n#### C\n\n## D") == "<h3>A</h3>\n<h4>B</h4>\n<h5>C</h5>\n<h4>D</h4>\n"
    assert markdown_render("## A\n\n### B", top=4) == "<h4>A</h4>\n<h5>B</h5>\n"
    assert markdown_render("# A\n\n## B\n\n### C", top=5) == "<h5>A</h5>\n<h6>B</h6>\n<h6>C</h6>\n"
    assert markdown_render("No headings at all.", top=5) == "<p>No headings at all.</p>\n"


def test_nothing_above_level_three_gets_through_even_if_asked():
    assert markdown_render("# Big", top=1) == "Big\n"


def test_huge_input_is_refused_not_truncated():
    with pytest.raises(MarkdownTooLong, match="The text is 50,001 characters long; the limit is 50,000"):
        markdown_render("a" * 50_001)


def test_input_at_the_limit_renders():
    assert markdown_render("a" * 50_000) == f"<p>{'a' * 50_000}</p>\n"


def test_word_count_counts_words():
    assert word_count("  Two  words\nthree ") == 3


def test_the_portal_filter_takes_the_level_to_start_from():
    from django.template import Context, Template

    template = Template("{% load reports_tags %}{{ text|markdown }}|{{ text|markdown:4 }}")
    assert template.render(Context({"text": "#### Ours"})) == "<h3>Ours</h3>\n|<h4>Ours</h4>\n"
