"""Server-side SVG charts, so the HTML and the PDF report show the same picture."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

ATTENDED_COLOUR = "#1d70b8"  # GOV.UK blue
NO_SHOW_COLOUR = "#d4351c"  # GOV.UK red


def attendance_chart_svg(*, courses: Sequence, title: str) -> tuple[str, str]:
    """A horizontal stacked bar per course (attended, did not attend) as SVG, and a text description of it."""
    titles = [c.course_title for c in courses]
    attended = [c.attended for c in courses]
    no_shows = [c.did_not_attend for c in courses]
    height = max(2.5, 0.4 * len(courses) + 1.5)
    figure = Figure(figsize=(8, height), layout="constrained")
    axes = figure.subplots()
    positions = range(len(courses))
    axes.barh(positions, attended, color=ATTENDED_COLOUR, label="Attended")
    axes.barh(positions, no_shows, left=attended, color=NO_SHOW_COLOUR, label="Did not attend", hatch="//")
    axes.set_yticks(list(positions), labels=titles)
    axes.invert_yaxis()
    axes.set_xlabel("Delegates")
    axes.set_title(title)
    if courses:
        axes.legend(loc="lower right")
    buffer = io.StringIO()
    # A fixed hash salt and no date keep the SVG byte-for-byte repeatable.
    with matplotlib.rc_context({"svg.hashsalt": "training-attendance"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue(), attendance_chart_description(courses=courses, title=title)


def attendance_chart_description(*, courses: Sequence, title: str) -> str:
    """The chart in words, for screen readers and for readers of the printed report."""
    if not courses:
        return f"{title}: no sessions were run."
    total_attended = sum(c.attended for c in courses)
    total_no_shows = sum(c.did_not_attend for c in courses)
    worst = max(courses, key=lambda c: (c.did_not_attend, c.course_title))
    return (
        f"{title}: a bar for each of {len(courses)} courses, showing delegates who attended and who did not. "
        f"In all {total_attended:,} attended and {total_no_shows:,} did not attend; "
        f"{worst.course_title} had the most who did not attend ({worst.did_not_attend:,})."
    )
