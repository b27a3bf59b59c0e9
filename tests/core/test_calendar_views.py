"""Staff calendar editor (R-CAL-1: the schedule is editable by platform administrators only)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from gongkai.core import workdays
from gongkai.core.models import AuditEntry, CalendarDay, CalendarYear
from gongkai.orgs.models import User

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: int) -> str:
    return reverse(f"staff_calendar:{name}", kwargs=kwargs or None)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---- access ------------------------------------------------------------------------------------------------------


def test_urls_live_under_staff_calendar():
    assert url("years") == "/staff/calendar/"
    assert url("year", year=2025) == "/staff/calendar/2025/"


ALL_PAGES = [
    ("get", "years", {}),
    ("post", "years", {}),
    ("post", "load_package", {}),
    ("get", "year", {"year": 2025}),
    ("post", "day_set", {"year": 2025}),
    ("post", "day_remove", {"year": 2025}),
]


@pytest.mark.parametrize(("method", "name", "kwargs"), ALL_PAGES)
def test_anonymous_is_sent_to_login(client, method, name, kwargs):
    response = getattr(client, method)(url(name, **kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


@pytest.mark.parametrize(("method", "name", "kwargs"), ALL_PAGES)
def test_other_staff_get_404(staff_client, method, name, kwargs):
    response = getattr(staff_client, method)(
        url(name, **kwargs), {"day-date": "2025-03-03", "day-kind": "holiday"}
    )
    assert response.status_code == 404
    assert not CalendarDay.objects.filter(date=date(2025, 3, 3)).exists()


def test_superuser_counts_as_platform_admin(client):
    root = User.objects.create_superuser(username="root", password="x-long-password-1")
    client.force_login(root)
    assert client.get(url("years")).status_code == 200


# ---- year list --------------------------------------------------------------------------------------------------


def test_year_list_shows_loaded_years_with_counts(admin_client):
    response = admin_client.get(url("years"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作日历" in html
    assert 'href="/staff/calendar/2025/"' in html
    row_2025 = next(y for y in response.context["years"] if y.year == 2025)
    assert row_2025.workday_count == 5  # 01-26, 02-08, 04-27, 09-28, 10-11
    assert row_2025.holiday_count == CalendarDay.objects.filter(date__year=2025, kind="holiday").count()


def test_admin_adds_a_year(admin_client, admin_user):
    response = admin_client.post(url("years"), {"add-year": "2031"}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/calendar/2031/"
    assert CalendarYear.objects.filter(year=2031, source="manual").exists()
    assert any("已新增2031年" in m for m in messages_of(response))
    assert AuditEntry.objects.filter(action="calendar.year_create", actor=admin_user).exists()
    assert workdays.is_working_day(date(2031, 1, 6)) is True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写年份"),
        ("二〇三一", "年份必须是四位数字"),
        ("1800", "不能早于 1949"),
        ("3000", "不能晚于 2200"),
        ("2025", "2025年的工作日安排已经存在"),
    ],
)
def test_bad_year_is_refused_in_chinese(admin_client, value, message):
    years_before = list(CalendarYear.objects.values_list("year", "source"))
    response = admin_client.post(url("years"), {"add-year": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(CalendarYear.objects.values_list("year", "source")) == years_before
    assert not AuditEntry.objects.exists()


def test_try_form_computes_a_deadline(admin_client):
    response = admin_client.get(url("years"), {"start": "2025-09-30", "n": "1"})
    assert response.status_code == 200
    assert response.context["try_result"] == date(2025, 10, 9)
    assert "2025-10-09" in response.content.decode()


def test_try_form_reports_a_year_not_loaded(admin_client):
    response = admin_client.get(url("years"), {"start": "2031-03-03", "n": "1"})
    assert response.status_code == 200
    assert "2031年的工作日安排尚未载入" in response.content.decode()


def test_try_form_refuses_n_below_one(admin_client):
    response = admin_client.get(url("years"), {"start": "2025-03-03", "n": "0"})
    assert response.status_code == 200
    assert response.context["try_result"] is None
    assert "工作日数必须至少为 1" in response.content.decode()


def test_load_package_restores_a_missing_year(admin_client):
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    page = admin_client.get(url("years"))
    assert 2025 in page.context["package_missing"]

    response = admin_client.post(url("load_package"), follow=True)
    assert response.status_code == 200
    assert CalendarYear.objects.filter(year=2025).exists()
    assert workdays.is_working_day(date(2025, 1, 26)) is True
    assert any("2025年" in m for m in messages_of(response))


# ---- a year's exceptions --------------------------------------------------------------------------------------------


def test_year_page_lists_the_exceptions(admin_client):
    response = admin_client.get(url("year", year=2025))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025年工作日安排" in html
    assert "2025-01-26" in html and "星期日" in html and "调休上班" in html
    assert "2025-10-08" in html and "法定节假日" in html and "国庆节" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_year_not_loaded_is_404(admin_client):
    assert admin_client.get(url("year", year=2031)).status_code == 404
    response = admin_client.post(
        url("day_set", year=2031), {"day-date": "2031-05-01", "day-kind": "holiday", "day-name": "劳动节"}
    )
    assert response.status_code == 404
    assert not CalendarDay.objects.filter(date=date(2031, 5, 1)).exists()


def test_admin_sets_a_holiday_and_the_schedule_changes_at_once(admin_client, admin_user):
    assert workdays.is_working_day(date(2025, 3, 3)) is True  # primes the cached schedule
    response = admin_client.post(
        url("day_set", year=2025),
        {"day-date": "2025-03-03", "day-kind": "holiday", "day-name": "测试假日"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/staff/calendar/2025/"
    assert any("已将 2025-03-03（星期一）设为法定节假日" in m for m in messages_of(response))
    day = CalendarDay.objects.get(date=date(2025, 3, 3))
    assert (day.kind, day.name) == ("holiday", "测试假日")
    assert workdays.is_working_day(date(2025, 3, 3)) is False
    assert AuditEntry.objects.filter(
        action="calendar.day_set", actor=admin_user, object_id="2025-03-03"
    ).exists()


def test_admin_sets_a_tiaoxiu_saturday(admin_client):
    response = admin_client.post(
        url("day_set", year=2025), {"day-date": "2025-03-08", "day-kind": "workday", "day-name": "调休"}
    )
    assert response.status_code == 302
    assert workdays.is_working_day(date(2025, 3, 8)) is True


def test_setting_an_existing_day_again_overwrites_it(admin_client):
    response = admin_client.post(
        url("day_set", year=2025), {"day-date": "2025-01-28", "day-kind": "holiday", "day-name": "除夕"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=date(2025, 1, 28)).count() == 1
    assert CalendarDay.objects.get(date=date(2025, 1, 28)).name == "除夕"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day-date": "", "day-kind": "holiday"}, "请填写日期"),
        ({"day-date": "2025-02-30", "day-kind": "holiday"}, "日期格式不正确"),
        ({"day-date": "2025/03/03", "day-kind": "holiday"}, "日期格式不正确"),
        ({"day-date": "2026-03-03", "day-kind": "holiday"}, "日期必须在2025年内"),
        ({"day-date": "2025-03-03", "day-kind": "vacation"}, "类型无效"),
        ({"day-date": "2025-03-03"}, "请选择类型"),
        ({"day-date": "2025-03-03", "day-kind": "holiday", "day-name": "长" * 51}, "名称不能超过 50 个字"),
        # R-CAL-1: only exceptions to Monday–Friday are meaningful.
        ({"day-date": "2025-03-03", "day-kind": "workday"}, "本来就是工作日"),
        ({"day-date": "2025-03-08", "day-kind": "holiday"}, "本来就不上班"),
    ],
)
def test_bad_day_input_is_refused_in_chinese_and_changes_nothing(admin_client, data, message):
    days_before = list(CalendarDay.objects.values_list("date", "kind", "name"))
    response = admin_client.post(url("day_set", year=2025), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert list(CalendarDay.objects.values_list("date", "kind", "name")) == days_before
    assert not AuditEntry.objects.exists()
    # What the user typed is kept in the form.
    if data.get("day-date"):
        assert f'value="{data["day-date"]}"' in html


def test_admin_removes_a_day(admin_client, admin_user):
    assert workdays.is_working_day(date(2025, 1, 26)) is True
    response = admin_client.post(url("day_remove", year=2025), {"date": "2025-01-26"}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/calendar/2025/"
    assert not CalendarDay.objects.filter(date=date(2025, 1, 26)).exists()
    assert workdays.is_working_day(date(2025, 1, 26)) is False
    assert any("已恢复 2025-01-26" in m for m in messages_of(response))
    assert AuditEntry.objects.filter(
        action="calendar.day_set", actor=admin_user, object_id="2025-01-26"
    ).exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-03-03", "不是2025年已登记的例外日期"),  # an ordinary day: nothing to remove
        ("2026-02-14", "不是2025年已登记的例外日期"),  # registered, but in another year
        ("bad", "格式不正确"),
    ],
)
def test_bad_removal_is_refused_and_changes_nothing(admin_client, value, message):
    count_before = CalendarDay.objects.count()
    response = admin_client.post(url("day_remove", year=2025), {"date": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CalendarDay.objects.count() == count_before
    assert not AuditEntry.objects.exists()


def test_get_is_not_allowed_on_write_urls(admin_client):
    assert admin_client.get(url("day_set", year=2025)).status_code == 405
    assert admin_client.get(url("day_remove", year=2025)).status_code == 405
    assert admin_client.get(url("load_package")).status_code == 405


def test_forms_are_protected_by_csrf(admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(url("day_set", year=2025), {"day-date": "2025-03-03", "day-kind": "holiday"})
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=date(2025, 3, 3)).exists()
