"""Practice reviews, their recommendations and action plans, the risk register and learning briefings."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_slug
from django.db import models
from django.db.models import F, Q

from lib.models import TimeStampedModel

# The subgroup whose meetings the reviews figures count (partnership.SubgroupMeetings).


class ReviewKind(models.TextChoices):
    RAPID_REVIEW = "rapid_review", "Rapid review"
    LCSPR = "lcspr", "Local child safeguarding practice review"
    SCR = "scr", "Serious case review (earlier rules)"
    LOCAL_LEARNING_REVIEW = "local_learning_review", "Local learning review"
    # A review by the national Child Safeguarding Practice Review Panel whose recommendations the
    # partnership responds to (Working Together asks for decisions on local and national reviews alike).
    NATIONAL = "national", "National panel review"


# Kinds the partnership holds itself; a national review is the panel's, so the reviews block leaves it out.
LOCAL_KINDS = tuple(kind for kind in ReviewKind.values if kind != ReviewKind.NATIONAL)


class ReviewStatus(models.TextChoices):
    SCOPING = "scoping", "Scoping"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


# Each step's date, in the order the steps happen. A later step may not be dated before
# the earlier one it follows; every pair below is one database constraint.
STEP_FIELDS = (
    ("became_aware_on", "Partnership became aware of the incident"),
    ("notification_sent_on", "Serious incident notification sent to the national panel"),
    ("rapid_review_sent_on", "Rapid review sent to the national panel"),
    ("panel_response_on", "National panel's response"),
    ("decision_on", "Decision to hold a local review"),
    ("commissioned_on", "Review commissioned"),
    ("completed_on", "Review completed"),
    ("published_on", "Review published"),
    ("removal_due_on", "Due for removal from the website"),
)
STEP_ORDER = (
    ("became_aware_on", "notification_sent_on", "notification_after_aware"),
    ("notification_sent_on", "rapid_review_sent_on", "rapid_review_after_notification"),
    ("rapid_review_sent_on", "panel_response_on", "panel_response_after_rapid_review"),
    ("became_aware_on", "decision_on", "decision_after_aware"),
    ("decision_on", "commissioned_on", "commissioned_after_decision"),
    ("commissioned_on", "completed_on", "completed_after_commissioned"),
    ("completed_on", "published_on", "published_after_completed"),
    ("published_on", "removal_due_on", "removal_after_published"),
)
START_FIELDS = ("became_aware_on", "decision_on", "commissioned_on")


def _indirect_step_pairs() -> tuple[tuple[str, str], ...]:
    """(earlier, later) steps that STEP_ORDER orders only through a step between them, which may be blank."""
    follows: dict[str, list[str]] = {}
    for earlier, later, _ in STEP_ORDER:
        follows.setdefault(earlier, []).append(later)
    pairs = []

    def walk(start: str, step: str, depth: int) -> None:
        for later in follows.get(step, []):
            if depth:
                pairs.append((start, later))
            walk(start, later, depth + 1)

    for name, _ in STEP_FIELDS:
        walk(name, name, 0)
    return tuple(pairs)


INDIRECT_STEP_PAIRS = _indirect_step_pairs()


def _not_before(earlier: str, later: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=f"reviews_practicereview_{name}",
        violation_error_message=f"{dict(STEP_FIELDS)[later]} cannot be before "
        f"{dict(STEP_FIELDS)[earlier].lower()}. Check both dates.",
    )


class PracticeReview(TimeStampedModel):
    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.CASCADE, related_name="practice_reviews"
    )
    reference = models.CharField(
        max_length=40,
        validators=[validate_slug],
        help_text="Letters, numbers and hyphens, unique in the partnership, for example SCR-2019-01.",
    )
    title = models.CharField(max_length=120, help_text="Anonymised, for example 'Child J'.")
    kind = models.CharField(max_length=30, choices=ReviewKind.choices)
    summary = models.TextField(blank=True, help_text="Anonymised: no names, addresses or dates of birth.")
    became_aware_on = models.DateField("partnership became aware of the incident", null=True, blank=True)
    notification_sent_on = models.DateField("serious incident notification sent", null=True, blank=True)
    rapid_review_sent_on = models.DateField("rapid review sent to the panel", null=True, blank=True)
    panel_response_on = models.DateField("panel's response received", null=True, blank=True)
    decision_on = models.DateField("decision to hold a local review", null=True, blank=True)
    commissioned_on = models.DateField("commissioned", null=True, blank=True)
    completed_on = models.DateField("completed", null=True, blank=True)
    published_on = models.DateField("published", null=True, blank=True)
    removal_due_on = models.DateField("due for removal from the website", null=True, blank=True)
    lead_reviewer = models.CharField(max_length=200, blank=True, help_text="The independent reviewer, by role.")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SCOPING)
    family_invited = models.BooleanField(default=False)
    family_engaged = models.BooleanField(default=False)
    learning_themes = models.TextField(blank=True, help_text="One theme a line.")
    priorities = models.ManyToManyField("partnership.Priority", blank=True, related_name="practice_reviews")

    class Meta:
        ordering = ["partnership", "reference"]
        verbose_name = "practice review"
        permissions = [
            ("import_practicereview", "Can import practice reviews"),
            ("export_practicereview", "Can export practice reviews"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reference"], name="reviews_practicereview_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(family_engaged=False) | Q(family_invited=True),
                name="reviews_practicereview_engaged_needs_invited",
                violation_error_message="A family cannot have engaged without being invited. Tick 'family invited'.",
            ),
            models.CheckConstraint(
                condition=Q(became_aware_on__isnull=False)
                | Q(decision_on__isnull=False)
                | Q(commissioned_on__isnull=False)
                | Q(kind=ReviewKind.NATIONAL, published_on__isnull=False),
                name="reviews_practicereview_has_a_start",
                violation_error_message=(
                    "Give the date the partnership became aware, decided on or commissioned the review "
                    "(for a national review, the date the panel published it)."
                ),
            ),
            *[_not_before(earlier, later, name) for earlier, later, name in STEP_ORDER],
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def clean(self) -> None:
        """Steps out of order across a blank step (the constraints compare neighbouring steps only)."""
        super().clean()
        labels = dict(STEP_FIELDS)
        errors: dict[str, str] = {}
        for earlier, later in INDIRECT_STEP_PAIRS:
            first, second = getattr(self, earlier), getattr(self, later)
            if first is not None and second is not None and second < first and later not in errors:
                errors[later] = f"{labels[later]} cannot be before {labels[earlier].lower()}. Check both dates."
        if errors:
            raise ValidationError(errors)

    @property
    def themes(self) -> list[str]:
        return [line.strip() for line in self.learning_themes.splitlines() if line.strip()]

    @property
    def steps(self) -> list[tuple[str, datetime.date | None]]:
        return [(label, getattr(self, name)) for name, label in STEP_FIELDS]


class Decision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    ACCEPTED_IN_PART = "accepted_in_part", "Accepted in part"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class DecidedBy(models.TextChoices):
    BOARD = "board", "The partnership board"
    SUBGROUP = "subgroup", "A subgroup"


class Recommendation(TimeStampedModel):
    review = models.ForeignKey(PracticeReview, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    # The partnership's decision on the recommendation: blank until it is taken.
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_text = models.TextField("what was decided", blank=True)
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices, blank=True)
    decided_by_subgroup = models.ForeignKey(
        "partnership.Subgroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField("date of the decision", null=True, blank=True)

    class Meta:
        ordering = ["review", "number"]
        verbose_name = "recommendation"
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="reviews_recommendation_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="reviews_recommendation_number_positive"),
            models.CheckConstraint(
                condition=Q(decision="", decision_text="", decided_by="", decided_on__isnull=True)
                | (
                    Q(decision__in=Decision.values, decided_by__in=DecidedBy.values, decided_on__isnull=False)
                    & ~Q(decision_text="")
                ),
                name="reviews_recommendation_decision_complete",
                violation_error_message=(
                    "A decision needs what was decided, who decided it and the date. Give all three."
                ),
            ),
            models.CheckConstraint(
                condition=Q(decided_by=DecidedBy.SUBGROUP, decided_by_subgroup__isnull=False)
                | (~Q(decided_by=DecidedBy.SUBGROUP) & Q(decided_by_subgroup__isnull=True)),
                name="reviews_recommendation_subgroup_when_decided_by_one",
                violation_error_message="Choose the subgroup that decided, or say the board decided.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review.reference} recommendation {self.number}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class ReviewAction(TimeStampedModel):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField()
    description = models.TextField()
    owner = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="review_actions")
    due_on = models.DateField("due")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField("completed", null=True, blank=True)
    completion_evidence = models.TextField(blank=True, help_text="What shows the action was done.")
    impact_evidence = models.TextField(blank=True, help_text="What shows it made a difference to children.")
    improvement = models.TextField("what improved", blank=True, help_text="What is better for children now.")

    class Meta:
        ordering = ["recommendation", "number"]
        verbose_name = "review action"
        permissions = [
            ("import_reviewaction", "Can import review actions"),
            ("export_reviewaction", "Can export review actions"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "number"], name="reviews_reviewaction_unique_number"),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.COMPLETED)
                | (~Q(completion_evidence="") & Q(completed_on__isnull=False)),
                name="reviews_reviewaction_completed_needs_evidence",
                violation_error_message="A completed action needs the date and the evidence of completion. Add both.",
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.COMPLETED) | Q(completed_on__isnull=True),
                name="reviews_reviewaction_completed_on_only_when_completed",
                violation_error_message=(
                    "Only a completed action has a completion date. Clear the date or mark it completed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.review.reference} action {self.recommendation.number}.{self.number}"

    def is_overdue(self, today: datetime.date) -> bool:
        """Overdue is computed, never stored: not completed and past its due date."""
        return self.status != ActionStatus.COMPLETED and self.due_on < today


class ActionUpdate(models.Model):
    """History row: who changed an action's status or evidence, when, from what, to what and why."""

    action = models.ForeignKey(ReviewAction, on_delete=models.CASCADE, related_name="updates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    code = models.CharField(max_length=60, default="reviews.action.updated")
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["action", "-at", "-pk"]
        verbose_name = "action update"

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class RiskItem(TimeStampedModel):
    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="review_risks")
    review = models.ForeignKey(PracticeReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    owner = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="review_risks")
    mitigation = models.TextField(blank=True)
    is_open = models.BooleanField("open", default=True)

    class Meta:
        ordering = ["partnership", "title"]
        verbose_name = "review risk"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "title"], name="reviews_riskitem_unique_title"),
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5),
                name="reviews_riskitem_likelihood_1_to_5",
                violation_error_message="Likelihood is scored from 1 to 5. Enter a whole number in that range.",
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5),
                name="reviews_riskitem_impact_1_to_5",
                violation_error_message="Impact is scored from 1 to 5. Enter a whole number in that range.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rating(self) -> int:
        """Likelihood times impact, 1 to 25; computed so it can never disagree with its parts."""
        return self.likelihood * self.impact


class LearningBriefing(TimeStampedModel):
    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.CASCADE, related_name="learning_briefings"
    )
    title = models.CharField(max_length=200)
    published_on = models.DateField("published")
    summary = models.TextField(blank=True)
    file = models.FileField(upload_to="learning-briefings/", blank=True)
    reviews = models.ManyToManyField(PracticeReview, blank=True, related_name="briefings")

    class Meta:
        ordering = ["partnership", "-published_on", "title"]
        verbose_name = "learning briefing"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "title"], name="reviews_learningbriefing_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title
