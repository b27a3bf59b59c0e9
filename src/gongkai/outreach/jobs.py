"""Periodic work of the outreach app, run by `gongkai tick`: R-INT-4 reminders to the agency's publishers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.core.models import OutboxMessage
from gongkai.core.outbox import outbox_already, outbox_enqueue
from gongkai.orgs.models import Membership
from gongkai.outreach import rules, selectors
from gongkai.outreach.models import OpinionCase
from gongkai.outreach.services import STAFF_ROLES

# A case seen longer ago than this no longer raises a target reminder (its lateness stays in the ledger).
TARGET_LOOKBACK = timedelta(days=7)


def publisher_emails(org_ids: Iterable[int]) -> dict[int, list[str]]:
    """The e-mail addresses of each agency's publishers and org admins, for all the agencies in one query."""
    emails: dict[int, set[str]] = {}
    for org_id, email in Membership.objects.filter(org_id__in=set(org_ids), role__in=STAFF_ROLES).values_list(
        "org_id", "user__email"
    ):
        if email:
            emails.setdefault(org_id, set()).add(email)
    return {org_id: sorted(found) for org_id, found in emails.items()}


def remind_opinion_targets(*, now: datetime | None = None) -> int:
    """Mail the agency's publishers once per case and target when an R-INT-4 target has passed with no qualifying
    response, and once per promise when its due date has passed unsettled. Returns the number of mails queued.
    The agencies' addresses and the references already sent are read once for the run, not per notice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = selectors.recent_or_owing(OpinionCase.objects.all(), since=now - TARGET_LOOKBACK, today=today)
    notices: list[tuple[int, str, str, str]] = []  # (org id, ref, subject, body)
    for row in selectors.case_rows(cases, now=now, today=today):
        case = row.case
        notices += [
            (
                case.org_id,
                f"opinion:{case.pk}:{c.key}:overdue",
                f"舆情回应超时：{case.title}",
                f"“{case.title}”未能{c.label}（截至 {timezone.localtime(c.due_at):%Y-%m-%d %H:%M}），请尽快回应并登记。",
            )
            for c in row.checks
            if c.state == rules.OVERDUE and c.due_at >= now - TARGET_LOOKBACK
        ] + [
            (
                case.org_id,
                f"opinion-promise:{p.promise.pk}:overdue",
                f"承诺事项逾期：{case.title}",
                f"“{case.title}”的承诺事项“{p.promise.text[:60]}”应于 {p.promise.due_on.isoformat()} 前兑现，尚未登记兑现情况。",
            )
            for p in row.overdue_promises
        ]
    if not notices:
        return 0
    sent = set(
        OutboxMessage.objects.filter(ref__in=[ref for _o, ref, _s, _b in notices]).values_list(
            "ref", flat=True
        )
    )
    emails = publisher_emails(org_id for org_id, *_rest in notices)
    queued = 0
    for org_id, ref, subject, body in notices:
        if ref in sent or outbox_already(ref):  # outbox_already: a parallel run since the read above
            continue
        with transaction.atomic():
            for email in emails.get(org_id, []):
                outbox_enqueue(to=email, subject=subject, body=body, ref=ref)
                queued += 1
    return queued


# Found by `gongkai tick` (commands/tick.py collects each app's TICK_JOBS).
TICK_JOBS = [("opinion_targets", remind_opinion_targets)]
