"""The business manager's pages for setting the partnership up: settings, periods, priorities, subgroups.

Every view fetches through the partnership (outsiders get 404), requires the business manager
(other members get 403), then calls one service and redirects, or shows the form again with
every problem the service named.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from lib.errors import DomainError
from lib.views import domain_error_show
from partnership import services
from partnership.access import partnership_for, period_for, require
from partnership.models import Priority, Subgroup
from partnership.permissions import user_can_manage_partnership
from partnership.selectors import logo_data_uri, priorities_all, subgroups_with_meetings
from partnership.setup_forms import (
    MeetingsForm,
    PartnershipSettingsForm,
    PeriodForm,
    PriorityForm,
    SubgroupForm,
    period_initial,
)


def _managed(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_manage_partnership(request.user, partnership))
    return partnership


def _managed_period(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_partnership(request.user, period.partnership))
    return period


def _post_only(request) -> HttpResponseNotAllowed | None:
    """405 for anything but POST; checked after access, so outsiders still get 404 and others 403."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _form_page(request, template: str, context: dict):
    form = context["form"]
    return render(request, template, context, status=400 if form.errors else 200)


def _saved(request, text: str, to: str, *args):
    messages.success(request, text)
    return redirect(to, *args)


# Settings --------------------------------------------------------------------------------


