"""`gongkai calendar …` (contracts.md: stdout carries the result only; exit 2 when nothing can be done)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    """Run the command in-process against the test database: (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("calendar", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()


# ---- add-working-days (R-CAL-2) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2025-01-24", "1", "2025-01-26"),  # Friday → 调休 Sunday
        ("2025-01-27", "1", "2025-02-05"),  # over the Spring Festival
        ("2025-09-30", "1", "2025-10-09"),  # over National Day
        ("2026-02-13", "1", "2026-02-14"),  # 调休 Saturday
        ("2025-12-30", "5", "2026-01-07"),  # across the year boundary
    ],
)
def test_add_working_days_prints_only_the_date(start, n, expected):
    code, out, err = run("add-working-days", start, n)
    assert code == 0
    assert out == expected + "\n"
    assert err == ""


@pytest.mark.parametrize("n", ["0", "-3"])
def test_add_working_days_n_below_one_exits_2(n):
    code, out, err = run("add-working-days", "2025-03-03", n)
    assert code == 2
    assert out == ""
    assert "至少为 1" in err


def test_add_working_days_n_not_a_number_exits_2():
    code, out, err = run("add-working-days", "2025-03-03", "五")
    assert code == 2
    assert out == ""
    assert "整数" in err


@pytest.mark.parametrize("bad", ["2025-02-30", "2025/03/03", "20250303", "2025-3-3", "明天", ""])
def test_bad_date_exits_2_with_a_chinese_message(bad):
    for args in (("add-working-days", bad, "1"), ("is-working-day", bad)):
        code, out, err = run(*args)
        assert code == 2, args
        assert out == ""
        assert "日期" in err


def test_r_cal_1_year_not_loaded_exits_2_and_names_the_year():
    assert not CalendarYear.objects.filter(year=2031).exists()
    code, out, err = run("add-working-days", "2031-03-03", "1")
    assert code == 2
    assert out == ""
    assert "2031年的工作日安排尚未载入" in err


def test_r_cal_1_counting_into_an_unloaded_year_names_that_year():
    last = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    assert last is not None
    code, out, err = run("add-working-days", f"{last}-12-20", "20")
    assert code == 2
    assert out == ""
    assert f"{last + 1}年的工作日安排尚未载入" in err


# ---- is-working-day (R-CAL-1) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "answer"),
    [
        ("2025-01-26", "yes"),  # 调休 Sunday
        ("2025-02-08", "yes"),  # 调休 Saturday
        ("2025-01-28", "no"),  # 春节
        ("2025-10-08", "no"),  # 国庆节 (last day)
        ("2025-03-03", "yes"),  # ordinary Monday
        ("2025-03-08", "no"),  # ordinary Saturday
    ],
)
def test_is_working_day_prints_yes_or_no(day, answer):
    code, out, err = run("is-working-day", day)
    assert (code, out, err) == (0, answer + "\n", "")


def test_is_working_day_year_not_loaded_exits_2():
    code, out, err = run("is-working-day", "2031-01-06")
    assert code == 2
    assert out == ""
    assert "2031年" in err


def test_is_working_day_follows_an_edit():
    CalendarDay.objects.create(date=date(2025, 3, 3), kind=CalendarDay.Kind.HOLIDAY, name="测试")
    # A direct write bypasses the services; the cache is empty in this test, so the edit is seen.
    assert run("is-working-day", "2025-03-03")[1] == "no\n"


# ---- working-days-between, years, load-package ------------------------------------------------------------------


def test_working_days_between_prints_the_count():
    assert run("working-days-between", "2025-09-30", "2025-10-09") == (0, "1\n", "")


def test_years_lists_the_loaded_years():
    code, out, _ = run("years")
    assert code == 0
    years = [int(line.split("\t")[0]) for line in out.splitlines()]
    assert years == sorted(CalendarYear.objects.values_list("year", flat=True))
    assert 2025 in years
    line_2025 = next(line for line in out.splitlines() if line.startswith("2025\t"))
    assert "调休上班 5 天" in line_2025


def test_load_package_loads_missing_years_only():
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    assert run("is-working-day", "2025-01-26")[0] == 2

    code, out, err = run("load-package")
    assert code == 0
    assert out == "2025\n"
    assert "已载入 1 个年份" in err
    assert run("is-working-day", "2025-01-26") == (0, "yes\n", "")

    code, out, err = run("load-package")
    assert (code, out) == (0, "")
    assert "没有需要载入的年份" in err


def test_missing_sub_command_is_a_usage_error():
    # In-process, argparse errors become CommandError; from the shell they exit 2 (see below).
    with pytest.raises(CommandError):
        call_command("calendar", stdout=StringIO(), stderr=StringIO())


# ---- the real console script: exit statuses as a shell sees them -------------------------------------------------

GONGKAI = Path(sys.executable).with_name("gongkai")


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    if not GONGKAI.exists():
        pytest.skip("console script `gongkai` is not installed")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["GONGKAI_DATA_DIR"] = str(tmp_path_factory.mktemp("gk-cli"))
    env["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    subprocess.run([str(GONGKAI), "migrate", "-v0"], env=env, check=True, capture_output=True, timeout=120)
    return env


def _shell(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GONGKAI), "calendar", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_console_script_prints_the_date_and_exits_0(cli_env):
    proc = _shell(cli_env, "add-working-days", "2025-01-27", "1")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "2025-02-05\n", "")


def test_console_script_exit_status_2(cli_env):
    proc = _shell(cli_env, "add-working-days", "2031-01-06", "1")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "2031年的工作日安排尚未载入" in proc.stderr

    assert _shell(cli_env, "add-working-days", "2025-01-27", "0").returncode == 2
    assert _shell(cli_env, "is-working-day", "2025-13-01").returncode == 2
    assert (
        _shell(cli_env, "add-working-days", "2025-01-27").returncode == 2
    )  # missing N: argparse usage error
