"""Periodic work of the outreach app, run by `gongkai tick`: R-INT-4 reminders to the agency's publishers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.core.outbox import outbox_already, outbox_enqueue
from gongkai.orgs.models import Membership, Organization
from gongkai.outreach import rules, selectors
from gongkai.outreach.models import OpinionCase
from gongkai.outreach.services import STAFF_ROLES

# A case seen longer ago than this no longer raises a target reminder (its lateness stays in the ledger).
TARGET_LOOKBACK = timedelta(days=7)


def publisher_emails(org: Organization) -> list[str]:
    return sorted(
        {
            e
            for e in Membership.objects.filter(org=org, role__in=STAFF_ROLES).values_list(
                "user__email", flat=True
            )
            if e
        }
    )


def remind_opinion_targets(*, now: datetime | None = None) -> int:
    """Mail the agency's publishers once per case and target when an R-INT-4 target has passed with no qualifying
    response, and once per promise when its due date has passed unsettled. Returns the number of mails queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = selectors.recent_or_owing(OpinionCase.objects.all(), since=now - TARGET_LOOKBACK, today=today)
    queued = 0
    for row in selectors.case_rows(cases, now=now, today=today):
        case = row.case
        notices = [
            (
                f"opinion:{case.pk}:{c.key}:overdue",
                f"舆情回应超时：{case.title}",
                f"“{case.title}”未能{c.label}（截至 {timezone.localtime(c.due_at):%Y-%m-%d %H:%M}），请尽快回应并登记。",
            )
            for c in row.checks
            if c.state == rules.OVERDUE and c.due_at >= now - TARGET_LOOKBACK
        ] + [
            (
                f"opinion-promise:{p.promise.pk}:overdue",
                f"承诺事项逾期：{case.title}",
                f"“{case.title}”的承诺事项“{p.promise.text[:60]}”应于 {p.promise.due_on.isoformat()} 前兑现，尚未登记兑现情况。",
            )
            for p in row.overdue_promises
        ]
        for ref, subject, body in notices:
            if outbox_already(ref):
                continue
            with transaction.atomic():
                for email in publisher_emails(case.org):
                    outbox_enqueue(to=email, subject=subject, body=body, ref=ref)
                    queued += 1
    return queued


# Found by `gongkai tick` (commands/tick.py collects each app's TICK_JOBS).
TICK_JOBS = [("opinion_targets", remind_opinion_targets)]
