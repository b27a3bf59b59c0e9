"""The outbox: mails written with the write, sent later by `notify.send_pending` (what `gongkai tick` calls)."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage

from gongkai.foi import notify, services
from gongkai.foi.models import Outbox
from tests.foi.factories import applicant

pytestmark = pytest.mark.django_db


def test_pending_mail_is_sent_once(agency, mailoutbox):
    services.request_submit(org=agency.org, data=applicant())
    assert mailoutbox == []  # nothing is sent inside the write
    result = notify.send_pending()
    assert (result.sent, result.failed) == (2, 0)
    assert sorted(m.to[0] for m in mailoutbox) == ["a_foi@example.gov.cn", "zhangsan@example.com"]
    assert (
        mailoutbox[0].subject == "政府信息公开申请已提交" or mailoutbox[1].subject == "政府信息公开申请已提交"
    )
    assert notify.send_pending().sent == 0
    assert Outbox.objects.filter(sent_at__isnull=True).count() == 0


def test_failures_are_retried_later_then_given_up(agency, mailoutbox, monkeypatch, settings):
    settings.GONGKAI_OUTBOX_MAX_ATTEMPTS = 2
    notify.outbox_enqueue(to="x@example.com", subject="主题", body="正文", topic="test")

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    assert notify.send_pending().failed == 1
    row = Outbox.objects.get()
    assert row.attempts == 1 and "smtp down" in row.last_error and row.next_attempt_at is not None
    assert notify.send_pending().failed == 0  # not due yet
    Outbox.objects.update(next_attempt_at=None)
    assert notify.send_pending().gave_up == 1
    row.refresh_from_db()
    assert row.failed_at is not None and row.sent_at is None
    monkeypatch.undo()
    assert notify.send_pending().sent == 0  # a failed row stays for inspection
    assert mailoutbox == []


def test_no_address_no_mail(agency):
    assert notify.outbox_enqueue(to=" ", subject="s", body="b", topic="t") is None
    services.request_submit(org=agency.org, data=applicant(email="", delivery="post"))
    assert list(Outbox.objects.values_list("to", flat=True)) == ["a_foi@example.gov.cn"]
