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

from django.template.loader import render_to_string

from reports.assembly import AssembledReport
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


def report_html(report: AssembledReport, *, version=None, pdf_url: str = "", versions_url: str = "") -> str:
    """The report as one self-contained HTML document."""
    context = {
        "report": report,
        "version": version,
        "pdf_url": pdf_url,
        "versions_url": versions_url,
        "logo_data_uri": logo_data_uri(report.partnership),
    }
    return render_to_string("reports/document/report.html", context)


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
