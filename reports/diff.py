"""A readable word-level diff between two revisions of a section."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal" | "insert" | "delete"
    text: str


def content_as_text(content: dict) -> str:
    """The whole of a revision's content as plain text, in the order the form shows it."""
    parts = [
        "Narrative\n" + content.get("narrative", ""),
        "Key achievements\n" + content.get("key_achievements", ""),
        "Areas for development\n" + content.get("areas_for_development", ""),
    ]
    for index, quote in enumerate(content.get("quotes", []), start=1):
        heading = quote.get("title") or f"Quote {index}"
        parts.append(f"{heading}\n{quote.get('text', '')}\n— {quote.get('attribution', '')}")
    for table in content.get("tables", []):
        rows = [" | ".join(table.get("columns", []))] + [" | ".join(row) for row in table.get("rows", [])]
        parts.append(f"Table: {table.get('title', '')}\n" + "\n".join(rows) + f"\nSource: {table.get('source', '')}")
    return "\n\n".join(parts)


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


def diff_html(parts: list[DiffPart]) -> SafeString:
    """The diff as escaped text with <ins> and <del>."""
    out = []
    for part in parts:
        text = escape(part.text)
        if part.op == "insert":
            out.append(f"<ins>{text}</ins>")
        elif part.op == "delete":
            out.append(f"<del>{text}</del>")
        else:
            out.append(text)
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def diff_counts(parts: list[DiffPart]) -> tuple[int, int]:
    """(words added, words removed)."""
    added = sum(len(p.text.split()) for p in parts if p.op == "insert")
    removed = sum(len(p.text.split()) for p in parts if p.op == "delete")
    return added, removed