@login_required
def settings_edit(request, partnership_slug):
    partnership = _managed(request, partnership_slug)
    initial = {
        name: getattr(partnership, name)
        for name in ("name", "short_name", "area", "about", "require_mfa_for_all", "small_numbers_threshold")
    }
    form = PartnershipSettingsForm(
        request.POST or None, request.FILES or None, initial=initial, has_logo=bool(partnership.logo)
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.partnership_settings_change(
                user=request.user, partnership=partnership, **form.service_arguments()
            )
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            text = (
                "Saved the partnership's settings." if change.changed else "Nothing had changed, so nothing was saved."
            )
            if change.logo_removed:
                text += (
                    " Some parts of the logo were taken out because a logo may not run code or load other files: "
                    f"{', '.join(change.logo_removed)}. Check the logo on this page looks right."
                )
                return _saved(request, text, "partnership:settings", partnership.slug)
            return _saved(request, text, "partnership:detail", partnership.slug)
    context = {"partnership": partnership, "form": form, "logo": logo_data_uri(partnership)}
    return _form_page(request, "partnership/settings_edit.html", context)


# Reporting periods ----------------------------------------------------------------------


@login_required
def period_add(request, partnership_slug):
    partnership = _managed(request, partnership_slug)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_open(user=request.user, partnership=partnership, **form.service_arguments())
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            text = f"Opened {period.label}. Now set out its outline: copy the last period's, or add sections."
            if period.is_catch_up:
                text += " Its deadline has already passed, so it is a catch-up period: nothing in it shows as late."
            messages.success(request, text)
            # The outline belongs to reports, a layer above: its page offers to copy the previous outline.
            return redirect(reverse("reports:outline", args=[partnership.slug, period.slug]))
    return _form_page(request, "partnership/period_add.html", {"partnership": partnership, "form": form})


@login_required
def period_edit(request, partnership_slug, period_slug):
    period = _managed_period(request, partnership_slug, period_slug)
    partnership = period.partnership
    form = PeriodForm(request.POST or None, initial=period_initial(period), opening=False)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.period_change(user=request.user, period=period, **form.service_arguments())
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            return _saved(request, f"Saved {saved.label}.", "partnership:detail", partnership.slug)
    context = {"partnership": partnership, "period": period, "form": form, "closed": period.is_closed}
    return _form_page(request, "partnership/period_edit.html", context)


@login_required
def period_close(request, partnership_slug, period_slug):
    period = _managed_period(request, partnership_slug, period_slug)
    if request.method == "POST":
        try:
            closed = services.period_close(user=request.user, period=period)
        except DomainError as error:
            domain_error_show(request, error)
        else:
            return _saved(request, f"Closed {closed.label}.", "partnership:detail", period.partnership.slug)
        return redirect("partnership:detail", period.partnership.slug)
    context = {"partnership": period.partnership, "period": period, "closed": period.is_closed}
    return render(request, "partnership/period_close.html", context)


# Priorities -----------------------------------------------------------------------------


def _priority(partnership, priority_id) -> Priority:
    priority = get_object_or_404(Priority, partnership=partnership, pk=priority_id)
    priority.partnership = partnership
    return priority


@login_required
@require_GET
def priority_list(request, partnership_slug):
    partnership = _managed(request, partnership_slug)
    priorities = list(priorities_all(partnership=partnership))
    current = [p for p in priorities if p.retired_at is None]
    rows = [{"priority": p, "can_move_up": i > 0, "can_move_down": i < len(current) - 1} for i, p in enumerate(current)]
    context = {"partnership": partnership, "rows": rows, "retired": [p for p in priorities if p.retired_at]}
    return render(request, "partnership/priority_list.html", context)


def _priority_form_page(request, partnership, priority=None):
    initial = {"title": priority.title, "description": priority.description} if priority else None
    form = PriorityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if priority is None:
                saved = services.priority_add(user=request.user, partnership=partnership, **form.service_arguments())
            else:
                saved = services.priority_change(user=request.user, priority=priority, **form.service_arguments())
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            return _saved(request, f"Saved the priority '{saved.title}'.", "partnership:priorities", partnership.slug)
    context = {"partnership": partnership, "form": form, "priority": priority}
    return _form_page(request, "partnership/priority_form.html", context)


@login_required
def priority_add(request, partnership_slug):
    return _priority_form_page(request, _managed(request, partnership_slug))


@login_required
def priority_edit(request, partnership_slug, priority_id):
    partnership = _managed(request, partnership_slug)
    return _priority_form_page(request, partnership, _priority(partnership, priority_id))


@login_required
def priority_move(request, partnership_slug, priority_id):
    partnership = _managed(request, partnership_slug)
    priority = _priority(partnership, priority_id)
    if refused := _post_only(request):
        return refused
    try:
        services.priority_move(user=request.user, priority=priority, direction=request.POST.get("direction", ""))
    except DomainError as error:
        domain_error_show(request, error)
    return redirect("partnership:priorities", partnership.slug)


@login_required
def priority_retire(request, partnership_slug, priority_id):
    partnership = _managed(request, partnership_slug)
    priority = _priority(partnership, priority_id)
    if request.method == "POST":
        try:
            retired = services.priority_retire(user=request.user, priority=priority)
        except DomainError as error:
            domain_error_show(request, error)
        else:
            messages.success(request, f"Retired the priority '{retired.title}'.")
        return redirect("partnership:priorities", partnership.slug)
    return render(request, "partnership/priority_retire.html", {"partnership": partnership, "priority": priority})


# Subgroups ------------------------------------------------------------------------------


def _subgroup(partnership, subgroup_slug) -> Subgroup:
    subgroup = get_object_or_404(Subgroup, partnership=partnership, slug=subgroup_slug)
    subgroup.partnership = partnership
    return subgroup


@login_required
@require_GET
def subgroup_list(request, partnership_slug):
    partnership = _managed(request, partnership_slug)
    context = {"partnership": partnership, "subgroups": subgroups_with_meetings(partnership=partnership)}
    return render(request, "partnership/subgroup_list.html", context)


def _subgroup_form_page(request, partnership, subgroup=None):
    names = ("name", "slug", "purpose", "chair", "oversees")
    initial = {name: getattr(subgroup, name) for name in names} if subgroup else None
    form = SubgroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if subgroup is None:
                saved = services.subgroup_add(user=request.user, partnership=partnership, **form.service_arguments())
            else:
                saved = services.subgroup_change(user=request.user, subgroup=subgroup, **form.service_arguments())
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            return _saved(request, f"Saved the subgroup '{saved.name}'.", "partnership:subgroups", partnership.slug)
    context = {"partnership": partnership, "form": form, "subgroup": subgroup}
    return _form_page(request, "partnership/subgroup_form.html", context)


@login_required
def subgroup_add(request, partnership_slug):
    return _subgroup_form_page(request, _managed(request, partnership_slug))


@login_required
def subgroup_edit(request, partnership_slug, subgroup_slug):
    partnership = _managed(request, partnership_slug)
    return _subgroup_form_page(request, partnership, _subgroup(partnership, subgroup_slug))


@login_required
def subgroup_meetings(request, partnership_slug, subgroup_slug):
    partnership = _managed(request, partnership_slug)
    subgroup = _subgroup(partnership, subgroup_slug)
    form = MeetingsForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        try:
            services.subgroup_meetings_record(
                user=request.user, subgroup=subgroup, period=period, meetings_held=form.cleaned_data["meetings_held"]
            )
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            held = form.cleaned_data["meetings_held"]
            text = f"Recorded {held} meeting{'' if held == 1 else 's'} of {subgroup.name} in {period.label}."
            return _saved(request, text, "partnership:subgroups", partnership.slug)
    counts = subgroup.meeting_counts.select_related("period").order_by("-period__start")
    context = {
        "partnership": partnership,
        "subgroup": subgroup,
        "form": form,
        "counts": counts,
        "has_open_period": form.fields["period"].queryset.exists(),
    }
    return _form_page(request, "partnership/subgroup_meetings.html", context)
