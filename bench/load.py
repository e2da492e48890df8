"""Load test: 50 people at once against the production stack, with one PDF made during the run.

Sets up a fresh PostgreSQL database (portal_load unless --database says otherwise) with the
migrations and the demo (Dudley 2019/20, version 1 published and its PDF made), then starts
the production shape on this machine only: gunicorn with production settings (DEBUG off, a
random secret key, whitenoise serving the collected static files), a real Celery worker on
Redis (db 8 unless --redis says otherwise), and runs locust headless for a bounded time
(bench/locustfile.py: public readers, agency leads saving sections, scrutineers on diffs,
business managers on dashboards, and one correction published, whose PDF the worker makes
while the others go on).

Prints, per page type: requests, errors, p50/p95/p99 (ms), then the load average, and exits
non-zero if any request failed or the PDF was not made. Every process it started is
stopped, even on failure; the database is dropped at the end (--keep to keep it).

The site is plain HTTP on loopback; the client sends `X-Forwarded-Proto: https`, which the
production settings trust (SECURE_PROXY_SSL_HEADER), as they would from the TLS proxy in
front of gunicorn, so secure cookies, CSRF's origin check and HSTS work as in production and
nothing in the product is switched off for the test.

    .venv/bin/python bench/load.py [--quick] [--users 50] [--seconds 75] [--database portal_load]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "load-password-not-secret"
PARTNERSHIP, PERIOD = "dudley", "2019-20"
# The page types of the summary, in this order; locust names each request with one of them.
PAGE_ORDER = [
    "public: report latest", "public: report version", "public: versions list", "public: PDF",
    "sign-in: form", "sign-in", "sign-in: two-factor form", "sign-in: two-factor code", "home",
    "section", "section: edit form", "section: save", "section: submit", "section: approve",
    "section: history", "section: diff", "report: preview", "report status", "report: sign-off",
    "report: publish", "report: PDF progress", "dashboard: sections", "dashboard: reviews", "audit log",
    "PDF made (publish to ready)",
]  # fmt: skip


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 30-second run instead of 75 seconds")
    parser.add_argument("--seconds", type=int, help="how long locust runs (default 75, or 30 with --quick)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10, help="users started per second")
    parser.add_argument("--database", default=os.environ.get("LOAD_DATABASE", "portal_load"))
    parser.add_argument(
        "--server", default=os.environ.get("LOAD_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without the database name",
    )  # fmt: skip
    parser.add_argument("--redis", default=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/8"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8171")))
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database and the work folder afterwards")
    parser.add_argument("--prepare", metavar="PLAN", help=argparse.SUPPRESS)  # internal: see prepare()
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 30 if args.quick else 75
    return args


# --- The database and the demo -------------------------------------------------------------------------------------


def database_recreate(server: str, name: str, *, create: bool = True) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def redis_flush(url: str) -> None:
    """Empty the test's own Redis database: no task or cache entry of an earlier run survives into this one."""
    import redis

    redis.Redis.from_url(url).flushdb()


def production_env(args, work: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{args.server}/{args.database}",
        REDIS_URL=args.redis,
        DJANGO_MEDIA_ROOT=str(work / "media"),
        DJANGO_STATIC_ROOT=str(work / "static"),
        DEMO_PASSWORD=PASSWORD,
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def step(what: str, started: float) -> None:
    print(f"  {time.monotonic() - started:5.0f} s  {what}", flush=True)


def manage(env: dict, *arguments: str, log: Path) -> None:
    with log.open("a") as out:
        out.write(f"== manage.py {' '.join(arguments)}\n")
        out.flush()
        subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, stdout=out, stderr=out, check=True)


