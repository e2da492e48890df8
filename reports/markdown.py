"""Markdown for section text: markdown-it-py renders, nh3 sanitises.

Writers type Markdown, never HTML. markdown-it-py runs with raw HTML disabled (so a
<script> is shown as text) and without linkify; nh3 then keeps only the tags a report
needs and only http, https and mailto links, and marks links rel="noopener noreferrer".
Two layers on purpose: a future change to the renderer's options cannot open a hole
on its own. Input longer than MAX_FIELD_CHARS is refused, never truncated.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

MAX_FIELD_CHARS = 50_000

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


class MarkdownTooLong(ValueError):
    """The text is over the length limit; the message says by how much."""


def too_long_message(label: str, length: int) -> str:
    return (
        f"{label} is {length:,} characters long; the limit is {MAX_FIELD_CHARS:,}. "
        "Shorten it, or move some of it to another section."
    )


def markdown_render(text: str, *, label: str = "The text") -> str:
    """Safe HTML for a writer's Markdown; MarkdownTooLong for text over the limit."""
    if not text:
        return ""
    if len(text) > MAX_FIELD_CHARS:
        raise MarkdownTooLong(too_long_message(label, len(text)))
    html = _renderer.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of characters between spaces."""
    return len(text.split())
