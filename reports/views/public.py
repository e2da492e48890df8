"""Public pages: published reports, readable without signing in.

A version's HTML and PDF are served from the frozen files, never re-assembled. The
bytes are immutable, so they are kept in a small in-process cache keyed by their sha256.
"""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from partnership.models import Partnership, ReportingPeriod
from reports.models import PdfState, PublishedReport

# The frozen document has inline styles, inline SVG and a data-URI logo, and nothing else.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@lru_cache(maxsize=32)
def _frozen_bytes(name: str, sha256: str) -> bytes:
    """The file's bytes; the sha256 in the key means a cached copy is always the right one."""
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _version(partnership_slug: str, period_slug: str, number: int | None) -> PublishedReport:
    versions = PublishedReport.objects.filter(
        period__partnership__slug=partnership_slug, period__slug=period_slug
    ).select_related("period__partnership")
    version = versions.filter(number=number).first() if number else versions.order_by("-number").first()
    if version is None:
        raise Http404("No published report here.")
    return version


def _document(version: PublishedReport, *, immutable: bool) -> HttpResponse:
    data = _frozen_bytes(version.html.name, version.html_sha256)
    response = HttpResponse(data, content_type="text/html; charset=utf-8")
    response["ETag"] = f'"{version.html_sha256}"'
    response["Content-Security-Policy"] = DOCUMENT_CSP
    response["Cache-Control"] = "public, max-age=31536000, immutable" if immutable else "public, max-age=300"
    return response


@require_GET
def report_latest(request, partnership_slug, period_slug):
    return _document(_version(partnership_slug, period_slug, None), immutable=False)


@require_GET
def report_version(request, partnership_slug, period_slug, number):
    return _document(_version(partnership_slug, period_slug, number), immutable=True)


@require_GET
def report_pdf(request, partnership_slug, period_slug, number):
    version = _version(partnership_slug, period_slug, number)
    if version.pdf_state != PdfState.READY:
        context = {"version": version, "partnership": version.period.partnership}
        return render(request, "reports/public/pdf_pending.html", context, status=404)
    data = _frozen_bytes(version.pdf.name, version.pdf_sha256)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"{version.period.partnership.slug}-annual-report-{version.period.slug}-v{version.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = f'"{version.pdf_sha256}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_GET
def partnership_reports(request, partnership_slug):
    partnership = get_object_or_404(Partnership, slug=partnership_slug)
    versions = Prefetch("published_reports", queryset=PublishedReport.objects.order_by("-number"))
    periods = [
        p
        for p in ReportingPeriod.objects.filter(partnership=partnership).order_by("-start").prefetch_related(versions)
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
