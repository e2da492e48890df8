"""Benchmark: a booking import through the real upload path against bulk_create of the same rows.

Each measured run is a FRESH Python process, so its peak resident memory (VmHWM, or ru_maxrss
where /proc is missing) belongs to that run alone. The two kinds of run alternate
(upload, bulk, bulk, upload, ...), each starting from a period with no bookings:

  upload  the service calls a business manager's upload makes, from upload to confirm:
          booking_import_start (keeps the file, queues the check), the check task (streams and
          checks every row, keeps the rows to write), booking_import_confirm and the import task
          (bulk-writes the checked rows); Celery eager, as a worker would run them.
  bulk    the floor: the same CSV read with the csv module, a Booking (and feedback) built per
          row with the look-ups any caller needs, bulk_create in batches of 1,000 in one
          transaction; no checks.

Both read the same generated CSV file. Times and peaks are reported per run and as ratios
(upload / bulk, medians), with the load average, on SQLite (a file in the temporary directory)
and on PostgreSQL (its own database, created and dropped here: bench_imp on 127.0.0.1 unless
BENCH_PG_URL names another). Targets: time ratio at most 2, peak memory ratio at most 1.5.

    .venv/bin/python bench/training_import.py [--rows N] [--rounds N] [--db sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import CACHE, figure, ratio, source_key, work_dir  # noqa: E402

WORK = work_dir("training-import")
SESSIONS = 200
STATUSES = ("Attended", "Attended", "Attended", "Did not attend", "Cancelled", "Booked")
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
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_imp")
TIME_TARGET, MEMORY_TARGET = 2.0, 1.5


# The child: one measured run in a fresh process ------------------------------------------


def _peak_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _django(database_url: str, media: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_MEDIA_ROOT"] = media
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # the eager task's "succeeded" lines are not the benchmark


def _world():
    """Migrate and make the partnership, period, agencies and sessions (once per database)."""
    import datetime
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from agencies.models import Agency, AgencyKind
    from partnership.models import Partnership, ReportingPeriod
    from people.models import Membership, Role
    from training.models import Course, CourseSession

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
    CourseSession.objects.bulk_create(
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
    manager = get_user_model().objects.create_user(username="bench-manager", email="bench@example.org")
    Membership.objects.create(user=manager, partnership=partnership, role=Role.BUSINESS_MANAGER)


def _clear():
    """Empty the tables with plain DELETEs: Django's cascading delete would load every row and
    count towards this process's peak memory, which must be the measured run's alone."""
    from django.db import connection

    from training.models import Booking, FeedbackResponse, ImportJob

    with connection.cursor() as cursor:
        for model in (FeedbackResponse, Booking, ImportJob):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - a table name, not input


def _upload(path: Path) -> dict:
    from django.contrib.auth import get_user_model

    from partnership.models import ReportingPeriod
    from training.models import ImportStatus
    from training.services import booking_import_confirm, booking_import_start

    manager = get_user_model().objects.get(username="bench-manager")
    period = ReportingPeriod.objects.select_related("partnership").get(slug="2019-20")
    job = booking_import_start(user=manager, period=period, name="bookings.csv", raw=path.read_bytes())
    job.refresh_from_db()
    assert job.status == ImportStatus.READY, job.errors[:3]
    job.period = period
    booking_import_confirm(user=manager, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors[:3]
    return {"new": job.new_rows}


def _bulk(path: Path) -> dict:
    from django.db import transaction

    from agencies.models import Agency
    from partnership.models import ReportingPeriod
    from training.models import Booking, CourseSession, FeedbackResponse
    from training.resources import STATUS_WORDS

    period = ReportingPeriod.objects.get(slug="2019-20")
    sessions = {s.reference: s.pk for s in CourseSession.objects.filter(period=period)}
    agencies = {a.name: a.pk for a in Agency.objects.filter(partnership_id=period.partnership_id)}
    bookings, feedback = [], []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            agency = agencies.get(row["Organisation"])
            booking = Booking(
                session_id=sessions[row["Event ID"].lower()],
                delegate_name=row["Delegate Name"],
                email=row["Email"].lower(),
                agency_id=agency,
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
    return {"new": len(bookings)}


def child(kind: str, database_url: str, path: Path, media: str) -> None:
    _django(database_url, media)
    if kind == "world":
        _world()
        return
    _clear()
    from training.models import Booking, FeedbackResponse

    began = time.perf_counter()
    figures = (_upload if kind == "upload" else _bulk)(path)
    seconds = time.perf_counter() - began
    figures |= {"bookings": Booking.objects.count(), "feedback": FeedbackResponse.objects.count()}
    print(json.dumps({"seconds": seconds, "peak_kib": _peak_kib(), **figures}))


# The parent: the file, the databases, the alternation and the report ---------------------


def write_csv(path: Path, count: int) -> None:
    import datetime

    dates = [
        (datetime.date(2019, 4, 2) + datetime.timedelta(days=i)).strftime("%d/%m/%Y 10:30") for i in range(SESSIONS)
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(count):
            i = n % SESSIONS
            status = STATUSES[n % len(STATUSES)]
            attended = status == "Attended"
            feedback = attended and n % 5 == 0
            writer.writerow(
                (
                    f"EV-{i}",
                    "Course",
                    dates[i],  # the session's own date (sessions start 2 April 2019, one a day)
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


def _postgres(action: str) -> None:
    import psycopg2

    base, name = PG_URL.rsplit("/", 1)
    connection = psycopg2.connect(base + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if action == "create":
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def run(kind: str, database_url: str, path: Path, media: str) -> dict:
    load = os.getloadavg()[0]
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--url", database_url, "--csv", str(path), "--media", media],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1]) if kind != "world" else {}
    return figures | {"load": load}


def bench(database: str, rows: int, rounds: int, path: Path) -> bool:
    if database == "sqlite":
        db_file = WORK / "bench.sqlite3"
        db_file.unlink(missing_ok=True)
        url = f"sqlite:///{db_file}"
    else:
        _postgres("create")
        url = PG_URL
    media = tempfile.mkdtemp(prefix="media-", dir=WORK)
    try:
        if database == "sqlite":
            # The migrated world is kept while the code is unchanged: migrating is not what is measured.
            world = CACHE / f"import-world-{source_key(Path(__file__))}.sqlite3"
            if not world.exists():
                run("world", url, path, media)
                shutil.copyfile(db_file, world)
            shutil.copyfile(world, db_file)
        else:
            run("world", url, path, media)
        results: dict[str, list[dict]] = {"upload": [], "bulk": []}
        order = ("upload", "bulk")
        for n in range(rounds):
            for kind in order if n % 2 == 0 else order[::-1]:
                figures = run(kind, url, path, media)
                assert figures["bookings"] == rows, figures
                results[kind].append(figures)
                print(
                    f"  {database:8} {kind:6} {figures['seconds']:7.2f} s  peak {figures['peak_kib'] / 1024:7.1f} MiB"
                    f"  (load {figures['load']:.2f})",
                    flush=True,
                )
    finally:
        shutil.rmtree(media, ignore_errors=True)
        if database == "sqlite":
            db_file.unlink(missing_ok=True)
        else:
            _postgres("drop")
    seconds = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    peaks = {k: statistics.median(r["peak_kib"] for r in v) for k, v in results.items()}
    time_ratio = ratio([r["seconds"] for r in results["upload"]], [r["seconds"] for r in results["bulk"]])
    memory_ratio = ratio([r["peak_kib"] for r in results["upload"]], [r["peak_kib"] for r in results["bulk"]])
    feedback = results["upload"][0]["feedback"]
    met = time_ratio.median <= TIME_TARGET and memory_ratio.median <= MEMORY_TARGET
    print(
        f"{database}: {rows:,} rows ({feedback:,} with feedback), {rounds} alternating round(s), medians: "
        f"upload path {seconds['upload']:.2f} s / {peaks['upload'] / 1024:.0f} MiB, "
        f"bulk_create {seconds['bulk']:.2f} s / {peaks['bulk'] / 1024:.0f} MiB"
    )
    figure(
        f"  ratio upload/bulk_create (median, lowest-highest, of each round's pair): time {time_ratio} "
        f"(target <= {TIME_TARGET}), peak RSS {memory_ratio} (target <= {MEMORY_TARGET}) -> "
        f"{'met' if met else 'NOT met'}"
    )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="20,000 rows, one round each")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--media", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, Path(args.csv), args.media)
        return
    rows, rounds = (20_000, 1) if args.quick else (args.rows, args.rounds)
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"bookings-{rows}.csv"
    write_csv(path, rows)
    print(f"{rows:,} booking rows in {path} ({path.stat().st_size / 1024 / 1024:.1f} MB)", flush=True)
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    try:
        met = [bench(database, rows, rounds, path) for database in databases]
    finally:
        path.unlink(missing_ok=True)
    sys.exit(0 if all(met) else 1)


if __name__ == "__main__":
    main()
