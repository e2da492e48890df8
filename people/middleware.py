"""Sign-in rules applied to every request: session lifetime, two-factor sign-in, a cache outage."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from people.mfa import mfa_enrolled, mfa_required_for, mfa_waived

log = logging.getLogger(__name__)

SESSION_STARTED = "people.session.started"
SESSION_SEEN = "people.session.seen"
MFA_CHECKED = "people.mfa.enrolled"
# Last-seen is written at most this often, so that most requests do not save the session.
SEEN_RESOLUTION_SECONDS = 60


def now() -> float:
    """The clock the session limits read (tests move it)."""
    return time.time()


class SessionLifetimeMiddleware:
    """Signs out a session idle for PORTAL_SESSION_IDLE_MINUTES or older than PORTAL_SESSION_MAX_HOURS,
    whether or not "keep me signed in" was ticked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session, at = request.session, now()
            started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
            idle = settings.PORTAL_SESSION_IDLE_MINUTES * 60
            lifetime = settings.PORTAL_SESSION_MAX_HOURS * 3600
            if started is None or seen is None:
                session[SESSION_STARTED], session[SESSION_SEEN] = started or at, at
            elif at - seen > idle or at - started > lifetime:
                why = (
                    f"after {settings.PORTAL_SESSION_IDLE_MINUTES} minutes without using the portal"
                    if at - seen > idle
                    else f"{settings.PORTAL_SESSION_MAX_HOURS} hours after you signed in"
                )
                logout(request)
                messages.info(request, f"You were signed out {why}. Sign in again to go on.")
                return redirect_to_login(request.get_full_path())
            elif at - seen >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN] = at
        return self.get_response(request)


# Pages a user who must set up two-factor sign-in may still open.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "people:mfa_prompt",
    }
)


class MfaRequiredMiddleware:
    """A signed-in user whose role requires two-factor sign-in and who has no authenticator may only
    set one up (or sign out): every other page sends them to the set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request) and not self._allowed(request):
            messages.warning(
                request,
                "Your role needs two-factor sign-in. Set up an authenticator app to go on; "
                "you will be asked for a code from it each time you sign in.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or mfa_waived():
            return False
        if request.session.get(MFA_CHECKED) == user.pk:
            return False
        if not mfa_required_for(user):
            return False
        if mfa_enrolled(user):
            # Remembered for the session; removing the authenticator forgets it (people/signals.py).
            request.session[MFA_CHECKED] = user.pk
            return False
        return True

    @staticmethod
    def _allowed(request) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in MFA_SETUP_URL_NAMES


def _cache_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        return (ConnectionError,)
    return (RedisError, ConnectionError)


CACHE_ERRORS = _cache_errors()


class SignInCacheOutageMiddleware:
    """Sign-in counts failed attempts in the cache. When the cache (Redis) does not answer, the
    sign-in pages fail closed with a page saying so and what to do, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CACHE_ERRORS) or not request.path_info.startswith("/accounts/"):
            return None
        log.error("Sign-in refused: the cache did not answer (%s)", type(exception).__name__)
        response = render(request, "account/cache_down.html", status=503)
        response["Retry-After"] = "120"
        return response
