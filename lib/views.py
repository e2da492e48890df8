"""How every view shows a refused change: one way, for every app."""

from __future__ import annotations

from django.contrib import messages

from lib.errors import DomainError


def domain_error_show(request, error: DomainError, form=None) -> None:
    """Put the error's sentences on the form (its error summary) or, with no form, in a message banner."""
    for text in error.messages:
        if form is not None:
            form.add_error(None, text)
        else:
            messages.error(request, text)
