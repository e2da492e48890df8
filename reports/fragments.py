"""The store of rendered report pieces: each section's HTML and each chart's SVG, made once.

A piece is stored under the sha256 of everything it is made from: its kind, its inputs
(a section's number, anchor, title, owner, preview flag and revision content; a chart's
ChartSpec) and `fingerprint()`, which covers the templates' source, FRAGMENT_VERSION,
the chart style and the versions of the libraries that render Markdown and charts. A
change of any input is a new key, so nothing is ever invalidated; an unused row is only
dead weight (the table is only a cache and may be emptied at any time).

The store is a database table (`RenderedFragment`), not the cache: every web process and
worker shares it, it survives a restart or a Redis outage, and a publish reuses what the
preview made. Reads and writes are one query each for any number of pieces. Each process
also holds the pieces it last read or made (up to HELD_BYTES): a key names its content,
so a held piece is never out of date, and a warm preview reads no piece from the database.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from functools import lru_cache
from importlib.metadata import version

import matplotlib
from django.template.loader import get_template

from lib.charts import STYLE_VERSION, ChartSpec, chart_svg
from reports.models import FragmentKind, RenderedFragment

# Bump when rendering code (not a template: their source is hashed) changes a section's HTML.
FRAGMENT_VERSION = 2  # 2: writers' headings follow the section's level
TEMPLATES = (
    *("reports/document/section.html", "reports/document/table.html", "reports/document/contents.html"),
    "reports/document/comparison.html",
)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of the code and templates that turn inputs into HTML (fixed for the life of a process)."""
    parts = [str(FRAGMENT_VERSION), str(STYLE_VERSION), matplotlib.__version__]
    parts += [version(name) for name in ("markdown-it-py", "nh3", "Django")]
    parts += [get_template(name).template.source for name in TEMPLATES]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def fragment_key(kind: str, data) -> str:
    """The content hash naming a piece made from `data` (JSON-serialisable)."""
    payload = json.dumps([fingerprint(), kind, data], sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


HELD_BYTES = 64 * 1024 * 1024  # bytes of HTML (UTF-8) each process keeps, newest used last
_held: OrderedDict[str, bytes] = OrderedDict()
_held_size = 0
_lock = threading.Lock()


def _hold(pieces: dict[str, bytes]) -> None:
    global _held_size
    with _lock:
        for key, data in pieces.items():
            if key not in _held:
                _held_size += len(data)
            _held[key] = data
            _held.move_to_end(key)
        while _held_size > HELD_BYTES and _held:
            _held_size -= len(_held.popitem(last=False)[1])


def fragments_held_clear() -> None:
    """Forget the pieces this process holds (the tests' databases reuse keys' inputs)."""
    global _held_size
    with _lock:
        _held.clear()
        _held_size = 0


def fragments_get_encoded(keys) -> dict[str, bytes]:
    """The pieces among `keys`, as UTF-8, that this process holds or the store has (one query for those it
    does not hold). Joined as bytes, a large report is never copied into a wider string kind by one
    character outside Latin-1."""
    keys = set(keys)
    with _lock:
        found = {key: _held[key] for key in keys if key in _held}
        for key in found:
            _held.move_to_end(key)
    wanted = keys - found.keys()
    if wanted:
        stored = {
            key: html.encode()
            for key, html in RenderedFragment.objects.filter(key__in=wanted).values_list("key", "html")
        }
        _hold(stored)
        found |= stored
    return found


def fragments_get(keys) -> dict[str, str]:
    """The pieces among `keys` this process holds or the store has, as text."""
    return {key: data.decode() for key, data in fragments_get_encoded(keys).items()}


def fragments_put(kind: str, pieces: dict[str, str]) -> None:
    """Store new pieces in one query; a piece another process stored meanwhile is left as it is (same key,
    same content). HTML holding a NUL is not stored, since PostgreSQL text cannot hold one."""
    rows = [RenderedFragment(key=key, kind=kind, html=html) for key, html in pieces.items() if "\x00" not in html]
    if rows:
        RenderedFragment.objects.bulk_create(rows, ignore_conflicts=True)
        _hold({row.key: row.html.encode() for row in rows})


def chart_svgs(specs) -> dict[str, str]:
    """Each chart's SVG by its key, drawing only those not stored yet (one query to read, one to write)."""
    specs = {spec.key: spec for spec in specs}
    stored = fragments_get(specs)
    drawn = {key: chart_svg(spec) for key, spec in specs.items() if key not in stored}
    fragments_put(FragmentKind.CHART, drawn)
    return stored | drawn


def chart_svg_stored(spec: ChartSpec) -> str:
    """One chart's SVG, from the store or drawn and stored."""
    return chart_svgs([spec])[spec.key]
