"""Builders for report tests: requests and remedies written straight to the tables with known dates and outcomes."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from gongkai.foi.models import ClockEvent, Remedy, Request
from gongkai.orgs.models import Organization

_seq = itertools.count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def req(
    org: Organization,
    received_on: date | None,
    *,
    applicant_type: str = "natural",
    replied_on: date | None = None,
    outcome: str = "",
    withdrawn_on: date | None = None,
    status: str = "",
) -> Request:
    n = next(_seq)
    if not status:
        status = "replied" if replied_on else ("withdrawn" if withdrawn_on else "open")
        if received_on is None:
            status = "awaiting_confirmation"
    if status == "replied" and not outcome:
        outcome = "disclosed"
    return Request.objects.create(
        org=org,
        tracking_no=f"RPT-{n:07d}",
        applicant_type=applicant_type,
        applicant_name=f"申请人{n}",
        channel="in_person",
        submitted_at=datetime.combine(received_on or date(2025, 1, 1), time(9), tzinfo=SHANGHAI),
        received_on=received_on,
        status=status,
        outcome=outcome,
        replied_on=replied_on,
        withdrawn_on=withdrawn_on,
    )


def remedy(
    request: Request, kind: str, filed_on: date, result: str = "pending", decided_on: date | None = None
) -> Remedy:
    return Remedy.objects.create(
        request=request, kind=kind, filed_on=filed_on, result=result, decided_on=decided_on
    )


def fee(request: Request, amount: str, notice_on: date, paid_on: date | None = None) -> None:
    request.fee_basis, request.fee_quantity, request.fee_amount = "per_page", 100, Decimal(amount)
    request.save()
    ClockEvent.objects.create(request=request, type="fee_notice", on=notice_on)
    if paid_on:
        ClockEvent.objects.create(request=request, type="fee_paid", on=paid_on)
