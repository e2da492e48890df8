"""Domain errors of the reports app; the kinds every app shares come from lib.errors."""

from __future__ import annotations

from lib.errors import DomainError, InvalidInput, NotAllowed, WorkflowError

__all__ = ["DomainError", "InvalidInput", "NotAllowed", "StaleRevision", "WorkflowError"]


class StaleRevision(DomainError):
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
