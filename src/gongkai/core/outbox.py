"""The outbox: side effects are recorded in the writing transaction and delivered after commit, with retries.

A service calls `outbox_enqueue(...)` inside its transaction; nothing is sent if the transaction rolls back. After the
commit an attempt is made at once (`transaction.on_commit`); whatever fails is retried by `gongkai tick` with
exponential back-off, at most `MAX_ATTEMPTS` times.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from gongkai.core.models import OutboxMessage

MAX_ATTEMPTS = 8


def outbox_already(ref: str) -> bool:
    """Whether a message with this reference was ever queued (for once-only reminders)."""
    return OutboxMessage.objects.filter(ref=ref[:100]).exists()


def outbox_enqueue(
    *, to: str, subject: str, body: str, ref: str = "", send_now: bool = True
) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        to=to.strip(), subject=subject[:200], body=body, ref=ref[:100], next_attempt_at=timezone.now()
    )
    if send_now:
        transaction.on_commit(lambda: _deliver_one(message.pk))
    return message


def _deliver_one(pk: int) -> bool | None:
    """True when sent, False when this attempt failed, None when there was nothing to send (sent elsewhere)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
        except Exception as exc:  # any transport error: keep it for a retry
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            else:
                message.next_attempt_at = timezone.now() + timedelta(minutes=2**message.attempts)
            message.save()
            return False
        message.status, message.sent_at, message.last_error = OutboxMessage.Status.SENT, timezone.now(), ""
        message.save()
        return True


def outbox_deliver_pending(*, limit: int = 500) -> tuple[int, int]:
    """Send what is due. Returns (sent, failed attempts)."""
    due = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failed = 0
    for pk in due:
        result = _deliver_one(pk)
        if result is True:
            sent += 1
        elif result is False:
            failed += 1
    return sent, failed
