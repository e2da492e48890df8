"""Checking each row of a booking import, and writing the rows that passed, in batches.

The rules (columns described in training/resources.py): a row names a session of the period by
its Event ID and that session's date; a delegate's name, a valid email (one booking per email
per session), an organisation and a booking status; Completed only for a delegate who attended;
feedback complete or absent, only from a delegate who attended, and consent to quote only with
a comment; no cell a spreadsheet would run as a formula. Each problem is reported with its row
number (row 1 is the first row under the header).

The check reads the period's sessions, agencies and bookings once, then streams the rows: it
keeps only the key of each row seen (to catch repeats), the first problems and the first
changes to preview. Each row that would add or change a booking is appended, in a compact CSV
form, to a zlib stream; the confirmed import bulk-writes that stream in batches, so the file is
checked once, not once for the preview and again to import it.
"""

from __future__ import annotations

import csv
import datetime
import functools
import hashlib
import io
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Max, Sum
from django.utils import timezone

from lib.spreadsheets import FORMULA_PREFIXES, looks_like_formula
from training.models import Booking, BookingStatus, CourseSession, FeedbackResponse
from training.resources import PREVIEW_LIMIT, STATUS_LABELS, STATUS_WORDS

logger = logging.getLogger(__name__)

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
PROBLEM_LIMIT = 200
BATCH = 1000
BOOKING_FIELDS = ["delegate_name", "agency", "organisation_text", "status", "completed", "updated_at"]
FEEDBACK_FIELDS = ["met_aims", "more_competent", "comment", "consent_to_quote", "updated_at"]
FORMULA_STARTS = "".join(FORMULA_PREFIXES)
UNEXPECTED = "an unexpected problem; tell the portal's administrator, quoting the row number."


def _text(value) -> str:
    if value.__class__ is str:
        return value.strip()
    return "" if value is None else str(value).strip()


_USER_PART = re.compile(validate_email.user_regex.pattern, validate_email.user_regex.flags)


@functools.lru_cache(maxsize=4096)
def _domain_valid(domain: str) -> bool:
    return domain in validate_email.domain_allowlist or validate_email.validate_domain_part(domain)


def _email_valid(email: str) -> bool:
    """Django's validate_email, with each domain's verdict remembered (a file has few domains, many rows)."""
    if not email or "@" not in email or len(email) > 254:
        return False
    user_part, domain_part = email.rsplit("@", 1)
    return bool(_USER_PART.match(user_part)) and _domain_valid(domain_part)


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


@functools.lru_cache(maxsize=4096)
def _date_from_text(text: str) -> datetime.date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"Event Date {text!r} is not a date; write it as DD/MM/YYYY, for example 01/10/2019.")


def _event_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return _date_from_text(_text(value))


