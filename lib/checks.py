"""System checks for settings that the deployment checklist of Django does not cover."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error

# Backends that never deliver: the mail would land in a log (console, file) or in memory.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def email_backend_check(app_configs=None, **kwargs) -> list[Error]:
    """With DEBUG off the email backend is set on purpose, and it delivers mail."""
    if settings.DEBUG:
        return []
    if not getattr(settings, "PORTAL_EMAIL_BACKEND_SET", False):
        return [
            Error(
                "DJANGO_EMAIL_BACKEND is not set, so email would be printed to the log with the personal data in it.",
                hint="Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_* settings.",
                id="portal.E001",
            )
        ]
    if settings.EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS:
        return [
            Error(
                f"DJANGO_EMAIL_BACKEND is {settings.EMAIL_BACKEND}, which does not deliver email.",
                hint="Use django.core.mail.backends.smtp.EmailBackend (or another backend that sends mail).",
                id="portal.E002",
            )
        ]
    return []
