"""Asking for the password (or a two-factor code) again before a sensitive action.

`recent_sign_in_required` wraps allauth's `reauthentication_required`: the action goes through when
the user signed in, or confirmed who they are, within ACCOUNT_REAUTHENTICATION_TIMEOUT seconds
(PORTAL_REAUTHENTICATION_SECONDS, default 300); otherwise allauth's middleware keeps the request
(a POST's form included), asks for the password or a code, and then carries the request out.
Used on publishing, role changes and exports.
"""

from __future__ import annotations

import time

from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import reauthentication_required
from django.conf import settings


def _stale(request) -> bool:
    records = get_authentication_records(request, request.user) if request.user.is_authenticated else []
    if not records:
        return True
    return time.time() - float(records[-1].get("at", 0)) >= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


def recent_sign_in_required(view):
    """Put under @login_required: anyone signed in longer ago than the timeout confirms who they are first."""
    return reauthentication_required(view, enabled=_stale)
