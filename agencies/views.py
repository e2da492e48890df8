from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.selectors import agency_list, funding_for_period
from partnership.access import agency_for, partnership_for, period_for, require
from partnership.models import Membership
from partnership.permissions import user_can_view_agency_people, user_can_view_funding


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
    people = None
    if user_can_view_agency_people(request.user, agency):
        people = Membership.objects.filter(agency=agency).select_related("user").order_by("role", "user__username")
    context = {
        "partnership": agency.partnership,
        "agency": agency,
        "representatives": agency.representatives.all(),
        "people": people,
    }
    return render(request, "agencies/agency_detail.html", context)


@login_required
@require_GET
def funding(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_view_funding(request.user, period))
    context = {"partnership": period.partnership, "period": period, "funding": funding_for_period(period=period)}
    return render(request, "agencies/funding.html", context)
