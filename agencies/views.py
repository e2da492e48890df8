"""Agencies, their seats on the partnership and their funding.

Every view fetches through the partnership (outsiders: 404), then checks the role
(others: 403), then calls one selector or service. POST-only actions answer other
methods with 405 only after those checks, so an address reveals nothing to outsiders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agencies import services
from agencies.access import agency_for
from agencies.forms import AgencyForm, FundingForm, FundingUploadForm, RepresentativeForm
from agencies.imports import MAX_BYTES
from agencies.models import FundingContribution, FundingImport, FundingImportStatus, Representative
from agencies.permissions import user_can_manage_agencies, user_can_view_agency_people, user_can_view_funding
from agencies.resources import FUNDING_COLUMNS
from agencies.selectors import (
    agencies_without_funding,
    agency_list,
    funding_contribution_get,
    funding_for_period,
    funding_history,
    funding_imports_recent,
)
from lib.errors import DomainError
from lib.views import domain_error_show
from partnership.access import partnership_for, period_for, require


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _posted(request):
    """The form's data on POST, even when empty (so a blank submission shows its errors); None on GET."""
    return request.POST if request.method == "POST" else None


def _form_page(request, template: str, context: dict):
    form = context["form"]
    return render(request, template, context, status=400 if form.errors else 200)


# Agencies ---------------------------------------------------------------------------


@login_required
@require_GET
def agency_index(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    context = {
        "partnership": partnership,
        "agencies": agency_list(partnership=partnership, active=True),
        "deactivated": agency_list(partnership=partnership, active=False),
        "can_manage": user_can_manage_agencies(request.user, partnership),
    }
    return render(request, "agencies/agency_list.html", context)


@login_required
@require_GET
def agency_detail(request, partnership_slug, agency_slug):
    agency = agency_for(request.user, partnership_slug, agency_slug)
    representatives = list(agency.representatives.all())
    context = {
        "partnership": agency.partnership,
        "agency": agency,
        "representatives": representatives,
        "can_view_people": user_can_view_agency_people(request.user, agency),
        "can_manage": user_can_manage_agencies(request.user, agency.partnership),
        "can_add_seat": user_can_manage_agencies(request.user, agency.partnership) and agency.active,
    }
    return render(request, "agencies/agency_detail.html", context)


def _managed_agency(request, partnership_slug, agency_slug):
    agency = agency_for(request.user, partnership_slug, agency_slug)
    require(user_can_manage_agencies(request.user, agency.partnership))
    return agency


def _agency_initial(agency) -> dict:
    fields = ("name", "short_name", "slug", "kind", "statutory_role", "signatory_title")
    return {name: getattr(agency, name) for name in fields}


@login_required
@require_http_methods(["GET", "POST"])
def agency_add(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_manage_agencies(request.user, partnership))
    form = AgencyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(user=request.user, partnership=partnership, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"{agency.name} added. Add its seats on the partnership below.")
            return redirect("agencies:detail", partnership.slug, agency.slug)
    return _form_page(request, "agencies/agency_form.html", {"partnership": partnership, "form": form, "agency": None})


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, partnership_slug, agency_slug):
    agency = _managed_agency(request, partnership_slug, agency_slug)
    form = AgencyForm(_posted(request), initial=_agency_initial(agency))
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_change(user=request.user, agency=agency, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"{agency.name} saved.")
            return redirect("agencies:detail", agency.partnership.slug, agency.slug)
    context = {"partnership": agency.partnership, "form": form, "agency": agency, "can_deactivate": agency.active}
    return _form_page(request, "agencies/agency_form.html", context)


def _agency_status(request, partnership_slug, agency_slug, service, done: str):
    agency = _managed_agency(request, partnership_slug, agency_slug)
    if refused := _post_only(request):
        return refused
    try:
        service(user=request.user, agency=agency)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, done.format(agency=agency.name))
    return redirect("agencies:detail", agency.partnership.slug, agency.slug)


@login_required
def agency_deactivate(request, partnership_slug, agency_slug):
    return _agency_status(
        request,
        partnership_slug,
        agency_slug,
        services.agency_deactivate,
        "{agency} is deactivated: it is no longer offered for new seats, contributions or sections, "
        "and leaves the membership table. Its history stays.",
    )


@login_required
def agency_reactivate(request, partnership_slug, agency_slug):
    return _agency_status(
        request, partnership_slug, agency_slug, services.agency_reactivate, "{agency} is active again."
    )


# Representatives ------------------------------------------------------------------


def _managed_seat(request, partnership_slug, agency_slug, representative_id):
    agency = _managed_agency(request, partnership_slug, agency_slug)
    seat = get_object_or_404(Representative, agency=agency, pk=representative_id)
    seat.agency = agency
    return seat


