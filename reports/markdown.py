"""Markdown for section text: markdown-it-py renders, nh3 sanitises.

Writers type Markdown, never HTML. markdown-it-py runs with raw HTML disabled (so a
<script> is shown as text) and without linkify; nh3 then keeps only the tags a report
needs and only http, https and mailto links, and marks links rel="noopener noreferrer".
Two layers on purpose: a future change to the renderer's options cannot open a hole
on its own. Input longer than MAX_FIELD_CHARS is refused, never truncated.

A writer's headings sit under the heading of the place their text is shown: `top` is the
level their highest heading takes, and their other levels follow it without gaps, so a
lone `####` under a section's <h2> becomes an <h3>, in the portal and the report alike.
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


def _headings_shift(tokens, top: int) -> None:
    """Give the writer's heading levels, in order, the levels top, top + 1, ... (never past 6)."""
    levels = sorted({int(token.tag[1]) for token in tokens if token.type in ("heading_open", "heading_close")})
    new = {level: f"h{min(6, top + rank)}" for rank, level in enumerate(levels)}
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = new[int(token.tag[1])]


def markdown_render(text: str, *, label: str = "The text", top: int = 3) -> str:
    """Safe HTML for a writer's Markdown, their headings from level `top` down; MarkdownTooLong for text
    over the limit."""
    if not text:
        return ""
    if len(text) > MAX_FIELD_CHARS:
        raise MarkdownTooLong(too_long_message(label, len(text)))
    env: dict = {}
    tokens = _renderer.parse(text, env)
    _headings_shift(tokens, top)
    html = _renderer.renderer.render(tokens, _renderer.options, env)
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
