"""Bookings, attendance and feedback as the event-booking system exports them.

One row per booking, with a header row. The columns (names as in the booking system's
"Attendee report", matched without regard to case or surrounding spaces):

| column           | required | what it holds                                                       |
| ---------------- | -------- | ------------------------------------------------------------------- |
| Event ID         | yes      | the session's reference, e.g. EV-1042 (must exist in the period)    |
| Course           | no       | the course title; shown in exports, ignored on import               |
| Event Date       | yes      | the session's start, DD/MM/YYYY or DD/MM/YYYY HH:MM (an XLSX date   |
|                  |          | cell is fine); must be the session's date, which catches a mistyped |
|                  |          | Event ID                                                            |
| Delegate Name    | yes      | as booked                                                           |
| Email            | yes      | one booking per email per event; matched ignoring case              |
| Organisation     | yes      | an agency's name, short name or slug, or any other organisation     |
| Booking Status   | yes      | Booked/Confirmed, Attended/Checked in, Did not attend/No show,      |
|                  |          | Cancelled                                                           |
| Completed        | no       | Yes/No (blank is No); Yes only for Attended                         |
| Aims Met         | no       | Yes/No: the evaluation's "the course met its aims"                  |
| More Competent   | no       | Yes/No: the evaluation's "I feel more competent"                    |
| Comments         | no       | the evaluation's free-text comment                                  |
| Consent To Quote | no       | Yes/No (blank is No); Yes needs a comment                           |

Feedback columns are either all blank (no evaluation returned) or give both Aims Met
and More Competent, and only for a delegate who attended.

A booking is found again by (Event ID, Email), so importing the same file twice
changes nothing, and a later export with attendance filled in updates the bookings.
The import itself (reading the file row by row, the rule of each column, the batched
writes) is in training/imports.py and training/booking_check.py; this module keeps the
columns and the export, which runs through django-import-export's resource.
"""

from __future__ import annotations

from django.utils import timezone
from import_export import fields

from lib.spreadsheets import SafeModelResource
from training.models import Booking, BookingStatus, FeedbackResponse

REQUIRED_COLUMNS = ("Event ID", "Event Date", "Delegate Name", "Email", "Organisation", "Booking Status")
OPTIONAL_COLUMNS = ("Course", "Completed", "Aims Met", "More Competent", "Comments", "Consent To Quote")
COLUMNS = (
    "Event ID",
    "Course",
    "Event Date",
    "Delegate Name",
    "Email",
    "Organisation",
    "Booking Status",
    "Completed",
    "Aims Met",
    "More Competent",
    "Comments",
    "Consent To Quote",
)
STATUS_WORDS = {
    "booked": BookingStatus.BOOKED,
    "confirmed": BookingStatus.BOOKED,
    "attended": BookingStatus.ATTENDED,
    "checked in": BookingStatus.ATTENDED,
    "did not attend": BookingStatus.DID_NOT_ATTEND,
    "no show": BookingStatus.DID_NOT_ATTEND,
    "no-show": BookingStatus.DID_NOT_ATTEND,
    "cancelled": BookingStatus.CANCELLED,
}
STATUS_LABELS = {
    BookingStatus.BOOKED: "Booked",
    BookingStatus.ATTENDED: "Attended",
    BookingStatus.DID_NOT_ATTEND: "Did not attend",
    BookingStatus.CANCELLED: "Cancelled",
}
PREVIEW_LIMIT = 200


class BookingResource(SafeModelResource):
    """Export of a period's bookings in the booking system's layout (see the module docstring)."""

    session = fields.Field(attribute="session__reference", column_name="Event ID", readonly=True)
    course = fields.Field(attribute="session__course__title", column_name="Course", readonly=True)
    event_date = fields.Field(column_name="Event Date", readonly=True)
    delegate_name = fields.Field(attribute="delegate_name", column_name="Delegate Name", readonly=True)
    email = fields.Field(attribute="email", column_name="Email", readonly=True)
    organisation = fields.Field(column_name="Organisation", readonly=True)
    status = fields.Field(column_name="Booking Status", readonly=True)
    completed = fields.Field(column_name="Completed", readonly=True)
    aims_met = fields.Field(column_name="Aims Met", readonly=True)
    more_competent = fields.Field(column_name="More Competent", readonly=True)
    comments = fields.Field(column_name="Comments", readonly=True)
    consent = fields.Field(column_name="Consent To Quote", readonly=True)

    class Meta:
        model = Booking
        fields = (
            "session",
            "course",
            "event_date",
            "delegate_name",
            "email",
            "organisation",
            "status",
            "completed",
            "aims_met",
            "more_competent",
            "comments",
            "consent",
        )
        export_order = fields

    def __init__(self, *, period):
        super().__init__()
        self.period = period

    def get_queryset(self):
        return (
            Booking.objects.filter(session__period=self.period)
            .select_related("session__course", "agency", "feedback")
            .order_by("session__starts_at", "session__reference", "email")
        )

    def dehydrate_event_date(self, booking):
        return timezone.localtime(booking.session.starts_at).strftime("%d/%m/%Y %H:%M")

    def dehydrate_organisation(self, booking):
        return booking.organisation

    def dehydrate_status(self, booking):
        return STATUS_LABELS[booking.status]

    def dehydrate_completed(self, booking):
        return "Yes" if booking.completed else "No"

    def _feedback(self, booking):
        try:
            return booking.feedback
        except FeedbackResponse.DoesNotExist:
            return None

    def dehydrate_aims_met(self, booking):
        feedback = self._feedback(booking)
        return "" if feedback is None else ("Yes" if feedback.met_aims else "No")

    def dehydrate_more_competent(self, booking):
        feedback = self._feedback(booking)
        return "" if feedback is None else ("Yes" if feedback.more_competent else "No")

    def dehydrate_comments(self, booking):
        feedback = self._feedback(booking)
        return "" if feedback is None else feedback.comment

    def dehydrate_consent(self, booking):
        feedback = self._feedback(booking)
        return "" if feedback is None else ("Yes" if feedback.consent_to_quote else "No")
