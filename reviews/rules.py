"""The statutory timescales for practice reviews: one table, one edit when guidance changes.

Each rule says which two dates of a PracticeReview it measures between, how long the
guidance allows, and where the guidance says so. Working days are England's (see
reviews.clock). Sources:

- WT2018: Working Together to Safeguard Children 2018 (HM Government), chapter 4,
  "Improving child protection and safeguarding practice".
- WT2023: Working Together to Safeguard Children 2023 (HM Government), chapter 5,
  "Learning from serious child safeguarding incidents".

The rapid review clock starts at the notification, as the partnership's issue asks;
the Panel's practice guidance counts from becoming aware of the incident. If the
partnership decides to follow that reading, change `start_field` of `rapid_review`
to "became_aware_on"; nothing else needs to change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from reviews.clock import add_months, add_working_days, working_days_between


class Unit(StrEnum):
    WORKING_DAYS = "working days"
    MONTHS = "months"


class Direction(StrEnum):
    WITHIN = "within"  # the later step must happen by the due date
    AT_LEAST = "at_least"  # the later step must not happen before the due date


class ClockStatus(StrEnum):
    NOT_STARTED = "not started"
    RUNNING = "running"
    DUE_SOON = "due soon"
    BREACHED = "breached"
    MET = "met"
    LATE = "late"


@dataclass(frozen=True)
class StatutoryRule:
    code: str
    title: str
    start_field: str
    end_field: str
    amount: int
    unit: Unit
    kinds: tuple[str, ...]
    source: str
    direction: Direction = Direction.WITHIN
    warn_within: int = 0  # in working days for working-day rules, calendar days for month rules

    def due_for(self, start: datetime.date) -> datetime.date:
        """The deadline (or, for AT_LEAST rules, the earliest allowed date) counted from `start`."""
        if self.unit == Unit.WORKING_DAYS:
            return add_working_days(start, self.amount)
        return add_months(start, self.amount)

    def days_until(self, today: datetime.date, due: datetime.date) -> int:
        """Days left to `due` in the rule's own unit: working days, or calendar days for month rules."""
        if self.unit == Unit.WORKING_DAYS:
            return working_days_between(today, due)
        return (due - today).days

    @property
    def days_unit(self) -> str:
        return "working days" if self.unit == Unit.WORKING_DAYS else "days"


SERIOUS_INCIDENT_KINDS = ("rapid_review", "lcspr")

RULES: tuple[StatutoryRule, ...] = (
    StatutoryRule(
        code="notification",
        title="Serious incident notification to the national panel",
        start_field="became_aware_on",
        end_field="notification_sent_on",
        amount=5,
        unit=Unit.WORKING_DAYS,
        kinds=SERIOUS_INCIDENT_KINDS,
        source="WT2018 ch. 4 and WT2023 ch. 5: notify within 5 working days of becoming aware of the incident.",
        warn_within=2,
    ),
    StatutoryRule(
        code="rapid_review",
        title="Rapid review sent to the national panel",
        start_field="notification_sent_on",
        end_field="rapid_review_sent_on",
        amount=15,
        unit=Unit.WORKING_DAYS,
        kinds=SERIOUS_INCIDENT_KINDS,
        source="WT2018 ch. 4 and WT2023 ch. 5: send the completed rapid review to the panel within 15 working days.",
        warn_within=5,
    ),
    StatutoryRule(
        code="lcspr_published",
        title="Local child safeguarding practice review published",
        start_field="decision_on",
        end_field="published_on",
        amount=6,
        unit=Unit.MONTHS,
        kinds=("lcspr",),
        source="WT2018 ch. 4 and WT2023 ch. 5: publish within 6 months of the decision to hold the review.",
        warn_within=30,
    ),
    StatutoryRule(
        code="kept_online",
        title="Published review kept on the website",
        start_field="published_on",
        end_field="removal_due_on",
        amount=12,
        unit=Unit.MONTHS,
        kinds=("lcspr", "scr"),
        source="WT2018 ch. 4 and WT2023 ch. 5: keep the published report publicly available for at least 12 months.",
        direction=Direction.AT_LEAST,
    ),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class Clock:
    """One statutory clock of one review, as it stands on a given day."""

    rule: StatutoryRule
    status: ClockStatus
    start: datetime.date | None = None
    due: datetime.date | None = None
    done_on: datetime.date | None = None
    days_left: int | None = None

    @property
    def is_breached(self) -> bool:
        return self.status in (ClockStatus.BREACHED, ClockStatus.LATE)


def clock_evaluate(
    *, rule: StatutoryRule, start: datetime.date | None, done_on: datetime.date | None, today: datetime.date
) -> Clock:
    """Where one clock stands on `today`: not started, running, due soon, breached, met or late."""
    if start is None:
        return Clock(rule=rule, status=ClockStatus.NOT_STARTED)
    due = rule.due_for(start)
    if rule.direction == Direction.AT_LEAST:
        status = ClockStatus.LATE if done_on is not None and done_on < due else ClockStatus.MET
        return Clock(rule=rule, status=status, start=start, due=due, done_on=done_on)
    if done_on is not None:
        status = ClockStatus.MET if done_on <= due else ClockStatus.LATE
        return Clock(rule=rule, status=status, start=start, due=due, done_on=done_on)
    days_left = rule.days_until(today, due)
    if today > due:
        status = ClockStatus.BREACHED
    elif days_left <= rule.warn_within:
        status = ClockStatus.DUE_SOON
    else:
        status = ClockStatus.RUNNING
    return Clock(rule=rule, status=status, start=start, due=due, days_left=days_left)


def review_clocks(review, *, today: datetime.date) -> list[Clock]:
    """Every clock that applies to the review's kind, in the table's order."""
    return [
        clock_evaluate(
            rule=rule,
            start=getattr(review, rule.start_field),
            done_on=getattr(review, rule.end_field),
            today=today,
        )
        for rule in RULES
        if review.kind in rule.kinds
    ]
