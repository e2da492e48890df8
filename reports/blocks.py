"""Computed blocks: figures the portal already holds, filled in at assembly.

Each block asks the app that owns the data through one small function and renders one
template. The reports app never reaches into another app's tables itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agencies.selectors import funding_for_period, membership_table
from lib.charts import svg_inline
from reports.challenge_register import challenge_register
from reports.fragments import chart_svg_stored
from reports.progress_selectors import progress_block_data
from reports.voice import voice_statistics
from reviews.stats import review_decisions, review_statistics
from training.stats import training_block as training_figures


@dataclass(frozen=True)
class Block:
    code: str
    template: str
    context: dict = field(default_factory=dict)
    available: bool = True
    message: str = ""
    # Free text the block shows that people wrote (label, text), e.g. what a child said: the publication
    # guard (reports/guard.py) checks it like a section's own text. Figures need not be listed.
    texts: tuple = ()


def membership_block(period) -> Block:
    return Block(
        "membership", "reports/blocks/membership.html", {"rows": membership_table(partnership=period.partnership)}
    )


def funding_block(period) -> Block:
    return Block(
        "funding", "reports/blocks/funding.html", {"funding": funding_for_period(period=period), "period": period}
    )


def training_block(period) -> Block:
    figures = training_figures(period=period)
    # Drawn once per picture: the SVG is stored under the chart's content hash (reports.fragments).
    figures["chart_svg"] = svg_inline(chart_svg_stored(figures["chart"]), prefix="training-chart")
    statistics = figures["statistics"]
    # The partnership's own children's courses lead, as in a yearly report; courses run
    # jointly with the adults board follow with their own figures.
    figures["groups"] = [
        ("Children's safeguarding courses", statistics.children_only),
        ("Courses run jointly with the adults board", statistics.joint),
    ]
    return Block("training", "reports/blocks/training.html", {"training": figures})


def reviews_block(period) -> Block:
    return Block("reviews", "reports/blocks/reviews.html", {"reviews": review_statistics(period=period)})


def review_decisions_block(period) -> Block:
    threshold = period.partnership.small_numbers_threshold
    decisions = review_decisions(period=period, threshold=threshold)
    return Block("review_decisions", "reports/blocks/review_decisions.html", {"decisions": decisions})


def challenges_block(period) -> Block:
    return Block("challenges", "reports/blocks/challenges.html", {"register": challenge_register(period=period)})


def progress_block(period) -> Block:
    return Block("progress", "reports/blocks/progress.html", {"progress": progress_block_data(period=period)})


def voice_block(period) -> Block:
    voice = voice_statistics(period=period)
    # What the public block prints of each entry, for the publication guard to read (reports/guard.py).
    texts = tuple(
        (f"you said, we did {number}, {part}", text)
        for number, entry in enumerate((entry for group in voice.groups for entry in group.entries), start=1)
        for part, text in (
            ("you said", entry.said),
            ("source", entry.source),
            ("service", entry.service),
            ("we did", entry.we_did),
        )  # fmt: skip
        if text
    )
    return Block("voice", "reports/blocks/voice.html", {"voice": voice}, texts=texts)


BLOCKS: dict[str, Callable] = {
    "membership": membership_block,
    "funding": funding_block,
    "training": training_block,
    "reviews": reviews_block,
    "review_decisions": review_decisions_block,
    "challenges": challenges_block,
    "progress": progress_block,
    "voice": voice_block,
}


def block_fill(code: str, period) -> Block:
    """The named block for the period; an unknown code says so plainly."""
    filler = BLOCKS.get(code)
    if filler is None:
        return Block(code, "", available=False, message=f"There is no computed block called '{code}'.")
    return filler(period)
