"""Pure working-day arithmetic (gongkai.core.workdays_rules): R-CAL-1 and R-CAL-2, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.core.workdays_rules import Schedule, YearNotLoaded

# A small hand-made schedule modelled on the 2025 Spring Festival: holidays Tue 01-28 .. Tue 02-04
# (weekdays only are stored), working Sunday 01-26 and Saturday 02-08.
SPRING_2025 = Schedule.build(
    years=[2025],
    holidays=[date(2025, 1, d) for d in (28, 29, 30, 31)] + [date(2025, 2, 3), date(2025, 2, 4)],
    workdays=[date(2025, 1, 26), date(2025, 2, 8)],
)


# ---- R-CAL-1: which days are working days ------------------------------------------------------------


def test_r_cal_1_plain_weekday_is_working_and_weekend_is_not():
    s = Schedule.build([2025], [], [])
    assert s.is_working_day(date(2025, 3, 3))  # Monday
    assert s.is_working_day(date(2025, 3, 7))  # Friday
    assert not s.is_working_day(date(2025, 3, 8))  # Saturday
    assert not s.is_working_day(date(2025, 3, 9))  # Sunday


def test_r_cal_1_statutory_holiday_on_a_weekday_is_not_a_working_day():
    assert not SPRING_2025.is_working_day(date(2025, 1, 28))
    assert not SPRING_2025.is_working_day(date(2025, 2, 4))
    assert SPRING_2025.is_working_day(date(2025, 2, 5))


def test_r_cal_1_tiaoxiu_weekend_day_is_a_working_day():
    assert date(2025, 1, 26).weekday() == 6 and date(2025, 2, 8).weekday() == 5
    assert SPRING_2025.is_working_day(date(2025, 1, 26))
    assert SPRING_2025.is_working_day(date(2025, 2, 8))
    # The neighbouring weekend days stay days off.
    assert not SPRING_2025.is_working_day(date(2025, 1, 25))
    assert not SPRING_2025.is_working_day(date(2025, 2, 9))


def test_r_cal_1_weekend_days_inside_the_holiday_are_days_off_without_being_stored():
    assert not SPRING_2025.is_working_day(date(2025, 2, 1))
    assert not SPRING_2025.is_working_day(date(2025, 2, 2))


def test_r_cal_1_year_not_loaded_is_refused_not_guessed():
    with pytest.raises(YearNotLoaded) as exc:
        SPRING_2025.is_working_day(date(2026, 1, 5))
    assert exc.value.year == 2026
    with pytest.raises(YearNotLoaded):
        SPRING_2025.is_working_day(date(2024, 12, 31))


# ---- R-CAL-2: "N个工作日内" counts from the day after the start ---------------------------------------------


def test_r_cal_2_start_day_itself_is_not_counted():
    s = Schedule.build([2025], [], [])
    # Monday + 1 working day = Tuesday, although Monday is itself a working day.
    assert s.add_working_days(date(2025, 3, 3), 1) == date(2025, 3, 4)
    assert s.add_working_days(date(2025, 3, 3), 5) == date(2025, 3, 10)


def test_r_cal_2_counting_skips_the_weekend():
    s = Schedule.build([2025], [], [])
    assert s.add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # Friday → Monday
    assert s.add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)  # Saturday start → Monday


def test_r_cal_2_counting_over_a_holiday_and_its_tiaoxiu_days():
    # Friday 01-24: the next working day is the 调休 Sunday 01-26.
    assert SPRING_2025.add_working_days(date(2025, 1, 24), 1) == date(2025, 1, 26)
    # Monday 01-27: the next working day is Wednesday 02-05, after the holiday.
    assert SPRING_2025.add_working_days(date(2025, 1, 27), 1) == date(2025, 2, 5)
    # 02-05 Wed, 02-06 Thu, 02-07 Fri, 02-08 Sat (调休).
    assert SPRING_2025.add_working_days(date(2025, 1, 27), 4) == date(2025, 2, 8)


def test_r_cal_2_n_must_be_at_least_one():
    with pytest.raises(ValueError):
        SPRING_2025.add_working_days(date(2025, 3, 3), 0)
    with pytest.raises(ValueError):
        SPRING_2025.add_working_days(date(2025, 3, 3), -5)


def test_r_cal_1_counting_into_a_year_not_loaded_names_that_year():
    with pytest.raises(YearNotLoaded) as exc:
        SPRING_2025.add_working_days(date(2025, 12, 30), 3)
    assert exc.value.year == 2026


def test_working_days_between_counts_after_start_up_to_and_including_end():
    assert SPRING_2025.working_days_between(date(2025, 1, 27), date(2025, 2, 5)) == 1
    assert SPRING_2025.working_days_between(date(2025, 1, 24), date(2025, 1, 27)) == 2  # 26th and 27th
    assert SPRING_2025.working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0
    assert SPRING_2025.working_days_between(date(2025, 3, 10), date(2025, 3, 3)) == 0


# ---- properties --------------------------------------------------------------------------------------

YEARS = range(2000, 2031)
_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
schedules = st.builds(
    lambda holidays, workdays: Schedule.build(YEARS, holidays, workdays),
    st.sets(_dates, max_size=60),
    st.sets(_dates, max_size=30),
)
starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2029, 12, 31))


@settings(max_examples=150, deadline=None)
@given(schedule=schedules, start=starts, n=st.integers(min_value=1, max_value=120))
def test_r_cal_2_property_result_is_the_nth_working_day_after_start(schedule, start, n):
    result = schedule.add_working_days(start, n)
    assert result > start
    assert schedule.is_working_day(result)
    # Exactly n working days in (start, result], so no earlier day would do.
    assert schedule.working_days_between(start, result) == n
    assert schedule.working_days_between(start, result - timedelta(days=1)) == n - 1


@settings(max_examples=150, deadline=None)
@given(
    schedule=schedules,
    start=starts,
    a=st.integers(min_value=1, max_value=60),
    b=st.integers(min_value=1, max_value=60),
)
def test_r_cal_2_property_counting_in_two_steps_equals_counting_at_once(schedule, start, a, b):
    assert schedule.add_working_days(schedule.add_working_days(start, a), b) == schedule.add_working_days(
        start, a + b
    )


@settings(max_examples=100, deadline=None)
@given(day=_dates)
def test_r_cal_1_property_without_exceptions_monday_to_friday_are_the_working_days(day):
    assert Schedule.build(YEARS, [], []).is_working_day(day) == (day.weekday() < 5)


@settings(max_examples=100, deadline=None)
@given(schedule=schedules, day=_dates)
def test_r_cal_1_property_stored_exceptions_decide_over_the_weekday(schedule, day):
    if day in schedule.workdays:
        assert schedule.is_working_day(day)
    elif day in schedule.holidays:
        assert not schedule.is_working_day(day)
    else:
        assert schedule.is_working_day(day) == (day.weekday() < 5)
