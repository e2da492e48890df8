"""The period's pages: dashboards, changes since the last visit, audit log and the outline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from lib.errors import DomainError
from lib.pagination import page_nav
from lib.roles import roles_for
from lib.views import domain_error_show
from partnership.access import period_for, require
from partnership.permissions import user_can_oversee_partnership, user_can_view_audit
from reports import services
from reports.access import spec_for
from reports.forms import SpecForm
from reports.impact import impact_counts
from reports.permissions import user_can_manage_outline
from reports.selectors import (
    changes_since_last_visit,
    dashboard_for,
    open_challenges,
    outline_for,
    previous_period,
)
from reports.views.common import post_only


def _base(period) -> dict:
    return {"period": period, "partnership": period.partnership}


@login_required
@require_GET
def dashboard(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    roles = roles_for(request.user)
    is_overseer = user_can_oversee_partnership(request.user, period.partnership)
    board = dashboard_for(user=request.user, period=period, page=request.GET.get("page"))
    board.page.nav = page_nav(request, board.page, what="the sections")
    context = _base(period) | {
        "dashboard": board,
        "is_manager": period.partnership_id in roles.managed,
        "is_overseer": is_overseer,
        "challenges": open_challenges(period=period) if is_overseer else [],
        "impact": impact_counts(period=period) if is_overseer else None,
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def changes(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_oversee_partnership(request.user, period.partnership))
    found = changes_since_last_visit(user=request.user, period=period)
    services.period_visit_record(user=request.user, period=period)
    return render(request, "reports/changes.html", _base(period) | {"changes": found})


@login_required
@require_GET
def audit_log(request, partnership_slug, period_slug):
    """The period's audit log is the partnership's, filtered to the period."""
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_view_audit(request.user, period.partnership))
    return redirect(f"{reverse('partnership:audit', args=[partnership_slug])}?period={period.pk}")


@login_required
@require_GET
def outline(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_outline(request.user, period))
    specs = outline_for(period=period)
    context = _base(period) | {"specs": specs, "previous": None if specs else previous_period(period=period)}
    return render(request, "reports/outline.html", context)


def _spec_form_page(request, period, spec=None):
    initial = None
    if spec is not None:
        initial = {name: getattr(spec, name) for name in services.SPEC_FIELDS} | {
            "priorities": list(spec.priorities.all()),
            "computed_block": spec.computed_block or "",
        }
    form = SpecForm(request.POST or None, initial=initial, partnership=period.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            if spec is None:
                saved = services.spec_create(user=request.user, period=period, fields=form.spec_fields())
            else:
                saved = services.spec_update(user=request.user, spec=spec, fields=form.spec_fields())
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Saved '{saved.title}' in the outline.")
            return redirect("reports:outline", period.partnership.slug, period.slug)
    return render(request, "reports/spec_form.html", _base(period) | {"form": form, "spec": spec})


@login_required
def spec_add(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_outline(request.user, period))
    return _spec_form_page(request, period)


@login_required
def spec_edit(request, partnership_slug, period_slug, spec_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_outline(request.user, period))
    return _spec_form_page(request, period, spec_for(period, spec_slug))


@login_required
def spec_move(request, partnership_slug, period_slug, spec_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_outline(request.user, period))
    spec = spec_for(period, spec_slug)
    if refused := post_only(request):
        return refused
    try:
        services.spec_move(user=request.user, spec=spec, direction=request.POST.get("direction", ""))
    except DomainError as error:
        domain_error_show(request, error)
    return redirect("reports:outline", period.partnership.slug, period.slug)


@login_required
def outline_copy(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_outline(request.user, period))
    if refused := post_only(request):
        return refused
    source = previous_period(period=period)
    if source is None:
        messages.error(request, "There is no earlier period to copy from. Add the sections one by one.")
    else:
        try:
            copied = services.outline_copy(user=request.user, source_period=source, target_period=period)
        except DomainError as error:
            domain_error_show(request, error)
        else:
            messages.success(request, f"Copied {copied} sections from {source.label}.")
    return redirect("reports:outline", period.partnership.slug, period.slug)
