"""Who must sign in with a second factor, and whether they have one.

The roles come from PORTAL_MFA_REQUIRED_ROLES (business manager, scrutineer and staff unless a
deployment says otherwise); a partnership may require it of every role it has
(`Partnership.require_mfa_for_all`). `people.middleware.MfaRequiredMiddleware` enforces it on
every request; allauth asks for the code at sign-in of anyone who has an authenticator.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings

from lib.roles import roles_for
from partnership.models import Partnership


def mfa_waived() -> bool:
    """The embedded demo may waive the requirement (settings refuse the waiver with DEBUG off)."""
    return bool(getattr(settings, "PORTAL_MFA_WAIVED", False) and settings.DEBUG)


def mfa_required_for(user) -> bool:
    """Whether this user's roles require two-factor sign-in."""
    if not getattr(user, "is_authenticated", False):
        return False
    required = set(settings.PORTAL_MFA_REQUIRED_ROLES)
    if "staff" in required and (user.is_staff or user.is_superuser):
        return True
    roles = roles_for(user)
    if (
        ("business_manager" in required and roles.managed)
        or ("scrutineer" in required and roles.scrutinised)
        or ("agency_lead" in required and roles.led_agencies)
        or ("contributor" in required and roles.contributor_agencies)
    ):
        return True
    return (
        bool(roles.partnerships)
        and Partnership.objects.filter(pk__in=roles.partnerships, require_mfa_for_all=True).exists()
    )


def mfa_enrolled(user) -> bool:
    """Whether the user has a second factor to sign in with (recovery codes alone are not one)."""
    return Authenticator.objects.filter(user_id=user.pk).exclude(type=Authenticator.Type.RECOVERY_CODES).exists()
