"""Benchmark: every signed-in page at demo size and with ten years of data.

Loads the demo (Dudley 2019/20; a section's page in 2020/21, which has a year before it as
the tenth year has; signed in as its business manager `manager`) and, beside it, the
"tenyears" partnership of bench/tenyears.py (ten periods, 1,000 sections, 20,000 bookings,
900 review actions, 30,000 audit entries; its latest period; signed in as `ty-manager`).
Both managers have an authenticator app, as the portal requires of business managers. For
each page it prints the database queries at both sizes, the time at each size in multiples
of a constant signed-in view (a login-required view rendering the bare layout, added by a
URLconf override in this process only, never in the portal), and the ten-year time over the
demo-size time as a ratio with its spread, with the load average beside each line. The goal:
every page within 2x at ten years, with no more queries (a differing count says by how much).

Measured with an independent load tool: wrk against gunicorn (2 workers, production settings,
DEBUG off) on a port from 8261-8269, each page with its user's session cookie. With --quick,
measured in-process with Django's test client instead (no server, same pages and users), so
that `make bench QUICK=1` stays short. Pages, sizes and the constant view run alternately,
round after round.

Uses its own SQLite database and folders under the system temporary directory; the data is
built once and copied from there while the portal's code and tenyears.py are unchanged.

    .venv/bin/python bench/pages.py [--quick] [--rounds 3] [--seconds 3] [--fresh]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    CACHE,
    alternate,
    demo_database,
    figure,
    free_port,
    mfa_enrol,
    ratio,
    restore,
    save,
    source_key,
    timed,
    wait_for_port,
    work_dir,
)

WORK = work_dir("pages")
PORTS = range(8261, 8270)
PASSWORD = "bench-password-not-secret"
ENV = {
    "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
    "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    "DJANGO_STATIC_ROOT": str(WORK / "static"),
    "DEMO_PASSWORD": PASSWORD,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "REDIS_URL": "",
}
# The portal's own settings, unchanged (a settings module importing config.settings cannot be loaded:
# importing the config package reads the settings for Celery's schedule). Once Django is set up, this
# process and gunicorn's workers (both load bench_wsgi, written beside the database) route to the
# benchmark's URLconf, which adds the constant view, and keep static files under their plain names
# (no collectstatic, no manifest): the pages, not static files, are measured.
BENCH_WSGI = """import os

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django

django.setup()
from django.conf import settings

settings.ROOT_URLCONF = "bench_urls"
PLAIN = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN}
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""
BENCH_URLS = """from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as portal


@login_required
def constant(request):
    return render(request, "base.html", {})


urlpatterns = [path("bench/constant/", constant), *portal]
"""


