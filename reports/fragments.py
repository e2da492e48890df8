"""The store of rendered report pieces: each section's HTML and each chart's SVG, made once.

A piece is stored under the sha256 of everything it is made from: its kind, its inputs
(a section's number, anchor, title, owner, preview flag and revision content; a chart's
ChartSpec) and `fingerprint()`, which covers the templates' source, FRAGMENT_VERSION,
the chart style and the versions of the libraries that render Markdown and charts. A
change of any input is a new key, so nothing is ever invalidated; an unused row is only
dead weight (the table is only a cache and may be emptied at any time).

The store is a database table (`RenderedFragment`), not the cache: every web process and
worker shares it, it survives a restart or a Redis outage, and a publish reuses what the
preview made. Reads and writes are one query each for any number of pieces.
"""

from __future__ import annotations

import hashlib
import json
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


def fragments_get(keys) -> dict[str, str]:
    """The stored pieces among `keys`, in one query."""
    keys = set(keys)
    if not keys:
        return {}
    return dict(RenderedFragment.objects.filter(key__in=keys).values_list("key", "html"))


def fragments_put(kind: str, pieces: dict[str, str]) -> None:
    """Store new pieces in one query; a piece another process stored meanwhile is left as it is (same key,
    same content). HTML holding a NUL is not stored, since PostgreSQL text cannot hold one."""
    rows = [RenderedFragment(key=key, kind=kind, html=html) for key, html in pieces.items() if "\x00" not in html]
    if rows:
        RenderedFragment.objects.bulk_create(rows, ignore_conflicts=True)


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
