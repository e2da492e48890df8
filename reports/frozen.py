"""Serving published versions: the frozen bytes, found without re-assembling anything.

A version's files never change, so once read they are kept in this process, keyed by
version, with their sha256 as ETag. Which version is the latest is asked of the cache
(Redis in production, so every web process sees a new publication at once); publishing
sets it on commit, and a cold cache falls back to one query.

PublishedReportMiddleware answers GET and HEAD for /reports/<partnership>/<period>/ and
/reports/<partnership>/<period>/v<n>/ before the rest of Django's stack, as WhiteNoise
does for static files: a published report is read far more often than anything else.
Anything it cannot answer (an unknown report, another path) goes on to the views.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseNotModified

from reports.models import PublishedReport

# The frozen document has inline styles, inline SVG and a data-URI logo, and nothing else.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
LATEST_TTL = 300  # seconds; publishing also sets the key, so this only bounds a lost update
MAX_CACHED = 64
PATH = re.compile(r"^/reports/(?P<partnership>[-\w]+)/(?P<period>[-\w]+)/(?:v(?P<number>\d+)/)?$")


@dataclass(frozen=True)
class Frozen:
    data: bytes
    sha256: str


_versions: dict[tuple[str, str, int], Frozen] = {}
_lock = threading.Lock()


def frozen_cache_clear() -> None:
    """Forget every cached version (tests, which reuse addresses across fresh databases)."""
    with _lock:
        _versions.clear()


def latest_key(partnership_slug: str, period_slug: str) -> str:
    return f"reports:latest:{partnership_slug}:{period_slug}"


def latest_number(partnership_slug: str, period_slug: str) -> int | None:
    """The newest version's number, from the cache or, if it has none, the database."""
    key = latest_key(partnership_slug, period_slug)
    number = cache.get(key)
    if number is None:
        number = (
            PublishedReport.objects.filter(period__partnership__slug=partnership_slug, period__slug=period_slug)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        if number is not None:
            # add, not set: if a publication set a newer number meanwhile, keep that one.
            cache.add(key, number, LATEST_TTL)
    return number


def latest_number_set(version: PublishedReport) -> None:
    """Called when a version is published."""
    period = version.period
    cache.set(latest_key(period.partnership.slug, period.slug), version.number, LATEST_TTL)


def frozen_html(partnership_slug: str, period_slug: str, number: int) -> Frozen | None:
    """A published version's HTML bytes, read once per process; None if there is no such version."""
    key = (partnership_slug, period_slug, number)
    found = _versions.get(key)
    if found is not None:
        return found
    version = (
        PublishedReport.objects.filter(
            period__partnership__slug=partnership_slug, period__slug=period_slug, number=number
        )
        .only("html", "html_sha256")
        .first()
    )
    if version is None:
        return None
    with default_storage.open(version.html.name, "rb") as handle:
        found = Frozen(handle.read(), version.html_sha256)
    with _lock:
        if len(_versions) >= MAX_CACHED:
            _versions.pop(next(iter(_versions)))
        _versions[key] = found
    return found


def document_response(request, partnership_slug: str, period_slug: str, number: int | None) -> HttpResponse | None:
    """The frozen HTML of a version (the latest when number is None), or None if there is none."""
    immutable = number is not None
    if number is None:
        number = latest_number(partnership_slug, period_slug)
        if number is None:
            return None
    frozen = frozen_html(partnership_slug, period_slug, number)
    if frozen is None:
        return None
    etag = f'"{frozen.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(
            b"" if request.method == "HEAD" else frozen.data, content_type="text/html; charset=utf-8"
        )
        response["Content-Length"] = str(len(frozen.data))
    response["ETag"] = etag
    response["Content-Security-Policy"] = DOCUMENT_CSP
    response["Cache-Control"] = "public, max-age=31536000, immutable" if immutable else "public, max-age=60"
    return response


class PublishedReportMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            match = PATH.match(request.path_info)
            if match:
                number = int(match["number"]) if match["number"] else None
                response = document_response(request, match["partnership"], match["period"], number)
                if response is not None:
                    return response
        return self.get_response(request)
