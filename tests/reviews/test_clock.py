"""Working-day arithmetic and statutory clocks, against dates counted by hand from a calendar."""

import datetime
from types import SimpleNamespace

import pytest

from reviews.clock import add_months, add_working_days, is_working_day, working_days_between
from reviews.rules import RULES_BY_CODE, ClockStatus, clock_evaluate, review_clocks

D = datetime.date


def test_christmas_and_new_year_are_skipped():
    # Aware Mon 23 Dec 2019: Tue 24 (1), Wed 25 Christmas, Thu 26 Boxing Day, Fri 27 (2),
    # Sat 28 / Sun 29 weekend, Mon 30 (3), Tue 31 (4), Wed 1 Jan New Year's Day, Thu 2 Jan (5).
    assert add_working_days(D(2019, 12, 23), 5) == D(2020, 1, 2)


def test_substitute_boxing_day_is_skipped():
    # Aware Thu 24 Dec 2020: Fri 25 Christmas, Sat 26 / Sun 27, Mon 28 Boxing Day (substitute),
    # Tue 29 (1), Wed 30 (2), Thu 31 (3), Fri 1 Jan New Year's Day, Sat 2 / Sun 3, Mon 4 (4), Tue 5 (5).
    assert add_working_days(D(2020, 12, 24), 5) == D(2021, 1, 5)


def test_easter_is_skipped():
    # Aware Thu 9 Apr 2020: Fri 10 Good Friday, Sat 11 / Sun 12, Mon 13 Easter Monday,
    # Tue 14 (1), Wed 15 (2), Thu 16 (3), Fri 17 (4), Sat 18 / Sun 19, Mon 20 (5).
    assert add_working_days(D(2020, 4, 9), 5) == D(2020, 4, 20)


def test_late_may_bank_holiday_is_skipped_in_a_rapid_review():
    # Notified Fri 22 May 2020, 15 working days: Mon 25 May spring bank holiday,
    # Tue 26 (1), Wed 27 (2), Thu 28 (3), Fri 29 (4), Mon 1 Jun (5), Tue 2 (6), Wed 3 (7), Thu 4 (8),
    # Fri 5 (9), Mon 8 (10), Tue 9 (11), Wed 10 (12), Thu 11 (13), Fri 12 (14), Mon 15 Jun (15).
    assert add_working_days(D(2020, 5, 22), 15) == D(2020, 6, 15)


def test_moved_early_may_bank_holiday_comes_from_the_package():
    # 2020's early May bank holiday moved to Fri 8 May (VE Day). Aware Thu 7 May: Fri 8 holiday,
    # Sat 9 / Sun 10, Mon 11 (1), Tue 12 (2), Wed 13 (3), Thu 14 (4), Fri 15 (5).
    assert add_working_days(D(2020, 5, 7), 5) == D(2020, 5, 15)


def test_weekend_is_skipped():
    # Aware Fri 6 Mar 2020: Sat 7 / Sun 8, Mon 9 (1), Tue 10 (2), Wed 11 (3), Thu 12 (4), Fri 13 (5).
    assert add_working_days(D(2020, 3, 6), 5) == D(2020, 3, 13)
    # Aware on Sat 7 Mar: Sun 8, Mon 9 (1) ... Fri 13 (5): the same deadline.
    assert add_working_days(D(2020, 3, 7), 5) == D(2020, 3, 13)


def test_zero_working_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(D(2020, 3, 7), 0) == D(2020, 3, 7)
    with pytest.raises(ValueError, match="Count forwards only"):
        add_working_days(D(2020, 3, 7), -1)


def test_working_days_between_counts_the_end_but_not_the_start():
    assert working_days_between(D(2019, 12, 23), D(2020, 1, 2)) == 5
    assert working_days_between(D(2020, 1, 2), D(2019, 12, 23)) == -5
    assert working_days_between(D(2020, 3, 6), D(2020, 3, 6)) == 0
    # Fri 6 to Mon 9 Mar 2020: only Mon 9 counts.
    assert working_days_between(D(2020, 3, 6), D(2020, 3, 9)) == 1


def test_is_working_day():
    assert is_working_day(D(2020, 3, 9)) is True  # Monday
    assert is_working_day(D(2020, 3, 7)) is False  # Saturday
    assert is_working_day(D(2020, 4, 10)) is False  # Good Friday


