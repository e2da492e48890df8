"""The scrutineer's page for the period's challenge register: the summary the report prints, and their comment."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lib.errors import DomainError
from lib.forms import PortalFormMixin
from lib.views import domain_error_show
from partnership.access import period_for, require
from reports.challenge_register import MAX_COMMENT, challenge_register, challenge_register_comment_set
from reports.permissions import user_can_comment_on_challenges


class ChallengeCommentForm(PortalFormMixin, forms.Form):
    text = forms.CharField(
        label="Your comment on the year's challenges",
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Printed under the summary in your statement: what the challenges show about how partners "
        "responded to scrutiny.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_register_view(request, partnership_slug, period_slug):
    period = period_for(request.user, partnership_slug, period_slug)
    require(user_can_comment_on_challenges(request.user, period))
    register = challenge_register(period=period)
    form = ChallengeCommentForm(request.POST or None, initial={"text": register.comment})
    if request.method == "POST" and form.is_valid():
        try:
            challenge_register_comment_set(user=request.user, period=period, text=form.cleaned_data["text"])
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, "Your comment is saved. It is printed with the challenge summary.")
            return redirect("reports:challenge_register", partnership_slug, period_slug)
    context = {"partnership": period.partnership, "period": period, "register": register, "form": form}
    return render(request, "reports/challenge_register.html", context)