def data_state(period) -> str:
    """A digest of everything a check depends on: the period's sessions and bookings and the agencies.

    Every change to these rows moves their count, the sum of their ids or their latest updated_at
    (every service saves updated_at), so an unchanged digest means the check still holds.
    """
    from agencies.models import Agency

    parts = []
    for queryset in (
        CourseSession.objects.filter(period=period),
        Agency.objects.filter(partnership_id=period.partnership_id),
        Booking.objects.filter(session__period=period),
        FeedbackResponse.objects.filter(booking__session__period=period),
    ):
        figures = queryset.order_by().aggregate(n=Count("pk"), ids=Sum("pk"), latest=Max("updated_at"))
        latest = figures["latest"].isoformat() if figures["latest"] else ""
        parts.append(f"{figures['n']}:{figures['ids'] or 0}:{latest}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass
class CheckOutcome:
    total_rows: int = 0
    new_rows: int = 0
    updated_rows: int = 0
    unchanged_rows: int = 0
    problem_count: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    rows: bytes = b""  # the rows to write, compact CSV compressed with zlib

    @property
    def errors(self) -> list[str]:
        errors = [f"Row {number}: {message}" for number, message in self.problems]
        if self.problem_count > len(self.problems):
            errors.append(
                f"…and {self.problem_count - len(self.problems):,} more problems. "
                "Correct these first, then upload the file again."
            )
        return errors


class BookingCheck:
    """Checks rows against the period as it is now; see the module docstring."""

    def __init__(self, *, period, progress: Callable[[int], None] | None = None, progress_every: int = 1000):
        from agencies.models import Agency

        self.period = period
        self.progress = progress
        self.progress_every = progress_every
        self.sessions = {}
        for pk, reference, starts_at in CourseSession.objects.filter(period=period).values_list(
            "pk", "reference", "starts_at"
        ):
            self.sessions[reference.lower()] = (pk, reference, timezone.localtime(starts_at).date())
        self.agencies = {}
        for pk, slug, short_name, name in Agency.objects.filter(partnership_id=period.partnership_id).values_list(
            "pk", "slug", "short_name", "name"
        ):
            for key in (slug, short_name, name):
                self.agencies[key.lower()] = pk
        # (session id, email) -> (booking id, name, agency id, organisation, status, completed, feedback id,
        # met aims, more competent, comment, consent): plain tuples, not model instances, to keep memory down.
        self.existing = {
            (values[0], values[1].lower()): values[2:]
            for values in Booking.objects.filter(session__period=period)
            .order_by()
            .values_list(
                "session_id",
                "email",
                "pk",
                "delegate_name",
                "agency_id",
                "organisation_text",
                "status",
                "completed",
                "feedback__pk",
                "feedback__met_aims",
                "feedback__more_competent",
                "feedback__comment",
                "feedback__consent_to_quote",
            )
        }
        self.seen: dict[tuple[int, str], int] = {}

    def run(self, rows: Iterable[tuple[int, dict]]) -> CheckOutcome:
        """Check every row; ImportFileError from the rows (a problem with the file itself) passes through."""
        outcome = CheckOutcome()
        compressor = zlib.compressobj(6)
        chunks: list[bytes] = []
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for number, row in rows:
            outcome.total_rows = number
            try:
                record = self._check(number, row, outcome)
            except ValidationError as error:
                self._problem(outcome, number, " ".join(error.messages))
            except Exception as error:  # noqa: BLE001 - reported by row number, logged without the row's data
                logger.error("Booking import row %s: unexpected %s", number, type(error).__name__)
                self._problem(outcome, number, UNEXPECTED)
            else:
                if record is not None and not outcome.problem_count:
                    writer.writerow(record)
            if number % BATCH == 0:
                chunks.append(compressor.compress(buffer.getvalue().encode()))
                buffer.seek(0)
                buffer.truncate()
            if self.progress is not None and number % self.progress_every == 0:
                self.progress(number)
        chunks.append(compressor.compress(buffer.getvalue().encode()))
        chunks.append(compressor.flush())
        if outcome.problem_count:
            outcome.changes = []
        else:
            outcome.rows = b"".join(chunks)
        return outcome

    @staticmethod
    def _problem(outcome: CheckOutcome, number: int, message: str) -> None:
        outcome.problem_count += 1
        if len(outcome.problems) < PROBLEM_LIMIT:
            outcome.problems.append((number, message))

    def _check(self, number: int, row: dict, outcome: CheckOutcome) -> list | None:
        for column, value in row.items():
            if value and value.__class__ is str and value[0] in FORMULA_STARTS and looks_like_formula(value):
                raise ValidationError(
                    f"Column '{column}' holds {value[:40]!r}, which a spreadsheet would run as a formula. "
                    "Remove the leading character and import the file again."
                )
        session_id, reference, email, name, agency_id, organisation, status, completed, feedback = self._parse(row)
        key = (session_id, email)
        if key in self.seen:
            raise ValidationError(
                f"This repeats the booking of {email} on {reference} in row {self.seen[key]}. "
                "Remove one of the two rows."
            )
        self.seen[key] = number
        organisation_text = "" if agency_id else organisation
        current = self.existing.get(key)
        feedback_action, feedback_pk = "", ""
        if current is None:
            changes = None
            if feedback is not None:
                feedback_action = "N"
        else:
            changes = self._describe_changes(current, name, agency_id, organisation_text, status, completed)
            if feedback is not None:
                if current[6] is None:
                    changes.append("feedback added")
                    feedback_action = "N"
                elif tuple(current[7:11]) != feedback:
                    changes.append("feedback changed")
                    feedback_action, feedback_pk = "U", current[6]
            if not changes:
                outcome.unchanged_rows += 1
                return None
        if current is None:
            outcome.new_rows += 1
        else:
            outcome.updated_rows += 1
        if len(outcome.changes) < PREVIEW_LIMIT:
            outcome.changes.append(
                {
                    "row": number,
                    "event": reference,
                    "delegate": name,
                    "change": "New booking" if current is None else _sentence("; ".join(changes)),
                }
            )
        met, competent, comment, consent = feedback if feedback is not None else ("", "", "", "")
        return [
            "N" if current is None else "U",
            "" if current is None else current[0],
            session_id,
            email,
            name,
            agency_id or "",
            organisation_text,
            status,
            int(completed),
            feedback_action,
            feedback_pk,
            "" if met == "" else int(met),
            "" if competent == "" else int(competent),
            "" if consent == "" else int(consent),
            comment,
        ]

    def _parse(self, row: dict) -> tuple:
        reference = _text(row.get("Event ID"))
        session = self.sessions.get(reference.lower())
        if session is None:
            raise ValidationError(
                f"Event ID {reference!r} is not a session of {self.period.label}. "
                "Check the Event ID, or add the session before importing its bookings."
            )
        session_id, session_reference, session_date = session
        when = _event_date(row.get("Event Date"))
        if when != session_date:
            raise ValidationError(
                f"Event Date {when:%d/%m/%Y} is not the date of {reference} ({session_date:%d/%m/%Y}). "
                "Check the Event ID and the date."
            )
        name = _text(row.get("Delegate Name"))
        if not name:
            raise ValidationError("Delegate Name is blank; fill it in.")
        email = _text(row.get("Email")).lower()
        if not _email_valid(email):
            raise ValidationError(f"Email {email!r} is not an email address; correct it.")
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
        return (
            session_id,
            session_reference,
            email,
            name[:200],
            self.agencies.get(organisation.lower()),
            organisation[:200],
            str(status),
            completed,
            self._parse_feedback(row, status),
        )

    @staticmethod
    def _parse_feedback(row: dict, status) -> tuple | None:
        """(met aims, more competent, comment, consent to quote), or None when the row has no feedback."""
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
        return (met, competent, comment, consent)

    @staticmethod
    def _describe_changes(current: tuple, name, agency_id, organisation_text, status, completed) -> list[str]:
        _, old_name, old_agency, old_organisation, old_status, old_completed = current[:6]
        changes = []
        if old_status != status:
            changes.append(f"status {STATUS_LABELS[old_status]} to {STATUS_LABELS[status]}")
        if old_completed != completed:
            changes.append("marked completed" if completed else "no longer completed")
        if (old_agency, old_organisation) != (agency_id, organisation_text):
            changes.append("organisation changed")
        if old_name != name:
            changes.append("name changed")
        return changes


def _records(rows: bytes) -> Iterator[list[str]]:
    text = zlib.decompress(rows).decode() if rows else ""
    return csv.reader(io.StringIO(text))


def booking_rows_write(rows: bytes, *, progress: Callable[[int], None] | None = None) -> int:
    """Write the rows a check kept (new and changed bookings and their feedback), in batches; returns how many."""
    written = 0
    batch: list[list[str]] = []
    for record in _records(rows):
        batch.append(record)
        if len(batch) == BATCH:
            written += _batch_write(batch)
            batch = []
            if progress is not None:
                progress(written)
    if batch:
        written += _batch_write(batch)
    return written


def _flag(text: str) -> bool:
    return text == "1"


def _batch_write(batch: list[list[str]]) -> int:
    now = timezone.now()
    new_bookings, new_feedback_of_new = [], []
    changed_bookings, new_feedback, changed_feedback = [], [], []
    for record in batch:
        (kind, booking_pk, session_id, email, name, agency_id, organisation_text, status, completed) = record[:9]
        feedback_action, feedback_pk, met, competent, consent, comment = record[9:15]
        booking = Booking(
            pk=int(booking_pk) if booking_pk else None,
            session_id=int(session_id),
            email=email,
            delegate_name=name,
            agency_id=int(agency_id) if agency_id else None,
            organisation_text=organisation_text,
            status=status,
            completed=_flag(completed),
            updated_at=now,
        )
        feedback = None
        if feedback_action:
            feedback = FeedbackResponse(
                pk=int(feedback_pk) if feedback_pk else None,
                met_aims=_flag(met),
                more_competent=_flag(competent),
                comment=comment,
                consent_to_quote=_flag(consent),
                updated_at=now,
            )
        if kind == "N":
            new_bookings.append(booking)
            if feedback is not None:
                new_feedback_of_new.append((booking, feedback))
        else:
            changed_bookings.append(booking)
            if feedback_action == "N":
                feedback.booking_id = booking.pk
                new_feedback.append(feedback)
            elif feedback_action == "U":
                changed_feedback.append(feedback)
    Booking.objects.bulk_create(new_bookings, batch_size=BATCH)
    for booking, feedback in new_feedback_of_new:
        if booking.pk is None:  # pragma: no cover - PostgreSQL and SQLite 3.35+ return the new ids
            raise RuntimeError("The database did not return the ids of the new bookings.")
        feedback.booking_id = booking.pk
        new_feedback.append(feedback)
    if changed_bookings:
        Booking.objects.bulk_update(changed_bookings, BOOKING_FIELDS, batch_size=BATCH)
    FeedbackResponse.objects.bulk_create(new_feedback, batch_size=BATCH)
    if changed_feedback:
        FeedbackResponse.objects.bulk_update(changed_feedback, FEEDBACK_FIELDS, batch_size=BATCH)
    return len(batch)
