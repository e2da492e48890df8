"""Computed blocks: figures the portal already holds, filled in at assembly.

Each block asks the app that owns the data through one small function and renders one
template. The reports app never reaches into another app's tables itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from agencies.selectors import funding_for_period, membership_table
from reports.charts import svg_inline


@dataclass(frozen=True)
class Block:
    code: str
    template: str
    context: dict = field(default_factory=dict)
    available: bool = True
    message: str = ""


def membership_block(period) -> Block:
    return Block(
        "membership", "reports/blocks/membership.html", {"rows": membership_table(partnership=period.partnership)}
    )


def funding_block(period) -> Block:
    return Block(
        "funding", "reports/blocks/funding.html", {"funding": funding_for_period(period=period), "period": period}
    )


def _optional(module: str, function: str) -> Callable | None:
    """A figures function from an app that may not provide it yet."""
    try:
        return getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None


def training_block(period) -> Block:
    block = _optional("training.stats", "training_block")
    if block is None:
        return Block("training", "", available=False, message="The portal does not hold training figures yet.")
    figures = block(period=period)
    figures["chart_svg"] = svg_inline(figures.get("chart_svg", ""), prefix="training-chart")
    statistics = figures["statistics"]
    # The partnership's own children's courses lead, as in a yearly report; courses run
    # jointly with the adults board follow with their own figures.
    figures["groups"] = [
        ("Children's safeguarding courses", statistics.children_only),
        ("Courses run jointly with the adults board", statistics.joint),
    ]
    return Block("training", "reports/blocks/training.html", {"training": figures})


def reviews_block(period) -> Block:
    statistics = _optional("reviews.stats", "review_statistics")
    if statistics is None:
        return Block("reviews", "", available=False, message="The portal does not hold practice review figures yet.")
    return Block("reviews", "reports/blocks/reviews.html", {"reviews": statistics(period=period)})


BLOCKS: dict[str, Callable] = {
    "membership": membership_block,
    "funding": funding_block,
    "training": training_block,
    "reviews": reviews_block,
}


def block_fill(code: str, period) -> Block:
    """The named block for the period; an unknown code says so plainly."""
    filler = BLOCKS.get(code)
    if filler is None:
        return Block(code, "", available=False, message=f"There is no computed block called '{code}'.")
    return filler(period)
