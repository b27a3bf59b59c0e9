"""Staff pages for the working-day calendar (R-CAL-1): platform administrators keep each year's schedule.

Thin views over the services in `gongkai.core.workdays`. Anyone who is not a platform administrator
gets a 404 (anonymous visitors are sent to the login page first).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core import workdays
from gongkai.core.errors import ApplicationError
from gongkai.core.models import CalendarDay, CalendarYear
from gongkai.orgs.selectors import is_platform_admin

MIN_YEAR = 1949
MAX_YEAR = 2200
_WEEKDAYS = "一二三四五六日"

View = Callable[..., HttpResponse]


def platform_admin_required(view: View) -> View:
    """Login first; then a 404 for anyone who is not a platform administrator (no leak that the page exists)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_platform_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def weekday_label(day: date) -> str:
    return f"星期{_WEEKDAYS[day.weekday()]}"


# ---- forms -------------------------------------------------------------------------------------------


class YearForm(forms.Form):
    year = forms.IntegerField(
        label="年份",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "required": "请填写年份。",
            "invalid": "年份必须是四位数字，例如 2027。",
            "min_value": f"年份不能早于 {MIN_YEAR} 年。",
            "max_value": f"年份不能晚于 {MAX_YEAR} 年。",
        },
    )

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if CalendarYear.objects.filter(year=year).exists():
            raise ValidationError(f"{year}年的工作日安排已经存在。", code="exists")
        return year


_DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式不正确，应为 YYYY-MM-DD，且须是存在的日期。"}


