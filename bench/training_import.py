"""Benchmark: import 100,000 booking rows through training.resources.BookingResource.

Compares, in the same run and on the same rows, the resource's import (every row parsed
and checked, bookings written with bulk_create in batches of 1,000, feedback after)
with a plain bulk_create of the same bookings (the floor: no parsing, no checks). Each
is run twice on an empty table: once for wall time, once under tracemalloc for peak
memory (tracemalloc slows Python down, so it is not on while timing).

Uses its own SQLite database under the system temporary directory (or DATABASE_URL
when BENCH_DATABASE_URL is set), never the development database.

    .venv/bin/python bench/training_import.py [rows]
"""

from __future__ import annotations

import datetime
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DB_PATH = Path(tempfile.gettempdir()) / "portal-bench-training.sqlite3"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{DB_PATH}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from agencies.models import Agency, AgencyKind  # noqa: E402
from partnership.models import Partnership, ReportingPeriod  # noqa: E402
from training.models import Booking, Course, CourseSession, FeedbackResponse  # noqa: E402
from training.resources import COLUMNS, STATUS_WORDS, BookingResource  # noqa: E402

SESSIONS = 200
STATUSES = ("Attended", "Attended", "Attended", "Did not attend", "Cancelled", "Booked")


def world():
    if DB_PATH.exists() and "BENCH_DATABASE_URL" not in os.environ:
        DB_PATH.unlink()
    call_command("migrate", verbosity=0)
    partnership = Partnership.objects.create(name="Bench", short_name="B", slug="bench", area="Bench")
    period = ReportingPeriod.objects.create(
        partnership=partnership,
        label="2019/20",
        slug="2019-20",
        start=datetime.date(2019, 4, 1),
        end=datetime.date(2020, 3, 31),
        submission_deadline=datetime.date(2020, 9, 30),
    )
    for i in range(20):
        Agency.objects.create(
            partnership=partnership, name=f"Agency {i}", short_name=f"A{i}", slug=f"agency-{i}", kind=AgencyKind.OTHER
        )
    course = Course.objects.create(partnership=partnership, slug="c", title="Course", duration_hours=Decimal("6"))
    start = datetime.datetime(2019, 4, 2, 9, 30, tzinfo=datetime.UTC)
    sessions = CourseSession.objects.bulk_create(
        CourseSession(
            course=course,
            period=period,
            reference=f"ev-{i}",
            starts_at=start + datetime.timedelta(days=i),
            venue="Hall",
            places_offered=600,
        )
        for i in range(SESSIONS)
    )
    return period, sessions


def rows(count: int, sessions) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=list(COLUMNS))
    for n in range(count):
        session = sessions[n % SESSIONS]
        status = STATUSES[n % len(STATUSES)]
        attended = status == "Attended"
        feedback = attended and n % 5 == 0
        dataset.append(
            (
                session.reference.upper(),
                "Course",
                session.starts_at.strftime("%d/%m/%Y 10:30"),
                f"Delegate {n}",
                f"delegate{n}@example.org",
                f"Agency {n % 20}" if n % 3 else f"Organisation {n % 97}",
                status,
                "Yes" if attended and n % 2 else "No",
                "Yes" if feedback else "",
                "Yes" if feedback else "",
                "Useful" if feedback else "",
                "Yes" if feedback else "",
            )
        )
    return dataset


def import_with_resource(period, dataset):
    result = BookingResource(period=period).import_data(
        dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows[:3]


def import_with_bulk_create(period, dataset):
    """The same bookings and feedback, straight into bulk_create (the lookups a caller would need anyway)."""
    sessions = {s.reference: s for s in CourseSession.objects.filter(period=period)}
    agencies = {a.name: a for a in Agency.objects.filter(partnership_id=period.partnership_id)}
    bookings, feedback = [], []
    for row in dataset.dict:
        agency = agencies.get(row["Organisation"])
        booking = Booking(
            session=sessions[row["Event ID"].lower()],
            delegate_name=row["Delegate Name"],
            email=row["Email"],
            agency=agency,
            organisation_text="" if agency else row["Organisation"],
            status=STATUS_WORDS[row["Booking Status"].lower()],
            completed=row["Completed"] == "Yes",
        )
        bookings.append(booking)
        if row["Aims Met"]:
            feedback.append((booking, row["Comments"]))
    with transaction.atomic():
        Booking.objects.bulk_create(bookings, batch_size=1000)
        FeedbackResponse.objects.bulk_create(
            (
                FeedbackResponse(booking=b, met_aims=True, more_competent=True, comment=c, consent_to_quote=True)
                for b, c in feedback
            ),
            batch_size=1000,
        )


def clear():
    FeedbackResponse.objects.all().delete()
    Booking.objects.all().delete()


def timed(function, *args) -> float:
    clear()
    gc.collect()
    began = time.perf_counter()
    function(*args)
    return time.perf_counter() - began


def peak_memory(function, *args) -> int:
    clear()
    gc.collect()
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    period, sessions = world()
    dataset = rows(count, sessions)
    resource_seconds = timed(import_with_resource, period, dataset)
    assert Booking.objects.count() == count
    imported_feedback = FeedbackResponse.objects.count()
    bulk_seconds = timed(import_with_bulk_create, period, dataset)
    assert Booking.objects.count() == count and FeedbackResponse.objects.count() == imported_feedback
    resource_peak = peak_memory(import_with_resource, period, dataset)
    bulk_peak = peak_memory(import_with_bulk_create, period, dataset)
    print(f"{count:,} booking rows ({imported_feedback:,} with feedback), {SESSIONS} sessions, SQLite")
    print(f"  resource import: {resource_seconds:7.2f} s, peak {resource_peak / 2**20:7.1f} MiB")
    print(f"  bulk_create:     {bulk_seconds:7.2f} s, peak {bulk_peak / 2**20:7.1f} MiB")
    time_ratio, memory_ratio = resource_seconds / bulk_seconds, resource_peak / bulk_peak
    print(f"  ratio (resource / bulk_create): time {time_ratio:.2f}, memory {memory_ratio:.2f}")
    print(f"  goal: time ratio at most 3 -> {'met' if time_ratio <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
