"""The one base class for rules the portal refuses, and the few kinds every app shares.

Services raise these; views turn any of them into a message on the page in one way
(`lib.views.domain_error_show`). The message always says what to do next.
"""

from __future__ import annotations


class DomainError(Exception):
    """A change the rules refuse; the message says what went wrong and what to do next."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    @property
    def messages(self) -> list[str]:
        """Every problem, one sentence each (a form shows them all at once)."""
        return [self.message] if self.message else []


class NotAllowed(DomainError):
    """The user's roles do not allow the action."""


class WorkflowError(DomainError):
    """The object's state does not allow the action now."""


class InvalidInput(DomainError):
    """Input that cannot be saved; `errors` lists every problem."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__(" ".join(self.errors))

    @property
    def messages(self) -> list[str]:
        return list(self.errors)