def test_add_months_keeps_the_day_or_falls_back_to_the_month_end():
    assert add_months(D(2019, 10, 15), 6) == D(2020, 4, 15)
    assert add_months(D(2019, 8, 31), 6) == D(2020, 2, 29)  # leap year
    assert add_months(D(2020, 8, 31), 6) == D(2021, 2, 28)
    assert add_months(D(2020, 2, 29), 12) == D(2021, 2, 28)
    assert add_months(D(2019, 9, 30), 6) == D(2020, 3, 30)


NOTIFICATION = RULES_BY_CODE["notification"]


@pytest.mark.parametrize(
    ("today", "status", "days_left"),
    [
        # Aware Mon 23 Dec 2019, so the notification is due Thu 2 Jan 2020 (counted above).
        (D(2020, 1, 1), ClockStatus.DUE_SOON, 1),  # the day before (a bank holiday): one working day left
        (D(2020, 1, 2), ClockStatus.DUE_SOON, 0),  # the day of: still in time
        (D(2020, 1, 3), ClockStatus.BREACHED, -1),  # the day after: breached
    ],
)
def test_notification_breach_around_the_deadline(today, status, days_left):
    clock = clock_evaluate(rule=NOTIFICATION, start=D(2019, 12, 23), done_on=None, today=today)
    assert (clock.due, clock.status, clock.days_left) == (D(2020, 1, 2), status, days_left)
    assert clock.is_breached is (status == ClockStatus.BREACHED)


@pytest.mark.parametrize(
    ("sent_on", "status"),
    [(D(2020, 1, 1), ClockStatus.MET), (D(2020, 1, 2), ClockStatus.MET), (D(2020, 1, 3), ClockStatus.LATE)],
)
def test_notification_sent_the_day_before_of_or_after_the_deadline(sent_on, status):
    clock = clock_evaluate(rule=NOTIFICATION, start=D(2019, 12, 23), done_on=sent_on, today=D(2020, 6, 1))
    assert clock.status == status
    assert clock.is_breached is (status == ClockStatus.LATE)


@pytest.mark.parametrize(
    ("today", "status", "days_left"),
    [
        # Decision Tue 15 Oct 2019: publish by Wed 15 Apr 2020 (6 calendar months).
        (D(2020, 4, 14), ClockStatus.DUE_SOON, 1),
        (D(2020, 4, 15), ClockStatus.DUE_SOON, 0),
        (D(2020, 4, 16), ClockStatus.BREACHED, -1),
        (D(2020, 3, 1), ClockStatus.RUNNING, 45),
    ],
)
def test_practice_review_publication_breach_around_the_deadline(today, status, days_left):
    clock = clock_evaluate(rule=RULES_BY_CODE["lcspr_published"], start=D(2019, 10, 15), done_on=None, today=today)
    assert (clock.due, clock.status, clock.days_left) == (D(2020, 4, 15), status, days_left)


@pytest.mark.parametrize(
    ("removal_due_on", "status"),
    [(D(2021, 5, 31), ClockStatus.LATE), (D(2021, 6, 1), ClockStatus.MET), (None, ClockStatus.MET)],
)
def test_published_review_must_stay_online_twelve_months(removal_due_on, status):
    clock = clock_evaluate(
        rule=RULES_BY_CODE["kept_online"], start=D(2020, 6, 1), done_on=removal_due_on, today=D(2020, 6, 2)
    )
    assert (clock.due, clock.status) == (D(2021, 6, 1), status)


def test_clock_without_a_start_date_has_not_started():
    clock = clock_evaluate(rule=NOTIFICATION, start=None, done_on=None, today=D(2020, 1, 1))
    assert (clock.status, clock.due, clock.days_left) == (ClockStatus.NOT_STARTED, None, None)


def test_review_clocks_apply_only_the_rules_for_its_kind():
    dates = dict.fromkeys(
        [
            "became_aware_on",
            "notification_sent_on",
            "rapid_review_sent_on",
            "decision_on",
            "published_on",
            "removal_due_on",
        ]
    )
    scr = SimpleNamespace(kind="scr", **dates)
    lcspr = SimpleNamespace(kind="lcspr", **dates)
    learning = SimpleNamespace(kind="local_learning_review", **dates)
    assert [c.rule.code for c in review_clocks(scr, today=D(2020, 1, 1))] == ["kept_online"]
    assert [c.rule.code for c in review_clocks(lcspr, today=D(2020, 1, 1))] == [
        "notification",
        "rapid_review",
        "lcspr_published",
        "kept_online",
    ]
    assert review_clocks(learning, today=D(2020, 1, 1)) == []
