"""Benchmark: assembling, rendering and serving the annual report.

For the demo report (Dudley 2019/20) and a synthetic report about ten times larger
(80 agencies, 300 sections), prints:
- assembly time and the database queries it used (the same count for both sizes);
- HTML render time;
- PDF time through the portal's task code against a bare WeasyPrint render of the same
  HTML with the same PDF/UA-1 variant (ratio; goal at most 1.2);
- throughput of the public report page against WhiteNoise serving the very same stored
  bytes as a static file (report.html with its .br and .gz beside it), measured with wrk
  (Debian package `wrk`, installed when missing and run as root) under one gunicorn with
  production settings (DEBUG off), for Accept-Encoding identity, br and gzip, in
  alternating runs with the load average beside each. Targets: brotli and identity at
  least 0.9 x the static file's requests per second; transfer size per response within
  10% of the static copy's.

Uses its own SQLite database and media folder under the system temporary directory,
never the development database; no Redis (the in-process cache serves the latest number).

    .venv/bin/python bench/report.py [--seconds 5] [--rounds 3] [--connections 8] [--port 8221] [--serve-only]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import demo_database, figure, work_dir  # noqa: E402
from bench.common import ratio as paired  # noqa: E402

WORK = work_dir("report")
ENV = {
    "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
    "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    "DJANGO_STATIC_ROOT": str(WORK / "static"),
    "DEMO_PASSWORD": "bench-password-not-secret",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "REDIS_URL": "",
}


def setup_django() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ.update(ENV)
    import django

    django.setup()
    print(demo_database(WORK / "bench.sqlite3", WORK / "media"), flush=True)


def timed(function, repeat: int = 3):
    """(median seconds, last result) over `repeat` runs."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def publish_demo():
    from io import StringIO

    from django.core.management import call_command

    call_command("publish_report", "dudley", "2019-20", "--if-unpublished", stdout=StringIO())
    from partnership.models import ReportingPeriod

    return ReportingPeriod.objects.select_related("partnership").get(partnership__slug="dudley", slug="2019-20")


WORDS = [
    "partners", "worked", "together", "to", "keep", "children", "safe", "through", "early", "help",
    "assessments", "multi-agency", "meetings", "audits", "training", "supervision", "and", "learning",
    "from", "practice", "reviews", "across", "the", "borough",
]  # fmt: skip


def paragraph(seed: int, words: int = 120) -> str:
    return " ".join(WORDS[(seed + i * 7) % len(WORDS)] for i in range(words)).capitalize() + "."


def build_synthetic():
    """A partnership of 80 agencies and an outline of 300 approved sections, signed off."""
    from django.contrib.auth import get_user_model

    from agencies.models import Agency, AgencyKind, FundingContribution, Representative, StatutoryRole
    from partnership.models import Partnership, ReportingPeriod
    from people.models import Membership, Role
    from reports.checklist import statutory_checklist
    from reports.models import Section, SectionRevision, SectionSpec, SectionState
    from reports.publishing import report_sign_off

    User = get_user_model()
    partnership = Partnership.objects.create(name="Synthetic Partnership", short_name="SYN", slug="synthetic", area="X")
    period = ReportingPeriod.objects.create(
        partnership=partnership, label="2024/25", slug="2024-25", start=datetime.date(2024, 4, 1),
        end=datetime.date(2025, 3, 31), submission_deadline=datetime.date(2025, 6, 30),
    )  # fmt: skip
    manager = User.objects.create_user("syn-manager", password="x")
    Membership.objects.create(user=manager, partnership=partnership, role=Role.BUSINESS_MANAGER)
    roles = [StatutoryRole.LOCAL_AUTHORITY, StatutoryRole.HEALTH, StatutoryRole.POLICE]
    agencies = []
    for n in range(80):
        statutory = roles[n] if n < 3 else ""
        agencies.append(
            Agency.objects.create(
                partnership=partnership,
                name=f"Agency {n:02d}",
                short_name=f"A{n:02d}",
                slug=f"agency-{n:02d}",
                kind=AgencyKind.STATUTORY_PARTNER if statutory else AgencyKind.RELEVANT_AGENCY,
                statutory_role=statutory,
            )  # fmt: skip
        )
        Representative.objects.create(agency=agencies[-1], role_title="Safeguarding lead")
        FundingContribution.objects.create(agency=agencies[-1], period=period, amount=1000 + n)
    codes = list(statutory_checklist())
    table = {
        "title": "Referrals by source",
        "columns": ["Source", "Area", "Region", "England"],
        "rows": [[f"Source {i}", f"{i + 3}.1%", f"{i + 2}%", f"{i + 1}.5%"] for i in range(8)],
        "source": "Synthetic",
        "chart": "bar",
    }
    for position in range(1, 301):
        level = 1 if position % 10 == 1 else 2
        owner = agencies[position % 80]
        spec = SectionSpec.objects.create(
            period=period, slug=f"s{position}", position=position, title=f"Section {position}", level=level,
            kind="agency", owner_agency=owner, author="agency", themes=[codes[position % len(codes)]],
            computed_block={2: "funding", 3: "membership", 4: "training", 5: "reviews"}.get(position),
        )  # fmt: skip
        content = {
            "narrative": "\n\n".join(paragraph(position + k) for k in range(3)),
            "key_achievements": "\n".join(f"- {paragraph(position + k, 15)}" for k in range(4)),
            "areas_for_development": "\n".join(f"- {paragraph(position + k, 12)}" for k in range(3)),
            "quotes": [],
            "tables": [table] if position % 25 == 0 else [],
        }
        section = Section.objects.create(spec=spec)
        revision = SectionRevision.objects.create(section=section, number=1, content=content, author=manager)
        Section.objects.filter(pk=section.pk).update(
            current_revision=revision, approved_revision=revision, state=SectionState.APPROVED
        )
    for agency in agencies[:3]:
        lead = User.objects.create_user(f"syn-lead-{agency.slug}", password="x")
        Membership.objects.create(user=lead, partnership=partnership, agency=agency, role=Role.AGENCY_LEAD)
        report_sign_off(user=lead, period=period, signatory_name=f"Director, {agency.name}")
    return period


