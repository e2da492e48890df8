"""A readable word-level diff between two revisions of a section.

The diff page compares field by field (what we did, what difference it made, each item of how we
know, key achievements, areas for development, each quote, each table), so it can say which
fields changed and link to each change. Text
is compared as a reader sees it (the Markdown rendered, then read as plain text) or, on
request, as the writer typed it. Long unchanged stretches are shortened around each change.
Added and removed words carry visually hidden words ("added:", "removed:"), since <ins> and
<del> sound the same as the text around them to most screen readers.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.content import development_items
from reports.impact import EVIDENCE_KINDS
from reports.markdown import MarkdownTooLong, markdown_render

_TOKEN = re.compile(r"\s+|[^\s]+")
# Unchanged runs longer than this many words are shortened to CONTEXT_WORDS either side of a change.
CONTEXT_WORDS = 25


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal" | "insert" | "delete"
    text: str


def content_as_text(content: dict) -> str:
    """The whole of a revision's content as plain text, as typed, in the order the form shows it: each field
    under its label (the same fields the diff page compares one by one)."""
    return "\n\n".join(f"{label}\n{text}" for label, text in _fields(content, rendered=False).values())


def word_diff(old: str, new: str) -> list[DiffPart]:
    """Word-by-word differences; whitespace is kept so the text reads as written."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts: list[DiffPart] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(DiffPart("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(DiffPart("insert", "".join(b[j1:j2])))
    return parts


_HIDDEN = '<span class="govuk-visually-hidden">{}</span>'
ADDED = "<ins>" + _HIDDEN.format("[added: ") + "{}" + _HIDDEN.format("]") + "</ins>"
REMOVED = "<del>" + _HIDDEN.format("[removed: ") + "{}" + _HIDDEN.format("]") + "</del>"


def _shortened(text: str, *, first: bool, last: bool) -> str:
    """An unchanged run, with its middle (or its start or end, at the edges) cut to a note of how much."""
    words = _TOKEN.findall(text)
    count = sum(1 for w in words if not w.isspace())
    if count <= 2 * CONTEXT_WORDS + 10:
        return escape(text)
    keep_head = 0 if first else CONTEXT_WORDS
    keep_tail = 0 if last else CONTEXT_WORDS
    head, tail, seen = [], [], 0
    for word in words:
        if seen >= keep_head:
            break
        head.append(word)
        seen += not word.isspace()
    seen = 0
    for word in reversed(words):
        if seen >= keep_tail:
            break
        tail.insert(0, word)
        seen += not word.isspace()
    cut = count - sum(1 for w in head + tail if not w.isspace())
    note = f'<span class="portal-diff__gap">[{cut:,} unchanged words]</span>'
    return f"{escape(''.join(head))}{note}{escape(''.join(tail))}"


def diff_html(parts: list[DiffPart], *, shorten: bool = False) -> SafeString:
    """The diff as escaped text with <ins> and <del>; with `shorten`, long unchanged runs are cut."""
    out = []
    for index, part in enumerate(parts):
        if part.op == "insert":
            out.append(ADDED.format(escape(part.text)))
        elif part.op == "delete":
            out.append(REMOVED.format(escape(part.text)))
        elif shorten:
            out.append(_shortened(part.text, first=index == 0, last=index == len(parts) - 1))
        else:
            out.append(escape(part.text))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def diff_counts(parts: list[DiffPart]) -> tuple[int, int]:
    """(words added, words removed)."""
    added = sum(len(p.text.split()) for p in parts if p.op == "insert")
    removed = sum(len(p.text.split()) for p in parts if p.op == "delete")
    return added, removed


class _TextReader(HTMLParser):
    """Rendered Markdown read as plain text: paragraphs and list items on their own lines, cells apart."""

    BLOCKS = {"p", "li", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "hr", "br", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.out.append("\n")
        if tag == "li":
            self.out.append("• ")
        elif tag in ("td", "th"):
            self.out.append(" | ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        self.out.append(data.replace("\n", " "))  # line breaks in the source are not the reader's

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.out).split("\n")]
        return "\n".join(line for line in lines if line)


def rendered_text(markdown: str) -> str:
    """What a reader of the report sees of a writer's Markdown, as plain text (the Markdown itself if too long)."""
    try:
        html = markdown_render(markdown or "")
    except MarkdownTooLong:
        return markdown
    reader = _TextReader()
    reader.feed(html)
    return reader.text()


@dataclass(frozen=True)
class FieldChange:
    """One field of a section compared between two revisions."""

    key: str
    label: str
    parts: list[DiffPart]

    @property
    def changed(self) -> bool:
        return any(part.op != "equal" for part in self.parts)

    @property
    def counts(self) -> tuple[int, int]:
        return diff_counts(self.parts)

    @property
    def html(self) -> SafeString:
        return diff_html(self.parts, shorten=True)


def _fields(content: dict, *, rendered: bool) -> dict[str, tuple[str, str]]:
    """key -> (label, text) for every field of a revision's content, in the order the form shows them."""
    text = rendered_text if rendered else (lambda value: value or "")
    fields = {
        "narrative": ("What we did", text(content.get("narrative", ""))),
        # Revisions saved before impact existed have no impact or evidence: they compare as empty.
        "impact": ("What difference it made", text(content.get("impact", ""))),
    }
    for index, item in enumerate(content.get("evidence") or [], start=1):
        kind = EVIDENCE_KINDS.get(item.get("kind"), item.get("kind") or "")
        table = f" (table {item['table']})" if item.get("table") else ""
        fields[f"evidence-{index}"] = (f"How we know, item {index}", f"{kind}{table}: {item.get('description', '')}")
    fields |= {
        "key-achievements": ("Key achievements", text(content.get("key_achievements", ""))),
        "areas-for-development": ("Areas for development", text(content.get("areas_for_development", ""))),
    }
    if items := development_items(content):
        listed = "\n".join(f"{i['title']}: {i['detail']}" if i.get("detail") else i["title"] for i in items)
        fields["development-items"] = ("Areas for development to carry forward", listed)
    for index, quote in enumerate(content.get("quotes", []), start=1):
        label = f"Quote {index}" + (f": {quote['title']}" if quote.get("title") else "")
        fields[f"quote-{index}"] = (label, f"{quote.get('text', '')}\n— {quote.get('attribution', '')}")
    for index, table in enumerate(content.get("tables", []), start=1):
        rows = [" | ".join(table.get("columns", []))] + [" | ".join(row) for row in table.get("rows", [])]
        body = "\n".join(rows) + (f"\nSource: {table['source']}" if table.get("source") else "")
        fields[f"table-{index}"] = (f"Table {index}: {table.get('title', '')}", body)
    return fields


def section_changes(old: dict, new: dict, *, rendered: bool = True) -> list[FieldChange]:
    """Each field of either revision, compared word by word, in the form's order (fields only one has included)."""
    before, after = _fields(old, rendered=rendered), _fields(new, rendered=rendered)
    keys = list(after) + [key for key in before if key not in after]
    return [
        FieldChange(
            key,
            (after.get(key) or before[key])[0],
            word_diff(before.get(key, ("", ""))[1], after.get(key, ("", ""))[1]),
        )
        for key in keys
    ]
