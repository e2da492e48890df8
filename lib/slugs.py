"""Addresses (slugs) made from names and titles, unique among those already taken."""

from __future__ import annotations

from collections.abc import Container

from django.utils.text import slugify


def slug_unique(base: str, taken: Container[str], max_length: int) -> str:
    """slugify(base) cut to max_length, with -2, -3 and so on added until it is not in `taken`."""
    root = slugify(base)[:max_length].strip("-")
    slug, number = root, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = root[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug
