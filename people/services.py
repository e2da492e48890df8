"""Changes to people and their roles, and the account events the audit trail keeps."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from partnership.audit import audit_record
from people.models import Membership

MAX_LOGIN_CHARS = 150


def _partnership_ids(user) -> list[int]:
    return sorted(set(Membership.objects.filter(user=user).values_list("partnership_id", flat=True)))


def account_event_record(*, user, code: str, data: dict | None = None) -> None:
    """An account event (sign-in, reset, two-factor change) in the log of every partnership the user belongs to."""
    with transaction.atomic():
        partnership_ids = _partnership_ids(user) or [None]
        for partnership_id in partnership_ids:
            audit_record(
                code=code, actor=user, partnership=partnership_id, target=user, target_label=_name(user), data=data
            )


def account_named(login: str):
    """The account a sign-in's username or email names, or None."""
    login = (login or "")[:MAX_LOGIN_CHARS]
    if not login:
        return None
    named = get_user_model().objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
    # A login that is one account's username names that account, even if another uses it as an email.
    return named.filter(username__iexact=login).first() or named.first()


def login_failure_record(*, login: str, throttled: bool = False) -> None:
    """A failed sign-in (or one refused unchecked, throttled, after too many failures), in the log of the
    partnerships of the account it named (if one exists)."""
    login = (login or "")[:MAX_LOGIN_CHARS]
    user = account_named(login)
    with transaction.atomic():
        partnership_ids = (_partnership_ids(user) if user else []) or [None]
        for partnership_id in partnership_ids:
            audit_record(
                code="people.signin.throttled" if throttled else "people.signin.failed",
                partnership=partnership_id,
                target=user,
                target_label=_name(user) if user else "",
                data={"login": login},
            )


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
