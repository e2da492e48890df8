"""Computed blocks' HTML, kept while nothing they show can have changed.

A block (training figures, funding, reviews, voice…) is worked out from other apps' tables:
a dozen aggregate queries and a template, on every preview. Its HTML is kept in the cache
under a key naming everything it can depend on:

- the heads of the partnership's audit chain and of the portal's (partnership.audit): every
  change is an audited service call, the admin's and its imports included, in the
  transaction of the change, so a head moves exactly when something a block could show does;
- today's date (decisions fall overdue, ages and "this year" move with it);
- the period, the block's code and the heading level it sits under;
- a fingerprint of the code and templates that make it (any deployment is a new key).

A write behind the services' back (a shell, a script) is not seen until the entry expires
(BLOCK_TTL); so publishing never reads the cache: the published report's blocks are always
worked out afresh. The cache is an optimisation: if it is down, blocks are worked out.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from partnership.audit import audit_heads
from reports.frozen import cache_call

BLOCK_TTL = 15 * 60  # seconds; bounds how long a write outside the services goes unseen in the preview
BLOCK_VERSION = 1  # bump to drop every kept block at once
# What a block's HTML is made from: these apps' code and the portal's templates.
SOURCES = ("reports", "training", "reviews", "agencies", "partnership", "people", "lib", "templates")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the source that computes and draws blocks (read once per process)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256(str(BLOCK_VERSION).encode())
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".html"} and "migrations" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def block_key(period, code: str, sub: int, heads: tuple[str, str], today) -> str:
    payload = json.dumps([code_fingerprint(), period.pk, code, sub, list(heads), today.isoformat()])
    return "reports:block:" + hashlib.sha256(payload.encode()).hexdigest()


def block_html_render(block, sub: int) -> str:
    """One block's HTML, its subheadings at level `sub`."""
    if not block.available:
        return format_html('<p class="block-missing">{}</p>', block.message)
    return render_to_string(block.template, {"block": block.context, "sub": sub})


def blocks_html(report) -> dict[tuple[str, int], str]:
    """The HTML of each (block code, subheading level) the report shows. In a preview, those the cache holds
    are read from it in one call and the rest worked out and kept; a published report's are all worked out."""
    wanted = sorted({(entry.block_code, entry.level + 2) for entry in report.entries if entry.block_code})
    if not wanted:
        return {}
    if not report.preview:
        return {(code, sub): block_html_render(report.blocks.get(code), sub) for code, sub in wanted}
    heads, today = audit_heads(report.period.partnership_id), timezone.localdate()
    keys = {want: block_key(report.period, *want, heads, today) for want in wanted}
    kept = cache_call("reading computed blocks", lambda: cache.get_many(list(keys.values()))) or {}
    found, new = {}, {}
    for want, key in keys.items():
        html = kept.get(key)
        if html is None:
            html = new[key] = block_html_render(report.blocks.get(want[0]), want[1])
        found[want] = html
    if new:
        cache_call("keeping computed blocks", lambda: cache.set_many(new, BLOCK_TTL))
    return found
