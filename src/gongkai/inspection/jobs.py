"""Periodic work of the inspection app, run by `gongkai tick` (every few minutes): the daily inspection, the
monthly 检查情况通报 of the month just ended, and reminders of the 工作要点 tasks due soon or overdue."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.core.outbox import outbox_already, outbox_enqueue
from gongkai.inspection.models import Bulletin, InspectionRun, TaskUnit
from gongkai.inspection.services import bulletin_monthly, inspection_run
from gongkai.orgs.models import Membership

# A full run that started this long ago without finishing is taken as crashed, and may be started again.
STALE_RUN = timedelta(hours=3)


def daily_inspection(*, today: date | None = None) -> str:
    """Inspect every agency once a day. Cheap when already done: one indexed query."""
    today = today or timezone.localdate()
    recent = timezone.now() - STALE_RUN
    runs = InspectionRun.objects.filter(as_of=today, scope="")
    if runs.filter(finished_at__isnull=False).exists() or runs.filter(started_at__gte=recent).exists():
        return "已完成"
    report = inspection_run(actor=None, as_of=today)
    failed = sum(1 for r in report.orgs if r.verdict.verdict == "fail")
    return f"检查 {len(report.orgs)} 个单位，不合格 {failed} 个"


def monthly_bulletin(*, today: date | None = None) -> str:
    """Generate the 检查情况通报 of the month just ended, once (the office may generate others by hand)."""
    today = today or timezone.localdate()
    last_day = today.replace(day=1) - timedelta(days=1)
    last_month = last_day.strftime("%Y-%m")
    if Bulletin.objects.filter(kind=Bulletin.Kind.MONTHLY, period=last_month).exists():
        return "已生成"
    if not InspectionRun.objects.filter(as_of__gte=last_day.replace(day=1), as_of__lte=last_day).exists():
        return "上月无检查记录"
    bulletin = bulletin_monthly(actor=None, month=last_month)
    return f"已生成《{bulletin.title}》"


TASK_SOON = timedelta(days=7)


def task_reminders(*, today: date | None = None) -> int:
    """Mail the staff of each responsible agency once when a 工作要点 task is due within 7 days and once when it
    is overdue, while the agency has not reported it done. Returns the number of mails queued."""
    today = today or timezone.localdate()
    units = (
        TaskUnit.objects.filter(task__deadline__isnull=False, task__deadline__lte=today + TASK_SOON)
        .exclude(status=TaskUnit.Status.DONE)
        .select_related("task__plan", "org")
    )
    queued = 0
    emails: dict[int, list[str]] = {}
    for unit in units:
        deadline = unit.task.deadline
        assert deadline is not None
        overdue = deadline < today
        ref = f"task:{unit.pk}:{'overdue' if overdue else 'soon'}:{deadline.isoformat()}"
        if outbox_already(ref):
            continue
        if unit.org_id not in emails:
            emails[unit.org_id] = sorted(
                {
                    e
                    for e in Membership.objects.filter(org_id=unit.org_id).values_list(
                        "user__email", flat=True
                    )
                    if e
                }
            )
        title = unit.task.title[:60]
        subject = f"{'工作要点任务已逾期' if overdue else '工作要点任务即将到期'}：{title}"
        body = (
            f"《{unit.task.plan.title}》中由贵单位{'牵头' if unit.lead else '配合'}的任务“{title}”"
            f"完成时限为 {deadline.isoformat()}，{'已逾期' if overdue else '即将到期'}，"
            "请在政务公开工作平台“工作要点台账”中报送进展并上传佐证材料。"
        )
        with transaction.atomic():
            for email in emails[unit.org_id]:
                outbox_enqueue(to=email, subject=subject, body=body, ref=ref)
                queued += 1
    return queued


# Found by `gongkai tick` (commands/management/commands/tick.py).
TICK_JOBS = [
    ("daily_inspection", daily_inspection),
    ("monthly_bulletin", monthly_bulletin),
    ("task_reminders", task_reminders),
]
