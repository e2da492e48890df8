"""The scrutineer's comment on the period's challenge register (imported by reports.models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lib.models import TimeStampedModel


class ChallengeRegisterComment(TimeStampedModel):
    """What the independent scrutineer says about the period's challenges, printed with the generated summary.

    Kept beside the register rather than in a section's revision: it comments on figures the portal draws
    live, so the scrutineer may change it up to publication without reopening an approved section; every
    change is in the audit trail with the text before and after.
    """

    period = models.OneToOneField(
        "partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="challenge_register_comment"
    )
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "scrutineer's comment on the challenge register"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="reports_challengeregistercomment_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Comment on the challenges of {self.period_id}"
