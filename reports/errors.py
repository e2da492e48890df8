"""Domain errors of the reports app. Views turn each into a message on the page."""

from __future__ import annotations


class ReportsError(Exception):
    """Base class; the message says what went wrong and what to do next."""


class WorkflowError(ReportsError):
    """A transition the workflow table does not allow from the section's state."""


class NotAllowed(ReportsError):
    """The user's roles do not allow the action."""


class InvalidInput(ReportsError):
    """Input that cannot be saved; `errors` lists every problem."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__(" ".join(self.errors))


class StaleRevision(ReportsError):
    """The form was based on an older revision than the latest; nothing was saved."""

    def __init__(self, *, based_on: int | None, latest: int, diff: list):
        self.based_on = based_on
        self.latest = latest
        self.diff = diff
        super().__init__(
            f"Someone saved revision {latest} of this section after you opened it (you started from "
            f"{'revision ' + str(based_on) if based_on else 'an empty section'}). Your changes have not been saved. "
            "Compare the changes below, copy what you need, then open the section again."
        )
