"""FOI mail through the shared outbox (core.outbox), and the deadline reminders of `gongkai tick`."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from gongkai.core.models import OutboxMessage
from gongkai.core.outbox import outbox_deliver_pending
from gongkai.foi import jobs, notify, services
from tests.foi.factories import ID_OK, applicant, register

pytestmark = pytest.mark.django_db


def test_submission_queues_mail_in_the_shared_outbox_and_sends_after_commit(
    agency, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = services.request_submit(org=agency.org, data=applicant())
    assert mailoutbox == []  # nothing is sent inside the write
    rows = OutboxMessage.objects.order_by("to")
    assert [(m.to, m.ref) for m in rows] == [
        ("a_foi@example.gov.cn", f"foi.request:{new.request.pk}:staff.submitted"),
        ("zhangsan@example.com", f"foi.request:{new.request.pk}:submitted"),
    ]
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == ["a_foi@example.gov.cn", "zhangsan@example.com"]
    assert all(new.query_code not in m.body and ID_OK not in m.body for m in mailoutbox)
    assert outbox_deliver_pending() == (0, 0)


def test_no_address_no_mail(agency):
    assert notify.outbox_enqueue(to=" ", subject="s", body="b", ref="t") is None
    services.request_submit(org=agency.org, data=applicant(email="", delivery="post"))
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["a_foi@example.gov.cn"]


def test_rolled_back_write_sends_nothing(agency):
    with pytest.raises(Exception):
        services.request_submit(org=agency.org, data=applicant(id_number="110105194912310021"))
    assert not OutboxMessage.objects.exists()


def _reminders(today: date) -> list[tuple[str, str]]:
    jobs.remind_foi_deadlines(today=today)
    return sorted(
        OutboxMessage.objects.filter(ref__contains="deadline").values_list("to", "subject").distinct()
    )


def test_due_soon_reminder_once_then_overdue_notice(agency, settings):
    # Received Mon 2025-01-20: due 2025-02-21 (real 2025 schedule, docs/foi.md).
    settings.GONGKAI_FOI_DUE_SOON_WORKING_DAYS = 3
    request = register(agency, received_on=date(2025, 1, 20), email="", delivery="post")
    OutboxMessage.objects.all().delete()
    assert jobs.remind_foi_deadlines(today=date(2025, 2, 17)) == 0  # 4 working days left: not yet
    assert jobs.remind_foi_deadlines(today=date(2025, 2, 18)) == 1  # 3 left
    assert jobs.remind_foi_deadlines(today=date(2025, 2, 19)) == 0  # once per request and state
    soon = OutboxMessage.objects.get()
    assert soon.to == "a_foi@example.gov.cn"
    assert soon.ref == f"foi.request:{request.pk}:deadline.due_soon"
    assert "2025年2月21日" in soon.body and "张三" not in soon.body
    # Overdue: the handlers and the FOI head (when the head has an address).
    agency.head.email = "a_head@example.gov.cn"
    agency.head.save()
    assert jobs.remind_foi_deadlines(today=date(2025, 2, 24)) == 2
    assert jobs.remind_foi_deadlines(today=date(2025, 2, 25)) == 0
    overdue = OutboxMessage.objects.filter(ref__endswith="deadline.overdue")
    assert sorted(overdue.values_list("to", flat=True)) == ["a_foi@example.gov.cn", "a_head@example.gov.cn"]
    assert all("已超过答复期限" in m.subject for m in overdue)


def test_no_reminder_for_paused_replied_or_other_states(agency):
    paused = register(agency, received_on=date(2025, 1, 20))
    services.consultation_start(actor=agency.handler, request=paused, on=date(2025, 2, 10))
    replied = register(agency, received_on=date(2025, 1, 20))
    services.request_reply(
        actor=agency.handler, request=replied, outcome="disclosed", replied_on=date(2025, 2, 3)
    )
    OutboxMessage.objects.all().delete()
    assert jobs.remind_foi_deadlines(today=date(2025, 3, 30)) == 0


def test_tick_runs_the_foi_job(agency, capsys):
    call_command("tick")
    assert "foi_deadlines:" in capsys.readouterr().out
