"""Tick jobs: the monthly 通报 of the month just ended (once), reminders of 工作要点 tasks due soon or overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gongkai.core.models import OutboxMessage
from gongkai.inspection import jobs
from gongkai.inspection.models import Bulletin, InspectionRun, Task, TaskUnit, WorkPlan
from tests.factories import make_agency

pytestmark = pytest.mark.django_db


def test_monthly_bulletin_once_for_the_month_just_ended():
    today = date(2026, 3, 2)
    assert jobs.monthly_bulletin(today=today) == "上月无检查记录"
    InspectionRun.objects.create(as_of=date(2026, 2, 15), network=False, finished_at=timezone.now())
    assert jobs.monthly_bulletin(today=today).startswith("已生成《2026年2月")
    assert jobs.monthly_bulletin(today=today) == "已生成"
    assert Bulletin.objects.get().period == "2026-02"


def test_task_reminders_soon_then_overdue_once_each():
    agency = make_agency("jr")
    agency.drafter.email = "drafter@example.gov.cn"
    agency.drafter.save()
    plan = WorkPlan.objects.create(year=2026, title="2026年政务公开工作要点")
    today = timezone.localdate()
    due = Task.objects.create(plan=plan, title="公开招生政策", deadline=today + timedelta(days=3))
    unit = TaskUnit.objects.create(task=due, org=agency.org)
    later = Task.objects.create(plan=plan, title="远期任务", deadline=today + timedelta(days=60))
    TaskUnit.objects.create(task=later, org=agency.org)
    done = Task.objects.create(plan=plan, title="已完成任务", deadline=today - timedelta(days=3))
    TaskUnit.objects.create(task=done, org=agency.org, status=TaskUnit.Status.DONE)

    sent = jobs.task_reminders(today=today)
    mails = list(OutboxMessage.objects.values_list("to", "subject"))
    assert sent == len(mails) >= 1 and all("即将到期：公开招生政策" in s for _, s in mails)
    assert ("drafter@example.gov.cn", "工作要点任务即将到期：公开招生政策") in mails
    assert jobs.task_reminders(today=today) == 0
    overdue = jobs.task_reminders(today=today + timedelta(days=5))
    assert overdue == sent and OutboxMessage.objects.filter(subject__contains="已逾期").count() == overdue
    unit.status = TaskUnit.Status.DONE
    unit.save()
    assert jobs.task_reminders(today=today + timedelta(days=30)) == 0
