"""The outline of a period's report, its sections, their revisions, comments and challenges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lib.models import TimeStampedModel


class SpecKind(models.TextChoices):
    HEADING = "heading", "Chapter heading"
    NARRATIVE = "narrative", "Narrative"
    AGENCY = "agency", "Agency's partnership working"
    DATA = "data", "Performance data"
    CASE_STUDIES = "case_studies", "Case studies"
    CHILDREN = "children", "Children's version (a plain-language page beside the report)"


class Author(models.TextChoices):
    AGENCY = "agency", "The owning agency"
    BUSINESS_MANAGER = "business_manager", "The business manager"
    SCRUTINEER = "scrutineer", "The independent scrutineer"


class ComputedBlock(models.TextChoices):
    MEMBERSHIP = "membership", "Membership"
    FUNDING = "funding", "Funding"
    TRAINING = "training", "Training"
    REVIEWS = "reviews", "Reviews"
    PROGRESS = "progress", "Progress on last year's priorities and areas for development"
    REVIEW_DECISIONS = "review_decisions", "Decisions and actions on practice review recommendations"
    CHALLENGES = "challenges", "The scrutineer's challenge register"
    VOICE = "voice", "Voice of children and families (you said, we did)"


class SectionSpec(TimeStampedModel):
    """One entry of a period's outline: what a section is, who writes it, and the guidance they get."""

    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="section_specs")
    slug = models.SlugField(max_length=80)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(default=2, help_text="1 for a chapter, 2 for a section within it.")
    kind = models.CharField(max_length=20, choices=SpecKind.choices, default=SpecKind.NARRATIVE)
    owner_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="section_specs",
        help_text="Leave empty for sections the partnership writes itself.",
    )
    author = models.CharField(max_length=20, choices=Author.choices, default=Author.AGENCY)
    computed_block = models.CharField(
        max_length=20, choices=ComputedBlock.choices, null=True, blank=True, help_text="Figures the portal fills in."
    )
    themes = models.JSONField(default=list, blank=True, help_text="Statutory checklist codes this section evidences.")
    priorities = models.ManyToManyField("partnership.Priority", blank=True, related_name="section_specs")
    suggested_words = models.PositiveIntegerField(null=True, blank=True)
    guidance = models.TextField(blank=True, help_text="What the writer is asked for.")
    impact_required = models.BooleanField(
        default=False,
        help_text="The section cannot be submitted until it says what difference it made and how we know.",
    )

    class Meta:
        ordering = ["period", "position"]
        verbose_name = "section spec"
        constraints = [
            models.UniqueConstraint(fields=["period", "slug"], name="reports_sectionspec_unique_slug"),
            models.UniqueConstraint(fields=["period", "position"], name="reports_sectionspec_unique_position"),
            models.CheckConstraint(condition=Q(level__in=[1, 2]), name="reports_sectionspec_level_1_or_2"),
            models.CheckConstraint(condition=Q(kind__in=SpecKind.values), name="reports_sectionspec_kind_valid"),
            models.UniqueConstraint(
                fields=["period"], condition=Q(kind="children"), name="reports_sectionspec_one_childrens_version"
            ),
            models.CheckConstraint(condition=Q(author__in=Author.values), name="reports_sectionspec_author_valid"),
            models.CheckConstraint(
                condition=Q(computed_block__isnull=True) | Q(computed_block__in=ComputedBlock.values),
                name="reports_sectionspec_computed_block_valid",
            ),
            models.CheckConstraint(
                condition=Q(author=Author.AGENCY, owner_agency__isnull=False)
                | (~Q(author=Author.AGENCY) & Q(owner_agency__isnull=True)),
                name="reports_sectionspec_agency_author_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def has_section(self) -> bool:
        return self.kind != SpecKind.HEADING


class SectionState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


class Section(TimeStampedModel):
    """The writing for one non-heading spec. Its content lives in its revisions."""

    spec = models.OneToOneField(SectionSpec, on_delete=models.PROTECT, related_name="section")
    state = models.CharField(max_length=20, choices=SectionState.choices, default=SectionState.NOT_STARTED)
    current_revision = models.ForeignKey(
        "SectionRevision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_revision = models.ForeignKey(
        "SectionRevision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contributors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_sections")
    state_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["spec__period", "spec__position"]
        verbose_name = "section"
        constraints = [
            models.CheckConstraint(condition=Q(state__in=SectionState.values), name="reports_section_state_valid"),
            models.CheckConstraint(
                condition=Q(state=SectionState.NOT_STARTED, current_revision__isnull=True)
                | (~Q(state=SectionState.NOT_STARTED) & Q(current_revision__isnull=False)),
                name="reports_section_started_has_revision",
            ),
            models.CheckConstraint(
                condition=~Q(state=SectionState.APPROVED) | Q(approved_revision__isnull=False),
                name="reports_section_approved_has_revision",
            ),
        ]

    def __str__(self) -> str:
        return self.spec.title


class SectionRevision(models.Model):
    """An immutable JSON snapshot of the whole section as one person saved it."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="section_revisions")
    based_on = models.PositiveIntegerField(null=True, blank=True, help_text="The revision number the writer edited.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section", "number"]
        verbose_name = "section revision"
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="reports_sectionrevision_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="reports_sectionrevision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.section_id} revision {self.number}"

    def save(self, *args, **kwargs):
        # Revisions are the record of what was written; a change must be a new revision.
        if self.pk is not None:
            raise ValueError("A section revision cannot be changed; save a new revision instead.")
        super().save(*args, **kwargs)


class Comment(TimeStampedModel):
    revision = models.ForeignKey(SectionRevision, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="section_comments")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "comment"
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="reports_comment_body_not_empty")]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.revision}"


class ChallengeState(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class Challenge(TimeStampedModel):
    """A question from the scrutineer that stays open until answered and closed."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="challenges")
    revision = models.ForeignKey(SectionRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    state = models.CharField(max_length=10, choices=ChallengeState.choices, default=ChallengeState.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "challenge"
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ChallengeState.values), name="reports_challenge_state_valid"),
            models.CheckConstraint(condition=~Q(question=""), name="reports_challenge_question_not_empty"),
            models.CheckConstraint(
                condition=Q(state=ChallengeState.OPEN) | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="reports_challenge_answered_needs_answer",
            ),
            models.CheckConstraint(
                condition=~Q(state=ChallengeState.CLOSED) | Q(closed_at__isnull=False),
                name="reports_challenge_closed_needs_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Challenge on {self.section}: {self.question[:40]}"


class ReminderKind(models.TextChoices):
    DAYS_14 = "14d", "14 days before the deadline"
    DAYS_7 = "7d", "7 days before the deadline"
    DAYS_1 = "1d", "1 day before the deadline"
    OVERDUE = "overdue", "After the deadline"


class ReminderSent(models.Model):
    """One row per reminder sent; the unique constraint is what stops a second send."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(fields=["section", "kind"], name="reports_remindersent_once_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reports_remindersent_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for {self.section_id}"


class PeriodVisit(models.Model):
    """When a user last looked at a period's sections, for "changed since my last visit"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="+")
    visited_at = models.DateTimeField()

    class Meta:
        verbose_name = "period visit"
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="reports_periodvisit_one_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} visited {self.period_id} at {self.visited_at:%Y-%m-%d %H:%M}"


# Sign-offs and published versions live in their own module; importing them here registers them.
# Tracked items: last period's priorities and areas for development, rated this period.
# Flags of the publication guard (reports/guard.py).
from reports.models_guard import ClearReason, FlagKind, GuardFlag  # noqa: E402, F401
from reports.models_progress import EvidenceKind, ItemOrigin, ProgressRating, TrackedItem  # noqa: E402, F401
from reports.models_publishing import (  # noqa: E402, F401
    ChecklistExemption,
    ExemptionKind,
    PdfState,
    PublishedReport,
    SignOff,
)

# Stored section and chart HTML (a cache keyed by content hash).
from reports.models_rendering import FragmentKind, RenderedFragment  # noqa: E402, F401

# The scrutineer's comment on the period's challenge register.
from reports.models_scrutiny import ChallengeRegisterComment  # noqa: E402, F401

# The voice of children and families, and the frozen children's version of a report.
from reports.models_voice import (  # noqa: E402, F401
    ChangeStatus,
    PublishedChildrensVersion,
    VoiceConsent,
    VoiceEntry,
    VoiceMethod,
)
