"""Multi-agency training: courses, their sessions, bookings, attendance and feedback."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from lib.models import TimeStampedModel


class Course(TimeStampedModel):
    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="courses")
    slug = models.SlugField(max_length=80, help_text="As used in addresses and import files.")
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=120, blank=True)
    delivery_partner = models.CharField(
        max_length=200, blank=True, help_text="Who delivers it, if not the partnership, for example a local charity."
    )
    duration_hours = models.DecimalField(max_digits=5, decimal_places=2, help_text="Length of one session, in hours.")
    audience = models.CharField(max_length=200, blank=True, help_text="Who it is for.")
    joint_with_adults = models.BooleanField(default=False, help_text="Run jointly with the safeguarding adults board.")
    priorities = models.ManyToManyField("partnership.Priority", blank=True, related_name="courses")

    class Meta:
        ordering = ["partnership", "title"]
        verbose_name = "course"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="training_course_unique_slug"),
            models.UniqueConstraint(fields=["partnership", "title"], name="training_course_unique_title"),
            models.CheckConstraint(
                condition=Q(duration_hours__gt=Decimal("0")), name="training_course_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CourseSession(TimeStampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="course_sessions")
    reference = models.SlugField(
        max_length=40, help_text="The event's identifier in the booking system, for example EV-1042."
    )
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True, help_text="Leave blank for an online session.")
    online = models.BooleanField(default=False)
    places_offered = models.PositiveIntegerField()

    class Meta:
        ordering = ["period", "starts_at", "course__title"]
        verbose_name = "course session"
        constraints = [
            models.UniqueConstraint(fields=["period", "reference"], name="training_coursesession_unique_reference"),
            models.CheckConstraint(
                condition=(Q(online=True) & Q(venue="")) | (Q(online=False) & ~Q(venue="")),
                name="training_coursesession_venue_or_online",
            ),
            models.CheckConstraint(
                condition=Q(places_offered__gte=0), name="training_coursesession_places_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title}, {self.starts_at:%d %b %Y}"

    @property
    def where(self) -> str:
        return "Online" if self.online else self.venue


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class Booking(TimeStampedModel):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="bookings")
    delegate_name = models.CharField(max_length=200)
    email = models.EmailField()
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="training_bookings"
    )
    organisation_text = models.CharField(
        max_length=200, blank=True, help_text="The delegate's organisation, when it is not one of the agencies."
    )
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    completed = models.BooleanField(default=False, help_text="Completed the course (only if attended).")

    class Meta:
        ordering = ["session", "delegate_name"]
        verbose_name = "booking"
        constraints = [
            models.UniqueConstraint(Lower("email"), "session", name="training_booking_one_per_email_per_session"),
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(organisation_text=""))
                | (Q(agency__isnull=True) & ~Q(organisation_text="")),
                name="training_booking_agency_or_organisation",
            ),
            models.CheckConstraint(condition=Q(status__in=BookingStatus.values), name="training_booking_status_valid"),
            models.CheckConstraint(
                condition=Q(completed=False) | Q(status=BookingStatus.ATTENDED),
                name="training_booking_completed_only_if_attended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate_name} – {self.session}"

    @property
    def organisation(self) -> str:
        return self.agency.name if self.agency_id else self.organisation_text


class FeedbackResponse(TimeStampedModel):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    met_aims = models.BooleanField(help_text="The course met its aims.")
    more_competent = models.BooleanField(help_text="The delegate feels more competent after it.")
    comment = models.TextField(blank=True)
    consent_to_quote = models.BooleanField(default=False)

    class Meta:
        ordering = ["booking"]
        verbose_name = "feedback response"
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_to_quote=False) | ~Q(comment=""),
                name="training_feedbackresponse_consent_needs_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback from {self.booking.delegate_name}"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Checking the file"
    READY = "ready", "Checked: ready to import"
    INVALID = "invalid", "Not imported: the file has problems"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled: not imported"


# A finished job keeps its outcome (counts, problems, preview) but not the uploaded file: it is
# removed once the import is done or cancelled, and PORTAL_FAILED_IMPORT_DAYS after a failure.
FINISHED_STATUSES = (ImportStatus.INVALID, ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportJobManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().defer("checked_rows")  # megabytes for a large file; read only to import


class ImportJob(TimeStampedModel):
    """One upload of a booking-system export: checked (a dry run), then imported once confirmed.

    The file is kept under MEDIA_ROOT so a Celery worker can read it by the job's id, and removed
    when the job finishes (see FINISHED_STATUSES). The check keeps the rows it would write in
    checked_rows (compressed), with a digest of the period's data it checked them against in
    checked_state; the import writes those rows if the digest still matches, and checks the file
    again otherwise.
    """

    period = models.ForeignKey("partnership.ReportingPeriod", on_delete=models.CASCADE, related_name="training_imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField(upload_to="training-imports/", blank=True)
    file_format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    new_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    unchanged_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="What is wrong with the file, row by row.")
    changes = models.JSONField(default=list, blank=True, help_text="The first rows that add or change a booking.")
    checked_rows = models.BinaryField(null=True, blank=True, editable=False)
    checked_state = models.CharField(max_length=64, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When it was imported, refused or cancelled.")

    objects = ImportJobManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "booking import"
        constraints = [
            models.CheckConstraint(
                condition=Q(new_rows__lte=F("total_rows")) & Q(updated_rows__lte=F("total_rows")),
                name="training_importjob_counts_within_total",
            ),
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="training_importjob_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Booking import {self.pk} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)