def setup_django(*, fresh: bool) -> None:
    """Django set up on the benchmark's own database: the demo and ten years beside it, copied from the last
    run from the same code when there is one (`--fresh` builds it again)."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    (WORK / "bench_wsgi.py").write_text(BENCH_WSGI)
    (WORK / "bench_urls.py").write_text(BENCH_URLS)
    (WORK / "static").mkdir()
    sys.path.insert(0, str(WORK))
    os.environ.update(ENV)
    database, media = WORK / "bench.sqlite3", WORK / "media"
    key = source_key(ROOT / "bench" / "tenyears.py")
    restored = not fresh and restore("pages", key, database, media)
    import logging

    import bench_wsgi  # noqa: F401 - sets Django up with the benchmark's URLconf

    logging.disable(logging.WARNING)
    if restored:
        print(f"the demo and ten years as built earlier from the same code (in {CACHE}; --fresh builds them again)")
        return
    print(demo_database(database, media, fresh=fresh), flush=True)
    from bench import tenyears

    start, cpu = time.perf_counter(), time.process_time()
    tenyears.build(password=PASSWORD)
    print(f"ten years built in {time.perf_counter() - start:.1f} s (cpu {time.process_time() - cpu:.1f} s)", flush=True)
    save("pages", key, database, media)


def pages_of(partnership, period, agency, section_period, section_slug) -> dict[str, str]:
    """Every signed-in page the benchmark reads, by name, for one partnership."""
    from django.urls import reverse

    p, s = partnership.slug, period.slug
    return {
        "home": reverse("home"),
        "reviews dashboard": reverse("reviews:dashboard", args=[p]),
        "training index": reverse("training:courses", args=[p, s]),
        "reports dashboard": reverse("reports:dashboard", args=[p, s]),
        "report status": reverse("reports:report", args=[p, s]),
        "section edit": reverse("reports:section_edit", args=[p, section_period.slug, section_slug]),
        "audit log": reverse("partnership:audit", args=[p]),
        "people list": reverse("people:list", args=[p]),
        "agency page": reverse("agencies:detail", args=[p, agency.slug]),
    }


def sizes() -> dict[str, dict]:
    """For each size, the user signed in and the pages read."""
    from django.contrib.auth import get_user_model

    from agencies.models import Agency
    from bench import tenyears
    from partnership.models import ReportingPeriod
    from reports.models import SectionSpec

    # The demo's first year (2019/20, its training programme and reviews); its section page in the second
    # year (2020/21), which like the tenth year has a year before it (the page reads last year's text beside it).
    demo = ReportingPeriod.objects.select_related("partnership").get(partnership__slug="dudley", slug="2019-20")
    second = ReportingPeriod.objects.get(partnership__slug="dudley", slug="2020-21")
    demo_agency = Agency.objects.filter(partnership=demo.partnership).order_by("name").first()
    demo_section = (
        SectionSpec.objects.filter(period=second, author="business_manager", section__isnull=False)
        .exclude(kind="heading")
        .order_by("position")
        .first()
    )
    ten = tenyears.existing()
    manager = get_user_model().objects.get(username="manager")
    mfa_enrol([manager, ten.manager])
    return {
        "demo": {
            "user": manager,
            "pages": pages_of(demo.partnership, demo, demo_agency, second, demo_section.slug),
        },
        "10 years": {
            "user": ten.manager,
            "pages": pages_of(ten.partnership, ten.current_period, ten.agency, ten.current_period, "s1"),
        },
    }


def session_cookie(user) -> str:
    """A signed-in session for the user, stored where the portal keeps sessions, as a Cookie header."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def query_counts(clients: dict, table: dict) -> dict[tuple[str, str], int]:
    """Each page's queries at each size, after one request to warm it; fails on any answer but 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size, entry in table.items():
        for name, path in entry["pages"].items():
            clients[size].get(path, secure=True)
            with CaptureQueriesContext(connection) as queries:
                response = clients[size].get(path, secure=True)
            if response.status_code != 200:
                raise RuntimeError(f"{size} {name} ({path}) answered {response.status_code}, not 200.")
            counts[size, name] = len(queries)
    return counts


def in_process(clients: dict, table: dict, rounds: int, repeat: int) -> dict[str, list[float]]:
    """Seconds per request through Django's test client, every page and size alternating with the constant view."""
    runs = {"constant": lambda: timed(lambda: clients["demo"].get("/bench/constant/", secure=True), repeat)}
    for size, entry in table.items():
        for name, path in entry["pages"].items():
            runs[f"{size}|{name}"] = lambda c=clients[size], p=path: timed(lambda: c.get(p, secure=True), repeat)
    return alternate(runs, rounds=rounds)


def wrk_seconds(port: int, path: str, cookie: str, seconds: float) -> float:
    """Seconds per request (1 / wrk's requests per second), one connection per worker; fails on non-2xx answers."""
    command = ["wrk", "-t2", "-c2", f"-d{max(round(seconds), 1)}s", "-H", f"Cookie: {cookie}",
               "-H", "X-Forwarded-Proto: https", f"http://127.0.0.1:{port}{path}"]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True)
    output = run.stdout
    if run.returncode != 0:
        raise RuntimeError(f"wrk failed on {path}: {run.stderr or output}")
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"{path} gave answers other than 200 under wrk:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    if not rate:
        raise RuntimeError(f"{path} answered nothing within {seconds} s under wrk:\n{output}")
    return 1 / rate


