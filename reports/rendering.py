"""Turn an assembled report into its HTML document and, from the same HTML, its PDF.

The HTML is self-contained (inline CSS, inline SVG charts, the logo as a data URI), so a
frozen copy reads the same anywhere. The PDF is WeasyPrint's rendering of those bytes,
tagged as PDF/UA-1: title from <title>, language from <html lang>, bookmarks from the
chapter and section headings, page numbers in the footer and in the contents, each chart's
description as its Figure's text alternative, and the tagging WeasyPrint leaves short
finished by reports.pdf_structure (margins as artifacts, list items as Lbl + LBody).
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from lib.charts import svg_inline
from reports.assembly import AssembledReport, ReportEntry
from reports.block_cache import blocks_html
from reports.charts import Chart
from reports.fragments import chart_svgs, fragment_key, fragments_get_encoded, fragments_put
from reports.measures_data import comparisons_attach
from reports.models import FragmentKind
from reports.pdf_structure import pdf_structure_tidy

STEP = re.compile(r"^Step (\d)")
STEPS = {1: "Reading the report", 2: "Reading the styles", 3: "Applying the styles", 4: "Building the pages",
         5: "Laying out the pages", 6: "Writing the PDF", 7: "Adding the PDF's metadata"}  # fmt: skip


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def logo_data_uri(partnership) -> str:
    """The partnership's logo as a data URI, or '' if it has none."""
    if not partnership.logo:
        return ""
    with partnership.logo.open("rb") as handle:
        data = handle.read()
    mime = mimetypes.guess_type(partnership.logo.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


# Where the main part goes in the rendered page: the page is rendered around it and the parts joined as bytes.
MAIN_MARK = "<!-- the report's sections -->"


def report_html(report: AssembledReport, *, version=None, pdf_url: str = "", versions_url: str = "") -> str:
    """The report as one self-contained HTML document, joined from stored pieces (reports.fragments)."""
    return report_html_encoded(report, version=version, pdf_url=pdf_url, versions_url=versions_url).decode()


def report_html_encoded(report: AssembledReport, *, version=None, pdf_url: str = "", versions_url: str = "") -> bytes:
    """The document as UTF-8. The sections' pieces are joined as bytes, never as one string: a single
    character outside Latin-1 anywhere would make Python copy the whole report into a wider string kind."""
    contents_html, parts = report_parts(report)
    context = {
        "report": report,
        "contents_html": mark_safe(contents_html.decode()),  # noqa: S308 (rendered by our templates)
        "main_html": mark_safe(MAIN_MARK),  # noqa: S308
        "version": version,
        "pdf_url": pdf_url,
        "versions_url": versions_url,
        "logo_data_uri": logo_data_uri(report.partnership),
    }
    head, _mark, tail = render_to_string("reports/document/report.html", context).partition(MAIN_MARK)
    return b"".join([head.encode(), *parts, tail.encode()])


def report_parts(report: AssembledReport) -> tuple[bytes, list[bytes]]:
    """The contents list and the main part's pieces, as UTF-8: each section's stored HTML (one query for all
    of them, none for those this process holds), the rest rendered now (their charts drawn once each) and
    stored (one more query); computed blocks from reports.block_cache."""
    contents = [e.contents_inputs() for e in report.entries]
    contents_key = fragment_key(FragmentKind.SECTION, ["contents", contents, report.childrens_url])
    keys = [fragment_key(FragmentKind.SECTION, entry.fragment_inputs(report.preview)) for entry in report.entries]
    stored = fragments_get_encoded([contents_key, *keys])
    missing = [(key, entry) for key, entry in zip(keys, report.entries, strict=True) if key not in stored]
    new = {}
    if missing:
        if report.revisions is not None:  # one query for every revision still to render
            report.revisions.load(entry.revision_id for _key, entry in missing if entry.revision_id is not None)
        made = _sections_render([entry for _key, entry in missing], report.preview, earlier=report.earlier)
        new |= dict(zip([key for key, _entry in missing], made, strict=True))
    if contents_key not in stored:
        new[contents_key] = render_to_string("reports/document/contents.html", {"report": report})
    if new:
        fragments_put(FragmentKind.SECTION, new)
        stored |= {key: html.encode() for key, html in new.items()}
    blocks = {want: html.encode() for want, html in blocks_html(report).items()}
    parts = []
    for key, entry in zip(keys, report.entries, strict=True):
        parts.append(stored[key])
        if entry.block_code:
            parts.append(blocks[(entry.block_code, entry.level + 2)])
        parts.append(b"\n</section>\n")
    return stored[contents_key], parts


def _sections_render(entries: list[ReportEntry], preview: bool, *, earlier=None) -> list[str]:
    comparisons_attach(entries, earlier)
    tables = [table for entry in entries for table in entry.tables if table.spec is not None]
    trends = [
        (table.anchor, table.comparison)
        for entry in entries
        for table in entry.tables
        if table.comparison is not None and table.comparison.chart_spec is not None
    ]
    svgs = chart_svgs([*(table.spec for table in tables), *(comparison.chart_spec for _, comparison in trends)])
    for table in tables:
        prefix = f"{table.anchor}-chart"
        table.chart = Chart(svg=svg_inline(svgs[table.spec.key], prefix), description=table.spec.description)
    for anchor, comparison in trends:
        spec = comparison.chart_spec
        comparison.chart = Chart(svg=svg_inline(svgs[spec.key], f"{anchor}-trend"), description=spec.description)
    template = get_template("reports/document/section.html")
    return [template.render({"entry": entry, "flagged": entry.flagged(preview)}) for entry in entries]


class _ProgressHandler(logging.Handler):
    def __init__(self, callback: Callable[[int, str], None]):
        super().__init__(logging.INFO)
        self.callback = callback
        self.last = 0

    def emit(self, record: logging.LogRecord) -> None:
        match = STEP.match(record.getMessage())
        if match and int(match.group(1)) != self.last:
            self.last = int(match.group(1))
            self.callback(self.last, STEPS.get(self.last, ""))


def report_pdf(html: str, *, progress: Callable[[int, str], None] | None = None) -> RenderedPdf:
    """Render the HTML with WeasyPrint as a tagged PDF/UA-1 document; progress(step, label) as it goes."""
    from weasyprint import HTML
    from weasyprint.logger import PROGRESS_LOGGER

    handler = _ProgressHandler(progress) if progress else None
    if handler:
        PROGRESS_LOGGER.addHandler(handler)
        previous_level = PROGRESS_LOGGER.level
        PROGRESS_LOGGER.setLevel(logging.INFO)
    try:
        document = HTML(string=html, base_url=None).render(pdf_variant="pdf/ua-1")
        data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"portal-annual-report")
    finally:
        if handler:
            PROGRESS_LOGGER.removeHandler(handler)
            PROGRESS_LOGGER.setLevel(previous_level)
    return RenderedPdf(data=pdf_structure_tidy(data), pages=len(document.pages))