def prepare(plan_path: str) -> None:
    """In the load database only (run with its environment): accounts for each simulated person, and the plan.

    Every simulated business manager and scrutineer has an account of their own with two-factor sign-in
    (a one-time code is accepted once per account, so two people cannot share one); agency leads are the
    demo's, each given a section of their agency to write, so no two people save the same section.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from agencies.models import REQUIRED_SIGNATORIES
    from partnership.models import ReportingPeriod
    from people.models import Membership, Role
    from reports.models import Section

    plan = json.loads(Path(plan_path).read_text())
    period = ReportingPeriod.objects.select_related("partnership").get(partnership__slug=PARTNERSHIP, slug=PERIOD)
    partnership = period.partnership
    User = get_user_model()
    hashed = make_password(PASSWORD)  # hashed once: the same password for every load account
    created = {}
    for role, prefix in ((Role.BUSINESS_MANAGER, "load-manager"), (Role.SCRUTINEER, "load-scrutineer")):
        names = [f"{prefix}-{n}" for n in range(1, plan["accounts_per_role"] + 1)]
        for username in names:
            user = User.objects.create(username=username, email=f"{username}@load.invalid", password=hashed,
                                       first_name="Load", last_name=username.rsplit("-", 1)[-1])  # fmt: skip
            Membership.objects.create(user=user, partnership=partnership, role=role)
        created[role] = names
    mfa_enrol(["manager", "scrutineer", *created[Role.BUSINESS_MANAGER], *created[Role.SCRUTINEER]], plan["totp"])

    sections = list(
        Section.objects.filter(spec__period=period, spec__owner_agency__isnull=False)
        .select_related("spec__owner_agency")
        .order_by("spec__position")
    )
    statutory = {
        agency.statutory_role: f"lead-{agency.slug}"
        for agency in partnership.agencies.exclude(statutory_role="")
        if agency.statutory_role in REQUIRED_SIGNATORIES
    }
    la_lead = statutory[REQUIRED_SIGNATORIES[0]]
    # The correction: a section of the local authority's, whose lead also signs off.
    correction = next(s for s in sections if f"lead-{s.spec.owner_agency.slug}" == la_lead)
    plan.update(
        partnership=PARTNERSHIP,
        period=PERIOD,
        password=PASSWORD,
        managers=created[Role.BUSINESS_MANAGER],
        scrutineers=created[Role.SCRUTINEER],
        leads=[
            {"username": f"lead-{s.spec.owner_agency.slug}", "section": s.spec.slug}
            for s in sections
            if s != correction
        ],  # fmt: skip
        publisher={
            "manager": "manager",
            "writer": la_lead,
            "section": correction.spec.slug,
            "signatories": sorted(set(statutory.values())),
        },
        readable_sections=[s.spec.slug for s in sections],
    )
    Path(plan_path).write_text(json.dumps(plan, indent=2))


def mfa_enrol(usernames: list[str], secret: str) -> None:
    """Two-factor sign-in (an authenticator app, TOTP) for these accounts, with a secret the load test knows.

    Whether or not the portal requires two-factor sign-in for a role, an enrolled account is asked for its
    code at every sign-in, so the simulated sign-in meets the code page and answers it
    (bench/locustfile.py, `two_factor_answer`).
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(username__in=usernames):
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, secret)


# --- Processes -----------------------------------------------------------------------------------------------------


class Processes:
    """Every process the run starts, each in its own process group, stopped together at the end."""

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], *, env: dict, log: Path) -> subprocess.Popen:
        out = log.open("w")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        out.close()
        self.started.append((name, process))
        return process

    def stop_all(self) -> None:
        for _, process in reversed(self.started):
            self._signal(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, process in reversed(self.started):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in time; killing it.", file=sys.stderr)
                self._signal(process, signal.SIGKILL)
                process.wait(timeout=10)
        # Children left behind in a group (a worker's pool process) are ended with it.
        for _, process in self.started:
            self._signal(process, signal.SIGKILL)
        self.started.clear()

    @staticmethod
    def _signal(process: subprocess.Popen, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)


def wait_for(what: str, check, *, seconds: float, processes: list[subprocess.Popen] = ()) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a process it needs stopped (exit {process.returncode}); see the logs.")
        if check():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{what}: not after {seconds:.0f} s.")


def site_up(port: int) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def pdf_state(dsn: str, number: int) -> str | None:
    import psycopg2

    connection = psycopg2.connect(dsn)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.pdf_state FROM reports_publishedreport r JOIN partnership_reportingperiod p ON p.id = "
                "r.period_id JOIN partnership_partnership s ON s.id = p.partnership_id WHERE s.slug = %s AND "
                "p.slug = %s AND r.number = %s",
                [PARTNERSHIP, PERIOD, number],
            )
            row = cursor.fetchone()
    finally:
        connection.close()
    return row[0] if row else None


