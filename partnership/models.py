from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q

from lib.models import TimeStampedModel


class Partnership(TimeStampedModel):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=30, help_text="For example DSCPG.")
    slug = models.SlugField(max_length=60, unique=True)
    area = models.CharField(max_length=120, help_text="The local authority area it covers.")
    logo = models.FileField(
        upload_to="partnership-logos/",
        blank=True,
        validators=[FileExtensionValidator(["svg", "png", "jpg", "jpeg"])],
        help_text="SVG, PNG or JPEG; shown on the published report's cover.",
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


class Priority(TimeStampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

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


class Subgroup(TimeStampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="subgroups")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    purpose = models.TextField(blank=True)
    chair = models.CharField(max_length=200, blank=True, help_text="Who chairs it, by role.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["partnership", "position", "name"]
        verbose_name = "subgroup"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="partnership_subgroup_unique_slug"),
            models.UniqueConstraint(fields=["partnership", "name"], name="partnership_subgroup_unique_name"),
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


class Role(models.TextChoices):
    BUSINESS_MANAGER = "business_manager", "Business manager"
    SCRUTINEER = "scrutineer", "Independent scrutineer"
    AGENCY_LEAD = "agency_lead", "Agency lead"
    CONTRIBUTOR = "contributor", "Contributor"


PARTNERSHIP_ROLES = (Role.BUSINESS_MANAGER, Role.SCRUTINEER)
AGENCY_ROLES = (Role.AGENCY_LEAD, Role.CONTRIBUTOR)


class Membership(TimeStampedModel):
    """A user's role in a partnership, or in one agency of it. A user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["partnership", "role", "user"]
        verbose_name = "membership"
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=PARTNERSHIP_ROLES) & Q(agency__isnull=True))
                | (Q(role__in=AGENCY_ROLES) & Q(agency__isnull=False)),
                name="partnership_membership_agency_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "role"],
                condition=Q(agency__isnull=True),
                name="partnership_membership_unique_partnership_role",
            ),
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(agency__isnull=False),
                name="partnership_membership_unique_agency_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.agency.short_name if self.agency_id else self.partnership.short_name
        return f"{self.user} — {self.get_role_display()}, {where}"

    def clean(self) -> None:
        # A check constraint cannot look across tables, so the admin's full_clean guards this.
        if self.agency_id and self.partnership_id and self.agency.partnership_id != self.partnership_id:
            raise ValidationError({"agency": "Choose an agency of this partnership, or change the partnership."})
