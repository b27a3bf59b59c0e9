"""R-RPT-1 reminders: departments by 31 January, governments by 31 March; once each, none once published."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.core.models import OutboxMessage
from gongkai.orgs.models import Role
from gongkai.reports import rules, services
from gongkai.reports.jobs import TICK_JOBS, remind_annual_reports
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def test_r_rpt_1_deadlines():
    assert rules.publication_deadline("department", 2025) == date(2026, 1, 31)
    assert rules.publication_deadline("government", 2025) == date(2026, 3, 31)
    deadline = date(2026, 1, 31)
    assert rules.reminder_state(date(2026, 1, 10), deadline) == ""
    assert rules.reminder_state(date(2026, 1, 16), deadline) == "soon"
    assert rules.reminder_state(date(2026, 1, 31), deadline) == "soon"
    assert rules.reminder_state(date(2026, 2, 1), deadline) == "late"


def test_reminders_once_per_state_and_none_once_published(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dept = make_org("提醒测试局")
    gov = make_org("提醒测试市人民政府", kind="government")
    head = make_user("rem_head", dept, Role.FOI_HEAD, email="head@example.gov.cn")
    make_user("rem_drafter", dept, Role.DRAFTER, email="drafter@example.gov.cn")
    make_user("rem_gov", gov, Role.ORG_ADMIN, email="gov@example.gov.cn")
    assert ("annual_report_deadlines", remind_annual_reports) in TICK_JOBS
    assert remind_annual_reports(today=date(2026, 1, 20)) == 1
    assert remind_annual_reports(today=date(2026, 1, 21)) == 0
    message = OutboxMessage.objects.get()
    assert (
        message.to == "head@example.gov.cn"
        and "2025年" in message.subject
        and "2026年01月31日" in message.body
    )
    assert remind_annual_reports(today=date(2026, 2, 2)) == 1  # late, once
    assert remind_annual_reports(today=date(2026, 3, 20)) == 1  # the government's report is due on 31 March
    report = services.report_open(actor=head, org=dept, year=2026)
    services.report_transition(actor=head, report=report, action="publish")
    assert remind_annual_reports(today=date(2027, 1, 25)) == 0  # published: no reminder for the department
    assert remind_annual_reports(today=date(2027, 3, 25)) == 1  # the government's is still due
