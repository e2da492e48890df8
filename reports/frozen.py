"""Serving published versions: the frozen bytes, found without re-assembling anything.

A version's bytes live in its database row: the HTML as published and its brotli and gzip
compressions, made once when it was published (`compressed_copies`). They never change, so
once read they are kept in this process, keyed by version, with their sha256 as ETag (one
per encoding: `"<sha256>"`, `"<sha256>-br"`, `"<sha256>-gzip"`).

Which version is the latest is held in this process for LATEST_LOCAL_TTL seconds, behind it
in the cache (Redis in production, so every web process sees a new publication within those
seconds) and behind that in the database. Publishing sets both on commit. The cache is only
an optimisation: if it cannot be reached, the database answers and a warning is logged.

PublishedReportMiddleware answers GET and HEAD for /reports/<partnership>/<period>/ and
/reports/<partnership>/<period>/v<n>/ before the rest of Django's stack, as WhiteNoise
does for static files: a published report is read far more often than anything else.
Anything it cannot answer (an unknown report, another path) goes on to the views.
"""

from __future__ import annotations

import gzip
import logging
import re
import threading
import time
from dataclasses import dataclass

import brotli
import redis
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified

from lib.middleware import PERMISSIONS_POLICY  # the portal's own: the same features refused everywhere
from reports.models import PublishedReport

logger = logging.getLogger(__name__)

# The frozen document has inline styles, inline SVG and a data-URI logo, and nothing else; no page may frame it.
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# The same browser features the portal's own pages turn off.
IMMUTABLE = "public, max-age=31536000, immutable"
LATEST_CACHE_CONTROL = "public, max-age=60"
LATEST_TTL = 300  # seconds in the shared cache; publishing also sets the key, so this only bounds a lost update
LATEST_LOCAL_TTL = 5.0  # seconds this process trusts its own copy of the latest number
MAX_CACHED = 64
PATH = re.compile(r"^/reports/(?P<partnership>[-\w]+)/(?P<period>[-\w]+)/(?:v(?P<number>\d+)/)?$")
# What a cache that cannot be reached raises (Redis refused, timed out, or went away mid-answer).
CACHE_ERRORS = (redis.exceptions.RedisError, OSError)
ENCODINGS = ("br", "gzip", "identity")  # the server's preference, for equal q-values


@dataclass(frozen=True)
class Frozen:
    identity: bytes
    br: bytes
    gzip: bytes
    sha256: str

    @property
    def missing(self) -> bool:
        return not self.identity

    def body(self, encoding: str) -> bytes:
        return {"br": self.br, "gzip": self.gzip}.get(encoding, self.identity)

    def etag(self, encoding: str) -> str:
        return f'"{self.sha256}"' if encoding == "identity" else f'"{self.sha256}-{encoding}"'


_versions: dict[tuple[str, str, int], Frozen] = {}
_latest: dict[tuple[str, str], tuple[int, float]] = {}
_lock = threading.Lock()
CACHE_RETRY_AFTER = 10.0  # seconds this process leaves a failed cache alone before trying it again
_cache_down_until = 0.0


def _now() -> float:
    return time.monotonic()


def compressed_copies(data: bytes) -> tuple[bytes, bytes]:
    """The brotli and gzip compressions of a version's HTML, made once when it is published."""
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=11), gzip.compress(data, compresslevel=9, mtime=0)


def frozen_cache_clear() -> None:
    """Forget every cached version and latest number (tests, which reuse addresses across fresh databases)."""
    with _lock:
        _versions.clear()
        _latest.clear()
    global _cache_down_until
    _cache_down_until = 0.0


def latest_key(partnership_slug: str, period_slug: str) -> str:
    return f"reports:latest:{partnership_slug}:{period_slug}"


def cache_call(what: str, call):
    """A cache call whose failure only costs a database query: logged (no personal data), then None.

    After a failure the cache is left alone for CACHE_RETRY_AFTER seconds, so an outage costs one
    failed call per process every few seconds, not one per request."""
    global _cache_down_until
    if _now() < _cache_down_until:
        return None
    try:
        return call()
    except CACHE_ERRORS as error:
        _cache_down_until = _now() + CACHE_RETRY_AFTER
        logger.warning("Cache unavailable (%s) while %s; reading the database instead.", type(error).__name__, what)
        return None


