"""The report page for the business manager, scrutineer and statutory partners: preview,
statutory checklist, sign-off, publishing and the PDF's progress."""

from __future__ import annotations

from types import SimpleNamespace

from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from lib.errors import DomainError
from lib.forms import PortalFormMixin
from lib.reauth import recent_sign_in_required
from lib.views import domain_error_show
from partnership.access import period_for, require
from reports import services
from reports.assembly import report_assemble
from reports.models import ExemptionKind, PublishedReport
from reports.permissions import (
    user_can_comment_on_challenges,
    user_can_preview_report,
    user_can_publish_report,
    user_can_sign_off_report,
)
from reports.publishing import (
    PublishRefused,
    draft_matches_version,
    published_report_pdf_retry,
    report_publish,
    report_readiness,
    report_sign_off,
    statutory_agency_for,
)
from reports.rendering import report_html_encoded
from reports.views.common import post_only


class SignOffForm(PortalFormMixin, forms.Form):
    signatory_name = forms.CharField(
        label="Name of the person signing off", max_length=200, help_text="As it should appear in the record."
    )


class ExemptionForm(PortalFormMixin, forms.Form):
    # The service's own words for an empty choice or reason (services.checklist_exemption_set).
    kind = forms.ChoiceField(
        label="Why no section is needed", choices=ExemptionKind.choices, widget=forms.RadioSelect,
        error_messages={"required": services.EXEMPTION_KIND_MISSING},
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason", max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": services.EXEMPTION_REASON_MISSING},
        help_text="Shown to the scrutineer and the signatories, for example where the theme is covered instead.",
    )  # fmt: skip


class PublishForm(PortalFormMixin, forms.Form):
    change_note = forms.CharField(
        label="Change note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for a correction: say what changed since the last version.",
    )
    # The draft this page showed (reports.publishing.draft_fingerprint): publishing refuses if it has changed.
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


# With hundreds of sections, the list of what stops publishing is summarised: the first reasons here,
# the rest by state on the sections dashboard, which pages through every section.
REASONS_SHOWN = 15
EVIDENCE_SHOWN = 5


def _report_context(request, period, sign_off_form=None, publish_form=None, refused=None, exemption=None) -> dict:
    readiness = report_readiness(period=period)
    versions = list(PublishedReport.objects.filter(period=period).select_related("published_by").order_by("-number"))
    for version in versions:
        version.period = period  # their links need the period and partnership: no query per version
    statutory_agency = statutory_agency_for(request.user, period)
    latest = versions[0] if versions else None
    if publish_form is None:
        publish_form = PublishForm(initial={"fingerprint": readiness.fingerprint})
    elif publish_form.is_bound:
        # Shown again after a refusal: the page now shows the current draft, so the form carries its fingerprint.
        data = publish_form.data.copy()
        data["fingerprint"] = readiness.fingerprint
        publish_form.data = data
    return {
        "latest": latest,
        "latest_is_current": latest is not None and draft_matches_version(period, latest),
        "partnership": period.partnership,
        "period": period,
        "readiness": readiness,
        "reasons_shown": readiness.reasons[:REASONS_SHOWN],
        "reasons_more": max(len(readiness.reasons) - REASONS_SHOWN, 0),
        "evidence_shown": EVIDENCE_SHOWN,
        "evidence_negative": -EVIDENCE_SHOWN,
        "versions": versions,
        "can_publish": user_can_publish_report(request.user, period),
        "can_comment_on_challenges": user_can_comment_on_challenges(request.user, period),
        "statutory_agency": statutory_agency,
        "sign_off_form": sign_off_form or SignOffForm(),
        "publish_form": publish_form,
        "exemption_form": exemption.form if exemption else ExemptionForm(),
        "exemption": exemption,
        "summary_errors": exemption.errors if exemption else [],
        "page_errors": bool(refused) or any(f is not None and f.errors for f in (sign_off_form, publish_form)),
        "refused": refused or [],
        "guard": _guard_summary(readiness.guard_flags),
    }


def _guard_summary(flags) -> dict:
    """The publication guard's part of the report page: open flags counted, the first cleared ones listed."""
    cleared = [flag for flag in flags if flag.cleared]
    return {
        "open": len(flags) - len(cleared),
        "cleared": len(cleared),
        "cleared_shown": cleared[:REASONS_SHOWN],
        "cleared_more": max(len(cleared) - REASONS_SHOWN, 0),
    }