@login_required
@require_http_methods(["GET", "POST"])
def representative_add(request, partnership_slug, agency_slug):
    agency = _managed_agency(request, partnership_slug, agency_slug)
    form = RepresentativeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.representative_add(user=request.user, agency=agency, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Seat '{seat.role_title}' added to {agency.name}.")
            return redirect("agencies:detail", agency.partnership.slug, agency.slug)
    context = {"partnership": agency.partnership, "agency": agency, "form": form, "seat": None}
    return _form_page(request, "agencies/representative_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def representative_edit(request, partnership_slug, agency_slug, representative_id):
    seat = _managed_seat(request, partnership_slug, agency_slug, representative_id)
    agency = seat.agency
    form = RepresentativeForm(_posted(request), initial={"role_title": seat.role_title, "name": seat.name})
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.representative_change(user=request.user, representative=seat, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Seat '{seat.role_title}' saved.")
            return redirect("agencies:detail", agency.partnership.slug, agency.slug)
    context = {"partnership": agency.partnership, "agency": agency, "form": form, "seat": seat}
    return _form_page(request, "agencies/representative_form.html", context)


@login_required
def representative_move(request, partnership_slug, agency_slug, representative_id):
    seat = _managed_seat(request, partnership_slug, agency_slug, representative_id)
    if refused := _post_only(request):
        return refused
    try:
        services.representative_move(user=request.user, representative=seat, direction=request.POST.get("direction"))
    except DomainError as error:
        domain_error_show(request, error)
    return redirect("agencies:detail", seat.agency.partnership.slug, seat.agency.slug)


@login_required
def representative_remove(request, partnership_slug, agency_slug, representative_id):
    seat = _managed_seat(request, partnership_slug, agency_slug, representative_id)
    if refused := _post_only(request):
        return refused
    try:
        services.representative_remove(user=request.user, representative=seat)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, f"Seat '{seat.role_title}' removed from {seat.agency.name}.")
    return redirect("agencies:detail", seat.agency.partnership.slug, seat.agency.slug)


# Funding --------------------------------------------------------------------------


@login_required
@require_GET
def funding(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_view_funding(request.user, period))
    summary = funding_for_period(period=period)
    history = funding_history(contributions=summary.contributions)
    can_manage = user_can_manage_agencies(request.user, period.partnership)
    context = {
        "partnership": period.partnership,
        "period": period,
        "funding": summary,
        "rows": [(c, history.get(c.pk, [])) for c in summary.contributions],
        "can_manage": can_manage,
        "can_add": can_manage and agencies_without_funding(period=period).exists(),
    }
    return render(request, "agencies/funding.html", context)


def _managed_period(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_manage_agencies(request.user, period.partnership))
    return period


def _managed_contribution(request, partnership_slug, period_slug, agency_slug) -> FundingContribution:
    period = _managed_period(request, partnership_slug, period_slug)
    try:
        contribution = funding_contribution_get(period=period, agency_slug=agency_slug)
    except FundingContribution.DoesNotExist:
        raise Http404("No such contribution.") from None
    contribution.period = period
    return contribution


@login_required
@require_http_methods(["GET", "POST"])
def funding_add(request, partnership_slug, period_slug):
    period = _managed_period(request, partnership_slug, period_slug)
    form = FundingForm(_posted(request), agencies=agencies_without_funding(period=period))
    if request.method == "POST" and form.is_valid():
        try:
            contribution = services.funding_create(user=request.user, period=period, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Contribution from {contribution.agency.name} saved.")
            return redirect("agencies:funding", period.partnership.slug, period.slug)
    context = {"partnership": period.partnership, "period": period, "form": form, "contribution": None}
    return _form_page(request, "agencies/funding_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def funding_edit(request, partnership_slug, period_slug, agency_slug):
    contribution = _managed_contribution(request, partnership_slug, period_slug, agency_slug)
    period = contribution.period
    initial = {"amount": f"{contribution.amount:.2f}", "note": contribution.note}
    form = FundingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_change(user=request.user, contribution=contribution, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Contribution from {contribution.agency.name} saved.")
            return redirect("agencies:funding", period.partnership.slug, period.slug)
    context = {
        "partnership": period.partnership,
        "period": period,
        "form": form,
        "contribution": contribution,
        "history": funding_history(contributions=[contribution])[contribution.pk],
    }
    return _form_page(request, "agencies/funding_form.html", context)


@login_required
def funding_remove(request, partnership_slug, period_slug, agency_slug):
    contribution = _managed_contribution(request, partnership_slug, period_slug, agency_slug)
    period = contribution.period
    if refused := _post_only(request):
        return refused
    try:
        services.funding_remove(user=request.user, contribution=contribution)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, f"Contribution from {contribution.agency.name} deleted.")
    return redirect("agencies:funding", period.partnership.slug, period.slug)


@login_required
@require_http_methods(["GET", "POST"])
def funding_import(request, partnership_slug, period_slug):
    period = _managed_period(request, partnership_slug, period_slug)
    form = FundingUploadForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", f"The file is larger than {MAX_BYTES // 1024:,} KB. Check you chose the right file.")
        else:
            try:
                job = services.funding_import_check(
                    user=request.user, period=period, name=upload.name, raw=upload.read()
                )
            except DomainError as error:
                for text in error.messages:
                    form.add_error("file", text)
            else:
                return redirect("agencies:funding_import_job", period.partnership.slug, period.slug, job.pk)
    context = {
        "partnership": period.partnership,
        "period": period,
        "form": form,
        "columns": FUNDING_COLUMNS,
        "imports": funding_imports_recent(period=period),
    }
    return _form_page(request, "agencies/funding_import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def funding_import_job(request, partnership_slug, period_slug, import_id):
    period = _managed_period(request, partnership_slug, period_slug)
    job = get_object_or_404(FundingImport, period=period, pk=import_id)
    job.period = period
    if request.method == "POST":
        try:
            job = services.funding_import_confirm(user=request.user, job=job)
        except DomainError as error:
            domain_error_show(request, error)
        else:
            if job.status == FundingImportStatus.DONE:
                messages.success(
                    request,
                    f"Imported: {job.new_rows} new contributions, {job.updated_rows} changed, "
                    f"{job.unchanged_rows} already up to date.",
                )
                return redirect("agencies:funding", period.partnership.slug, period.slug)
        return redirect("agencies:funding_import_job", period.partnership.slug, period.slug, job.pk)
    context = {
        "partnership": period.partnership,
        "period": period,
        "job": job,
        "can_confirm": job.status == FundingImportStatus.READY and bool(job.changes),
    }
    return render(request, "agencies/funding_import_job.html", context)
