"""The training section's chart: attended and did-not-attend delegates by course.

Drawn by `lib.charts` like every chart of the portal. A programme can run hundreds of
courses, and a bar per course would cost seconds to draw and be unreadable, so the chart
shows the MAX_COURSES courses with the most delegates (in title order) and one bar for
all the others together; the table above it lists every course.
"""

from __future__ import annotations

from collections.abc import Sequence

from lib.charts import ChartSpec

ATTENDED_COLOUR = "#1d70b8"  # GOV.UK blue
NO_SHOW_COLOUR = "#d4351c"  # GOV.UK red
MAX_COURSES = 15


def attendance_chart(*, courses: Sequence, title: str) -> ChartSpec:
    """A horizontal stacked bar per course (attended, did not attend), the smaller courses as one bar."""
    shown, others = chart_courses(courses)
    labels = [c.course_title for c in shown]
    attended = [c.attended for c in shown]
    no_shows = [c.did_not_attend for c in shown]
    if others:
        labels.append(f"Other courses ({len(others)})")
        attended.append(sum(c.attended for c in others))
        no_shows.append(sum(c.did_not_attend for c in others))
    return ChartSpec(
        kind="stacked_bar",
        title=title,
        labels=tuple(labels),
        series=(("Attended", tuple(attended)), ("Did not attend", tuple(no_shows))),
        value_label="Delegates",
        description=attendance_chart_description(courses=courses, title=title),
        colours=(ATTENDED_COLOUR, NO_SHOW_COLOUR),
        hatches=("", "//"),
    )


def chart_courses(courses: Sequence) -> tuple[list, list]:
    """(the courses drawn as their own bar, in the given order; the rest, drawn as one bar)."""
    if len(courses) <= MAX_COURSES:
        return list(courses), []
    ranked = sorted(range(len(courses)), key=lambda i: (-(courses[i].attended + courses[i].did_not_attend), i))
    keep = set(ranked[: MAX_COURSES - 1])
    return [c for i, c in enumerate(courses) if i in keep], [c for i, c in enumerate(courses) if i not in keep]


def attendance_chart_description(*, courses: Sequence, title: str) -> str:
    """The chart in words, for screen readers and for readers of the printed report."""
    if not courses:
        return f"{title}: no sessions were run."
    total_attended = sum(c.attended for c in courses)
    total_no_shows = sum(c.did_not_attend for c in courses)
    worst = max(courses, key=lambda c: (c.did_not_attend, c.course_title))
    shown, others = chart_courses(courses)
    bars = (
        f"a bar for each of {len(courses)} courses"
        if not others
        else f"a bar for each of the {len(shown)} courses with the most delegates and one for the other "
        f"{len(others)} courses together"
    )
    return (
        f"{title}: {bars}, showing delegates who attended and who did not. "
        f"In all {total_attended:,} attended and {total_no_shows:,} did not attend; "
        f"{worst.course_title} had the most who did not attend ({worst.did_not_attend:,})."
    )