@login_required
@require_GET
def report_status(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_preview_report(request.user, period))
    return render(request, "reports/report_status.html", _report_context(request, period))


@login_required
@require_GET
# The preview is the self-contained document: its CSS and SVG charts are inline (never script).
@csp_replace({"style-src": ["'unsafe-inline'"]})
def report_preview(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_preview_report(request.user, period))
    report = report_assemble(period=period, preview=True)
    if report.childrens is not None:
        report.childrens_url = reverse("reports:childrens_preview", args=[partnership_slug, period_slug])
    return HttpResponse(report_html_encoded(report))


@login_required
def report_sign_off_view(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_sign_off_report(request.user, period))
    if refusal := post_only(request):
        return refusal
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            signoff = report_sign_off(
                user=request.user, period=period, signatory_name=form.cleaned_data["signatory_name"]
            )
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Signed off for {signoff.agency.name} by {signoff.signatory_name}.")
            return redirect("reports:report", partnership_slug, period_slug)
    return render(
        request, "reports/report_status.html", _report_context(request, period, sign_off_form=form), status=400
    )


@login_required
@recent_sign_in_required
def report_publish_view(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_publish_report(request.user, period))
    if refusal := post_only(request):
        return refusal
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            version = report_publish(
                user=request.user, period=period, change_note=form.cleaned_data["change_note"],
                fingerprint=form.cleaned_data["fingerprint"] or None,
            )  # fmt: skip
        except PublishRefused as error:
            return render(
                request, "reports/report_status.html",
                _report_context(request, period, publish_form=form, refused=error.reasons), status=400,
            )  # fmt: skip
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Version {version.number} is published. The PDF is being made.")
            return redirect("reports:report", partnership_slug, period_slug)
    return render(
        request, "reports/report_status.html", _report_context(request, period, publish_form=form), status=400
    )


@login_required
@require_GET
def pdf_progress(request, partnership_slug, period_slug, number):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_preview_report(request.user, period))
    version = get_object_or_404(PublishedReport, period=period, number=number)
    return JsonResponse(
        {
            "state": version.pdf_state,
            "label": version.get_pdf_state_display(),
            "progress": version.pdf_progress,
            "step": version.pdf_step,
            "pages": version.pdf_pages,
        }  # fmt: skip
    )


@login_required
def pdf_retry(request, partnership_slug, period_slug, number):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_publish_report(request.user, period))
    if refusal := post_only(request):
        return refusal
    version = get_object_or_404(
        PublishedReport.objects.select_related("period__partnership"), period=period, number=number
    )
    try:
        published_report_pdf_retry(user=request.user, version=version)
    except DomainError as error:
        domain_error_show(request, error)
    else:
        messages.success(request, f"The PDF of version {number} is being made again.")
    return redirect("reports:report", partnership_slug, period_slug)


@login_required
def checklist_exemption_view(request, partnership_slug, period_slug, code):
    """Mark a statutory theme as needing no section, with a reason; or withdraw that."""
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_publish_report(request.user, period))
    if refusal := post_only(request):
        return refusal
    if request.POST.get("action") == "clear":
        try:
            services.checklist_exemption_clear(user=request.user, period=period, code=code)
            messages.success(request, "The exemption was withdrawn: the theme needs an approved section again.")
        except DomainError as error:
            domain_error_show(request, error)
        return redirect(f"{reverse('reports:report', args=[partnership_slug, period_slug])}#checklist")
    form = ExemptionForm(request.POST)
    anchors = {"kind": f"kind-{code}-{ExemptionKind.values[0]}", "reason": f"reason-{code}"}
    errors = [(anchors[name], text) for name, texts in form.errors.items() for text in texts]
    if form.is_valid():
        try:
            services.checklist_exemption_set(
                user=request.user, period=period, code=code, kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as error:
            form.add_error("reason", error.messages)
            errors = [(anchors["reason"], text) for text in error.messages]
        else:
            messages.success(request, "Recorded, with your reason, for the scrutineer and the signatories to see.")
            return redirect(f"{reverse('reports:report', args=[partnership_slug, period_slug])}#checklist")
    # Shown again with the theme's form open, its fields marked and the summary linking to them (GOV.UK's pattern).
    exemption = SimpleNamespace(code=code, form=form, errors=errors)
    return render(
        request, "reports/report_status.html", _report_context(request, period, exemption=exemption), status=400
    )
