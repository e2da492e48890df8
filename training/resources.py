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
Rows are checked one by one and every problem is reported with its row number (row 1
is the first row under the header); the service imports nothing unless every row is
good. Bookings are written with bulk_create/bulk_update in batches, after looking up
every session, agency and existing booking of the period once, so the number of
queries does not grow with the rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
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
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
PREVIEW_LIMIT = 200
DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _yes_no(row: dict, column: str) -> bool | None:
    """True/False for Yes/No, None for blank."""
    word = _text(row.get(column)).lower()
    if word == "":
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValidationError(f"{column} is {row.get(column)!r}; write Yes or No.")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _event_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"Event Date {text!r} is not a date; write it as DD/MM/YYYY, for example 01/10/2019.")


class BookingResource(SafeModelResource):
    """Import and export of a period's bookings in the booking system's layout (see the module docstring)."""

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
        import_id_fields = ()
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, period, progress: Callable[[int], None] | None = None, progress_every: int = 500):
        super().__init__()
        self.period = period
        self.progress = progress
        self.progress_every = progress_every

    # Export ---------------------------------------------------------------

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

    # Import ---------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        headers = [_text(h) for h in (dataset.headers or [])]
        by_key = {h.lower(): h for h in headers}
        missing = [c for c in REQUIRED_COLUMNS if c.lower() not in by_key]
        if missing:
            found = ", ".join(repr(h) for h in headers if h) or "none"
            raise ValidationError(
                f"The file has no column {', '.join(repr(c) for c in missing)} (columns found: {found}). "
                f"Export the booking system's attendee report with the columns {', '.join(COLUMNS)}, "
                "then upload it again."
            )
        dataset.headers = [self._canonical(h) for h in headers]
        self._load_lookups()
        self.seen: dict[tuple[int, str], int] = {}
        self.pending_feedback: list[tuple[Booking, dict | None]] = []
        self.preview: list[dict] = []

    @staticmethod
    def _canonical(header: str) -> str:
        for column in COLUMNS:
            if column.lower() == header.lower():
                return column
        return header

    def _load_lookups(self) -> None:
        """Every session, agency and booking of the period, read once."""
        from agencies.models import Agency
        from training.models import CourseSession

        self.sessions = {
            s.reference.lower(): s for s in CourseSession.objects.filter(period=self.period).select_related("course")
        }
        self.agencies = {}
        for agency in Agency.objects.filter(partnership_id=self.period.partnership_id):
            for key in (agency.slug, agency.short_name, agency.name):
                self.agencies[key.lower()] = agency
        existing = Booking.objects.filter(session__period=self.period).select_related("feedback")
        self.existing = {(b.session_id, b.email.lower()): b for b in existing}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)  # refuses formulas
        number = kwargs.get("row_number")
        parsed = self._parse(row)
        key = (parsed["session"].pk, parsed["email"])
        if key in self.seen:
            raise ValidationError(
                f"This repeats the booking of {parsed['email']} on {parsed['session'].reference} in row "
                f"{self.seen[key]}. Remove one of the two rows."
            )
        self.seen[key] = number
        row["_parsed"] = parsed

    def _parse(self, row) -> dict:
        reference = _text(row.get("Event ID"))
        session = self.sessions.get(reference.lower())
        if session is None:
            raise ValidationError(
                f"Event ID {reference!r} is not a session of {self.period.label}. "
                "Check the Event ID, or add the session before importing its bookings."
            )
        when = _event_date(row.get("Event Date"))
        session_date = timezone.localtime(session.starts_at).date()
        if when != session_date:
            raise ValidationError(
                f"Event Date {when:%d/%m/%Y} is not the date of {reference} ({session_date:%d/%m/%Y}). "
                "Check the Event ID and the date."
            )
        name = _text(row.get("Delegate Name"))
        if not name:
            raise ValidationError("Delegate Name is blank; fill it in.")
        email = _text(row.get("Email")).lower()
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            raise ValidationError(f"Email {email!r} is not an email address; correct it.") from None
        organisation = _text(row.get("Organisation"))
        if not organisation:
            raise ValidationError("Organisation is blank; write the delegate's organisation.")
        word = _text(row.get("Booking Status")).lower()
        if word not in STATUS_WORDS:
            raise ValidationError(
                f"Booking Status {row.get('Booking Status')!r} is not one of "
                "Booked, Attended, Did not attend, Cancelled."
            )
        status = STATUS_WORDS[word]
        completed = bool(_yes_no(row, "Completed"))
        if completed and status != BookingStatus.ATTENDED:
            raise ValidationError("Completed is Yes but the delegate did not attend; change one of them.")
        return {
            "session": session,
            "email": email,
            "delegate_name": name[:200],
            "agency": self.agencies.get(organisation.lower()),
            "organisation": organisation[:200],
            "status": status,
            "completed": completed,
            "feedback": self._parse_feedback(row, status),
        }

    def _parse_feedback(self, row, status) -> dict | None:
        met, competent = _yes_no(row, "Aims Met"), _yes_no(row, "More Competent")
        comment = _text(row.get("Comments"))
        consent = bool(_yes_no(row, "Consent To Quote"))
        if met is None and competent is None and not comment and not consent:
            return None
        if met is None or competent is None:
            raise ValidationError("Feedback needs both Aims Met and More Competent (Yes or No), or neither.")
        if status != BookingStatus.ATTENDED:
            raise ValidationError("There is feedback but the delegate did not attend; check the Booking Status.")
        if consent and not comment:
            raise ValidationError("Consent To Quote is Yes but there is no comment to quote; clear one of them.")
        return {"met_aims": met, "more_competent": competent, "comment": comment, "consent_to_quote": consent}

    def get_or_init_instance(self, instance_loader, row):
        parsed = row["_parsed"]
        booking = self.existing.get((parsed["session"].pk, parsed["email"]))
        if booking is not None:
            return booking, False
        return Booking(session=parsed["session"], email=parsed["email"]), True

    def import_instance(self, instance, row, **kwargs):
        parsed = row["_parsed"]
        agency = parsed["agency"]
        values = {
            "delegate_name": parsed["delegate_name"],
            "agency_id": agency.pk if agency else None,
            "organisation_text": "" if agency else parsed["organisation"],
            "status": parsed["status"],
            "completed": parsed["completed"],
        }
        changes = [] if instance.pk is None else self._describe_changes(instance, values)
        feedback = parsed["feedback"]
        if feedback is not None and instance.pk is not None:
            current = self._feedback(instance)
            if current is None:
                changes.append("feedback added")
            elif any(getattr(current, k) != v for k, v in feedback.items()):
                changes.append("feedback changed")
        row["_unchanged"] = instance.pk is not None and not changes
        if not row["_unchanged"] and len(self.preview) < PREVIEW_LIMIT:
            self.preview.append(
                {
                    "row": kwargs.get("row_number"),
                    "event": parsed["session"].reference,
                    "delegate": parsed["delegate_name"],
                    "change": "New booking" if instance.pk is None else _sentence("; ".join(changes)),
                }
            )
        for name, value in values.items():
            setattr(instance, name, value)
        instance.updated_at = timezone.now()

    @staticmethod
    def _describe_changes(instance, values: dict) -> list[str]:
        changes = []
        if instance.status != values["status"]:
            changes.append(f"status {STATUS_LABELS[instance.status]} to {STATUS_LABELS[values['status']]}")
        if instance.completed != values["completed"]:
            changes.append("marked completed" if values["completed"] else "no longer completed")
        if (instance.agency_id, instance.organisation_text) != (values["agency_id"], values["organisation_text"]):
            changes.append("organisation changed")
        if instance.delegate_name != values["delegate_name"]:
            changes.append("name changed")
        return changes

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and row.get("_unchanged", False)

    def after_save_instance(self, instance, row, **kwargs):
        self.pending_feedback.append((instance, row["_parsed"]["feedback"]))

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        number = kwargs.get("row_number") or 0
        if self.progress is not None and number % self.progress_every == 0:
            self.progress(number)
        return result

    def after_import(self, dataset, result, **kwargs):
        """Write the feedback once every booking has its id (bulk_create has given them one)."""
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return
        new, changed = [], []
        for booking, values in self.pending_feedback:
            if values is None:
                continue
            current = self._feedback(booking) if booking.pk in self._existing_ids() else None
            if current is None:
                new.append(FeedbackResponse(booking=booking, **values))
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.updated_at = timezone.now()
                changed.append(current)
        FeedbackResponse.objects.bulk_create(new, batch_size=1000)
        FeedbackResponse.objects.bulk_update(
            changed, ["met_aims", "more_competent", "comment", "consent_to_quote", "updated_at"], batch_size=1000
        )

    def _existing_ids(self) -> set[int]:
        if not hasattr(self, "_existing_id_set"):
            self._existing_id_set = {b.pk for b in self.existing.values()}
        return self._existing_id_set

    def get_bulk_update_fields(self):
        return ["delegate_name", "agency", "organisation_text", "status", "completed", "updated_at"]
