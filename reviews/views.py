import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lib.errors import DomainError
from lib.pagination import paginate
from lib.views import domain_error_show
from partnership.access import partnership_for, require
from reviews.forms import ActionUpdateForm, PracticeReviewForm
from reviews.models import LearningBriefing, PracticeReview
from reviews.permissions import (
    user_can_manage_reviews,
    user_can_update_review_actions,
    user_can_view_learning_briefings,
    user_can_view_review_actions,
    user_can_view_reviews,
)
from reviews.rules import RULES, review_clocks
from reviews.selectors import (
    action_for_update,
    action_history,
    actions_visible_to,
    learning_briefings,
    review_dashboard,
    review_for,
    reviews_newest_first,
    risk_register,
)
from reviews.services import review_action_update, review_change, review_create

REVIEWS_PER_PAGE = 25
ACTIONS_PER_PAGE = 50
RISKS_PER_PAGE = 50
BRIEFINGS_PER_PAGE = 20


def _today():
    """Today in the portal's time zone (a seam for tests that fix the date)."""
    return timezone.localdate()


@login_required
@require_GET
def dashboard(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_view_reviews(request.user, partnership))
    today = _today()
    context = {
        "partnership": partnership,
        "today": today,
        "board": review_dashboard(partnership=partnership, today=today),
        "reviews": paginate(
            request, reviews_newest_first(partnership=partnership), what="the reviews", per_page=REVIEWS_PER_PAGE
        ),
        "rules": RULES,
        "can_manage": user_can_manage_reviews(request.user, partnership),
    }
    return render(request, "reviews/review_dashboard.html", context)


@login_required
@require_GET
def review_detail(request, partnership_slug, reference):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_view_reviews(request.user, partnership))
    review = review_for(partnership=partnership, reference=reference)
    today = _today()
    context = {
        "partnership": partnership,
        "review": review,
        "today": today,
        "clocks": review_clocks(review, today=today),
        "can_update_actions": user_can_manage_reviews(request.user, partnership),
    }
    return render(request, "reviews/review_detail.html", context)


@login_required
@require_GET
def action_plan(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_view_review_actions(request.user, partnership))
    context = {
        "partnership": partnership,
        "today": _today(),
        "actions": paginate(
            request,
            actions_visible_to(user=request.user, partnership=partnership),
            what="the actions",
            per_page=ACTIONS_PER_PAGE,
        ),
        "can_update": user_can_update_review_actions(request.user, partnership),
    }
    return render(request, "reviews/action_plan.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request, partnership_slug, action_id):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_update_review_actions(request.user, partnership))
    action = action_for_update(user=request.user, partnership=partnership, action_id=action_id)
    initial = {
        "status": action.status,
        "completed_on": action.completed_on,
        "completion_evidence": action.completion_evidence,
        "impact_evidence": action.impact_evidence,
        "improvement": action.improvement,
    }
    form = ActionUpdateForm(request.POST or None, initial=initial, today=_today())
    if request.method == "POST" and form.is_valid():
        try:
            review_action_update(user=request.user, action=action, **form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Action {action.recommendation.number}.{action.number} updated.")
            return redirect("reviews:actions", partnership_slug=partnership.slug)
    context = {
        "partnership": partnership,
        "action": action,
        "form": form,
        "today": _today(),
        "history": action_history(action=action),
    }
    return render(request, "reviews/action_update.html", context)


@login_required
@require_GET
def risks(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_view_reviews(request.user, partnership))
    risks_page = paginate(request, risk_register(partnership=partnership), what="the risks", per_page=RISKS_PER_PAGE)
    context = {"partnership": partnership, "risks": risks_page}
    return render(request, "reviews/risk_register.html", context)


@login_required
@require_GET
def briefings(request, partnership_slug):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_view_learning_briefings(request.user, partnership))
    briefings_page = paginate(
        request, learning_briefings(partnership=partnership), what="the briefings", per_page=BRIEFINGS_PER_PAGE
    )
    context = {"partnership": partnership, "briefings": briefings_page}
    return render(request, "reviews/briefing_list.html", context)


@login_required
@require_GET
def briefing_file(request, partnership_slug, briefing_id):
    """A briefing's file, for members only: uploaded files are never served from /media/ by address."""
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_view_learning_briefings(request.user, partnership))
    briefing = get_object_or_404(LearningBriefing, partnership=partnership, pk=briefing_id)
    if not briefing.file or not briefing.file.storage.exists(briefing.file.name):
        raise Http404("This briefing has no file.")
    name = briefing.file.name.rsplit("/", 1)[-1]
    return FileResponse(briefing.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, partnership_slug, reference=None):
    partnership = partnership_for(request.user, partnership_slug)
    require(user_can_manage_reviews(request.user, partnership))
    review = review_for(partnership=partnership, reference=reference) if reference else None
    # The form validates a copy: the service applies the cleaned values to the row it locks.
    instance = copy.copy(review) if review else PracticeReview(partnership=partnership)
    form = PracticeReviewForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if review is None:
                review = review_create(user=request.user, partnership=partnership, values=form.cleaned_data)
            else:
                review = review_change(user=request.user, review=review, values=form.cleaned_data)
        except DomainError as error:
            domain_error_show(request, error, form)
        else:
            messages.success(request, f"Review {review.reference} saved.")
            return redirect("reviews:detail", partnership_slug=partnership.slug, reference=review.reference)
    context = {"partnership": partnership, "review": review, "form": form}
    return render(request, "reviews/review_form.html", context)
