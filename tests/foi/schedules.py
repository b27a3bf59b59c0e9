"""The official working-day schedules of 2025 and 2026 (国务院办公厅 notices on 部分节假日安排), written out so that
the clock tests read on their own. `test_schedules_match_the_loaded_calendar` checks them against the calendar
the platform loads (chinese-calendar), so these are the real schedules, not made-up ones.

Holidays are listed only where they fall on a weekday (weekends are not working days anyway); WORKDAYS are the
调休 weekend days worked.
"""

from __future__ import annotations

from datetime import date

from gongkai.core.workdays_rules import Schedule


def _d(text: str) -> date:
    return date.fromisoformat(text)


HOLIDAYS_2025 = [
    _d(s)
    for s in (
        "2025-01-01",  # 元旦
        *(
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
            "2025-02-03",
            "2025-02-04",
        ),  # 春节 01-28..02-04
        "2025-04-04",  # 清明
        *("2025-05-01", "2025-05-02", "2025-05-05"),  # 劳动节 05-01..05-05
        "2025-06-02",  # 端午
        *("2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08"),  # 国庆、中秋
    )
]
WORKDAYS_2025 = [
    _d(s)
    for s in (
        "2025-01-26",  # Sunday before the Spring Festival
        "2025-02-08",  # Saturday after it
        "2025-04-27",  # Sunday before Labour Day
        "2025-09-28",  # Sunday before National Day
        "2025-10-11",  # Saturday after it
    )
]
HOLIDAYS_2026 = [
    _d(s)
    for s in (
        "2026-01-01",
        "2026-01-02",  # 元旦 01-01..01-03
        *(
            "2026-02-16",
            "2026-02-17",
            "2026-02-18",
            "2026-02-19",
            "2026-02-20",
            "2026-02-23",
        ),  # 春节 02-15..02-23
        "2026-04-06",  # 清明
        *("2026-05-01", "2026-05-04", "2026-05-05"),  # 劳动节
        "2026-06-19",  # 端午
        "2026-09-25",  # 中秋
        *("2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"),  # 国庆 10-01..10-07
    )
]
WORKDAYS_2026 = [
    _d(s)
    for s in (
        "2026-01-04",  # Sunday after New Year
        "2026-02-14",  # Saturday before the Spring Festival
        "2026-02-28",  # Saturday after it
        "2026-05-09",  # Saturday after Labour Day
        "2026-09-20",  # Sunday before National Day
        "2026-10-10",  # Saturday after it
    )
]

REAL = Schedule.build([2025, 2026], HOLIDAYS_2025 + HOLIDAYS_2026, WORKDAYS_2025 + WORKDAYS_2026)
ONLY_2025 = Schedule.build([2025], HOLIDAYS_2025, WORKDAYS_2025)
