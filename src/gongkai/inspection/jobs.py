"""Periodic work of the inspection app, run by `gongkai tick` (every few minutes): the daily inspection."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from gongkai.inspection.models import InspectionRun
from gongkai.inspection.services import inspection_run

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


# Found by `gongkai tick` (commands/management/commands/tick.py).
TICK_JOBS = [("daily_inspection", daily_inspection)]
