"""Load a demo training programme from a training.yaml (format: demo/README.md; what the demo
reproduces of its report, and why, is written down there too)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from lib.upsert import upsert
from partnership.models import Priority
from training.models import Booking, BookingStatus, Course, CourseSession, FeedbackResponse

FIRST_NAMES = ("Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harpreet", "Isla", "Jack", "Kiran", "Leah",
               "Mo", "Nia", "Owen", "Priya", "Rhys", "Sara", "Tom", "Zainab")  # fmt: skip
LAST_NAMES = ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Farrell", "Green", "Hussain", "Iqbal", "Jones", "Khan",
              "Lewis", "Morris", "Nash", "O'Neill", "Patel", "Roberts", "Singh", "Taylor", "Walker")  # fmt: skip


def read_training_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def training_demo_load(*, partnership, period, path: Path) -> int:
    """Create or bring up to date the demo courses, sessions, bookings and feedback; returns the changes made."""
    data = read_training_yaml(path)
    agencies = {a.slug: a for a in Agency.objects.filter(partnership=partnership)}
    priorities = {p.position: p for p in Priority.objects.filter(partnership=partnership)}
    changes = 0
    session_dates = _session_dates(period, sum(c["sessions"] for c in data["courses"]))
    pools = {key: itertools.cycle(_organisations(spec, agencies)) for key, spec in data["organisations"].items()}
    people = itertools.count(1)
    for course_data in data["courses"]:
        course, changed = _course(partnership, course_data, priorities)
        changes += changed
        pool = pools["joint" if course_data.get("joint") else "children_only"]
        sessions = []
        for index, places in enumerate(_spread(course_data["places"], course_data["sessions"])):
            session, changed = _session(period, course, course_data, index, places, next(session_dates), data["venues"])
            sessions.append(session)
            changes += changed
        changes += _bookings(sessions, course_data, pool, people)
    return changes


def _organisations(spec: dict, agencies: dict) -> list:
    return [agencies[slug] for slug in spec["agencies"]] + list(spec["others"])


def _course(partnership, data: dict, priorities: dict) -> tuple[Course, bool]:
    course, changed = upsert(
        Course,
        {"partnership": partnership, "slug": data["slug"]},
        {
            "title": data["title"],
            "topic": data.get("topic", ""),
            "delivery_partner": data.get("delivery_partner", ""),
            "duration_hours": Decimal(str(data["duration_hours"])),
            "audience": data.get("audience", ""),
            "joint_with_adults": bool(data.get("joint", False)),
        },
    )
    wanted = {priorities[p].pk for p in data.get("priorities", []) if p in priorities}
    if set(course.priorities.values_list("pk", flat=True)) != wanted:
        course.priorities.set(wanted)
        changed = True
    return course, changed


def _spread(total: int, parts: int) -> list[int]:
    """total split into parts as evenly as whole numbers allow, larger parts first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _session_dates(period, count: int):
    """count weekday mornings spread evenly over the period, in order."""
    days = (period.end - period.start).days
    for k in range(count):
        day = period.start + datetime.timedelta(days=(k * days) // count + 1)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        yield timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def _session(period, course, data, index, places, starts_at, venues) -> tuple[CourseSession, bool]:
    online = bool(data.get("online", False))
    return upsert(
        CourseSession,
        {"period": period, "reference": f"{data['slug'][:30]}-{index + 1}"},
        {
            "course": course,
            "starts_at": starts_at,
            "online": online,
            "venue": "" if online else venues[index % len(venues)],
            "places_offered": places,
        },
    )


def _bookings(sessions: list, data: dict, pool, people) -> int:
    """The course's bookings, spread over its sessions; existing ones (by email) are left alone."""
    statuses = (
        [(BookingStatus.ATTENDED, True)] * data["completed"]
        + [(BookingStatus.ATTENDED, False)] * (data["attended"] - data["completed"])
        + [(BookingStatus.DID_NOT_ATTEND, False)] * data["did_not_attend"]
        + [(BookingStatus.CANCELLED, False)] * data["cancelled"]
    )
    feedback = data.get("feedback")
    existing = set(Booking.objects.filter(session__in=sessions).values_list("session_id", "email"))
    new = []
    for number, (status, completed) in enumerate(statuses):
        person = next(people)
        organisation = next(pool)
        session = sessions[number % len(sessions)]
        email = f"delegate{person:05d}@example.org"
        if (session.pk, email) in existing:
            continue
        first, last = FIRST_NAMES[person % 20], LAST_NAMES[(person // 20) % 20]
        new.append(
            Booking(
                session=session,
                delegate_name=f"{first} {last}",
                email=email,
                agency=organisation if isinstance(organisation, Agency) else None,
                organisation_text="" if isinstance(organisation, Agency) else organisation,
                status=status,
                completed=completed,
            )
        )
    Booking.objects.bulk_create(new)
    changes = len(new)
    if feedback:
        changes += _feedback(sessions, feedback)
    return changes


def _feedback(sessions: list, spec: dict) -> int:
    """Feedback from the first attended delegates: yes/no counts and the report's quotes, as in the YAML."""
    responders = list(
        Booking.objects.filter(session__in=sessions, status=BookingStatus.ATTENDED)
        .order_by("email")
        .select_related("feedback")[: spec["responses"]]
    )
    quotes = spec.get("quotes", [])
    new = []
    for i, booking in enumerate(responders):
        if hasattr(booking, "feedback"):
            continue
        comment = quotes[i] if i < len(quotes) else ""
        new.append(
            FeedbackResponse(
                booking=booking,
                met_aims=i < spec["met_aims"],
                more_competent=i < spec["more_competent"],
                comment=comment,
                consent_to_quote=bool(comment),
            )
        )
    FeedbackResponse.objects.bulk_create(new)
    return len(new)
