"""The publication guard's pages: the list of flags (for everyone who reads the draft) and clearing one
(the business manager)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from lib.errors import DomainError
from lib.forms import PortalFormMixin
from lib.pagination import paginate
from lib.views import domain_error_show
from partnership.access import period_for, require
from reports.guard_flags import MAX_NOTE_CHARS, guard_flag_clear, guard_flags_refresh
from reports.models_guard import ClearReason, GuardFlag
from reports.permissions import user_can_preview_report, user_can_publish_report


class FlagClearForm(PortalFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why can this be published?", choices=ClearReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note", max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you checked: for example what you changed, who consented and when, or why it identifies "
        "no one. The scrutineer and the signatories see it.",
    )  # fmt: skip


@login_required
@require_GET
def guard_flags(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_preview_report(request.user, period))
    flags = guard_flags_refresh(period=period)
    page = paginate(request, flags, what="flags")
    return render(
        request,
        "reports/guard/flags.html",
        {
            "partnership": period.partnership,
            "period": period,
            "page": page,
            "open_count": sum(1 for flag in flags if not flag.cleared),
            "cleared_count": sum(1 for flag in flags if flag.cleared),
            "threshold": period.partnership.small_numbers_threshold,
            "can_clear": user_can_publish_report(request.user, period),
        },
    )


@login_required
def guard_flag_clear_view(request, partnership_slug, period_slug, flag_id):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_publish_report(request.user, period))
    flag = get_object_or_404(GuardFlag, period=period, pk=flag_id)
    flag.period = period
    form = FlagClearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guard_flag_clear(user=request.user, flag=flag, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"The flag is cleared: {flag.location}.")
            return redirect("reports:guard_flags", partnership_slug, period_slug)
    status = 400 if request.method == "POST" else 200
    context = {"partnership": period.partnership, "period": period, "flag": flag, "form": form}
    return render(request, "reports/guard/flag_clear.html", context, status=status)
