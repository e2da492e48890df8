"""allauth's hooks: who may sign up (nobody), the sign-in limits per account, the client's address,
and which authenticators may be removed."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError

from lib.http import client_ip
from people.mfa import mfa_required_for
from people.services import account_named, login_failure_record


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the business manager or an administrator, never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        """The same rule as the audit trail's (PORTAL_TRUSTED_PROXY_COUNT)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins count per account, whichever of its username or email was typed, so the
        limit cannot be doubled by alternating them; and a password reset (which allauth clears by
        the account's email) clears the lock however the attacker named the account."""
        login = credentials.get("email", credentials.get("username", "")) or ""
        user = account_named(str(login))
        return f"account:{user.pk}" if user is not None else f"login:{str(login).lower()}"

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # allauth refuses before the password is checked, so no failed sign-in is signalled.
            login = credentials.get("username") or credentials.get("email") or ""
            login_failure_record(login=str(login), throttled=True)
            raise


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Someone whose role requires two-factor sign-in may not remove their last authenticator."""
        if authenticator.type == Authenticator.Type.RECOVERY_CODES or not mfa_required_for(authenticator.user):
            return True
        others = (
            Authenticator.objects.filter(user_id=authenticator.user_id)
            .exclude(pk=authenticator.pk)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
        )
        return others.exists()
