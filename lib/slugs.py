"""Addresses (slugs) made from titles, unique among the ones already taken."""

from __future__ import annotations

import re

from django.utils.text import slugify

# Separators people write in titles ("2019/20", "Health: ICB") become hyphens, not nothing:
# slugify alone would turn "2019/20" into "201920".
_SEPARATORS = re.compile(r"[/\\|:.]+")


def slug_unique(base: str, taken: set[str], max_length: int) -> str:
    """A slug of `base` at most `max_length` long and not in `taken` ('neglect', then 'neglect-2', ...);
    '' when `base` has no letter or digit to make one from."""
    root = slugify(_SEPARATORS.sub(" ", base or ""))[:max_length].strip("-")
    if not root or root not in taken:
        return root
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = root[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1
