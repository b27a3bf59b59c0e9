"""`gongkai tick` message reminders: once per message, round and state."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.core.models import OutboxMessage
from gongkai.participation.jobs import TICK_JOBS, remind_message_deadlines
from tests.participation.factories import make_message

pytestmark = pytest.mark.django_db


def test_reminders_once_per_state(agency):
    make_message(agency.org, category="咨询", received_on=date(2025, 1, 24))  # due 2025-02-05
    assert remind_message_deadlines(today=date(2025, 2, 5)) == 1
    assert remind_message_deadlines(today=date(2025, 2, 5)) == 0
    assert remind_message_deadlines(today=date(2025, 2, 6)) == 1
    subjects = sorted(OutboxMessage.objects.values_list("subject", flat=True))
    assert any("已超期" in s for s in subjects) and any("即将到期" in s for s in subjects)
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {agency.handler.email}


def test_tick_finds_the_job():
    assert ("message_deadlines", remind_message_deadlines) in TICK_JOBS
