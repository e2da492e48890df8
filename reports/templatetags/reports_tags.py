import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports.checklist import statutory_checklist
from reports.impact import evidence_for_report
from reports.markdown import MarkdownTooLong, markdown_render

register = template.Library()


@register.filter
def markdown(text: str, top: int = 3):
    """A writer's Markdown as sanitised HTML, their headings from level `top` (see reports.markdown)."""
    try:
        return mark_safe(markdown_render(text or "", top=int(top)))  # noqa: S308 - nh3 has sanitised it
    except MarkdownTooLong as error:
        return str(error)


SVG_OPEN = re.compile(r"<svg\b[^>]*>")


@register.filter
def svg_titled(svg: str, text: str):
    """The chart's SVG with `text` as its first <title>: the text alternative a tagged PDF gives its Figure,
    the same description the page shows beside the chart."""
    match = SVG_OPEN.search(svg or "")
    if match is None:
        return svg
    return mark_safe(f"{svg[: match.end()]}<title>{escape(text)}</title>{svg[match.end() :]}")  # noqa: S308 - the SVG is ours, the text escaped


@register.filter
def state_tag_class(state: str) -> str:
    """The GOV.UK tag colour for a section or challenge state."""
    return {
        "not_started": "govuk-tag--grey",
        "draft": "govuk-tag--yellow",
        "submitted": "govuk-tag--blue",
        "changes_requested": "govuk-tag--orange",
        "approved": "govuk-tag--green",
        "open": "govuk-tag--red",
        "answered": "govuk-tag--blue",
        "closed": "govuk-tag--grey",
    }.get(state, "govuk-tag--grey")


@register.filter
def theme_titles(codes) -> str:
    """Statutory checklist codes as their titles, for reading: 'Training and its impact; ...'."""
    titles = statutory_checklist()
    return "; ".join(titles.get(code, code) for code in codes or [])


@register.filter
def evidence_list(content: dict | None) -> list[dict]:
    """A revision's "how we know" items with each kind in words and a data table's title (reports.impact)."""
    return evidence_for_report(content, "")
