"""Account events from Django and allauth, each recorded by a people service."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from people.middleware import MFA_CHECKED
from people.services import account_event_record, login_failure_record


@receiver(auth_signals.user_logged_in, dispatch_uid="people.signin.succeeded")
def _signed_in(sender, request, user, **kwargs):
    account_event_record(user=user, code="people.signin.succeeded")


@receiver(auth_signals.user_logged_out, dispatch_uid="people.signout")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        account_event_record(user=user, code="people.signout")


@receiver(auth_signals.user_login_failed, dispatch_uid="people.signin.failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    login = credentials.get("username") or credentials.get("email") or credentials.get("login") or ""
    login_failure_record(login=str(login))


@receiver(account_signals.password_reset, dispatch_uid="people.password.reset")
def _password_reset(sender, request, user, **kwargs):
    account_event_record(user=user, code="people.password.reset")


@receiver(account_signals.password_changed, dispatch_uid="people.password.changed")
def _password_changed(sender, request, user, **kwargs):
    account_event_record(user=user, code="people.password.changed")


@receiver(mfa_signals.authenticator_added, dispatch_uid="people.mfa.added")
def _mfa_added(sender, request, user, authenticator, **kwargs):
    account_event_record(user=user, code="people.mfa.added", data={"kind": authenticator.get_type_display()})


@receiver(mfa_signals.authenticator_removed, dispatch_uid="people.mfa.removed")
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_CHECKED, None)  # the next request checks again for an authenticator
    account_event_record(user=user, code="people.mfa.removed", data={"kind": authenticator.get_type_display()})


@receiver(mfa_signals.authenticator_reset, dispatch_uid="people.mfa.codes_regenerated")
def _mfa_reset(sender, request, user, authenticator, **kwargs):
    account_event_record(
        user=user, code="people.mfa.codes_regenerated", data={"kind": authenticator.get_type_display()}
    )
