"""Benchmark: assembling, rendering and serving the annual report.

For the demo report (Dudley 2019/20) and a synthetic report about ten times larger
(80 agencies, 300 sections), prints:
- assembly time and the database queries it used (the same count for both sizes);
- HTML render time;
- PDF time through the portal's task code against a bare WeasyPrint render of the same
  HTML with the same PDF/UA-1 variant (ratio; goal at most 1.2);
- throughput of the public report page against a static file of the same bytes, both
  served by one gunicorn with whitenoise, measured in the same run (ratio; goal at
  least 0.8).

Uses its own SQLite database and media folder under the system temporary directory,
never the development database.

    .venv/bin/python bench/report.py [--seconds 5] [--clients 4]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "portal-bench-report"
ENV = {
    "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
    "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    "DJANGO_STATIC_ROOT": str(WORK / "static"),
    "DEMO_PASSWORD": "bench-password-not-secret",
}
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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

    call_command("load_demo", stdout=StringIO())
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _client(args) -> int:
    port, path, seconds = args
    deadline, count = time.perf_counter() + seconds, 0
    while time.perf_counter() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200 or not body:
            raise RuntimeError(f"{path} answered {response.status}")
        count += 1
    return count


def throughput(port: int, path: str, seconds: float, clients: int) -> float:
    with multiprocessing.Pool(clients) as pool:
        counts = pool.map(_client, [(port, path, seconds)] * clients)
    return sum(counts) / seconds


def serve_and_compare(version, seconds: float, clients: int) -> dict:
    """Start gunicorn with whitenoise (DEBUG off), then load the public page and a static copy of its bytes."""
    from django.core.files.storage import default_storage

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
    subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    static_copy = Path(ENV["DJANGO_STATIC_ROOT"]) / "bench" / "report.html"
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    static_copy.write_bytes(default_storage.open(version.html.name).read())
    port = free_port()
    gunicorn = subprocess.Popen(
        [str(Path(python).with_name("gunicorn")), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        page = version.public_path()
        static = "/static/bench/report.html"
        _client((port, page, 0.5)), _client((port, static, 0.5))  # warm up both
        rates = {"page": [], "static": []}
        for _ in range(2):  # alternate, so drift in the machine's load hits both alike
            rates["page"].append(throughput(port, page, seconds, clients))
            rates["static"].append(throughput(port, static, seconds, clients))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    page_rate, static_rate = statistics.mean(rates["page"]), statistics.mean(rates["static"])
    return {"page_rps": page_rate, "static_rps": static_rate, "ratio": page_rate / static_rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each throughput run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    args = parser.parse_args()
    setup_django()
    import logging

    logging.disable(logging.WARNING)
    from reports.models import PublishedReport

    demo = publish_demo()
    synthetic = build_synthetic()
    results = {"demo": measure(demo), "synthetic x10": measure(synthetic)}
    print(f"{'report':<14}{'sections':>9}{'queries':>9}{'assemble ms':>13}{'HTML ms':>9}{'HTML KiB':>10}"
          f"{'PDF s':>8}{'bare s':>8}{'ratio':>7}{'pages':>7}")  # fmt: skip
    for name, r in results.items():
        print(
            f"{name:<14}{r['sections']:>9}{r['queries']:>9}{r['assemble_ms']:>13.1f}{r['html_ms']:>9.1f}"
            f"{r['html_kb']:>10.0f}{r['pdf_s']:>8.2f}{r['bare_pdf_s']:>8.2f}{r['pdf_ratio']:>7.2f}{r['pages']:>7}"
        )
    version = PublishedReport.objects.select_related("period__partnership").get(period=demo, number=1)
    served = serve_and_compare(version, args.seconds, args.clients)
    print(
        f"\npublic page {served['page_rps']:.0f} req/s, static file of the same bytes {served['static_rps']:.0f} req/s:"
        f" ratio {served['ratio']:.2f} (goal >= 0.8); gunicorn 2 workers, {args.clients} client processes,"
        f" {args.seconds:g} s x 2 each"
    )
    print(f"PDF within {max(r['pdf_ratio'] for r in results.values()):.2f} of bare WeasyPrint (goal <= 1.2)")


if __name__ == "__main__":
    main()
