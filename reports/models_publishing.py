"""Sign-offs and published versions of the annual report (imported by reports.models)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from agencies.models import StatutoryRole
from lib.models import TimeStampedModel


class SignOff(TimeStampedModel):
    """A statutory partner's sign-off of one draft of the report, named and dated.

    `fingerprint` identifies the draft signed (reports.publishing.draft_fingerprint); a
    sign-off counts only while the draft is unchanged.
    """

    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="signoffs")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="signoffs")
    statutory_role = models.CharField(max_length=20, choices=StatutoryRole.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signatory_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    fingerprint = models.CharField(max_length=64)

    class Meta:
        app_label = "reports"
        ordering = ["period", "statutory_role", "-signed_at"]
        verbose_name = "sign-off"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "statutory_role", "fingerprint"], name="reports_signoff_once_per_draft"
            ),
            models.CheckConstraint(condition=~Q(signatory_name=""), name="reports_signoff_named"),
            models.CheckConstraint(
                condition=Q(statutory_role__in=StatutoryRole.values), name="reports_signoff_statutory_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_statutory_role_display()} sign-off by {self.signatory_name}"


class PdfState(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def published_file_path(instance: PublishedReport, filename: str) -> str:
    period = instance.period
    return f"reports/{period.partnership.slug}/{period.slug}/{filename}"


class PublishedReport(models.Model):
    """One frozen version of a period's annual report. Never changes once written.

    Its bytes live in the database (`html_data`, with the brotli and gzip compressions made
    once at publish time, and `pdf_data`), so a database backup alone restores every published
    page; the files under MEDIA_ROOT are a copy for operators, never read to serve a page.
    `draft_fingerprint` is the draft it froze (reports.publishing.draft_fingerprint): one
    version per draft, so a repeated publish is refused.
    """

    FROZEN_FIELDS = (
        "period_id", "number", "published_by_id", "published_at", "change_note", "manifest", "html", "html_sha256",
        "html_data", "html_br", "html_gzip", "draft_fingerprint",
    )  # fmt: skip
    PDF_FIELDS = ("pdf", "pdf_sha256", "pdf_pages", "pdf_data")

    period = models.ForeignKey(
        "partnership.ReportingPeriod", on_delete=models.PROTECT, related_name="published_reports"
    )
    number = models.PositiveIntegerField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    change_note = models.TextField()
    manifest = models.JSONField(help_text="Which revision of each section went in.")
    html = models.FileField(upload_to=published_file_path, max_length=300)
    html_sha256 = models.CharField(max_length=64)
    html_data = models.BinaryField(blank=True, default=b"", help_text="The frozen HTML, as published.")
    html_br = models.BinaryField(blank=True, default=b"", help_text="The same HTML, brotli-compressed.")
    html_gzip = models.BinaryField(blank=True, default=b"", help_text="The same HTML, gzip-compressed.")
    draft_fingerprint = models.CharField(max_length=64, blank=True, help_text="The draft this version froze.")
    pdf = models.FileField(upload_to=published_file_path, max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    pdf_data = models.BinaryField(blank=True, default=b"", help_text="The PDF, as made from the frozen HTML.")
    pdf_state = models.CharField(max_length=10, choices=PdfState.choices, default=PdfState.PENDING)
    pdf_progress = models.PositiveSmallIntegerField(default=0)
    pdf_step = models.CharField(max_length=80, blank=True)
    pdf_error = models.TextField(blank=True)
    # The PDF job's clock (reports.publishing, "The PDF job"): when it was last queued, when the
    # current run claimed it (its lease runs from then), and how many runs have claimed it.
    pdf_queued_at = models.DateTimeField(default=timezone.now)
    pdf_started_at = models.DateTimeField(null=True, blank=True)
    pdf_attempt = models.PositiveSmallIntegerField(default=0)

    class Meta:
        app_label = "reports"
        ordering = ["period", "-number"]
        verbose_name = "published report"
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="reports_publishedreport_unique_number"),
            models.UniqueConstraint(
                fields=["period", "draft_fingerprint"],
                condition=~Q(draft_fingerprint=""),
                name="reports_publishedreport_one_per_draft",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="reports_publishedreport_number_positive"),
            models.CheckConstraint(condition=~Q(change_note=""), name="reports_publishedreport_has_change_note"),
            models.CheckConstraint(condition=~Q(html_sha256=""), name="reports_publishedreport_html_hashed"),
            models.CheckConstraint(
                condition=~Q(pdf_state="ready") | (~Q(pdf_sha256="") & ~Q(pdf="")),
                name="reports_publishedreport_ready_pdf_is_hashed",
            ),
            models.CheckConstraint(condition=Q(pdf_progress__lte=100), name="reports_publishedreport_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.period} version {self.number}"

    def save(self, *args, **kwargs):
        # A published version is frozen: only the PDF's progress may change, and its file is written once.
        if self.pk is not None:
            original = PublishedReport.objects.get(pk=self.pk)
            changed = [name for name in self.FROZEN_FIELDS if getattr(original, name) != getattr(self, name)]
            if original.pdf_state == PdfState.READY:
                changed += [name for name in self.PDF_FIELDS if getattr(original, name) != getattr(self, name)]
            if changed:
                raise ValueError(
                    f"A published report cannot be changed ({', '.join(changed)}); publish a new version instead."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A published report cannot be deleted; publish a new version with a change note instead.")

    def pdf_stale_at(self) -> datetime.datetime | None:
        """When this PDF job counts as lost: a run at the end of its lease, a PDF never picked up."""
        if self.pdf_state == PdfState.RUNNING:
            started = self.pdf_started_at or self.pdf_queued_at
            return started + datetime.timedelta(seconds=settings.PORTAL_PDF_LEASE_SECONDS)
        if self.pdf_state == PdfState.PENDING:
            return self.pdf_queued_at + datetime.timedelta(minutes=settings.PORTAL_PDF_PENDING_MINUTES)
        return None

    @property
    def pdf_stalled(self) -> bool:
        """Running past its lease, or waiting longer than a worker should take to pick it up."""
        stale_at = self.pdf_stale_at()
        return stale_at is not None and stale_at <= timezone.now()

    def public_path(self) -> str:
        return reverse("public:report_version", args=[self.period.partnership.slug, self.period.slug, self.number])

    def pdf_path(self) -> str:
        return reverse("public:report_pdf", args=[self.period.partnership.slug, self.period.slug, self.number])

    def versions_path(self) -> str:
        return reverse("public:partnership_reports", args=[self.period.partnership.slug])


@receiver(pre_delete, sender=PublishedReport)
def published_report_never_deleted(sender, instance, **kwargs):
    """Covers QuerySet.delete() and cascades too, which skip the model's own delete()."""
    raise ValueError("A published report cannot be deleted; publish a new version with a change note instead.")


class ExemptionKind(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Does not apply this year"
    COVERED_ELSEWHERE = "covered_elsewhere", "Covered elsewhere"


class ChecklistExemption(TimeStampedModel):
    """The business manager's word that a statutory theme does not apply, or is covered elsewhere, and why.

    Shown with its reason to the scrutineer and the signatories on the report page, so a theme
    is never met silently.
    """

    period = models.ForeignKey(
        "partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="checklist_exemptions"
    )
    code = models.CharField(max_length=40, help_text="The statutory checklist code.")
    kind = models.CharField(max_length=20, choices=ExemptionKind.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["period", "code"]
        verbose_name = "checklist exemption"
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="reports_checklistexemption_one_per_theme"),
            models.CheckConstraint(condition=~Q(reason=""), name="reports_checklistexemption_has_reason"),
            models.CheckConstraint(
                condition=Q(kind__in=ExemptionKind.values), name="reports_checklistexemption_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.code} {self.get_kind_display().lower()}"
