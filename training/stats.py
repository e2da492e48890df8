"""Training statistics for a reporting period: the one read the annual report makes of this app.

Every figure is counted or summed by the database (a fixed number of queries, whatever
the number of bookings). Definitions:

- courses delivered: distinct courses with at least one session in the period;
  sessions delivered: sessions in the period (the report's "45 courses were delivered"
  counts these: one course run on one day);
- training hours: the length of every session delivered, summed;
- places offered: summed over sessions;
- bookings: every booking that was not cancelled;
- attended / did not attend: bookings with that status; hours lost: each no-show times
  the course's duration; delegate hours: each attendance times the course's duration;
- organisations: distinct agencies plus distinct free-text organisations (ignoring
  case) among delegates who attended;
- completions: attended bookings marked completed;
- feedback percentages: of feedback responses, those saying yes, rounded to a whole
  per cent (None when there is no feedback).

Each figure comes as a total and split into children-only and joint-with-adults
courses. With an agency, booking figures count that agency's delegates only; the
programme figures (courses, sessions, places, training hours) are the whole
programme's, since an agency does not own the sessions it books onto.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, Lower

from training.models import Booking, BookingStatus, Course, CourseSession, FeedbackResponse

ZERO_HOURS = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
SPLITS = {"total": Q(), "children_only": Q(joint_with_adults=False), "joint": Q(joint_with_adults=True)}


@dataclass(frozen=True)
class TrainingFigures:
    courses_delivered: int
    sessions_delivered: int
    training_hours: Decimal
    places_offered: int
    bookings: int
    attended: int
    did_not_attend: int
    hours_lost: Decimal
    delegate_hours: Decimal
    organisations: int
    completions: int
    feedback_responses: int
    met_aims: int
    more_competent: int

    @property
    def met_aims_percent(self) -> int | None:
        return percent(self.met_aims, self.feedback_responses)

    @property
    def more_competent_percent(self) -> int | None:
        return percent(self.more_competent, self.feedback_responses)


@dataclass(frozen=True)
class Quote:
    course_title: str
    text: str
    joint_with_adults: bool


@dataclass(frozen=True)
class AgencyNoShows:
    agency_name: str
    agency_slug: str
    did_not_attend: int
    hours_lost: Decimal


@dataclass(frozen=True)
class TrainingStatistics:
    period_label: str
    agency_name: str | None
    total: TrainingFigures
    children_only: TrainingFigures
    joint: TrainingFigures
    quotes: tuple[Quote, ...]
    did_not_attend_by_agency: tuple[AgencyNoShows, ...]
    did_not_attend_other_organisations: int


def percent(part: int, whole: int) -> int | None:
    if not whole:
        return None
    return int((Decimal(part) * 100 / whole).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _prefixed(split: Q, prefix: str) -> Q:
    """The split condition, on a model reached through `prefix` (e.g. 'session__course__')."""
    if not split.children:
        return Q()
    ((name, value),) = split.children
    return Q(**{f"{prefix}{name}": value})


def _session_figures(period) -> dict[str, dict]:
    aggregates = {}
    for key, split in SPLITS.items():
        condition = _prefixed(split, "course__")
        aggregates[f"{key}__courses"] = Count("course", distinct=True, filter=condition)
        aggregates[f"{key}__sessions"] = Count("pk", filter=condition)
        aggregates[f"{key}__hours"] = Coalesce(Sum("course__duration_hours", filter=condition), ZERO_HOURS)
        aggregates[f"{key}__places"] = Coalesce(Sum("places_offered", filter=condition), 0)
    row = CourseSession.objects.filter(period=period).aggregate(**aggregates)
    return _unflatten(row)


def _booking_figures(bookings) -> dict[str, dict]:
    attended = Q(status=BookingStatus.ATTENDED)
    no_show = Q(status=BookingStatus.DID_NOT_ATTEND)
    duration = "session__course__duration_hours"
    aggregates = {}
    for key, split in SPLITS.items():
        on = _prefixed(split, "session__course__")
        aggregates |= {
            f"{key}__bookings": Count("pk", filter=on & ~Q(status=BookingStatus.CANCELLED)),
            f"{key}__attended": Count("pk", filter=on & attended),
            f"{key}__did_not_attend": Count("pk", filter=on & no_show),
            f"{key}__hours_lost": Coalesce(Sum(duration, filter=on & no_show), ZERO_HOURS),
            f"{key}__delegate_hours": Coalesce(Sum(duration, filter=on & attended), ZERO_HOURS),
            f"{key}__agencies": Count("agency", distinct=True, filter=on & attended),
            f"{key}__other_orgs": Count(
                Lower("organisation_text"), distinct=True, filter=on & attended & Q(agency__isnull=True)
            ),
            f"{key}__completions": Count("pk", filter=on & attended & Q(completed=True)),
            f"{key}__feedback": Count("feedback", filter=on),
            f"{key}__met_aims": Count("feedback", filter=on & Q(feedback__met_aims=True)),
            f"{key}__more_competent": Count("feedback", filter=on & Q(feedback__more_competent=True)),
        }
    return _unflatten(bookings.aggregate(**aggregates))


def _unflatten(row: dict) -> dict[str, dict]:
    out: dict[str, dict] = {key: {} for key in SPLITS}
    for name, value in row.items():
        key, figure = name.split("__", 1)
        out[key][figure] = value
    return out


def _figures(session: dict, booking: dict) -> TrainingFigures:
    return TrainingFigures(
        courses_delivered=session["courses"],
        sessions_delivered=session["sessions"],
        training_hours=Decimal(session["hours"]),
        places_offered=session["places"],
        bookings=booking["bookings"],
        attended=booking["attended"],
        did_not_attend=booking["did_not_attend"],
        hours_lost=Decimal(booking["hours_lost"]),
        delegate_hours=Decimal(booking["delegate_hours"]),
        organisations=booking["agencies"] + booking["other_orgs"],
        completions=booking["completions"],
        feedback_responses=booking["feedback"],
        met_aims=booking["met_aims"],
        more_competent=booking["more_competent"],
    )


def consented_quotes(*, period, agency=None, limit: int | None = None) -> tuple[Quote, ...]:
    """Feedback comments whose writers agreed to be quoted, by course."""
    queryset = FeedbackResponse.objects.filter(booking__session__period=period, consent_to_quote=True)
    if agency is not None:
        queryset = queryset.filter(booking__agency=agency)
    rows = queryset.order_by("booking__session__course__title", "pk").values_list(
        "booking__session__course__title", "comment", "booking__session__course__joint_with_adults"
    )
    if limit is not None:
        rows = rows[:limit]
    return tuple(Quote(course_title=title, text=text, joint_with_adults=joint) for title, text, joint in rows)


def did_not_attend_by_agency(*, period, agency=None) -> tuple[tuple[AgencyNoShows, ...], int]:
    """No-shows per agency (for recharging) and the number from organisations that are not agencies."""
    no_shows = Booking.objects.filter(session__period=period, status=BookingStatus.DID_NOT_ATTEND)
    if agency is not None:
        no_shows = no_shows.filter(agency=agency)
    rows = (
        no_shows.filter(agency__isnull=False)
        .values("agency__name", "agency__slug")
        .annotate(count=Count("pk"), hours=Sum("session__course__duration_hours"))
        .order_by("-count", "agency__name")
    )
    per_agency = tuple(
        AgencyNoShows(
            agency_name=row["agency__name"],
            agency_slug=row["agency__slug"],
            did_not_attend=row["count"],
            hours_lost=Decimal(row["hours"]),
        )
        for row in rows
    )
    others = 0 if agency is not None else no_shows.filter(agency__isnull=True).count()
    return per_agency, others


def training_statistics(*, period, agency=None) -> TrainingStatistics:
    """Every training figure for the period (optionally one agency's delegates), in five queries."""
    bookings = Booking.objects.filter(session__period=period)
    if agency is not None:
        bookings = bookings.filter(agency=agency)
    sessions = _session_figures(period)
    booked = _booking_figures(bookings)
    per_agency, others = did_not_attend_by_agency(period=period, agency=agency)
    figures = {key: _figures(sessions[key], booked[key]) for key in SPLITS}
    return TrainingStatistics(
        period_label=period.label,
        agency_name=agency.name if agency is not None else None,
        total=figures["total"],
        children_only=figures["children_only"],
        joint=figures["joint"],
        quotes=consented_quotes(period=period, agency=agency),
        did_not_attend_by_agency=per_agency,
        did_not_attend_other_organisations=others,
    )


@dataclass(frozen=True)
class CourseAttendance:
    course_title: str
    joint_with_adults: bool
    attended: int
    did_not_attend: int


def attendance_by_course(*, period) -> tuple[CourseAttendance, ...]:
    """Attended and did-not-attend counts for each course run in the period, in one query."""
    rows = (
        Course.objects.filter(sessions__period=period)
        .annotate(
            attended=Count("sessions__bookings", filter=Q(sessions__bookings__status=BookingStatus.ATTENDED)),
            no_shows=Count("sessions__bookings", filter=Q(sessions__bookings__status=BookingStatus.DID_NOT_ATTEND)),
        )
        .order_by("title")
        .values_list("title", "joint_with_adults", "attended", "no_shows")
    )
    return tuple(CourseAttendance(*row) for row in rows)


def training_block(*, period, quote_limit: int = 6) -> dict:
    """What the annual report's training section shows: figures, the chart (as a lib.charts.ChartSpec, drawn
    by the report) and its description, quotes."""
    from training.charts import attendance_chart

    statistics = training_statistics(period=period)
    courses = attendance_by_course(period=period)
    chart = attendance_chart(courses=courses, title=f"Attendance by course, {period.label}")
    return {
        "statistics": statistics,
        "courses": courses,
        "chart": chart,
        "chart_description": chart.description,
        "quotes": statistics.quotes[:quote_limit],
        "figure_names": [f.name for f in fields(TrainingFigures)],
    }
