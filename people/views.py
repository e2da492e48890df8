from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.access import agency_for
from agencies.permissions import user_can_view_agency_people
from partnership.access import require
from people.selectors import agency_members


@login_required
@require_GET
def agency_people(request, partnership_slug, agency_slug):
    agency = agency_for(request.user, partnership_slug, agency_slug)
    require(user_can_view_agency_people(request.user, agency))
    context = {"partnership": agency.partnership, "agency": agency, "people": agency_members(agency=agency)}
    return render(request, "people/agency_people.html", context)
