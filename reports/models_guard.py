"""Flags of the publication guard (imported by reports.models): details in the draft that could identify
someone, each open until the business manager clears it with a reason (reports/guard.py finds them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lib.models import TimeStampedModel


class FlagKind(models.TextChoices):
    NAME = "name", "Name of a person the portal knows"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    AGE = "age", "Exact age with a place or date"
    SMALL_NUMBER = "small_number", "Number below the small numbers threshold"


class ClearReason(models.TextChoices):
    EDITED = "edited", "Edited: it no longer identifies anyone"
    CONSENTED = "consented", "Consented: the person agreed to be named or described"
    NOT_IDENTIFYING = "not_identifying", "Not identifying: it cannot identify a child or family"


class GuardFlag(TimeStampedModel):
    """One possibly identifying detail of a period's draft, keyed by the fingerprint of where it is, its kind
    and its text, so it survives a rescan while the text stays; a rescan that no longer finds it deletes it."""

    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="guard_flags")
    fingerprint = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    spec_slug = models.SlugField(max_length=80, blank=True, help_text="The section it is in.")
    # Where it is in words, by number and position only: the audit trail carries it, never the flagged text.
    location = models.CharField(max_length=300)
    matched = models.CharField(max_length=300, help_text="The flagged text, shown only on the flags list.")
    excerpt = models.CharField(max_length=400, help_text="The words around it, shown only on the flags list.")
    reason = models.CharField(max_length=20, choices=ClearReason.choices, blank=True)
    note = models.TextField(blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "reports"
        ordering = ["period", "created_at", "pk"]
        verbose_name = "publication guard flag"
        constraints = [
            models.UniqueConstraint(fields=["period", "fingerprint"], name="reports_guardflag_unique_fingerprint"),
            models.CheckConstraint(condition=Q(kind__in=FlagKind.values), name="reports_guardflag_kind_valid"),
            models.CheckConstraint(
                condition=Q(reason="", note="", cleared_by__isnull=True, cleared_at__isnull=True)
                | (Q(reason__in=ClearReason.values) & ~Q(note="") & Q(cleared_at__isnull=False)),
                name="reports_guardflag_cleared_has_reason_and_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.location}"

    @property
    def cleared(self) -> bool:
        return bool(self.reason)
