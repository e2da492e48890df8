"""The children's version: its preview beside the draft report, and its frozen public page."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from partnership.access import period_for, require
from reports.assembly import report_assemble
from reports.childrens import childrens_html
from reports.frozen import IMMUTABLE, document_headers
from reports.models import PublishedChildrensVersion
from reports.permissions import user_can_preview_report


@login_required
@require_GET
# Self-contained like the report preview: inline CSS, never script.
@csp_replace({"style-src": ["'unsafe-inline'"]})
def childrens_preview(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_preview_report(request.user, period))
    report = report_assemble(period=period, preview=True)
    if report.childrens is None:
        raise Http404("This outline has no children's version.")
    full_url = reverse("reports:report_preview", args=[partnership_slug, period_slug])
    return HttpResponse(childrens_html(report, full_url=full_url))


@require_GET
def report_childrens(request, partnership_slug, period_slug, number):
    frozen = (
        PublishedChildrensVersion.objects.filter(
            version__period__partnership__slug=partnership_slug, version__period__slug=period_slug,
            version__number=number,
        )
        .values_list("html_data", flat=True)
        .first()
    )  # fmt: skip
    if frozen is None:
        raise Http404("This version of the report has no children's version.")
    response = HttpResponse(bytes(frozen), content_type="text/html; charset=utf-8")
    return document_headers(response, IMMUTABLE)
