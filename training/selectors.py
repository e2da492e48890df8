"""Reads for the training pages, each scoped to the period (and agency) the caller may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from training.models import Booking, BookingStatus, Course, CourseSession, FeedbackResponse
from training.stats import percent

STATUS_COUNTS = {
    "booked_count": Count("bookings", filter=~Q(bookings__status=BookingStatus.CANCELLED)),
    "attended_count": Count("bookings", filter=Q(bookings__status=BookingStatus.ATTENDED)),
    "no_show_count": Count("bookings", filter=Q(bookings__status=BookingStatus.DID_NOT_ATTEND)),
}


def course_list(*, period) -> QuerySet[Course]:
    """Courses run in the period, each with its sessions and their booking counts, in two queries."""
    sessions = CourseSession.objects.filter(period=period).annotate(**STATUS_COUNTS).order_by("starts_at")
    return (
        Course.objects.filter(sessions__period=period)
        .distinct()
        .prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="period_sessions"))
        .order_by("title")
    )


def session_get(*, period, reference: str) -> CourseSession:
    """One session of the period, by its booking-system reference; 404 if there is none."""
    return get_object_or_404(CourseSession.objects.select_related("course"), period=period, reference=reference)


def session_bookings(*, session) -> QuerySet[Booking]:
    """A session's bookings with each delegate's agency and feedback, in one query."""
    return session.bookings.select_related("agency", "feedback").order_by("delegate_name", "pk")


def agency_bookings(*, period, agency) -> QuerySet[Booking]:
    """Only this agency's delegates' bookings in the period, with their sessions, in one query."""
    return (
        Booking.objects.filter(session__period=period, agency=agency)
        .select_related("session__course")
        .order_by("session__starts_at", "delegate_name")
    )


@dataclass(frozen=True)
class FeedbackSummary:
    responses: int
    met_aims: int
    more_competent: int
    quotes: tuple[str, ...]

    @property
    def met_aims_percent(self) -> int | None:
        return percent(self.met_aims, self.responses)

    @property
    def more_competent_percent(self) -> int | None:
        return percent(self.more_competent, self.responses)


def course_get(*, period, slug: str) -> Course:
    """A course of the period's partnership, by slug; 404 if there is none."""
    return get_object_or_404(Course, partnership=period.partnership, slug=slug)


def course_feedback_summary(*, period, course) -> FeedbackSummary:
    """Feedback on one course in the period: counts from the database and the consented quotes."""
    responses = FeedbackResponse.objects.filter(booking__session__period=period, booking__session__course=course)
    counts = responses.aggregate(
        responses=Count("pk"),
        met_aims=Count("pk", filter=Q(met_aims=True)),
        more_competent=Count("pk", filter=Q(more_competent=True)),
    )
    quotes = responses.filter(consent_to_quote=True).order_by("pk").values_list("comment", flat=True)
    return FeedbackSummary(**counts, quotes=tuple(quotes))


def courses_without_sessions(*, period) -> QuerySet[Course]:
    """The partnership's courses that have no session in this period."""
    return Course.objects.filter(partnership=period.partnership).exclude(sessions__period=period).order_by("title")
