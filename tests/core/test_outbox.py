"""The outbox: queued in the writing transaction, sent after commit, retried on failure, never sent on rollback."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from gongkai.core.models import OutboxMessage
from gongkai.core.outbox import outbox_deliver_pending, outbox_enqueue

pytestmark = pytest.mark.django_db(transaction=True)


def test_sent_after_commit():
    with transaction.atomic():
        outbox_enqueue(to="a@example.cn", subject="主题", body="正文", ref="t:1")
        assert len(mail.outbox) == 0  # not before the commit
    assert [m.subject for m in mail.outbox] == ["主题"]
    assert OutboxMessage.objects.get().status == "sent"


def test_nothing_sent_on_rollback():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            outbox_enqueue(to="a@example.cn", subject="回滚", body="正文")
            raise RuntimeError
    assert mail.outbox == [] and not OutboxMessage.objects.exists()


def test_failure_is_retried_later(monkeypatch):
    import gongkai.core.outbox as outbox

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(outbox, "send_mail", broken)
    with transaction.atomic():
        outbox_enqueue(to="a@example.cn", subject="重试", body="正文")
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1 and "smtp down" in message.last_error
    assert message.next_attempt_at is not None
    monkeypatch.undo()
    OutboxMessage.objects.update(next_attempt_at=message.created_at)  # due now
    assert outbox_deliver_pending() == (1, 0)
    assert OutboxMessage.objects.get().status == "sent"


def test_tick_sends_deadline_reminder_once(monkeypatch):
    from gongkai.core.workdays import calendar_prefill_from_package
    from gongkai.publishing import jobs
    from tests.factories import draft, make_agency

    calendar_prefill_from_package()  # a transactional test starts from flushed tables
    agency = make_agency("tk")
    agency.drafter.email = "drafter@example.cn"
    agency.drafter.save()
    draft(agency, "逾期未公开的信息", formed_on=date(2025, 9, 1))
    real = jobs.remind_publication_deadlines
    import gongkai.commands.management.commands.tick as tick
    from gongkai.core.outbox import outbox_deliver_pending

    monkeypatch.setattr(
        tick,
        "_jobs",
        lambda: [
            ("publication_deadlines", lambda: real(today=date(2025, 10, 13))),
            ("outbox", outbox_deliver_pending),
        ],
    )
    out = StringIO()
    call_command("tick", stdout=out)
    assert "publication_deadlines: 1" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["drafter@example.cn"]]
    assert "逾期未公开的信息" in mail.outbox[0].subject
    call_command("tick", stdout=StringIO())
    assert len(mail.outbox) == 1  # once only


def test_tick_finds_every_app_job_and_delivers_the_outbox_last():
    import gongkai.commands.management.commands.tick as tick

    names = [name for name, _ in tick._jobs()]
    assert {"publication_deadlines", "subscription_digests", "daily_inspection"} <= set(names)
    assert names[-1] == "outbox"
