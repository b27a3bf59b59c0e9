"""`gongkai calendar …`: working-day look-ups and loading the schedule (R-CAL-1, R-CAL-2).

Exit status follows contracts.md: 0 done; 2 nothing done (usage error, bad date, bad number, or a
year whose working-day schedule is not loaded — the message names the year).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core import workdays
from gongkai.core.errors import ApplicationError, CalendarNotLoaded
from gongkai.core.models import CalendarDay, CalendarYear

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"[+-]?\d+")


class Command(BaseCommand):
    help = "工作日历：计算工作日、查询是否工作日、载入工作日安排。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="<操作>", required=True)

        p = sub.add_parser("add-working-days", help="输出日期 D 之后第 N 个工作日（R-CAL-2）")
        p.add_argument("start", metavar="D", help="起算日期，格式 YYYY-MM-DD（不计入）")
        p.add_argument("n", metavar="N", help="工作日数，至少为 1")

        p = sub.add_parser("is-working-day", help="日期 D 是否工作日：输出 yes 或 no（R-CAL-1）")
        p.add_argument("day", metavar="D", help="日期，格式 YYYY-MM-DD")

        p = sub.add_parser("working-days-between", help="输出 A 之后至 B（含）之间的工作日数")
        p.add_argument("start", metavar="A", help="起始日期，格式 YYYY-MM-DD（不计入）")
        p.add_argument("end", metavar="B", help="结束日期，格式 YYYY-MM-DD（计入）")

        sub.add_parser("load-package", help="从 chinese-calendar 载入尚未载入的年份")
        sub.add_parser("years", help="列出已载入工作日安排的年份")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add-working-days":
                start = self._parse_date(options["start"])
                n = self._parse_count(options["n"])
                self.stdout.write(workdays.add_working_days(start, n).isoformat())
            elif action == "is-working-day":
                day = self._parse_date(options["day"])
                self.stdout.write("yes" if workdays.is_working_day(day) else "no")
            elif action == "working-days-between":
                start = self._parse_date(options["start"])
                end = self._parse_date(options["end"])
                self.stdout.write(str(workdays.working_days_between(start, end)))
            elif action == "load-package":
                self._load_package()
            elif action == "years":
                self._years()
            else:  # pragma: no cover - argparse rejects unknown actions first
                self._fail(f"未知操作：{action}")
        except CalendarNotLoaded as exc:
            # R-CAL-1: never guess a schedule that has not been loaded; say which year is missing.
            self._fail(f"{exc.year}年的工作日安排尚未载入，无法计算。请先载入该年的工作日安排。")
        except ApplicationError as exc:
            self._fail(exc.message)

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(2)

    def _parse_date(self, raw: str) -> date:
        text = raw.strip()
        if not _ISO_DATE.fullmatch(text):
            self._fail(f"日期格式不正确：{raw!r}，应为 YYYY-MM-DD。")
        try:
            return date.fromisoformat(text)
        except ValueError:
            self._fail(f"日期不存在：{raw}。")

    def _parse_count(self, raw: str) -> int:
        text = raw.strip()
        if not _INTEGER.fullmatch(text):
            self._fail(f"工作日数必须是整数：{raw!r}。")
        n = int(text)
        if n < 1:
            self._fail(f"工作日数必须至少为 1，收到 {n}。")
        return n

    def _load_package(self) -> None:
        loaded = workdays.calendar_prefill_from_package(actor=None, only_missing=True)
        for year in loaded:
            self.stdout.write(str(year))
        if loaded:
            self.stderr.write(f"已载入 {len(loaded)} 个年份的工作日安排。")
        else:
            self.stderr.write("没有需要载入的年份：chinese-calendar 中的年份均已载入。")

    def _years(self) -> None:
        counts: dict[tuple[int, str], int] = {}
        for day, kind in CalendarDay.objects.values_list("date", "kind"):
            counts[(day.year, kind)] = counts.get((day.year, kind), 0) + 1
        for cal_year in CalendarYear.objects.order_by("year"):
            holidays = counts.get((cal_year.year, CalendarDay.Kind.HOLIDAY.value), 0)
            workdays_count = counts.get((cal_year.year, CalendarDay.Kind.WORKDAY.value), 0)
            self.stdout.write(
                f"{cal_year.year}\t{cal_year.source or '-'}\t"
                f"节假日（逢工作日）{holidays} 天\t调休上班 {workdays_count} 天"
            )
