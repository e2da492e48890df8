from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.access import agency_for
from agencies.permissions import user_can_view_agency_people, user_can_view_funding
from agencies.selectors import agency_list, funding_for_period
from partnership.access import partnership_for, period_for, require


@login_required
@require_GET
def agency_index(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    context = {"partnership": partnership, "agencies": agency_list(partnership=partnership)}
    return render(request, "agencies/agency_list.html", context)


@login_required
@require_GET
def agency_detail(request, partnership_slug, agency_slug):
    agency = agency_for(request.user, partnership_slug, agency_slug)
    context = {
        "partnership": agency.partnership,
        "agency": agency,
        "representatives": agency.representatives.all(),
        "can_view_people": user_can_view_agency_people(request.user, agency),
    }
    return render(request, "agencies/agency_detail.html", context)


@login_required
@require_GET
def funding(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_view_funding(request.user, period))
    context = {"partnership": period.partnership, "period": period, "funding": funding_for_period(period=period)}
    return render(request, "agencies/funding.html", context)
