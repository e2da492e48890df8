"""The business manager's pages for a review's recommendations: add one, record its decision, set an action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from lib.errors import DomainError
from lib.views import domain_error_show
from partnership.access import partnership_for, require
from reviews.forms import ActionAddForm, DecisionForm, RecommendationForm
from reviews.models import Recommendation
from reviews.permissions import user_can_manage_reviews
from reviews.recommendations import recommendation_add, recommendation_decide, review_action_add
from reviews.selectors import review_for


def _review(request, partnership_slug, reference):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_manage_reviews(request.user, partnership))
    return partnership, review_for(partnership=partnership, reference=reference)


def _recommendation(review, number) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("review__partnership"), review=review, number=number)


def _page(request, *, partnership, review, form, heading, button, recommendation=None):
    context = {
        "partnership": partnership,
        "review": review,
        "recommendation": recommendation,
        "form": form,
        "heading": heading,
        "button": button,
    }
    return render(request, "reviews/recommendation_edit.html", context)


def _saved(request, partnership, review, message):
    messages.success(request, message)
    return redirect("reviews:detail", partnership_slug=partnership.slug, reference=review.reference)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_new(request, partnership_slug, reference):
    partnership, review = _review(request, partnership_slug, reference)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = recommendation_add(user=request.user, review=review, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            return _saved(request, partnership, review, f"Recommendation {recommendation.number} added.")
    return _page(
        request, partnership=partnership, review=review, form=form, heading="Add a recommendation",
        button="Add the recommendation",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_decision(request, partnership_slug, reference, number):
    partnership, review = _review(request, partnership_slug, reference)
    recommendation = _recommendation(review, number)
    initial = {
        "decision": recommendation.decision,
        "decision_text": recommendation.decision_text,
        "decided_by": recommendation.decided_by,
        "decided_by_subgroup": recommendation.decided_by_subgroup_id,
        "decided_on": recommendation.decided_on,
    }
    form = DecisionForm(request.POST or None, initial=initial, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation_decide(user=request.user, recommendation=recommendation, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            return _saved(request, partnership, review, f"Decision on recommendation {number} saved.")
    return _page(
        request, partnership=partnership, review=review, form=form, recommendation=recommendation,
        heading=f"Decision on recommendation {number}", button="Save the decision",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, partnership_slug, reference, number):
    partnership, review = _review(request, partnership_slug, reference)
    recommendation = _recommendation(review, number)
    form = ActionAddForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            action = review_action_add(user=request.user, recommendation=recommendation, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            return _saved(request, partnership, review, f"Action {number}.{action.number} added.")
    return _page(
        request, partnership=partnership, review=review, form=form, recommendation=recommendation,
        heading=f"Add an action to recommendation {number}", button="Add the action",
    )  # fmt: skip
