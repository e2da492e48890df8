"""Who may run and read the training programme. Each boolean sits beside its queryset;
tests/training/test_permissions.py checks each pair agrees."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from agencies.models import Agency
from lib.roles import roles_for
from partnership.models import Partnership


def user_can_manage_training(user, partnership) -> bool:
    """The business manager runs the training programme: sessions, attendance, imports, exports."""
    return partnership.pk in roles_for(user).managed


def training_managed_by(user) -> QuerySet[Partnership]:
    """The partnerships whose training programme the user runs."""
    return Partnership.objects.filter(pk__in=roles_for(user).managed)


def user_can_view_training(user, partnership) -> bool:
    """The business manager and the scrutineer read the whole programme, delegates and feedback."""
    roles = roles_for(user)
    return partnership.pk in roles.managed | roles.scrutinised


def training_visible_to(user) -> QuerySet[Partnership]:
    """The partnerships whose whole programme the user reads."""
    roles = roles_for(user)
    return Partnership.objects.filter(pk__in=roles.managed | roles.scrutinised)


def user_can_view_agency_training(user, agency) -> bool:
    """An agency's own leads see its delegates and no-shows; so do the partnership's overseers."""
    roles = roles_for(user)
    return agency.pk in roles.led_agencies or agency.partnership_id in roles.managed | roles.scrutinised


def agencies_training_visible_to(user) -> QuerySet[Agency]:
    """The agencies whose delegates the user may see."""
    roles = roles_for(user)
    return Agency.objects.filter(Q(pk__in=roles.led_agencies) | Q(partnership_id__in=roles.managed | roles.scrutinised))
