from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnership.access import partnership_for
from partnership.models import SubgroupMeetings
from partnership.permissions import user_can_manage_partnership, user_can_oversee_partnership
from partnership.selectors import home_summaries


@require_GET
def home(request):
    """What each signed-in user can do now, by role; a welcome for everyone else."""
    summaries = home_summaries(user=request.user) if request.user.is_authenticated else []
    return render(request, "partnership/home.html", {"summaries": summaries})


@login_required
@require_GET
def partnership_detail(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    periods = list(partnership.periods.order_by("-start"))
    meetings = (
        SubgroupMeetings.objects.filter(subgroup__partnership=partnership)
        .select_related("period")
        .order_by("-period__start")
    )
    meetings_by_subgroup: dict[int, list] = {}
    for row in meetings:
        meetings_by_subgroup.setdefault(row.subgroup_id, []).append(row)
    subgroups = [(s, meetings_by_subgroup.get(s.pk, [])) for s in partnership.subgroups.all()]
    context = {
        "partnership": partnership,
        "periods": periods,
        "priorities": partnership.priorities.all(),
        "subgroups": subgroups,
        "can_manage": user_can_manage_partnership(request.user, partnership),
        "can_oversee": user_can_oversee_partnership(request.user, partnership),
    }
    return render(request, "partnership/partnership_detail.html", context)
