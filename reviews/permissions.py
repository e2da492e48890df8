"""Who may keep and read practice reviews and their action plans. Each boolean sits beside
its queryset; tests/reviews/test_permissions.py checks each pair agrees."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lib.roles import roles_for
from partnership.models import Partnership
from reviews.models import ReviewAction


def user_can_manage_reviews(user, partnership) -> bool:
    """The business manager keeps the review records, clocks, action plans, risks and briefings."""
    return partnership.pk in roles_for(user).managed


def reviews_managed_by(user) -> QuerySet[Partnership]:
    """The partnerships whose review records the user keeps."""
    return Partnership.objects.filter(pk__in=roles_for(user).managed)


def user_can_view_reviews(user, partnership) -> bool:
    """The business manager and the scrutineer read every review, its clocks and the risk register."""
    roles = roles_for(user)
    return partnership.pk in roles.managed | roles.scrutinised


def reviews_visible_to(user) -> QuerySet[Partnership]:
    """The partnerships whose reviews the user reads."""
    roles = roles_for(user)
    return Partnership.objects.filter(pk__in=roles.managed | roles.scrutinised)


def user_can_view_review_actions(user, partnership) -> bool:
    """Overseers see every action plan; an agency lead sees the action plans of their partnership."""
    roles = roles_for(user)
    return partnership.pk in roles.managed | roles.scrutinised or bool(roles.leads_in(partnership.pk))


def review_actions_pages_visible_to(user) -> QuerySet[Partnership]:
    """The partnerships whose action plans the user may open."""
    roles = roles_for(user)
    led = {roles.agency_partnership[a] for a in roles.led_agencies if a in roles.agency_partnership}
    return Partnership.objects.filter(pk__in=roles.managed | roles.scrutinised | led)


def user_can_update_review_actions(user, partnership) -> bool:
    """The business manager and the partnership's agency leads update actions (each lead only their own)."""
    roles = roles_for(user)
    return partnership.pk in roles.managed or bool(roles.leads_in(partnership.pk))


def review_actions_pages_updatable_by(user) -> QuerySet[Partnership]:
    """The partnerships in which the user updates some actions."""
    roles = roles_for(user)
    led = {roles.agency_partnership[a] for a in roles.led_agencies if a in roles.agency_partnership}
    return Partnership.objects.filter(pk__in=roles.managed | led)


def user_can_update_review_action(user, action) -> bool:
    """An action's owning agency's lead updates it; so does the business manager."""
    roles = roles_for(user)
    return action.owner_id in roles.led_agencies or action.owner.partnership_id in roles.managed


def review_actions_updatable_by(user) -> QuerySet[ReviewAction]:
    """Every action the user may update."""
    roles = roles_for(user)
    return ReviewAction.objects.filter(Q(owner_id__in=roles.led_agencies) | Q(owner__partnership_id__in=roles.managed))


def user_can_view_learning_briefings(user, partnership) -> bool:
    """Learning briefings are for every member of the partnership to share with staff."""
    return partnership.pk in roles_for(user).partnerships


def briefings_visible_to(user) -> QuerySet[Partnership]:
    """The partnerships whose briefings the user reads."""
    return Partnership.objects.filter(pk__in=roles_for(user).partnerships)
