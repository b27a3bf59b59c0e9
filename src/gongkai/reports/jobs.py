"""Periodic work of the reports app, run by `gongkai tick`: R-RPT-1 reminders before 1月31日 / 3月31日."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from gongkai.core.outbox import outbox_already, outbox_enqueue
from gongkai.orgs.models import Organization, User
from gongkai.reports import rules, workflow
from gongkai.reports.models import AnnualReport
from gongkai.reports.selectors import STAFF_ROLES


def remind_annual_reports(*, today: date | None = None) -> int:
    """E-mail each agency's report staff once when last year's report is due within 15 days and once when it is
    late (not published by the deadline: departments 31 January, governments 31 March). Returns mails queued."""
    today = today or timezone.localdate()
    year = today.year - 1
    if year < rules.FIRST_YEAR:
        return 0
    published = set(
        AnnualReport.objects.filter(year=year, status=workflow.PUBLISHED).values_list("org_id", flat=True)
    )
    queued = 0
    for org in Organization.objects.filter(is_active=True).exclude(pk__in=published):
        deadline = rules.publication_deadline(org.kind, year)
        state = rules.reminder_state(today, deadline)
        if not state:
            continue
        users = (
            User.objects.filter(
                is_active=True, memberships__org=org, memberships__role__in=[str(r) for r in STAFF_ROLES]
            )
            .exclude(email="")
            .distinct()
        )
        for user in users:
            ref = f"reports.deadline:{org.pk}:{year}:{state}:{user.pk}"
            if outbox_already(ref):
                continue
            when = "已超过" if state == "late" else "即将到期，"
            with transaction.atomic():
                outbox_enqueue(
                    to=user.email,
                    subject=f"【年度报告提醒】{org.name}{year}年政府信息公开工作年度报告",
                    body=(
                        f"{user.display_name}：\n\n{org.name}{year}年政府信息公开工作年度报告应于"
                        f"{deadline:%Y年%m月%d日}前公布（《政府信息公开条例》第四十九条），{when}"
                        f"目前尚未发布。请在“年度报告”中核对数据并发布。\n"
                    ),
                    ref=ref,
                )
            queued += 1
    return queued


TICK_JOBS = [("annual_report_deadlines", remind_annual_reports)]
