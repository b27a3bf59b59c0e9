"""`gongkai tick`: the periodic work (cron or a systemd timer, e.g. every 10 minutes): reminders, digests, inspections,
and last the outbox delivery, so that what the jobs queued leaves in the same run.

Every app that has periodic work lists it in its own `jobs.py` as `TICK_JOBS = [(name, callable), …]`; this command
finds them in the order of INSTALLED_APPS. Each job runs on its own; one job's failure is reported on stderr and the
others still run (exit status 1).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from gongkai.core.outbox import outbox_deliver_pending


def _jobs() -> list[tuple[str, Callable[[], Any]]]:
    jobs: list[tuple[str, Callable[[], Any]]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gongkai."):
            continue
        module_name = f"{config.name}.jobs"
        if importlib.util.find_spec(module_name) is None:
            continue
        jobs.extend(getattr(importlib.import_module(module_name), "TICK_JOBS", []))
    jobs.append(("outbox", outbox_deliver_pending))
    return jobs


class Command(BaseCommand):
    help = "运行定时任务：期限提醒、订阅摘要、网站检查、发送待发邮件等。"

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
