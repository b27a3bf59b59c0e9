"""`gongkai tick`: the periodic work (cron or a systemd timer, e.g. every 10 minutes): reminders, outbox delivery.

Each job runs on its own; one job's failure is reported on stderr and the others still run (exit status 1).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

from gongkai.core.outbox import outbox_deliver_pending
from gongkai.foi.jobs import remind_foi_deadlines
from gongkai.inspection.jobs import daily_inspection
from gongkai.publishing.jobs import remind_publication_deadlines
from gongkai.publishing.subscriptions import send_daily_digests


def _jobs() -> list[tuple[str, Callable[[], Any]]]:
    # The outbox goes last, so that reminders queued by the jobs above leave in the same run.
    return [
        ("publication_deadlines", remind_publication_deadlines),
        ("subscription_digests", send_daily_digests),
        ("daily_inspection", daily_inspection),
        ("foi_deadlines", remind_foi_deadlines),
        ("outbox", outbox_deliver_pending),
    ]


class Command(BaseCommand):
    help = "运行定时任务：期限提醒、发送待发邮件等。"

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for name, job in _jobs():
            try:
                result = job()
            except Exception:  # a failing job must not stop the others
                failed = True
                self.stderr.write(f"{name}: 失败\n{traceback.format_exc()}")
                continue
            self.stdout.write(f"{name}: {result}")
        if failed:
            sys.exit(1)
