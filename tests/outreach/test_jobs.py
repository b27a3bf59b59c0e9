"""`gongkai tick` R-INT-4 reminders: once per case and target, once per overdue promise, to the agency only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gongkai.core.models import OutboxMessage
from gongkai.outreach import rules, services
from gongkai.outreach.jobs import TICK_JOBS, remind_opinion_targets
from tests.outreach.factories import make_case

pytestmark = pytest.mark.django_db


def test_reminders_once_per_missed_target_and_overdue_promise(agency, other):
    case = make_case(agency, level=rules.MAJOR, hours_ago=3)
    now = timezone.now()
    assert remind_opinion_targets(now=now) == 0  # the 5 hours are still running
    assert remind_opinion_targets(now=now + timedelta(hours=3)) == 1  # 5 h passed, no information
    assert remind_opinion_targets(now=now + timedelta(hours=4)) == 0
    services.case_respond(
        actor=agency.publisher, case=case, kind=rules.PRESS_CONFERENCE, at=now, summary="召开发布会"
    )
    assert (
        remind_opinion_targets(now=now + timedelta(hours=30)) == 0
    )  # both targets met (3 h after first seen)
    services.promise_add(actor=agency.publisher, case=case, text="公布调查结果", due_on=timezone.localdate())
    assert remind_opinion_targets(now=now + timedelta(days=2)) == 1
    assert remind_opinion_targets(now=now + timedelta(days=3)) == 0
    subjects = list(OutboxMessage.objects.order_by("id").values_list("subject", flat=True))
    assert subjects == [f"舆情回应超时：{case.title}", f"承诺事项逾期：{case.title}"]
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {agency.publisher.email}


def test_tick_finds_the_job():
    assert ("opinion_targets", remind_opinion_targets) in TICK_JOBS


def test_reminders_read_the_agencies_addresses_once_per_run(agency, other):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.orgs.models import Membership

    for a in (agency, agency, other, other):
        make_case(a, level=rules.MAJOR, hours_ago=6)  # the 5-hour target passed with no information
    with CaptureQueriesContext(connection) as run:
        assert remind_opinion_targets() == 4
    table = Membership._meta.db_table
    assert sum(table in q["sql"] for q in run.captured_queries) == 1
    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == sorted(
        [agency.publisher.email] * 2 + [other.publisher.email] * 2
    )
    # Nothing new: one read of what was sent, whatever the number of notices.
    with CaptureQueriesContext(connection) as again:
        assert remind_opinion_targets() == 0
    make_case(other, level=rules.MAJOR, hours_ago=6)
    remind_opinion_targets()
    with CaptureQueriesContext(connection) as more:
        assert remind_opinion_targets() == 0
    assert len(more.captured_queries) == len(again.captured_queries)
