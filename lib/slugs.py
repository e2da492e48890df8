"""Addresses (slugs) made from titles: readable, unique within their owner, editable."""

from __future__ import annotations

from django.utils.text import slugify


def slug_unique(base: str, taken: set[str], max_length: int) -> str:
    """slugify(base), cut to max_length, with -2, -3 ... added until it is not in `taken`."""
    root = (slugify(base) or "item")[:max_length].strip("-") or "item"
    candidate, number = root, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = root[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
