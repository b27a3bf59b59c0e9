"""Periodic work of the participation app, run by `gongkai tick`: message due-soon / overdue reminders (R-INT-2)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from gongkai.core.outbox import outbox_already, outbox_enqueue
from gongkai.participation import selectors, services
from gongkai.participation.models import Message


def remind_message_deadlines(*, today: date | None = None) -> int:
    """E-mail the holding agency's message handlers once per message and round when the reply is due soon
    (GONGKAI_MESSAGE_DUE_SOON_WORKING_DAYS) and once when it is overdue. Returns the number of mails queued."""
    queued = 0
    for row in selectors.deadline_rows(Message.objects.all(), today=today or timezone.localdate()):
        if row.state not in {"due_soon", "overdue"} or row.due_on is None:
            continue
        m = row.message
        ref = f"message:{m.pk}:r{m.round}:{row.state}"
        if outbox_already(ref):
            continue
        word = "即将到期" if row.state == "due_soon" else "已超期"
        with transaction.atomic():
            for email in services.handler_emails(m.holder_org):
                outbox_enqueue(
                    to=email,
                    subject=f"留言办理{word}：{m.tracking_no}",
                    body=f"留言 {m.tracking_no}（{m.category}：{m.subject}）的办理期限为 {row.due_on.isoformat()}，{word}。",
                    ref=ref,
                )
                queued += 1
    return queued


# Found by `gongkai tick` (commands/tick.py collects each app's TICK_JOBS).
TICK_JOBS = [("message_deadlines", remind_message_deadlines)]
