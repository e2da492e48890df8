"""Benchmark: the report preview, warm and cold, against a constant signed-in view.

Loads the demo (Dudley 2019/20, 32 sections in its outline) into its own SQLite database under the
system temporary directory, then builds two larger outlines in the same partnership
(300 and 1,000 sections, made from the demo's sections with their text, tables and
charts made unique per section, a programme of a course per three sections, and the
computed blocks) and measures, in one process through Django's full request stack:

- cold: the first preview after the store of rendered sections and charts, the pieces the
  process holds and the kept computed blocks are emptied;
- warm: requests per second of the preview at each size and of a trivial signed-in view
  (the same middleware, a login_required view returning a constant), alternating in
  rounds so drift in the machine's load hits all alike, as ratios, with the load average.

Each figure is printed with the load average beside it; a ratio is the median (lowest-highest)
of each round's pair. The data is built once and copied from the same folder while the
portal's code and this file are unchanged (--fresh builds it again). --quick: two rounds of
0.7 s.

Goals (issue 12): a warm preview at 300 sections within 3 x the demo's warm preview; at
demo size at least 0.1 x the constant view's rate; queries the same at every size. The
exit status is 1 when one is not met.

    .venv/bin/python bench/preview.py [--quick] [--seconds 2] [--rounds 3] [--fresh]
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cached, demo_database, figure, mfa_enrol, ratio, work_dir  # noqa: E402

WORK = work_dir("preview")
ENV = {
    "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
    "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    "DJANGO_STATIC_ROOT": str(WORK / "static"),
    "DEMO_PASSWORD": "bench-password-not-secret",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
    "REDIS_URL": "",
    "CELERY_TASK_ALWAYS_EAGER": "1",
}
CONSTANT_PATH = "/bench/constant/"
SIZES = (300, 1000)

# The bench's URLconf: the portal's own, plus one trivial signed-in view to compare against.
urlpatterns: list = []


def setup_django() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ.update(ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import include, path

    urlpatterns[:] = [
        path(CONSTANT_PATH.strip("/") + "/", login_required(lambda request: HttpResponse("constant"))),
        path("", include("config.urls")),
    ]
    settings.ROOT_URLCONF = __name__
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    (WORK / "static").mkdir()


def load_demo(*, fresh: bool):
    from partnership.models import ReportingPeriod

    print(demo_database(WORK / "bench.sqlite3", WORK / "media", fresh=fresh), flush=True)
    return ReportingPeriod.objects.select_related("partnership").get(partnership__slug="dudley", slug="2019-20")


def build_outline(demo_period, size: int):
    """A period of the demo's partnership with `size` sections cycled from the demo's, each made unique."""
    from partnership.models import ReportingPeriod
    from reports.models import Section, SectionRevision, SectionSpec, SectionState

    year = 2030 + size % 97
    period = ReportingPeriod.objects.create(
        partnership=demo_period.partnership, label=f"Bench {size}", slug=f"bench-{size}",
        start=datetime.date(year, 4, 1), end=datetime.date(year + 1, 3, 31),
        submission_deadline=datetime.date(year + 1, 6, 30),
    )  # fmt: skip
    sources = list(
        SectionSpec.objects.filter(period=demo_period)
        .select_related("section__current_revision", "section__approved_revision")
        .order_by("position")
    )
    specs = SectionSpec.objects.bulk_create(
        [
            SectionSpec(
                period=period,
                slug=f"b{n}",
                position=n + 1,
                title=f"{source.title} ({n})",
                level=source.level,
                kind=source.kind,
                owner_agency_id=source.owner_agency_id,
                author=source.author,
                themes=source.themes,
                computed_block=source.computed_block if n < len(sources) else None,
                guidance=source.guidance,
            )  # fmt: skip
            for n, source in enumerate(sources[n % len(sources)] for n in range(size))
        ]
    )
    sections = Section.objects.bulk_create([Section(spec=spec) for spec in specs])
    revisions, states = [], []
    for n, section in enumerate(sections):
        source = getattr(sources[n % len(sources)], "section", None)
        revision = source.current_revision if source is not None else None
        if revision is None:
            revisions.append(None)
            states.append(SectionState.NOT_STARTED)
            continue
        revisions.append(SectionRevision(section=section, number=1, author_id=revision.author_id,
                                         content=unique_content(revision.content, n)))  # fmt: skip
        states.append(source.state)
    SectionRevision.objects.bulk_create([r for r in revisions if r is not None])
    for section, revision, state in zip(sections, revisions, states, strict=True):
        section.state = state
        section.current_revision = revision
        section.approved_revision = revision if state == SectionState.APPROVED else None
    Section.objects.bulk_update(sections, ["state", "current_revision", "approved_revision"])
    build_programme(period, courses=size // 3)
    return period


def unique_content(content: dict, n: int) -> dict:
    tables = [{**table, "title": f"{table['title']} ({n})"} for table in content.get("tables", [])]
    return {**content, "narrative": f"{content.get('narrative', '')}\n\nSection {n} of the bench.", "tables": tables}


def build_programme(period, *, courses: int) -> None:
    from django.utils import timezone

    from training.models import Booking, BookingStatus, Course, CourseSession

    made = Course.objects.bulk_create(
        [
            Course(
                partnership=period.partnership,
                slug=f"{period.slug}-course-{n}",
                title=f"Course {n:04d} ({period.label})",
                duration_hours=3,
                joint_with_adults=n % 4 == 0,
            )  # fmt: skip
            for n in range(courses)
        ]
    )
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time(10)))
    sessions = CourseSession.objects.bulk_create(
        [
            CourseSession(
                course=course,
                period=period,
                reference=f"{course.slug}-1",
                starts_at=start,
                venue="Council House",
                places_offered=20,
            )  # fmt: skip
            for course in made
        ]
    )
    statuses = [BookingStatus.ATTENDED] * 4 + [BookingStatus.DID_NOT_ATTEND]
    Booking.objects.bulk_create(
        [
            Booking(
                session=session,
                delegate_name=f"Delegate {k}",
                email=f"d{k}@example.org",
                organisation_text=f"Organisation {k % 7}",
                status=statuses[(k + n) % 5],
            )  # fmt: skip
            for n, session in enumerate(sessions)
            for k in range(1 + n % 6)
        ]
    )


def signed_in_client():
    from django.test import Client

    from people.models import Membership, Role

    manager = Membership.objects.filter(partnership__slug="dudley", role=Role.BUSINESS_MANAGER).first().user
    mfa_enrol([manager])
    client = Client()
    client.force_login(manager)
    return client


def get(client, path: str) -> bytes:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return response.content


def rate(client, path: str, seconds: float) -> float:
    """Requests per second over about `seconds` (at least three requests)."""
    count, start = 0, time.perf_counter()
    while count < 3 or time.perf_counter() - start < seconds:
        get(client, path)
        count += 1
    return count / (time.perf_counter() - start)


def queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get(client, path)
    return len(captured.captured_queries)


def cold(client, path: str) -> tuple[float, int]:
    """Seconds and queries of the first preview after the store is emptied."""
    from django.core.cache import cache

    from reports.fragments import fragments_held_clear
    from reports.models import RenderedFragment

    RenderedFragment.objects.all().delete()
    fragments_held_clear()
    cache.clear()  # the computed blocks kept by reports.block_cache
    start = time.perf_counter()
    count = queries(client, path)
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="two short rounds")
    parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per view per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="load the demo again even if the code is unchanged")
    args = parser.parse_args()
    seconds, rounds = (0.7, 2) if args.quick else (args.seconds, args.rounds)
    began = time.perf_counter()
    setup_django()
    from django.urls import reverse

    def build() -> None:
        demo = load_demo(fresh=args.fresh)
        for size in SIZES:
            build_outline(demo, size)

    print(cached("preview", WORK / "bench.sqlite3", WORK / "media", build, fresh=args.fresh), flush=True)
    from partnership.models import ReportingPeriod
    from reports.models import SectionSpec

    periods = {"demo": ReportingPeriod.objects.get(partnership__slug="dudley", slug="2019-20")}
    for size in SIZES:
        periods[str(size)] = ReportingPeriod.objects.get(partnership__slug="dudley", slug=f"bench-{size}")

    paths = {name: reverse("reports:report_preview", args=["dudley", p.slug]) for name, p in periods.items()}
    sections = {name: SectionSpec.objects.filter(period=p).count() for name, p in periods.items()}
    client = signed_in_client()
    get(client, CONSTANT_PATH)

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print("\ncold preview (store emptied first), each against the constant view's time just before it:")
    for name, path in paths.items():
        reference = 1 / rate(client, CONSTANT_PATH, seconds)
        seconds_cold, count = cold(client, path)
        figure(
            f"  {name:>5} ({sections[name]:>4} sections): {seconds_cold * 1000:8.0f} ms, {count} queries, "
            f"{seconds_cold / reference:,.0f} x the constant view's {reference * 1000:.1f} ms"
        )
    for path in paths.values():
        get(client, path)  # every size warm
    warm_queries = {name: queries(client, path) for name, path in paths.items()}

    times: dict[str, list[float]] = {name: [] for name in ["constant", *paths]}
    for _ in range(rounds):  # alternate, so drift in the machine's load hits every view alike
        times["constant"].append(1 / rate(client, CONSTANT_PATH, seconds))
        for name, path in paths.items():
            times[name].append(1 / rate(client, path, seconds))
    print(f"\nwarm, {rounds} alternating round(s) of {seconds:g} s per view; ratios are the median (lowest-highest)"
          " of each round's pair")  # fmt: skip
    figure(f"  constant signed-in view: {statistics.median(times['constant']) * 1000:7.1f} ms")
    for name in paths:
        speed = ratio(times["constant"], times[name]).format(3)
        figure(
            f"  preview {name:>5} ({sections[name]:>4} sections): {statistics.median(times[name]) * 1000:7.1f} ms, "
            f"{warm_queries[name]} queries; rate {speed} x the constant view's; "
            f"time {ratio(times[name], times['demo'])} x the demo's"
        )
    growth = ratio(times["300"], times["demo"]).median
    speed = ratio(times["constant"], times["demo"]).median
    same = len(set(warm_queries.values())) == 1
    print("\ngoals: 300 within 3 x demo's time:", "met" if growth <= 3 else "NOT met")
    print("       demo at least 0.1 x constant:", "met" if speed >= 0.1 else "NOT met")
    print("       queries the same at every size:", "met" if same else "NOT met")
    print(f"\n(took {time.perf_counter() - began:.0f} s)")
    if not (growth <= 3 and speed >= 0.1 and same):
        sys.exit(1)


if __name__ == "__main__":
    main()
