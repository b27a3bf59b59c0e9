"""Working-day arithmetic (R-CAL-1, R-CAL-2). Pure: no Django import.

A `Schedule` knows, for the years it has loaded, which weekdays are statutory holidays and which
weekend days are 调休 working days. It refuses to answer for a year it has not loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


class YearNotLoaded(LookupError):
    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


@dataclass(frozen=True)
class Schedule:
    years: frozenset[int]
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def build(cls, years: Iterable[int], holidays: Iterable[date], workdays: Iterable[date]) -> Schedule:
        return cls(frozenset(years), frozenset(holidays), frozenset(workdays))

    def is_working_day(self, day: date) -> bool:
        """R-CAL-1: not a weekend and not a holiday, or a 调休 working weekend day."""
        if day.year not in self.years:
            raise YearNotLoaded(day.year)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """R-CAL-2: the Nth working day strictly after `start` (N ≥ 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = start
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d ≤ end (0 when end ≤ start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
