"""How every view shows a refused change: one way, for every app."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed

from lib.errors import DomainError


def domain_error_show(request, error: DomainError, form=None) -> None:
    """Put the error's sentences on the form (its error summary) or, with no form, in a message banner."""
    for text in error.messages:
        if form is not None:
            form.add_error(None, text)
        else:
            messages.error(request, text)


def post_only(request) -> HttpResponseNotAllowed | None:
    """405 for anything but POST; called after the access check, so outsiders still get 404 and others 403."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None
