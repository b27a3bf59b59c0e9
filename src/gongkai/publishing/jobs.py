"""Periodic work of the publishing app, run by `gongkai tick`."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from gongkai.core.outbox import outbox_already, outbox_enqueue
from gongkai.orgs.models import User
from gongkai.publishing import selectors


def remind_publication_deadlines(*, today: date | None = None) -> int:
    """R-PUB-3: e-mail each drafter once about an item whose 20-working-day deadline is near, and once when late."""
    today = today or timezone.localdate()
    queued = 0
    drafters = User.objects.filter(is_active=True, memberships__role="drafter").exclude(email="").distinct()
    for user in drafters:
        for row in selectors.publication_deadlines(user, today=today):
            item = row["item"]
            if row["state"] not in {"soon", "late"} or item.drafter_id != user.pk:
                continue
            ref = f"publishing.deadline:{item.pk}:{row['state']}"
            if outbox_already(ref):
                continue
            due = row["due"].isoformat() if row["due"] else "未知"
            with transaction.atomic():
                outbox_enqueue(
                    to=user.email,
                    subject=f"【公开期限提醒】{item.title[:60]}",
                    body=(
                        f"{user.display_name}：\n\n您起草的《{item.title}》应于 {due} 前公开"
                        f"（《政府信息公开条例》第二十六条，形成之日起 20 个工作日内），当前状态：{row['message']}。\n"
                    ),
                    ref=ref,
                )
            queued += 1
    return queued


def _subscription_digests() -> int:
    from gongkai.publishing.subscriptions import send_daily_digests

    return send_daily_digests()


def _attachment_texts() -> int:
    """Read the text of attachments still pending: files too large to read at upload, imports (issue 4)."""
    from gongkai.publishing.services import attachment_texts_pending

    return attachment_texts_pending()


# Found by `gongkai tick` (commands/management/commands/tick.py).
TICK_JOBS = [
    ("publication_deadlines", remind_publication_deadlines),
    ("subscription_digests", _subscription_digests),
    ("attachment_texts", _attachment_texts),
]
