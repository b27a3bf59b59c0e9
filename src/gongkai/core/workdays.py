"""The working-day calendar as stored in the database (R-CAL-1): selectors and services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, CalendarNotLoaded
from gongkai.core.models import CalendarDay, CalendarYear
from gongkai.core.workdays_rules import Schedule, YearNotLoaded

_CACHE_KEY = "gongkai:calendar:v1"


def get_schedule() -> Schedule:
    """The loaded schedule, cached in the shared cache and dropped on every calendar write."""
    cached = cache.get(_CACHE_KEY)
    if isinstance(cached, Schedule):
        return cached
    years = list(CalendarYear.objects.values_list("year", flat=True))
    holidays: list[date] = []
    workdays: list[date] = []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).append(day)
    schedule = Schedule.build(years, holidays, workdays)
    cache.set(_CACHE_KEY, schedule, 3600)
    return schedule


def _invalidate() -> None:
    cache.delete(_CACHE_KEY)


def is_working_day(day: date) -> bool:
    try:
        return get_schedule().is_working_day(day)
    except YearNotLoaded as exc:
        raise CalendarNotLoaded(exc.year) from exc


def add_working_days(start: date, n: int) -> date:
    if n < 1:
        raise ApplicationError("bad_number", "工作日数必须至少为 1。")
    try:
        return get_schedule().add_working_days(start, n)
    except YearNotLoaded as exc:
        raise CalendarNotLoaded(exc.year) from exc


def working_days_between(start: date, end: date) -> int:
    try:
        return get_schedule().working_days_between(start, end)
    except YearNotLoaded as exc:
        raise CalendarNotLoaded(exc.year) from exc


def chinese_calendar_years() -> list[int]:
    """Years the `chinese-calendar` package knows the official schedule of."""
    import chinese_calendar

    return sorted({d.year for d in chinese_calendar.holidays})


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _cn_name(name: object) -> str:
    text = str(name or "")
    return _HOLIDAY_NAMES.get(text, text)


def chinese_calendar_days(year: int) -> tuple[list[tuple[date, str]], list[tuple[date, str]]]:
    """(holidays on weekdays, 调休 working weekend days) of `year` from `chinese-calendar`."""
    import chinese_calendar

    holidays = [
        (d, _cn_name(name))
        for d, name in chinese_calendar.holidays.items()
        if d.year == year and d.weekday() < 5
    ]
    workdays = [
        (d, _cn_name(name))
        for d, name in chinese_calendar.workdays.items()
        if d.year == year and d.weekday() >= 5
    ]
    return sorted(holidays), sorted(workdays)


@transaction.atomic
def calendar_year_load(
    *, actor: Any, year: int, holidays: list[tuple[date, str]], workdays: list[tuple[date, str]], source: str
) -> CalendarYear:
    """Replace a year's schedule with the given exceptions and mark it loaded."""
    for d, _ in holidays + workdays:
        if d.year != year:
            raise ApplicationError("bad_date", f"日期 {d.isoformat()} 不属于 {year} 年。")
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind=CalendarDay.Kind.HOLIDAY, name=n[:50]) for d, n in holidays]
        + [CalendarDay(date=d, kind=CalendarDay.Kind.WORKDAY, name=n[:50]) for d, n in workdays]
    )
    cal_year, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    audit_log(
        actor=actor,
        action="calendar.load",
        obj=cal_year,
        data={"holidays": len(holidays), "workdays": len(workdays), "source": source},
    )
    transaction.on_commit(_invalidate)
    _invalidate()
    return cal_year


def calendar_prefill_from_package(*, actor: Any = None, only_missing: bool = True) -> list[int]:
    """Load every year `chinese-calendar` knows (skipping years already loaded when `only_missing`)."""
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    done = []
    for year in chinese_calendar_years():
        if only_missing and year in loaded:
            continue
        holidays, workdays = chinese_calendar_days(year)
        calendar_year_load(
            actor=actor, year=year, holidays=holidays, workdays=workdays, source="chinese-calendar"
        )
        done.append(year)
    return done


@transaction.atomic
def calendar_day_set(*, actor: Any, day: date, kind: str | None, name: str = "") -> None:
    """Set one day's exception (kind None removes it). Only for loaded years."""
    if not CalendarYear.objects.filter(year=day.year).exists():
        raise CalendarNotLoaded(day.year)
    if kind is None:
        CalendarDay.objects.filter(date=day).delete()
    else:
        if kind not in CalendarDay.Kind.values:
            raise ApplicationError("bad_kind", "日期类型无效。")
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name[:50]})
    audit_log(
        actor=actor,
        action="calendar.day_set",
        object_type="core.calendarday",
        object_id=day.isoformat(),
        data={"kind": kind, "name": name},
    )
    transaction.on_commit(_invalidate)
    _invalidate()


@transaction.atomic
def calendar_year_create(*, actor: Any, year: int) -> CalendarYear:
    """Mark a year loaded with no exceptions yet (admins then enter the announced schedule)."""
    if year < 1949 or year > 2200:
        raise ApplicationError("bad_year", "年份无效。")
    cal_year, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": "manual"})
    if created:
        audit_log(actor=actor, action="calendar.year_create", obj=cal_year)
    transaction.on_commit(_invalidate)
    _invalidate()
    return cal_year
