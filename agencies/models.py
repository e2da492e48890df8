from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from lib.models import TimeStampedModel


class AgencyKind(models.TextChoices):
    STATUTORY_PARTNER = "statutory_partner", "Statutory partner"
    RELEVANT_AGENCY = "relevant_agency", "Relevant agency"
    EDUCATION = "education", "Education"
    VOLUNTARY_COMMUNITY = "voluntary_community", "Voluntary and community"
    OTHER = "other", "Other"


class StatutoryRole(models.TextChoices):
    """The three safeguarding partners named by the Children Act 2004, s.16E, and education, which
    some partnerships make a fourth lead partner who signs off the report too."""

    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    EDUCATION = "education", "Education (a fourth partner)"


# The partners the law names: every yearly report is signed off by all three.
REQUIRED_SIGNATORIES = (StatutoryRole.LOCAL_AUTHORITY, StatutoryRole.HEALTH, StatutoryRole.POLICE)


class AgencyQuerySet(models.QuerySet):
    def active(self) -> "AgencyQuerySet":
        """Agencies not deactivated: the ones offered for new seats, contributions, sections and roles."""
        return self.filter(deactivated_at__isnull=True)


class Agency(TimeStampedModel):
    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    statutory_role = models.CharField(
        max_length=20,
        choices=StatutoryRole.choices,
        blank=True,
        help_text="Only for the lead safeguarding partners, who sign off the report.",
    )
    signatory_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="The title of the person who signs off for this partner, e.g. 'Director of Children's Services'.",
    )
    deactivated_at = models.DateTimeField(
        null=True, blank=True, help_text="When it stopped taking part; its history stays in the portal."
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "name"]
        verbose_name = "agency"
        verbose_name_plural = "agencies"
        permissions = [("import_agency", "Can import agencies"), ("export_agency", "Can export agencies")]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="agencies_agency_unique_slug"),
            models.UniqueConstraint(fields=["partnership", "name"], name="agencies_agency_unique_name"),
            models.UniqueConstraint(
                fields=["partnership", "statutory_role"],
                condition=~Q(statutory_role=""),
                name="agencies_agency_one_per_statutory_role",
            ),
            models.CheckConstraint(
                condition=Q(statutory_role="") | Q(kind=AgencyKind.STATUTORY_PARTNER),
                name="agencies_agency_statutory_role_needs_statutory_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


class Representative(TimeStampedModel):
    """A person, by role, who sits on the partnership for an agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="representatives")
    role_title = models.CharField(max_length=200, help_text="The seat they hold, for example 'Communications'.")
    name = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agency", "position", "role_title"]
        verbose_name = "representative"
        permissions = [
            ("import_representative", "Can import representatives"),
            ("export_representative", "Can export representatives"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agency", "role_title"], name="agencies_representative_unique_seat"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name} — {self.role_title}"


class FundingContribution(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="contributions")
    period = models.ForeignKey(
        "partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="funding_contributions"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="In pounds.")
    note = models.CharField(max_length=200, blank=True, help_text="As shown in the report, e.g. 'Core budget'.")

    class Meta:
        ordering = ["period", "-amount", "agency__name"]
        verbose_name = "funding contribution"
        permissions = [
            ("import_fundingcontribution", "Can import funding contributions"),
            ("export_fundingcontribution", "Can export funding contributions"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="agencies_funding_one_per_agency_period"),
            models.CheckConstraint(condition=Q(amount__gte=Decimal("0")), name="agencies_funding_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.short_name} {self.period.label}: £{self.amount:,.2f}"

    def clean(self) -> None:
        # A check constraint cannot look across tables: the admin's full_clean guards this
        # (the services and, on PostgreSQL, a trigger do too).
        if self.agency_id and self.period_id and self.agency.partnership_id != self.period.partnership_id:
            raise ValidationError({"agency": "Choose an agency of the period's own partnership."})


class FundingImportStatus(models.TextChoices):
    READY = "ready", "Checked: ready to import"
    INVALID = "invalid", "Has problems"
    DONE = "done", "Imported"


class FundingImport(TimeStampedModel):
    """One uploaded CSV of a period's funding: checked (a dry run) when uploaded, imported once confirmed.

    The file is small (one row per agency), so its text is kept here rather than on disk.
    """

    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="funding_imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=200)
    content = models.TextField(help_text="The uploaded file's text, as checked.")
    status = models.CharField(max_length=10, choices=FundingImportStatus.choices)
    total_rows = models.PositiveIntegerField(default=0)
    new_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    unchanged_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="What is wrong with the file, row by row.")
    changes = models.JSONField(default=list, blank=True, help_text="The rows that add or change a contribution.")
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "funding import"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FundingImportStatus.values), name="agencies_fundingimport_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(new_rows__lte=F("total_rows")) & Q(updated_rows__lte=F("total_rows")),
                name="agencies_fundingimport_counts_within_total",
            ),
            models.CheckConstraint(
                condition=Q(status=FundingImportStatus.DONE) | Q(imported_at__isnull=True),
                name="agencies_fundingimport_imported_only_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Funding import {self.pk} ({self.get_status_display()})"