def latest_number(partnership_slug: str, period_slug: str) -> int | None:
    """The newest version's number: this process's copy, else the cache's, else the database's."""
    local_key = (partnership_slug, period_slug)
    held = _latest.get(local_key)
    now = _now()
    if held is not None and held[1] > now:
        return held[0]
    key = latest_key(partnership_slug, period_slug)
    number = cache_call("reading the latest version number", lambda: cache.get(key))
    if number is None:
        number = (
            PublishedReport.objects.filter(period__partnership__slug=partnership_slug, period__slug=period_slug)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        if number is not None:
            # add, not set: if a publication set a newer number meanwhile, keep that one.
            cache_call("storing the latest version number", lambda: cache.add(key, number, LATEST_TTL))
    if number is not None:
        with _lock:
            _latest[local_key] = (number, now + LATEST_LOCAL_TTL)
    return number


def latest_number_set(version: PublishedReport) -> None:
    """Called when a version is published: this process knows at once, the others through the cache."""
    period = version.period
    partnership_slug, period_slug = period.partnership.slug, period.slug
    with _lock:
        _latest[(partnership_slug, period_slug)] = (version.number, _now() + LATEST_LOCAL_TTL)
    key = latest_key(partnership_slug, period_slug)
    cache_call("storing the latest version number", lambda: cache.set(key, version.number, LATEST_TTL))


def frozen_html(partnership_slug: str, period_slug: str, number: int) -> Frozen | None:
    """A published version's HTML bytes, read once per process; None if there is no such version."""
    key = (partnership_slug, period_slug, number)
    found = _versions.get(key)
    if found is not None:
        return found
    row = (
        PublishedReport.objects.filter(
            period__partnership__slug=partnership_slug, period__slug=period_slug, number=number
        )
        .values_list("html_data", "html_br", "html_gzip", "html_sha256")
        .first()
    )
    if row is None:
        return None
    identity, br, gz, sha256 = row
    found = Frozen(bytes(identity or b""), bytes(br or b""), bytes(gz or b""), sha256)
    if found.missing:
        return found  # not kept: a restore may bring the bytes back
    with _lock:
        if len(_versions) >= MAX_CACHED:
            _versions.pop(next(iter(_versions)))
        _versions[key] = found
    return found


def accepted_encoding(accept_encoding: str, available: tuple[str, ...] = ENCODINGS) -> str | None:
    """The encoding to send for an Accept-Encoding header (RFC 9110 12.5.3): the highest q-value
    among those available, ties broken by the order of `available`; None if the client refuses them all.

    No header means any encoding is acceptable, but identity is the safe answer; an empty header means
    identity only. identity stays acceptable unless refused by name ("identity;q=0") or by "*;q=0".
    """
    if not accept_encoding.strip():
        return "identity" if "identity" in available else None
    q_values: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        name = "gzip" if name == "x-gzip" else name
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        q_values[name] = q
    star = q_values.get("*")

    def q_of(encoding: str) -> float:
        if encoding in q_values:
            return q_values[encoding]
        if star is not None:
            return star
        return 0.001 if encoding == "identity" else 0.0  # identity is acceptable unless refused

    ranked = [(q_of(encoding), -index, encoding) for index, encoding in enumerate(available)]
    best_q, _, best = max(ranked)
    return best if best_q > 0 else None


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match with weak comparison (RFC 9110 13.1.2): `*`, or any tag in the list equal once W/ is set
    aside."""
    header = if_none_match.strip()
    if header == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(candidate.removeprefix("W/") == opaque for candidate in re.findall(r'(?:W/)?"[^"]*"', header))


def document_headers(response: HttpResponse, cache_control: str) -> HttpResponse:
    """The headers every published document carries, HTML and PDF alike: its strict CSP, no framing,
    no browser features, no sniffing, and no address leaked to other sites."""
    response["Content-Security-Policy"] = DOCUMENT_CSP
    response["X-Frame-Options"] = "DENY"
    response["Permissions-Policy"] = PERMISSIONS_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = cache_control
    return response


def missing_response(number: int) -> HttpResponse:
    """A version whose stored bytes are gone (restored from a dump without them): say so, never a 500."""
    text = (
        "<!DOCTYPE html><html lang='en-GB'><meta charset='utf-8'><title>Report unavailable</title>"
        f"<h1>Version {number} of this report is unavailable</h1>"
        "<p>Its stored copy is missing. The portal's operator can restore it from a backup "
        "(manage.py restore). Please try again later.</p></html>"
    )
    response = HttpResponse(text, content_type="text/html; charset=utf-8", status=404)
    return document_headers(response, "no-store")


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
    if frozen.missing:
        return missing_response(number)
    encoding = accepted_encoding(request.headers.get("Accept-Encoding", ""))
    if encoding is None:
        response = HttpResponse(
            "None of the encodings this page is stored in (br, gzip, identity) is acceptable.",
            content_type="text/plain; charset=utf-8",
            status=406,
        )
        response["Vary"] = "Accept-Encoding"
        return document_headers(response, "no-store")
    etag = frozen.etag(encoding)
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        body = frozen.body(encoding)
        response = HttpResponse(b"" if request.method == "HEAD" else body, content_type="text/html; charset=utf-8")
        response["Content-Length"] = str(len(body))
        if encoding != "identity":
            response["Content-Encoding"] = encoding
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    return document_headers(response, IMMUTABLE if immutable else LATEST_CACHE_CONTROL)


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
