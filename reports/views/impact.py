"""The sections of a period that do not yet say what difference they made, with evidence."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lib.pagination import paginate
from partnership.access import period_for, require
from partnership.permissions import user_can_oversee_partnership
from reports.impact import impact_counts, sections_without_impact

PER_PAGE = 50


@login_required
@require_GET
def impact_missing_list(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_oversee_partnership(request.user, period.partnership))
    page = paginate(request, sections_without_impact(period=period), what="the sections", per_page=PER_PAGE)
    context = {
        "period": period,
        "partnership": period.partnership,
        "counts": impact_counts(period=period),
        "page": page,
    }
    return render(request, "reports/impact/missing.html", context)