def measure(period) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from reports.assembly import report_assemble
    from reports.rendering import report_html, report_pdf

    with CaptureQueriesContext(connection) as queries:
        report_assemble(period=period, preview=False)
    assemble_s, report = timed(lambda: report_assemble(period=period, preview=False))
    html_s, html = timed(lambda: report_html(report))
    pdf_s, pdf = timed(lambda: report_pdf(html), repeat=2)
    bare_s, _ = timed(lambda: HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"), repeat=2)
    return {
        "sections": sum(1 for e in report.entries if e.kind != "heading"),
        "queries": len(queries.captured_queries),
        "assemble_ms": assemble_s * 1000,
        "html_ms": html_s * 1000,
        "html_kb": len(html.encode()) / 1024,
        "pdf_s": pdf_s,
        "bare_pdf_s": bare_s,
        "pdf_ratio": pdf_s / bare_s,
        "pages": pdf.pages,
    }


WRK_LINE = re.compile(r"(\d+) requests in ([\d.]+)(ms|s|m), ([\d.]+)(B|KB|MB|GB) read")
UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
ENCODINGS = ("identity", "br", "gzip")


def ratio(values: list[float], baselines: list[float]) -> float:
    """The median of the paired ratios: each run against the baseline run beside it."""
    return statistics.median(v / b for v, b in zip(values, baselines, strict=True))


def wrk_available() -> str:
    """The wrk binary (Debian package `wrk`), installed with apt-get when missing and run as root."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        found = shutil.which("wrk")
    if found is None:
        sys.exit("wrk is missing: install the Debian package (apt-get install -y wrk) and run again.")
    return found


def wrk(binary: str, port: int, path: str, encoding: str, seconds: float, connections: int) -> dict:
    """Requests per second and bytes per response (headers and body, as wrk read them) for one run."""
    command = [
        binary, "-t2", f"-c{connections}", f"-d{seconds:g}s", "-H", f"Accept-Encoding: {encoding}",
        "-H", "X-Forwarded-Proto: https", f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = WRK_LINE.search(output)
    if match is None or "Non-2xx" in output:
        raise RuntimeError(f"wrk against {path} did not run cleanly:\n{output}")
    requests = int(match[1])
    duration = float(match[2]) * {"ms": 0.001, "s": 1, "m": 60}[match[3]]
    read = float(match[4]) * UNITS[match[5]]
    return {"rps": requests / duration, "bytes": read / requests, "load": os.getloadavg()[0]}


def response_size(port: int, path: str, encoding: str, timeout: float = 30) -> tuple[int, int, str]:
    """(header bytes, body bytes, Content-Encoding) of one response, read exactly."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("GET", path, headers={"Accept-Encoding": encoding, "X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200 or not body:
        raise RuntimeError(f"{path} answered {response.status}")
    headers = sum(len(f"{name}: {value}\r\n") for name, value in response.getheaders()) + len("HTTP/1.1 200 OK\r\n\r\n")
    return headers, len(body), response.getheader("Content-Encoding") or "identity"


def serve_and_compare(version, seconds: float, rounds: int, connections: int, port: int) -> dict:
    """Start gunicorn with production settings (DEBUG off, whitenoise), then load the public page and a static
    copy of the very same stored bytes (identity, .br and .gz beside it), alternating the two."""
    env = {
        **os.environ,
        **ENV,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    binary = wrk_available()
    subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    static_copy = Path(ENV["DJANGO_STATIC_ROOT"]) / "bench" / "report.html"
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    static_copy.write_bytes(bytes(version.html_data))
    static_copy.with_name("report.html.br").write_bytes(bytes(version.html_br))
    static_copy.with_name("report.html.gz").write_bytes(bytes(version.html_gzip))
    gunicorn = subprocess.Popen(
        [str(Path(python).with_name("gunicorn")), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    page, static = version.public_path(), "/static/bench/report.html"
    results = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or gunicorn.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        while True:  # the port opens before the workers have loaded Django: wait for a first answer
            try:
                response_size(port, page, "identity", timeout=30)
                break
            except (OSError, RuntimeError):
                if time.monotonic() > deadline + 120 or gunicorn.poll() is not None:
                    raise
                time.sleep(0.5)
        for encoding in ENCODINGS:
            sizes = {name: response_size(port, path, encoding) for name, path in (("page", page), ("static", static))}
            for name, (_, _, sent) in sizes.items():
                if sent != encoding:
                    raise RuntimeError(f"the {name} answered {sent} to Accept-Encoding: {encoding}")
            wrk(binary, port, page, encoding, 1, connections), wrk(binary, port, static, encoding, 1, connections)
            runs = {"page": [], "static": []}
            for n in range(rounds):  # alternate, and swap who goes first, so drift in load hits both alike
                order = ("page", "static") if n % 2 == 0 else ("static", "page")
                for name in order:
                    runs[name].append(wrk(binary, port, page if name == "page" else static, encoding, seconds,
                                          connections))  # fmt: skip
            results[encoding] = {"sizes": sizes, "runs": runs}
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    return results


def serving_report(results: dict, seconds: float, rounds: int, connections: int, port: int) -> bool:
    print(f"\npublic report page against WhiteNoise serving the same bytes as a static file: gunicorn (2 sync"
          f" workers, DEBUG off) on 127.0.0.1:{port}; wrk -t2 -c{connections} -d{seconds:g}s, {rounds} alternating"
          " runs each")  # fmt: skip
    ok = True
    for encoding, result in results.items():
        runs = result["runs"]
        page_rps = [r["rps"] for r in runs["page"]]
        static_rps = [r["rps"] for r in runs["static"]]
        print(f"  Accept-Encoding: {encoding}")
        for n, (p, st) in enumerate(zip(runs["page"], runs["static"], strict=True), start=1):
            print(f"    run {n}: page {p['rps']:7.0f} req/s (load {p['load']:.2f})   static {st['rps']:7.0f} req/s"
                  f" (load {st['load']:.2f})   ratio {p['rps'] / st['rps']:.2f}")  # fmt: skip
        speed = paired(page_rps, static_rps)
        (ph, pb, _), (sh, sb, _) = result["sizes"]["page"], result["sizes"]["static"]
        transfer = (ph + pb) / (sh + sb)
        wrk_transfer = ratio([r["bytes"] for r in runs["page"]], [r["bytes"] for r in runs["static"]])
        target = 0.9 if encoding in ("identity", "br") else None
        verdict = "" if target is None else (" ok" if speed.median >= target else f" BELOW the {target} target")
        size_ok = abs(transfer - 1) <= 0.10
        figure(f"    throughput ratio page/static {speed} (median, lowest-highest, of paired runs){verdict}")
        print(f"    response {ph} + {pb:,} bytes against {sh} + {sb:,} (headers + body): transfer ratio"
              f" {transfer:.3f}, as wrk read it {wrk_transfer:.3f}{'' if size_ok else ' OUTSIDE 10%'}")  # fmt: skip
        ok = ok and size_ok and (target is None or speed.median >= target)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of page and static file")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--port", type=int, default=8221, help="where gunicorn listens (127.0.0.1)")
    parser.add_argument("--serve-only", action="store_true", help="skip assembly and PDF figures")
    parser.add_argument(
        "--quick", action="store_true", help="serving only, two 1-second rounds (bench/pdf.py measures the PDF)"
    )
    args = parser.parse_args()
    if args.quick:
        args.serve_only, args.seconds, args.rounds = True, 1.0, 2
    setup_django()
    import logging

    logging.disable(logging.WARNING)
    from reports.models import PublishedReport

    demo = publish_demo()
    if not args.serve_only:
        synthetic = build_synthetic()
        results = {"demo": measure(demo), "synthetic x10": measure(synthetic)}
        print(f"{'report':<14}{'sections':>9}{'queries':>9}{'assemble ms':>13}{'HTML ms':>9}{'HTML KiB':>10}"
              f"{'PDF s':>8}{'bare s':>8}{'ratio':>7}{'pages':>7}")  # fmt: skip
        for name, r in results.items():
            figure(
                f"{name:<14}{r['sections']:>9}{r['queries']:>9}{r['assemble_ms']:>13.1f}{r['html_ms']:>9.1f}"
                f"{r['html_kb']:>10.0f}{r['pdf_s']:>8.2f}{r['bare_pdf_s']:>8.2f}{r['pdf_ratio']:>7.2f}{r['pages']:>7}"
            )
        print(f"PDF within {max(r['pdf_ratio'] for r in results.values()):.2f} of bare WeasyPrint (goal <= 1.2)")
    version = PublishedReport.objects.select_related("period__partnership").get(period=demo, number=1)
    served = serve_and_compare(version, args.seconds, args.rounds, args.connections, args.port)
    ok = serving_report(served, args.seconds, args.rounds, args.connections, args.port)
    print("\nserving targets met" if ok else "\nserving targets NOT met")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
