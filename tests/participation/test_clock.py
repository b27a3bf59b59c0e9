"""The message clock (R-INT-2, R-CAL-2) across the real 2025/2026 schedules, with the 调休 working weekends.
Pure: no database."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.participation import clock
from gongkai.participation.clock import Event
from tests.foi.schedules import ONLY_2025, REAL


def d(text: str) -> date:
    return date.fromisoformat(text)


def compute(received: str, limit: int, *events: Event) -> clock.Clock:
    return clock.compute(REAL, received_on=d(received), limit=limit, events=list(events))


def test_r_int_2_default_limits():
    assert clock.DEFAULT_LIMITS == {"咨询": 3, "求助": 5, "投诉": 10, "举报": 15, "意见": 10, "建议": 10}
    assert clock.EXTENSION_MAX == 10
    assert clock.SEND_BACK_WITHIN == 2


@pytest.mark.parametrize(
    ("received", "limit", "due"),
    [
        # 2025 春节: Sunday 01-26 is worked, 01-28…02-04 off, Saturday 02-08 worked.
        ("2025-01-24", 3, "2025-02-05"),
        ("2025-01-24", 10, "2025-02-13"),
        # 2025 国庆: Sunday 09-28 worked, 10-01…10-08 off, Saturday 10-11 worked.
        ("2025-09-26", 5, "2025-10-10"),
        ("2025-09-26", 10, "2025-10-16"),
        # 2026 春节: Saturday 02-14 worked, 02-15…02-23 off.
        ("2026-02-13", 3, "2026-02-25"),
        # 2026 中秋 09-25 and 国庆 10-01…10-07: Sunday 09-20 worked.
        ("2026-09-18", 10, "2026-10-09"),
    ],
)
def test_r_cal_2_due_is_nth_working_day_strictly_after_receipt(received, limit, due):
    assert compute(received, limit).due_on == d(due)


def test_r_cal_2_receipt_day_never_counts_even_on_a_working_weekend():
    # Received on the 调休 Sunday 2025-01-26: counting starts on Monday 01-27.
    assert compute("2025-01-26", 1).due_on == d("2025-01-27")


def test_transfer_neither_restarts_nor_pauses():
    plain = compute("2025-01-24", 10)
    moved = compute(
        "2025-01-24",
        10,
        Event(clock.TRANSFERRED, d("2025-02-06")),
        Event(clock.SENT_BACK, d("2025-02-07")),
        Event(clock.TRANSFERRED, d("2025-02-10")),
    )
    assert moved.due_on == plain.due_on == d("2025-02-13")
    assert "不重新计时" in moved.lines[1]


def test_extension_adds_to_the_due_date_in_force():
    c = compute("2025-01-24", 10, Event(clock.EXTENSION, d("2025-02-10"), 10))
    assert c.due_on == d("2025-02-27")
    assert c.current.extension_days == 10


@pytest.mark.parametrize("days", [0, 11])
def test_extension_at_most_ten(days):
    with pytest.raises(clock.ClockError) as exc:
        compute("2025-01-24", 10, Event(clock.EXTENSION, d("2025-02-10"), days))
    assert exc.value.code == "bad_extension"


def test_extension_once_per_round_but_again_after_reopen():
    with pytest.raises(clock.ClockError) as exc:
        compute(
            "2025-01-24",
            10,
            Event(clock.EXTENSION, d("2025-02-10"), 2),
            Event(clock.EXTENSION, d("2025-02-11"), 2),
        )
    assert exc.value.code == "extension_twice"
    c = compute(
        "2025-01-24",
        10,
        Event(clock.EXTENSION, d("2025-02-10"), 2),
        Event(clock.REPLIED, d("2025-02-12")),
        Event(clock.RATED, d("2025-02-20")),
        Event(clock.REOPENED, d("2025-03-03")),
        Event(clock.EXTENSION, d("2025-03-05"), 1),
    )
    assert [r.extension_days for r in c.rounds] == [2, 1]


def test_extension_after_due_date_refused():
    with pytest.raises(clock.ClockError) as exc:
        compute("2025-01-24", 3, Event(clock.EXTENSION, d("2025-02-06"), 2))
    assert exc.value.code == "extension_late"


def test_reopen_starts_a_new_round_with_the_full_limit():
    c = compute(
        "2025-01-24",
        10,
        Event(clock.REPLIED, d("2025-02-14")),
        Event(clock.CLOSED, d("2025-02-17")),
        Event(clock.RATED, d("2025-02-18")),
        Event(clock.REOPENED, d("2025-03-03")),
    )
    assert len(c.rounds) == 2
    assert c.rounds[0].due_on == d("2025-02-13")
    assert c.rounds[0].late is True  # replied 02-14, one day after the due date
    assert c.rounds[1].started_on == d("2025-03-03")
    assert c.rounds[1].due_on == d("2025-03-17")
    assert c.rounds[1].late is None
    assert c.due_on == d("2025-03-17")


def test_reply_on_the_due_date_is_not_late():
    c = compute("2025-01-24", 3, Event(clock.REPLIED, d("2025-02-05")))
    assert c.current.late is False
    assert not c.overdue(d("2025-03-01"))


def test_overdue_when_unanswered_after_due():
    c = compute("2025-01-24", 3)
    assert not c.overdue(d("2025-02-05"))
    assert c.overdue(d("2025-02-06"))


def test_not_accepted_stops_the_clock():
    c = compute("2025-01-24", 3, Event(clock.NOT_ACCEPTED, d("2025-01-27")))
    assert c.stopped and not c.overdue(d("2025-12-31"))


def test_events_out_of_order_refused():
    with pytest.raises(clock.ClockError) as exc:
        compute("2025-01-24", 3, Event(clock.REPLIED, d("2025-01-20")))
    assert exc.value.code == "bad_order"


def test_reopen_before_reply_refused():
    with pytest.raises(clock.ClockError):
        compute("2025-01-24", 3, Event(clock.REOPENED, d("2025-01-27")))


def test_r_cal_1_year_not_loaded():
    with pytest.raises(YearNotLoaded):
        clock.compute(ONLY_2025, received_on=d("2025-12-29"), limit=10, events=[])


def test_due_soon_and_send_back_deadline():
    assert clock.due_soon(REAL, due_on=d("2025-02-05"), as_of=d("2025-01-27"), within=1)
    assert not clock.due_soon(REAL, due_on=d("2025-02-06"), as_of=d("2025-01-27"), within=1)
    assert not clock.due_soon(REAL, due_on=d("2025-02-05"), as_of=d("2025-02-06"), within=1)
    # Transferred Friday 2025-09-26: the 2nd working day after is Monday 09-29 (Sunday 09-28 is worked).
    assert clock.send_back_deadline(REAL, transferred_on=d("2025-09-26")) == d("2025-09-29")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2025-11-30", 3, "2026-02-28"),
        ("2024-11-30", 3, "2025-02-28"),
        ("2025-05-31", -3, "2025-02-28"),
        ("2025-01-15", -12, "2024-01-15"),
    ],
)
def test_add_months(day, months, expected):
    assert clock.add_months(d(day), months) == d(expected)


def test_r_web_1_excluded_channels():
    assert clock.channel_counts_for_inspection("领导信箱")
    assert clock.channel_counts_for_inspection("12345网上受理")
    for channel in ("网上信访", "纪检举报", "在线访谈", "网上调查"):
        assert not clock.channel_counts_for_inspection(channel)