class DaySetForm(forms.Form):
    """One exception to the Monday–Friday rule: a holiday on a weekday, or a 调休 working weekend day."""

    date = forms.DateField(
        label="日期",
        input_formats=["%Y-%m-%d"],
        error_messages=_DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = forms.ChoiceField(
        label="类型",
        choices=CalendarDay.Kind.choices,
        error_messages={
            "required": "请选择类型。",
            "invalid_choice": "类型无效，只能是法定节假日或调休上班。",
        },
    )
    name = forms.CharField(
        label="名称",
        max_length=50,
        required=False,
        help_text="例如：春节、国庆节",
        error_messages={"max_length": "名称不能超过 50 个字。"},
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year

    # (`date` is a field name inside this class, hence `datetime.date` in annotations.)
    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        if day.year != self.year:
            raise ValidationError(f"日期必须在{self.year}年内。", code="other_year")
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, kind = cleaned.get("date"), cleaned.get("kind")
        if day is None or kind is None:
            return cleaned
        # R-CAL-1: only exceptions to the Monday–Friday rule are stored; anything else changes nothing.
        if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
            self.add_error(
                "date",
                f"{day.isoformat()} 是{weekday_label(day)}，本来就是工作日；调休上班只用于周六、周日。",
            )
        elif kind == CalendarDay.Kind.HOLIDAY and day.weekday() >= 5:
            self.add_error(
                "date",
                f"{day.isoformat()} 是{weekday_label(day)}，本来就不上班；法定节假日只需登记周一至周五的日期。",
            )
        return cleaned


class DayRemoveForm(forms.Form):
    date = forms.DateField(input_formats=["%Y-%m-%d"], error_messages=_DATE_ERRORS)


class TryForm(forms.Form):
    """试算: the Nth working day after a date (R-CAL-2), so administrators can check what they entered."""

    start = forms.DateField(
        label="起算日期",
        input_formats=["%Y-%m-%d"],
        error_messages=_DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    n = forms.IntegerField(
        label="工作日数",
        min_value=1,
        max_value=1000,
        error_messages={
            "required": "请填写工作日数。",
            "invalid": "工作日数必须是整数。",
            "min_value": "工作日数必须至少为 1。",
            "max_value": "工作日数不能超过 1000。",
        },
    )


# ---- views -------------------------------------------------------------------------------------------


def _years_with_counts() -> list[CalendarYear]:
    years = list(CalendarYear.objects.order_by("-year"))
    counts: dict[int, dict[str, int]] = {}
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        counts.setdefault(day.year, {}).setdefault(kind, 0)
        counts[day.year][kind] += 1
    for cal_year in years:
        by_kind = counts.get(cal_year.year, {})
        cal_year.holiday_count = by_kind.get(CalendarDay.Kind.HOLIDAY.value, 0)  # type: ignore[attr-defined]
        cal_year.workday_count = by_kind.get(CalendarDay.Kind.WORKDAY.value, 0)  # type: ignore[attr-defined]
    return years


@platform_admin_required
@require_http_methods(["GET", "POST"])
def calendar_year_list(request: HttpRequest) -> HttpResponse:
    """The loaded years; POST adds a year (its exceptions are then entered on the year's page)."""
    year_form = YearForm(request.POST if request.method == "POST" else None, prefix="add")
    if request.method == "POST" and year_form.is_valid():
        try:
            cal_year = workdays.calendar_year_create(actor=request.user, year=year_form.cleaned_data["year"])
        except ApplicationError as exc:
            year_form.add_error("year", exc.message)
        else:
            messages.success(
                request, f"已新增{cal_year.year}年。请按国务院办公厅公布的安排登记法定节假日和调休上班日。"
            )
            return redirect("staff_calendar:year", year=cal_year.year)

    try_form = TryForm(request.GET if "start" in request.GET else None)
    try_result: date | None = None
    try_error = ""
    if try_form.is_bound and try_form.is_valid():
        try:
            try_result = workdays.add_working_days(try_form.cleaned_data["start"], try_form.cleaned_data["n"])
        except ApplicationError as exc:
            try_error = exc.message

    package_missing = _package_years_missing()
    return render(
        request,
        "core/calendar_years.html",
        {
            "years": _years_with_counts(),
            "year_form": year_form,
            "try_form": try_form,
            "try_result": try_result,
            "try_weekday": weekday_label(try_result) if try_result else "",
            "try_error": try_error,
            "package_missing": package_missing,
        },
    )


def _package_years_missing() -> list[int]:
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    return [y for y in workdays.chinese_calendar_years() if y not in loaded]


@platform_admin_required
@require_POST
def calendar_load_package(request: HttpRequest) -> HttpResponse:
    """Load the years the chinese-calendar package knows and the platform does not have yet."""
    loaded = workdays.calendar_prefill_from_package(actor=request.user, only_missing=True)
    if loaded:
        messages.success(request, "已从 chinese-calendar 载入：" + "、".join(f"{y}年" for y in loaded) + "。")
    else:
        messages.info(request, "chinese-calendar 中的年份均已载入，没有变化。")
    return redirect("staff_calendar:years")


def _get_year(year: int) -> CalendarYear:
    cal_year = CalendarYear.objects.filter(year=year).first()
    if cal_year is None:
        raise Http404
    return cal_year


def _render_year(
    request: HttpRequest,
    cal_year: CalendarYear,
    *,
    set_form: DaySetForm | None = None,
    remove_error: str = "",
) -> HttpResponse:
    days = CalendarDay.objects.filter(date__year=cal_year.year).order_by("date")
    rows = [{"day": d, "weekday": weekday_label(d.date)} for d in days]
    totals = days.aggregate(
        holidays=Count("pk", filter=Q(kind=CalendarDay.Kind.HOLIDAY)),
        workdays=Count("pk", filter=Q(kind=CalendarDay.Kind.WORKDAY)),
    )
    return render(
        request,
        "core/calendar_year.html",
        {
            "cal_year": cal_year,
            "rows": rows,
            "totals": totals,
            "set_form": set_form or DaySetForm(year=cal_year.year, prefix="day"),
            "remove_error": remove_error,
        },
    )


@platform_admin_required
@require_http_methods(["GET"])
def calendar_year_detail(request: HttpRequest, year: int) -> HttpResponse:
    return _render_year(request, _get_year(year))


@platform_admin_required
@require_POST
def calendar_day_set(request: HttpRequest, year: int) -> HttpResponse:
    cal_year = _get_year(year)
    form = DaySetForm(request.POST, year=year, prefix="day")
    if form.is_valid():
        day: date = form.cleaned_data["date"]
        kind: str = form.cleaned_data["kind"]
        name: str = form.cleaned_data["name"].strip()
        try:
            workdays.calendar_day_set(actor=request.user, day=day, kind=kind, name=name)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            label = CalendarDay.Kind(kind).label
            messages.success(request, f"已将 {day.isoformat()}（{weekday_label(day)}）设为{label}。")
            return redirect("staff_calendar:year", year=year)
    return _render_year(request, cal_year, set_form=form)


@platform_admin_required
@require_POST
def calendar_day_remove(request: HttpRequest, year: int) -> HttpResponse:
    cal_year = _get_year(year)
    form = DayRemoveForm(request.POST)
    if not form.is_valid():
        return _render_year(request, cal_year, remove_error="要恢复的日期格式不正确。")
    day: date = form.cleaned_data["date"]
    if day.year != year or not CalendarDay.objects.filter(date=day).exists():
        return _render_year(
            request, cal_year, remove_error=f"{day.isoformat()} 不是{year}年已登记的例外日期。"
        )
    workdays.calendar_day_set(actor=request.user, day=day, kind=None)
    messages.success(request, f"已恢复 {day.isoformat()}（{weekday_label(day)}）为按星期计算的普通日。")
    return redirect("staff_calendar:year", year=year)
