"""The voice of children and families: what they said, how it was gathered, and what changed as a result
("you said, we did"); and the frozen children's version of a published report."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from lib.models import TimeStampedModel


class VoiceMethod(models.TextChoices):
    SURVEY = "survey", "Survey"
    FOCUS_GROUP = "focus_group", "Focus group"
    INTERVIEW = "interview", "Interview"
    FEEDBACK_FORM = "feedback_form", "Feedback form"
    ADVOCACY = "advocacy", "Advocacy"
    COMPLAINT = "complaint", "Complaint"
    YOUTH_FORUM = "youth_forum", "Young people's forum"
    OTHER = "other", "Other"


class VoiceConsent(models.TextChoices):
    WRITTEN = "written", "Written consent"
    SPOKEN = "spoken", "Spoken consent, noted at the time"
    PARENT = "parent", "Consent of a parent or carer"
    AGGREGATE = "aggregate", "Non-identifying feedback from a group (no consent needed)"
    NONE = "none", "No consent to share"


# Consent that someone gave, so the record must say how it was given and kept.
CONSENT_GIVEN = (VoiceConsent.WRITTEN, VoiceConsent.SPOKEN, VoiceConsent.PARENT)


class ChangeStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"


class VoiceEntry(TimeStampedModel):
    """One thing children, young people or families said, and what changed because of it."""

    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="voice_entries")
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voice_entries",
        help_text="Empty for what the partnership itself heard.",
    )
    priority = models.ForeignKey(
        "partnership.Priority", on_delete=models.PROTECT, null=True, blank=True, related_name="voice_entries"
    )
    service = models.CharField(max_length=200, blank=True, help_text="The service it concerns, if not a priority.")
    said = models.TextField(help_text="What was said, anonymised.")
    source = models.CharField(max_length=200, help_text="The group or service it came from, never a person's name.")
    said_on = models.DateField()
    method = models.CharField(max_length=20, choices=VoiceMethod.choices)
    consent = models.CharField(max_length=20, choices=VoiceConsent.choices)
    consent_record = models.CharField(max_length=300, blank=True, help_text="How consent was given and recorded.")
    public = models.BooleanField(default=False, help_text="Shown in the published report.")
    we_did = models.TextField(blank=True, help_text="What changed as a result.")
    change_status = models.CharField(max_length=10, choices=ChangeStatus.choices, blank=True)
    change_on = models.DateField(null=True, blank=True)

    class Meta:
        app_label = "reports"
        ordering = ["period", "-said_on", "pk"]
        verbose_name = "voice entry"
        verbose_name_plural = "voice entries"
        constraints = [
            models.CheckConstraint(condition=Q(method__in=VoiceMethod.values), name="reports_voiceentry_method_valid"),
            models.CheckConstraint(
                condition=Q(consent__in=VoiceConsent.values), name="reports_voiceentry_consent_valid"
            ),
            models.CheckConstraint(
                condition=Q(change_status__in=["", *ChangeStatus.values]), name="reports_voiceentry_status_valid"
            ),
            models.CheckConstraint(condition=~Q(said=""), name="reports_voiceentry_said_not_empty"),
            models.CheckConstraint(condition=~Q(source=""), name="reports_voiceentry_source_not_empty"),
            models.CheckConstraint(
                condition=Q(priority__isnull=False) | ~Q(service=""), name="reports_voiceentry_concerns_something"
            ),
            # Nothing is published without consent, unless it is group feedback that identifies nobody.
            models.CheckConstraint(
                condition=Q(public=False) | ~Q(consent=VoiceConsent.NONE), name="reports_voiceentry_public_has_consent"
            ),
            models.CheckConstraint(
                condition=~Q(consent__in=CONSENT_GIVEN) | ~Q(consent_record=""),
                name="reports_voiceentry_consent_recorded",
            ),
            models.CheckConstraint(
                condition=Q(we_did="", change_status="") | (~Q(we_did="") & ~Q(change_status="")),
                name="reports_voiceentry_change_has_status",
            ),
            models.CheckConstraint(
                condition=~Q(change_status=ChangeStatus.DONE) | Q(change_on__isnull=False),
                name="reports_voiceentry_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}, {self.said_on:%d %B %Y}"

    @property
    def title(self) -> str:
        """The audit trail's label: the source and date, never what was said."""
        return str(self)

    @property
    def concerns(self) -> str:
        return self.priority.title if self.priority_id else self.service


class PublishedChildrensVersion(models.Model):
    """The children's version of one published report, frozen with it. Never changes once written."""

    version = models.OneToOneField(
        "reports.PublishedReport", on_delete=models.PROTECT, related_name="childrens_version"
    )
    html_data = models.BinaryField(help_text="The frozen page, as published.")
    html_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "reports"
        verbose_name = "published children's version"
        constraints = [
            models.CheckConstraint(condition=~Q(html_sha256=""), name="reports_publishedchildrens_html_hashed")
        ]

    def __str__(self) -> str:
        return f"Children's version of {self.version_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A published children's version cannot be changed; publish a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A published children's version cannot be deleted.")


@receiver(pre_delete, sender=PublishedChildrensVersion)
def childrens_version_never_deleted(sender, instance, **kwargs):
    raise ValueError("A published children's version cannot be deleted.")
