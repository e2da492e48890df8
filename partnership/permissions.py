"""Who may see and run a partnership. Each boolean sits beside the queryset that answers
the same question for many objects; tests/partnership/test_permissions.py checks each pair agrees.

Roles come from lib.roles (supplied by the people app); never from is_staff.
"""

from __future__ import annotations

from django.db.models import QuerySet

from lib.roles import roles_for
from partnership.models import AuditEntry, Partnership


def user_can_view_partnership(user, partnership) -> bool:
    """Members (any role in the partnership or one of its agencies) see its pages."""
    return partnership.pk in roles_for(user).partnerships


def partnerships_visible_to(user) -> QuerySet[Partnership]:
    """The partnerships the user holds any role in."""
    return Partnership.objects.filter(pk__in=roles_for(user).partnerships)


def user_can_manage_partnership(user, partnership) -> bool:
    """The business manager runs the cycle and sets the partnership up."""
    return partnership.pk in roles_for(user).managed


def partnerships_managed_by(user) -> QuerySet[Partnership]:
    """The partnerships the user is business manager of."""
    return Partnership.objects.filter(pk__in=roles_for(user).managed)


def user_can_oversee_partnership(user, partnership) -> bool:
    """The business manager and the scrutineer read everything in the partnership."""
    roles = roles_for(user)
    return partnership.pk in roles.managed | roles.scrutinised


def partnerships_overseen_by(user) -> QuerySet[Partnership]:
    """The partnerships the user is business manager or scrutineer of."""
    roles = roles_for(user)
    return Partnership.objects.filter(pk__in=roles.managed | roles.scrutinised)


def user_can_view_audit(user, partnership) -> bool:
    """The business manager reads the partnership's audit log."""
    return user_can_manage_partnership(user, partnership)


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    """The audit entries of the partnerships the user manages."""
    return AuditEntry.objects.filter(partnership_id__in=roles_for(user).managed)
