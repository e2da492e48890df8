"""Public pages: published reports, readable without signing in.

A version's HTML and PDF are served from the bytes frozen in its database row, never
re-assembled (see reports.frozen, whose middleware usually answers for the HTML before these
views run). PDF bytes are immutable, so they are kept in a small in-process cache keyed by
their sha256.
"""

from __future__ import annotations

import threading

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from partnership.models import Partnership, ReportingPeriod
from reports.frozen import IMMUTABLE, document_headers, document_response, etag_matches
from reports.models import PdfState, PublishedChildrensVersion, PublishedReport

MAX_CACHED_PDFS = 16
_pdfs: dict[int, tuple[str, bytes]] = {}
_pdfs_lock = threading.Lock()


def _pdf_bytes(version_id: int, sha256: str) -> bytes:
    """A ready PDF's bytes from its row, read once per process (the sha256 proves a kept copy is the right one)."""
    kept = _pdfs.get(version_id)
    if kept is not None and kept[0] == sha256:
        return kept[1]
    data = bytes(PublishedReport.objects.filter(pk=version_id).values_list("pdf_data", flat=True).first() or b"")
    if data:
        with _pdfs_lock:
            if len(_pdfs) >= MAX_CACHED_PDFS:
                _pdfs.pop(next(iter(_pdfs)))
            _pdfs[version_id] = (sha256, data)
    return data


def _version(partnership_slug: str, period_slug: str, number: int) -> PublishedReport:
    version = (
        PublishedReport.objects.filter(
            period__partnership__slug=partnership_slug, period__slug=period_slug, number=number
        )
        .select_related("period__partnership")
        .defer("html_data", "html_br", "html_gzip", "pdf_data")
        .first()
    )
    if version is None:
        raise Http404("No published report here.")
    return version


def _document(request, partnership_slug, period_slug, number):
    # PublishedReportMiddleware usually answers first; this is the same answer without it.
    response = document_response(request, partnership_slug, period_slug, number)
    if response is None:
        raise Http404("No published report here.")
    return response


@require_GET
def report_latest(request, partnership_slug, period_slug):
    return _document(request, partnership_slug, period_slug, None)


@require_GET
def report_version(request, partnership_slug, period_slug, number):
    return _document(request, partnership_slug, period_slug, number)


@require_GET
def report_pdf(request, partnership_slug, period_slug, number):
    version = _version(partnership_slug, period_slug, number)
    if version.pdf_state != PdfState.READY:
        context = {"version": version, "partnership": version.period.partnership}
        return render(request, "reports/public/pdf_pending.html", context, status=404)
    data = _pdf_bytes(version.pk, version.pdf_sha256)
    if not data:
        context = {"version": version, "partnership": version.period.partnership, "missing": True}
        response = render(request, "reports/public/pdf_pending.html", context, status=404)
        response["Cache-Control"] = "no-store"  # a restore may bring the bytes back
        return response
    etag = f'"{version.pdf_sha256}"'
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(data, content_type="application/pdf")
        filename = f"{version.period.partnership.slug}-annual-report-{version.period.slug}-v{version.number}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    return document_headers(response, IMMUTABLE)


@require_GET
def partnership_reports(request, partnership_slug):
    partnership = get_object_or_404(Partnership, slug=partnership_slug)
    childrens = PublishedChildrensVersion.objects.filter(version=OuterRef("pk"))
    versions = Prefetch(
        "published_reports",
        queryset=PublishedReport.objects.order_by("-number").annotate(has_childrens=Exists(childrens)),
    )
    periods = [
        p
        for p in ReportingPeriod.objects.filter(partnership=partnership)
        .select_related("partnership")
        .order_by("-start")
        .prefetch_related(versions)
        if p.published_reports.all()
    ]
    return render(request, "reports/public/partnership_reports.html", {"partnership": partnership, "periods": periods})


@require_GET
def index(request):
    partnerships = Partnership.objects.filter(periods__published_reports__isnull=False).distinct().order_by("name")
    return render(request, "reports/public/index.html", {"partnerships": partnerships})


@require_GET
def accessibility(request):
    return render(request, "reports/public/accessibility.html")
