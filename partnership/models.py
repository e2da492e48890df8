from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from lib.models import TimeStampedModel


class Partnership(TimeStampedModel):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=30, help_text="The initials the partnership goes by, shown in the report's header."
    )
    slug = models.SlugField(max_length=60, unique=True)
    area = models.CharField(max_length=120, help_text="The local authority area it covers.")
    logo = models.FileField(
        upload_to="partnership-logos/",
        blank=True,
        validators=[FileExtensionValidator(["svg", "png", "jpg", "jpeg"])],
        help_text="SVG, PNG or JPEG; shown on the published report's cover.",
    )
    about = models.TextField(
        blank=True,
        help_text="A few paragraphs about the partnership and its arrangements, in Markdown.",
    )
    # Two-factor sign-in is required of the roles in PORTAL_MFA_REQUIRED_ROLES everywhere; this
    # requires it of everyone who holds any role in this partnership (people/mfa.py reads it).
    require_mfa_for_all = models.BooleanField(
        default=False,
        verbose_name="require two-factor sign-in for every role",
        help_text="Everyone with a role in the partnership must set up two-factor sign-in, not only the "
        "business manager, the scrutineer and administrators.",
    )
    # Counts below this could identify a child: the publication guard flags them and the reviews block
    # shows a category with fewer reviews than this without its identifying details.
    small_numbers_threshold = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        verbose_name="small numbers threshold",
        help_text="Counts below this are treated as possibly identifying in the published report.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "partnership"

    def __str__(self) -> str:
        return self.name


class ReportingPeriod(TimeStampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(max_length=20, help_text="As printed on the report, for example 2019/20.")
    slug = models.SlugField(max_length=20, help_text="As used in addresses, for example 2019-20.")
    start = models.DateField()
    end = models.DateField()
    submission_deadline = models.DateField(help_text="When agencies' sections are due.")
    arrangements_began = models.DateField(
        null=True,
        blank=True,
        help_text="When the multi-agency safeguarding arrangements took effect, if within the period.",
    )
    notes = models.TextField(blank=True)
    is_catch_up = models.BooleanField(
        default=False,
        help_text="Entered after its year: its deadline had already passed when it was opened, so nothing is late.",
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When the business manager closed the period.")

    class Meta:
        ordering = ["partnership", "-start"]
        verbose_name = "reporting period"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="partnership_period_unique_slug"),
            models.UniqueConstraint(fields=["partnership", "label"], name="partnership_period_unique_label"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="partnership_period_end_after_start"),
            models.CheckConstraint(
                condition=Q(submission_deadline__gt=F("start")),
                name="partnership_period_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(arrangements_began__isnull=True)
                | Q(arrangements_began__gte=F("start"), arrangements_began__lte=F("end")),
                name="partnership_period_arrangements_within_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership.short_name} {self.label}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class PriorityQuerySet(models.QuerySet):
    def current(self) -> PriorityQuerySet:
        """The priorities still offered for new sections and courses (not retired)."""
        return self.filter(retired_at__isnull=True)


class Priority(TimeStampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="When it stopped being a priority; sections that cited it keep it."
    )

    objects = PriorityQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "position"]
        verbose_name = "priority"
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "position"], name="partnership_priority_unique_position"),
            models.UniqueConstraint(fields=["partnership", "title"], name="partnership_priority_unique_title"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Oversight(models.TextChoices):
    """What a subgroup oversees for the report: its blocks name that subgroup."""

    NOTHING = "", "Neither"
    REVIEWS = "reviews", "Practice reviews"
    TRAINING = "training", "Training"


class Subgroup(TimeStampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="subgroups")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    purpose = models.TextField(blank=True)
    chair = models.CharField(max_length=200, blank=True, help_text="Who chairs it, by role.")
    position = models.PositiveSmallIntegerField(default=0)
    oversees = models.CharField(
        max_length=20,
        choices=Oversight.choices,
        blank=True,
        default=Oversight.NOTHING,
        help_text="Whether the report names this subgroup as the one that oversees practice reviews or training.",
    )

    class Meta:
        ordering = ["partnership", "position", "name"]
        verbose_name = "subgroup"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="partnership_subgroup_unique_slug"),
            models.UniqueConstraint(fields=["partnership", "name"], name="partnership_subgroup_unique_name"),
            models.UniqueConstraint(
                fields=["partnership", "oversees"],
                condition=~Q(oversees=""),
                name="partnership_subgroup_one_overseer_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubgroupMeetings(TimeStampedModel):
    """How many times a subgroup met in a reporting period."""

    subgroup = models.ForeignKey(Subgroup, on_delete=models.CASCADE, related_name="meeting_counts")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="subgroup_meetings")
    meetings_held = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["period", "subgroup"]
        verbose_name = "subgroup meetings in a period"
        verbose_name_plural = "subgroup meetings in periods"
        constraints = [
            models.UniqueConstraint(fields=["subgroup", "period"], name="partnership_subgroupmeetings_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.subgroup}: {self.meetings_held} in {self.period.label}"


class AuditEntry(models.Model):
    """One thing someone did, in words: append-only, each entry chained to the one before it.

    Written only by partnership.audit.audit_record, inside the transaction of the change it
    records. On PostgreSQL a trigger refuses UPDATE and DELETE (migration 0005); `hash`
    covers the entry and `prev_hash` the previous entry of the same chain (one chain per
    partnership, one for events of no partnership), so `manage.py audit_verify` finds an
    entry altered with the trigger switched off.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    code = models.CharField(max_length=80, help_text="A dotted code from the registry, e.g. reports.section.approved.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="The actor's name when it happened.")
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=300, blank=True, help_text="What it was done to, when it happened.")
    data = models.JSONField(default=dict, blank=True, help_text="Before and after values, reasons, counts.")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["partnership", "-created_at"], name="partnership_audit_by_time"),
            models.Index(fields=["target_type", "target_id"], name="partnership_audit_by_target"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z_]+(\.[a-z_]+)+$"), name="partnership_auditentry_dotted_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.code}"

    @property
    def app(self) -> str:
        return self.code.split(".", 1)[0]


class AuditChain(models.Model):
    """The head of one audit chain, locked while an entry is added so two writers never fork it."""

    key = models.CharField(max_length=40, unique=True, help_text="'p<id>' for a partnership, 'portal' for the rest.")
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "audit chain"

    def __str__(self) -> str:
        return self.key
