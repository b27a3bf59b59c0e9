"""Periodic work of the FOI app, run by `gongkai tick`: reply-deadline reminders (R-FOI-4)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from gongkai.core.outbox import outbox_already
from gongkai.foi import notify, selectors


def remind_foi_deadlines(*, today: date | None = None) -> int:
    """E-mail the agency's FOI handlers once per request when its reply deadline is near (within
    GONGKAI_FOI_DUE_SOON_WORKING_DAYS working days), and the handlers and the FOI head once when it has passed.
    Returns the number of mails queued. Paused requests (consultation, fee, awaiting a supplement) are skipped."""
    queued = 0
    for row in selectors.deadline_rows(selectors.active_requests_all(), today=today or timezone.localdate()):
        if row.state not in {"due_soon", "overdue"}:
            continue
        if outbox_already(notify.request_ref(row.request, f"deadline.{row.state}")):
            continue
        with transaction.atomic():
            queued += notify.deadline_mail(row.request, row.state, row.due_on, row.remaining)
    return queued


# Found by `gongkai tick` (commands/management/commands/tick.py).
TICK_JOBS = [("foi_deadlines", remind_foi_deadlines)]
