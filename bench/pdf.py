"""Benchmark: the PDF job against bare WeasyPrint, on the demo report (issue 12).

Publishes the demo report (Dudley 2019/20) several times without making the PDFs, then, in
one run and alternating which goes first, makes each version's PDF two ways, each in a fresh
Python process so neither inherits the other's memory:

- portal: `reports.publishing.published_report_pdf_make`, the Celery task's whole job (read and
  check the frozen HTML, claim the lease, render as PDF/UA-1 with progress written to the
  database, store the file and its sha256 under a row lock);
- bare: WeasyPrint alone, `HTML(string=...).write_pdf(pdf_variant="pdf/ua-1")`, on the same
  frozen HTML bytes.

For each it prints the time of the PDF (not the process start), the process's peak resident
memory (VmHWM; the portal's includes Django) and how much of it the PDF added, the medians,
their ratios (portal / bare) and the load average beside each figure, since the machine may be
shared.

Uses its own SQLite database and media folder under the system temporary directory; the demo
and its published versions are built once and copied from there while the code is unchanged.

    .venv/bin/python bench/pdf.py [--rounds 5] [--quick] [--fresh]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cached, demo_database, figure, ratio, work_dir  # noqa: E402

WORK = work_dir("pdf")
ENV = {
    "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
    "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    "DJANGO_STATIC_ROOT": str(WORK / "static"),
    "DEMO_PASSWORD": "bench-password-not-secret",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "REDIS_URL": "",
}


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return "/".join(f"{figure:.2f}" for figure in os.getloadavg())


def django_setup() -> None:
    os.environ.update(ENV)
    import django

    django.setup()


def correct(period, number: int) -> None:
    """Make version `number` a correction, as the business manager would in the portal: a new revision of
    one of the manager's own sections, submitted and approved (with the reason a self-approval needs),
    then the statutory partners sign the changed draft off again (the demo's own sign-off loader)."""
    from django.contrib.auth import get_user_model

    from demo.loader import DEMO_DIR
    from reports.demo_signoff import report_demo_sign_off
    from reports.models import Section
    from reports.services import notifications_muted, section_approve, section_save, section_submit

    manager = get_user_model().objects.get(username="manager")
    section = (
        Section.objects.select_related("spec__period", "current_revision")
        .filter(spec__period=period, spec__author="business_manager", current_revision__isnull=False)
        .exclude(spec__kind="heading")
        .order_by("spec__position")
        .first()
    )
    current = section.current_revision
    words = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
    content = dict(current.content)
    content["narrative"] = (
        f"{content.get('narrative', '')}\n\nCorrected in the {words[(number - 2) % len(words)]} benchmark version."
    )
    with notifications_muted():
        section_save(user=manager, section=section, content=content, based_on=current.number)
        section_submit(user=manager, section=section)
        section_approve(user=manager, section=section, self_approval_reason="Benchmark correction, no other manager.")
    report_demo_sign_off(period=period, data_dir=DEMO_DIR)


def publish(rounds: int, *, fresh: bool) -> None:
    """The demo, and `rounds` versions of its report published with no PDF yet, each after the first a
    correction through the portal's services (an unchanged draft is published once)."""
    from io import StringIO

    from django.core.management import call_command

    from partnership.models import ReportingPeriod
    from reports import publishing
    from reports.models import PublishedReport

    print(demo_database(WORK / "bench.sqlite3", WORK / "media", fresh=fresh), flush=True)
    queue, publishing._queue_pdf = publishing._queue_pdf, lambda version_id: None  # made below, one process each
    try:
        period = ReportingPeriod.objects.get(partnership__slug="dudley", slug="2019-20")
        first = PublishedReport.objects.filter(period=period).count()
        for number in range(first + 1, first + rounds + 1):
            if number > 1:
                correct(period, number)
            note = [] if number == 1 else ["--change-note", f"Benchmark version {number}."]
            call_command("publish_report", "dudley", "2019-20", *note, stdout=StringIO())
    finally:
        publishing._queue_pdf = queue


def prepare(rounds: int, *, fresh: bool) -> list[tuple[int, str]]:
    """The published versions' ids and HTML files (the data built once and kept while the code is unchanged)."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    django_setup()
    from reports.models import PublishedReport

    print(
        cached(
            f"pdf-{rounds}", WORK / "bench.sqlite3", WORK / "media", lambda: publish(rounds, fresh=fresh), fresh=fresh
        )
    )
    versions = PublishedReport.objects.filter(
        period__partnership__slug="dudley", period__slug="2019-20", pdf_state="pending"
    ).order_by("number")
    return [(version.pk, version.html.path) for version in versions]


def child_portal(version_id: int) -> dict:
    django_setup()
    import weasyprint  # noqa: F401 - loaded before the first reading, as in the bare process

    from reports.publishing import published_report_pdf_make

    before = peak_rss_mib()
    start = time.perf_counter()
    version = published_report_pdf_make(version_id=version_id)
    seconds = time.perf_counter() - start
    assert version.pdf_state == "ready", version.pdf_error
    return {"seconds": seconds, "peak_mib": peak_rss_mib(), "before_mib": before, "pages": version.pdf_pages}


def child_bare(html_path: str) -> dict:
    from weasyprint import HTML

    html = Path(html_path).read_bytes().decode("utf-8")
    before = peak_rss_mib()
    start = time.perf_counter()
    document = HTML(string=html, base_url=None).render(pdf_variant="pdf/ua-1")
    document.write_pdf(pdf_variant="pdf/ua-1")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mib": peak_rss_mib(), "before_mib": before, "pages": len(document.pages)}


def run_child(*args: str) -> dict:
    env = {**os.environ, **ENV}
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"bench child {args} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="PDFs made each way (default 5)")
    parser.add_argument("--quick", action="store_true", help="two rounds, for a quick look")
    parser.add_argument("--fresh", action="store_true", help="build the data again even if the code is unchanged")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, value = args.child
        print(json.dumps(child_portal(int(value)) if kind == "portal" else child_bare(value)))
        return
    rounds = 2 if args.quick else max(1, args.rounds)
    print(f"PDF of the demo report: portal job against bare WeasyPrint, {rounds} rounds, load {load()}")
    versions = prepare(rounds, fresh=args.fresh)
    figures: dict[str, list[dict]] = {"portal": [], "bare": []}
    for index, (version_id, html_path) in enumerate(versions):
        order = ("portal", "bare") if index % 2 == 0 else ("bare", "portal")
        for kind in order:
            made = run_child(kind, str(version_id) if kind == "portal" else html_path)
            made["grow_mib"] = made["peak_mib"] - made["before_mib"]
            figures[kind].append(made)
            print(
                f"  round {index + 1} {kind:6} {made['seconds']:6.2f} s  peak {made['peak_mib']:6.1f} MiB "
                f"({made['grow_mib']:+6.1f} MiB for the PDF)  {made['pages']} pages  (load {load()})"
            )
    portal, bare = figures["portal"], figures["bare"]
    print("medians, and ratios portal / bare: the median (lowest-highest) of each round's pair")
    for what, key in (("time", "seconds"), ("peak RSS", "peak_mib"), ("RSS the PDF added", "grow_mib")):
        unit = "s" if key == "seconds" else "MiB"
        mine, theirs = [f[key] for f in portal], [f[key] for f in bare]
        figure(
            f"  {what + ':':<19} portal {statistics.median(mine):7.2f} {unit}, bare {statistics.median(theirs):7.2f} "
            f"{unit}, ratio {ratio(mine, theirs)}"
        )


if __name__ == "__main__":
    main()
