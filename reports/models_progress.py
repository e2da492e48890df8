"""Tracked items: last period's priorities and areas for development, carried into this one and rated."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from lib.models import TimeStampedModel


class ProgressRating(models.TextChoices):
    NOT_RATED = "not_rated", "Not yet rated"
    ACHIEVED = "achieved", "Achieved"
    GOOD = "good", "Good progress"
    SOME = "some", "Some progress"
    LITTLE = "little", "Little or no progress"


class ItemOrigin(models.TextChoices):
    PRIORITY = "priority", "A partnership priority"
    DEVELOPMENT = "development", "An area for development"
    CARRIED = "carried", "Carried again"
    ADDED = "added", "Added by the business manager"


class EvidenceKind(models.TextChoices):
    SECTION = "section", "Section of this report"
    TABLE = "table", "Data table"
    REVIEW_ACTION = "action", "Practice review action"
    TRAINING = "training", "Training figure"


class TrackedItem(TimeStampedModel):
    """One priority or area for development followed through a period: its owner, rating and evidence.

    `carry_key` names what the item tracks across the years ("priority:<id>", "area:<section id>:<n>"):
    the item carried again keeps it, and it is unique per period, so copying twice adds nothing.
    """

    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="tracked_items")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    carry_key = models.CharField(max_length=80, blank=True)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    origin = models.CharField(max_length=20, choices=ItemOrigin.choices)
    source_label = models.CharField(
        max_length=300, blank=True, help_text="Where it came from, in words: the priority or the section."
    )
    source_priority = models.ForeignKey(
        "partnership.Priority", on_delete=models.SET_NULL, null=True, blank=True, related_name="tracked_items"
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    owner_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracked_items",
        help_text="Empty when the partnership itself owns it.",
    )
    position = models.PositiveIntegerField(default=0)
    rating = models.CharField(max_length=20, choices=ProgressRating.choices, default=ProgressRating.NOT_RATED)
    evidence = models.TextField(blank=True)
    evidence_links = models.JSONField(default=list, blank=True, help_text='[{"kind": ..., "ref": ...}]')
    explanation = models.TextField(blank=True, help_text="Why there was little or no progress.")
    what_will_change = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period", "position", "pk"]
        verbose_name = "tracked item"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "carry_key"], condition=~Q(carry_key=""), name="reports_trackeditem_carried_once"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=ProgressRating.values), name="reports_trackeditem_rating_valid"
            ),
            models.CheckConstraint(condition=Q(origin__in=ItemOrigin.values), name="reports_trackeditem_origin_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="reports_trackeditem_title_not_empty"),
            models.CheckConstraint(
                condition=~Q(rating=ProgressRating.LITTLE) | (~Q(explanation="") & ~Q(what_will_change="")),
                name="reports_trackeditem_little_progress_explained",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Whether the next period carries it again (everything not achieved)."""
        return self.rating != ProgressRating.ACHIEVED

    @property
    def owner_name(self) -> str:
        return self.owner_agency.name if self.owner_agency_id else "The partnership"