class LoadSampler(threading.Thread):
    """The one-minute load average, read every two seconds while locust runs; keeps the highest."""

    def __init__(self):
        super().__init__(daemon=True)
        self.highest = 0.0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(2):
            self.highest = max(self.highest, os.getloadavg()[0])


# --- The summary ---------------------------------------------------------------------------------------------------


def summary(stats_csv: Path) -> tuple[list[dict], dict]:
    rows, total = [], {}
    with stats_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            entry = {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50": row["50%"],
                "p95": row["95%"],
                "p99": row["99%"],
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                rows.append(entry)
    order = {name: i for i, name in enumerate(PAGE_ORDER)}
    rows.sort(key=lambda r: (order.get(r["name"], len(order)), r["name"]))
    return rows, total


def print_table(rows: list[dict], total: dict) -> None:
    width = max([len(r["name"]) for r in rows] + [20])
    header = f"{'page type':<{width}} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    print(header)
    print("-" * len(header))
    for r in [*rows, {**total, "name": "all"}] if total else rows:
        print(f"{r['name']:<{width}} {r['requests']:>8} {r['errors']:>6} {r['p50']:>7} {r['p95']:>7} {r['p99']:>7}")


def failures(failures_csv: Path) -> list[str]:
    if not failures_csv.exists():
        return []
    with failures_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [f"{row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error']}" for row in rows]


def locust_error_report(log: Path) -> list[str]:
    """The failures in locust's own closing report (it has the requests that ended while the users stopped)."""
    lines = log.read_text().splitlines() if log.exists() else []
    start = next((i for i, line in enumerate(lines) if line.strip() == "Error report"), None)
    if start is None:
        return []
    report = []
    for line in lines[start + 3 :]:  # after the header and its rule
        if not line.strip() or line.startswith("-"):
            break
        report.append(" ".join(line.split()))
    return report


def exceptions(exceptions_csv: Path) -> list[str]:
    """Exceptions raised in the simulated people's code (a page without the form they expected, for one)."""
    if not exceptions_csv.exists():
        return []
    with exceptions_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [f"{row['Count']} x exception: {row['Message']}" for row in rows]


# --- The run -------------------------------------------------------------------------------------------------------


def run(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="portal-load-"))
    logs = work / "logs"
    logs.mkdir()
    env = production_env(args, work)
    processes = Processes()
    started, ok = time.monotonic(), False
    print(f"Work folder {work}; database {args.database}; Redis {args.redis}; site http://127.0.0.1:{args.port}")
    try:
        database_recreate(args.server, args.database)
        redis_flush(args.redis)
        setup_log = logs / "setup.log"
        # Static files are collected while the database is built: neither needs the other.
        static = processes.start(
            "collectstatic", [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env=env,
            log=logs / "collectstatic.log",
        )  # fmt: skip
        manage(env, "migrate", "--no-input", "-v0", log=setup_log)
        step("migrated", started)
        manage(env, "load_demo", log=setup_log)
        step("demo loaded", started)
        # The worker and gunicorn start while version 1 is published and the accounts made.
        worker = processes.start(
            "worker",
            [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1",
             "--without-gossip", "--without-mingle"],
            env=env, log=logs / "worker.log",
        )  # fmt: skip
        if static.wait(timeout=120):
            raise RuntimeError(f"collectstatic failed; see {logs / 'collectstatic.log'}")
        gunicorn = processes.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{args.port}",
             "--workers", str(args.gunicorn_workers), "--access-logfile", str(logs / "access.log"),
             "--access-logformat", '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'],
            env=env, log=logs / "gunicorn.log",
        )  # fmt: skip
        manage(env, "publish_report", PARTNERSHIP, PERIOD, "--if-unpublished", log=setup_log)
        step("version 1 published", started)
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps({"accounts_per_role": args.users, "totp": totp_secret()}))
        plan_path.chmod(0o600)
        subprocess.run([sys.executable, __file__, "--prepare", str(plan_path)], cwd=ROOT, env=env, check=True)
        step("accounts made, two-factor enrolled", started)
        wait_for("gunicorn answering", lambda: site_up(args.port), seconds=90, processes=[gunicorn])
        step("gunicorn answering", started)
        dsn = env["DATABASE_URL"]
        wait_for("version 1's PDF made by the worker", lambda: pdf_state(dsn, 1) == "ready", seconds=180,
                 processes=[worker])  # fmt: skip
        step("version 1's PDF made by the worker", started)
        print(f"Set up in {time.monotonic() - started:.0f} s. Locust: {args.users} users for {args.seconds} s.")

        prefix = work / "locust"
        sampler = LoadSampler()
        sampler.start()
        locust = processes.start(
            "locust",
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s", "--stop-timeout", "15",
             "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING"],
            env={**env, "LOAD_PLAN": str(plan_path)}, log=logs / "locust.log",
        )  # fmt: skip
        try:
            code = locust.wait(timeout=args.seconds + 120)
        except subprocess.TimeoutExpired:
            raise RuntimeError("locust did not stop by itself in time") from None
        sampler.stopping.set()
        after = os.getloadavg()
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            raise RuntimeError(f"locust wrote no statistics (exit {code}); see {logs / 'locust.log'}")
        rows, total = summary(stats)
        print()
        print_table(rows, total)
        problems = failures(Path(f"{prefix}_failures.csv")) + exceptions(Path(f"{prefix}_exceptions.csv"))
        v2 = pdf_state(dsn, 2)
        if v2 in ("pending", "running"):  # published late in a short run: the worker is still making it
            wait_for("version 2's PDF", lambda: pdf_state(dsn, 2) in ("ready", "failed"), seconds=180,
                     processes=[worker])  # fmt: skip
            v2 = pdf_state(dsn, 2) + " (after the run)"
        print()
        print(f"Load average (1, 5, 15 min) at the end: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}; "
              f"highest 1-min during the run: {sampler.highest:.2f} on {os.cpu_count()} cores.")  # fmt: skip
        print(f"Version 2, published during the run: PDF {v2}." if v2 else
              "Version 2 was not published: the correction did not finish during the run.")  # fmt: skip
        errors = total.get("errors", 0)
        if problems:
            print("\nErrors:")
            for line in problems:
                print(f"  {line}")
        if code and not errors and not problems:  # failures counted after locust's last CSV write
            problems = locust_error_report(logs / "locust.log") or [f"locust exited {code}"]
            for line in problems:
                print(f"  {line}")
        ok = not errors and not problems and (v2 or "").startswith("ready") and code == 0
        print(
            f"Whole run {time.monotonic() - started:.0f} s; logs in {logs}"
            + (" (removed)" if ok and not args.keep else "")
        )
        if not ok:
            print(f"\nFAILED: {errors or len(problems)} error(s); locust exit {code}; version 2's PDF {v2}.")
            return 1
        print("\n0 errors.")
        return 0
    finally:
        processes.stop_all()
        redis_flush(args.redis)
        if not args.keep:
            database_recreate(args.server, args.database, create=False)
            if ok:
                shutil.rmtree(work, ignore_errors=True)


def totp_secret() -> str:
    import base64

    return base64.b32encode(secrets.token_bytes(20)).decode()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.prepare:
        prepare(args.prepare)
        return 0
    try:
        return run(args)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"Load test could not run: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