def get(port: int, path: str, cookie: str) -> None:
    """One request, waiting for its answer however slow; fails on anything but 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Cookie": cookie, "X-Forwarded-Proto": "https", "Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status} from gunicorn, not 200.")


def served(table: dict, cookies: dict, rounds: int, seconds: float) -> dict[str, list[float]]:
    """Seconds per request from gunicorn under wrk, every page and size alternating with the constant view."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (or run with --quick, in-process).")
    port = free_port(PORTS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(WORK), str(ROOT)])}
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "bench_wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for_port(port)
        for size, entry in table.items():  # warm both workers on every page, and check each answers 200
            for path in ["/bench/constant/", *entry["pages"].values()] * 2:
                get(port, path, cookies[size])
        runs = {"constant": lambda: wrk_seconds(port, "/bench/constant/", cookies["demo"], seconds)}
        for size, entry in table.items():
            for name, path in entry["pages"].items():
                runs[f"{size}|{name}"] = lambda p=path, c=cookies[size]: wrk_seconds(port, p, c, seconds)
        return alternate(runs, rounds=rounds)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=60)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
            gunicorn.wait()


def report(table: dict, counts: dict, times: dict[str, list[float]], how: str) -> bool:
    """Print each page's figures; whether every page is within 2x at ten years with the same queries."""
    constant = times["constant"]
    print(f"\n{how}; constant view {statistics.median(constant) * 1000:.1f} ms per request")
    print(f"{'page':<19}{'queries':>9}{'demo ms':>9}{'x const':>9}{'10y ms':>9}{'x const':>9}"
          f"{'10y / demo (spread)':>22}  verdict")  # fmt: skip
    all_good = True
    for name in table["demo"]["pages"]:
        demo, ten = times[f"demo|{name}"], times[f"10 years|{name}"]
        growth = ratio(ten, demo)
        queries = f"{counts['demo', name]}/{counts['10 years', name]}"
        more = counts["10 years", name] - counts["demo", name]
        verdicts = []
        if growth.median > 2:
            verdicts.append("OVER 2x")
        if more > 0:
            verdicts.append(f"QUERIES GROW (+{more})")
        elif more < 0:
            verdicts.append(f"{-more} fewer queries at ten years")
        all_good &= growth.median <= 2 and more <= 0
        figure(
            f"{name:<19}{queries:>9}{statistics.median(demo) * 1000:>9.1f}{ratio(demo, constant).median:>9.2f}"
            f"{statistics.median(ten) * 1000:>9.1f}{ratio(ten, constant).median:>9.2f}{str(growth):>22}"
            f"  {', '.join(verdicts) or 'ok'}"
        )
    return all_good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="in-process with the test client, fewer rounds")
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 3, 4 with --quick)")
    parser.add_argument("--seconds", type=int, default=3, help="length of each wrk run, whole seconds")
    parser.add_argument("--fresh", action="store_true", help="build the data again even if the code is unchanged")
    args = parser.parse_args()
    setup_django(fresh=args.fresh)
    from django.test import Client

    table = sizes()
    clients = {}
    for size, entry in table.items():
        clients[size] = Client()
        clients[size].force_login(entry["user"])
    counts = query_counts(clients, table)
    if args.quick:
        times = in_process(clients, table, rounds=args.rounds or 4, repeat=2)
        how = "in-process, Django's test client (--quick: no server), 2 requests a round"
    else:
        cookies = {size: session_cookie(entry["user"]) for size, entry in table.items()}
        times = served(table, cookies, rounds=args.rounds or 3, seconds=args.seconds)
        how = f"gunicorn 2 workers, production settings, wrk 2 connections for {args.seconds:g} s a round"
    rounds = len(times["constant"])
    print(f"queries: demo/10 years; {rounds} alternating rounds; ratios are medians of each round's pair")
    all_good = report(table, counts, times, how)
    print("\nevery page within 2x of its demo-size time, with no more queries at ten years" if all_good else
          "\nSOME PAGE GROWS: see the verdicts above")  # fmt: skip
    if not all_good:
        sys.exit(1)


if __name__ == "__main__":
    main()
