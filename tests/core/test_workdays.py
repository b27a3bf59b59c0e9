"""The working-day calendar as stored in the database (gongkai.core.workdays): R-CAL-1, R-CAL-2.

The schedules come from migration 0003 (chinese-calendar data); the expected dates below are the State
Council's published 2025 and 2026 arrangements, and are cross-checked against the package itself.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from django.core.cache import cache

from gongkai.core import workdays
from gongkai.core.errors import ApplicationError, CalendarNotLoaded
from gongkai.core.models import AuditEntry, CalendarDay, CalendarYear
from gongkai.orgs.models import User

pytestmark = pytest.mark.django_db


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# ---- R-CAL-1: the real 2025 and 2026 schedules ------------------------------------------------------------

WORKING = [
    # 2025 Spring Festival: 调休 Sunday 01-26 and Saturday 02-08.
    date(2025, 1, 26),
    date(2025, 2, 8),
    # 2025 National Day + Mid-autumn: 调休 Sunday 09-28 and Saturday 10-11.
    date(2025, 9, 28),
    date(2025, 10, 11),
    # 2026 Spring Festival: 调休 Saturdays 02-14 and 02-28.
    date(2026, 2, 14),
    date(2026, 2, 28),
    # 2026 National Day: 调休 Sunday 09-20 and Saturday 10-10.
    date(2026, 9, 20),
    date(2026, 10, 10),
    # Ordinary weekdays right after the holidays.
    date(2025, 2, 5),
    date(2025, 10, 9),
    date(2026, 2, 24),
    date(2026, 10, 8),
]
NOT_WORKING = [
    *_days(date(2025, 1, 28), date(2025, 2, 4)),
    *_days(date(2025, 10, 1), date(2025, 10, 8)),
    *_days(date(2026, 2, 15), date(2026, 2, 23)),
    *_days(date(2026, 10, 1), date(2026, 10, 7)),
    date(2025, 1, 1),
    date(2026, 1, 2),  # a Friday inside the 2026 New Year holiday
    date(2025, 2, 9),  # the Sunday after the 调休 Saturday
]


@pytest.mark.parametrize("day", WORKING, ids=str)
def test_r_cal_1_tiaoxiu_and_ordinary_working_days(day):
    assert workdays.is_working_day(day) is True


@pytest.mark.parametrize("day", NOT_WORKING, ids=str)
def test_r_cal_1_statutory_holidays_are_not_working_days(day):
    assert workdays.is_working_day(day) is False


def test_r_cal_1_tiaoxiu_days_really_fall_on_weekends():
    for day in (date(2025, 1, 26), date(2025, 9, 28), date(2026, 9, 20)):
        assert day.weekday() == 6
    for day in (
        date(2025, 2, 8),
        date(2025, 10, 11),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 10, 10),
    ):
        assert day.weekday() == 5


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_r_cal_1_every_day_agrees_with_the_chinese_calendar_package(year):
    disagreements = [
        day
        for day in _days(date(year, 1, 1), date(year, 12, 31))
        if workdays.is_working_day(day) != chinese_calendar.is_workday(day)
    ]
    assert disagreements == []


def test_stored_exceptions_carry_chinese_names():
    assert CalendarDay.objects.get(date=date(2025, 1, 26)).name == "春节"
    assert CalendarDay.objects.get(date=date(2025, 10, 11)).name == "国庆节"
    assert CalendarDay.objects.get(date=date(2025, 1, 28)).kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.get(date=date(2026, 2, 28)).kind == CalendarDay.Kind.WORKDAY


def test_package_exceptions_are_only_weekday_holidays_and_weekend_workdays():
    holidays, working = workdays.chinese_calendar_days(2025)
    assert all(d.weekday() < 5 for d, _ in holidays)
    assert all(d.weekday() >= 5 for d, _ in working)
    assert [d for d, _ in working] == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]


# ---- R-CAL-2: counting working days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 1, 24), 1, date(2025, 1, 26)),  # Friday → 调休 Sunday
        (date(2025, 1, 27), 1, date(2025, 2, 5)),  # over the whole Spring Festival
        (date(2025, 1, 27), 4, date(2025, 2, 8)),  # … landing on the 调休 Saturday
        (date(2025, 9, 26), 1, date(2025, 9, 28)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # over the 8-day National Day holiday
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 10, 9), 1, date(2026, 10, 10)),
        (date(2025, 12, 30), 5, date(2026, 1, 7)),  # across the year boundary and New Year 2026
    ],
)
def test_r_cal_2_nth_working_day_after(start, n, expected):
    assert workdays.add_working_days(start, n) == expected


def _reference_add(start: date, n: int) -> date:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


@pytest.mark.parametrize("n", [1, 7, 15, 20])
def test_r_cal_2_matches_the_package_for_every_start_in_2025(n):
    wrong = [
        start
        for start in _days(date(2025, 1, 1), date(2025, 12, 31))
        if workdays.add_working_days(start, n) != _reference_add(start, n)
    ]
    assert wrong == []


def test_r_cal_2_n_below_one_is_refused():
    with pytest.raises(ApplicationError) as exc:
        workdays.add_working_days(date(2025, 3, 3), 0)
    assert exc.value.code == "bad_number"
    assert "至少为 1" in exc.value.message


def test_working_days_between_over_national_day_2025():
    assert workdays.working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    # 09-28 (调休 Sunday), 09-29, 09-30, 10-09, 10-10, 10-11 (调休 Saturday).
    assert workdays.working_days_between(date(2025, 9, 26), date(2025, 10, 11)) == 6


# ---- R-CAL-1: a year whose schedule is not loaded ----------------------------------------------------------


def test_r_cal_1_year_not_loaded_raises_and_names_the_year():
    assert not CalendarYear.objects.filter(year=2031).exists()
    with pytest.raises(CalendarNotLoaded) as exc:
        workdays.is_working_day(date(2031, 1, 6))
    assert exc.value.year == 2031
    assert exc.value.code == "calendar_not_loaded"
    assert "2031年" in exc.value.message


def test_r_cal_1_counting_past_the_last_loaded_year_is_refused():
    last = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    assert last is not None
    with pytest.raises(CalendarNotLoaded) as exc:
        workdays.add_working_days(date(last, 12, 20), 20)
    assert exc.value.year == last + 1
    with pytest.raises(CalendarNotLoaded):
        workdays.working_days_between(date(last, 12, 1), date(last + 1, 1, 10))


def test_calendar_year_create_makes_the_year_usable_immediately():
    admin = User.objects.create_user(username="a", password="x-long-password-1", is_platform_admin=True)
    with pytest.raises(CalendarNotLoaded):
        workdays.is_working_day(date(2031, 1, 6))  # also fills the cache
    workdays.calendar_year_create(actor=admin, year=2031)
    assert workdays.is_working_day(date(2031, 1, 6)) is True  # Monday
    assert workdays.is_working_day(date(2031, 1, 4)) is False  # Saturday
    entry = AuditEntry.objects.get(action="calendar.year_create")
    assert entry.actor == admin
    assert entry.object_id == "2031"
    # Creating it again is a no-op: no second audit entry.
    workdays.calendar_year_create(actor=admin, year=2031)
    assert AuditEntry.objects.filter(action="calendar.year_create").count() == 1


@pytest.mark.parametrize("year", [1900, 2500])
def test_calendar_year_create_refuses_absurd_years(year):
    with pytest.raises(ApplicationError) as exc:
        workdays.calendar_year_create(actor=None, year=year)
    assert exc.value.code == "bad_year"
    assert not CalendarYear.objects.filter(year=year).exists()


# ---- editing: results change at once, and every write is audited --------------------------------------------


def test_editing_a_day_changes_results_immediately():
    admin = User.objects.create_user(username="a", password="x-long-password-1", is_platform_admin=True)
    monday = date(2025, 3, 3)
    assert workdays.is_working_day(monday) is True
    assert workdays.add_working_days(date(2025, 2, 28), 1) == monday
    assert cache.get(workdays._CACHE_KEY) is not None  # the schedule is cached now

    workdays.calendar_day_set(actor=admin, day=monday, kind=CalendarDay.Kind.HOLIDAY, name="测试假日")
    assert workdays.is_working_day(monday) is False
    assert workdays.add_working_days(date(2025, 2, 28), 1) == date(2025, 3, 4)

    saturday = date(2025, 3, 8)
    workdays.calendar_day_set(actor=admin, day=saturday, kind=CalendarDay.Kind.WORKDAY, name="调休")
    assert workdays.is_working_day(saturday) is True
    assert workdays.add_working_days(date(2025, 3, 7), 1) == saturday

    workdays.calendar_day_set(actor=admin, day=monday, kind=None)
    assert workdays.is_working_day(monday) is True
    assert not CalendarDay.objects.filter(date=monday).exists()


def test_removing_a_package_tiaoxiu_day_makes_it_a_weekend_again():
    sunday = date(2025, 1, 26)
    assert workdays.is_working_day(sunday) is True
    workdays.calendar_day_set(actor=None, day=sunday, kind=None)
    assert workdays.is_working_day(sunday) is False


def test_calendar_day_set_writes_an_audit_entry():
    admin = User.objects.create_user(username="a", password="x-long-password-1", is_platform_admin=True)
    before = AuditEntry.objects.count()
    workdays.calendar_day_set(actor=admin, day=date(2025, 3, 3), kind="holiday", name="测试")
    workdays.calendar_day_set(actor=admin, day=date(2025, 3, 3), kind=None)
    entries = list(AuditEntry.objects.filter(action="calendar.day_set").order_by("id"))
    assert AuditEntry.objects.count() == before + 2
    assert [e.data for e in entries] == [{"kind": "holiday", "name": "测试"}, {"kind": None, "name": ""}]
    assert {e.object_id for e in entries} == {"2025-03-03"}
    assert all(e.actor == admin for e in entries)


def test_calendar_day_set_refuses_unloaded_year_and_bad_kind_without_change():
    with pytest.raises(CalendarNotLoaded):
        workdays.calendar_day_set(actor=None, day=date(2031, 5, 1), kind="holiday", name="劳动节")
    assert not CalendarDay.objects.filter(date=date(2031, 5, 1)).exists()

    with pytest.raises(ApplicationError) as exc:
        workdays.calendar_day_set(actor=None, day=date(2025, 3, 3), kind="vacation")
    assert exc.value.code == "bad_kind"
    assert not CalendarDay.objects.filter(date=date(2025, 3, 3)).exists()
    assert not AuditEntry.objects.filter(action="calendar.day_set").exists()


def test_calendar_year_load_replaces_a_year_and_audits():
    assert workdays.is_working_day(date(2025, 1, 28)) is False
    workdays.calendar_year_load(
        actor=None,
        year=2025,
        holidays=[(date(2025, 3, 3), "测试")],
        workdays=[],
        source="manual",
    )
    # The old Spring Festival exceptions are gone, the new one holds.
    assert workdays.is_working_day(date(2025, 1, 28)) is True
    assert workdays.is_working_day(date(2025, 1, 26)) is False
    assert workdays.is_working_day(date(2025, 3, 3)) is False
    assert CalendarDay.objects.filter(date__year=2025).count() == 1
    assert CalendarYear.objects.get(year=2025).source == "manual"
    entry = AuditEntry.objects.get(action="calendar.load")
    assert entry.data == {"holidays": 1, "workdays": 0, "source": "manual"}


def test_calendar_year_load_rejects_a_date_of_another_year_and_changes_nothing():
    count_before = CalendarDay.objects.filter(date__year=2025).count()
    with pytest.raises(ApplicationError) as exc:
        workdays.calendar_year_load(
            actor=None, year=2025, holidays=[(date(2026, 1, 1), "元旦")], workdays=[], source="manual"
        )
    assert exc.value.code == "bad_date"
    assert CalendarDay.objects.filter(date__year=2025).count() == count_before
    assert workdays.is_working_day(date(2025, 1, 28)) is False


def test_prefill_from_package_loads_only_missing_years():
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    cache.clear()
    with pytest.raises(CalendarNotLoaded):
        workdays.is_working_day(date(2025, 1, 26))

    assert workdays.calendar_prefill_from_package() == [2025]
    assert workdays.is_working_day(date(2025, 1, 26)) is True
    assert workdays.is_working_day(date(2025, 1, 28)) is False
    assert workdays.calendar_prefill_from_package() == []


def test_migration_loaded_every_year_the_package_knows():
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(workdays.chinese_calendar_years()) <= loaded
    assert {2025, 2026} <= loaded
