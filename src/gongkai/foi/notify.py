"""E-mail through the outbox: written in the service's transaction, sent after commit by `gongkai tick`.

`outbox_enqueue` writes a row (call it inside a service's transaction: when the transaction rolls back, no mail
goes out). `send_pending` is what the periodic job calls: it sends the rows that are due, one row lock at a time
(SKIP LOCKED on PostgreSQL, so several schedulers do not send a mail twice), and retries failures with a growing
delay until `GONGKAI_OUTBOX_MAX_ATTEMPTS` (then the row is marked failed and kept for inspection).

The texts below never contain the query code (it is shown once, at submission) nor identity numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.foi import conf
from gongkai.foi.clock import cn_date
from gongkai.foi.models import Outbox, Request
from gongkai.orgs.models import Membership, Role


def outbox_enqueue(
    *, to: str, subject: str, body: str, topic: str, obj: models.Model | None = None
) -> Outbox | None:
    """Queue one mail (inside the caller's transaction). Nothing is queued without an address."""
    to = (to or "").strip()
    if not to:
        return None
    return Outbox.objects.create(
        to=to[:254],
        subject=subject[:200],
        body=body,
        topic=topic[:64],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


# ---------------------------------------------------------------- FOI mails

_SIGNATURE = "\n\n本邮件由系统自动发送，请勿直接回复。"


def _greeting(request: Request) -> str:
    return f"{request.applicant_name or '申请人'}：\n\n"


def _head(request: Request) -> str:
    return f"您向{request.org.name}提交的政府信息公开申请（申请编号 {request.tracking_no}）"


def applicant_mail(request: Request, topic: str, **ctx: Any) -> Outbox | None:
    """Queue the applicant's mail about `topic` (when the applicant gave an e-mail address)."""
    if not request.email:
        return None
    head = _head(request)
    due: date | None = ctx.get("due_on")
    due_text = f"答复期限为{cn_date(due)}。" if due else ""
    texts: dict[str, Callable[[], tuple[str, str]]] = {
        "submitted": lambda: (
            "政府信息公开申请已提交",
            f"{head}已提交，待工作人员确认收到。确认收到之日为法定收到申请之日。"
            "请凭申请编号和提交时显示的查询码查询办理进度（查询码不随邮件发送）。",
        ),
        "registered": lambda: (
            "政府信息公开申请已登记",
            f"{head}已登记，收到申请日期为{cn_date(ctx['received_on'])}。{due_text}"
            if ctx.get("received_on")
            else f"{head}已登记，待确认收到。",
        ),
        "confirmed": lambda: (
            "政府信息公开申请已确认收到",
            f"{head}已确认收到，收到申请日期为{cn_date(ctx['received_on'])}。{due_text}",
        ),
        "supplement_requested": lambda: (
            "请补正政府信息公开申请",
            f"{head}内容不够明确，请补正：\n{ctx.get('note') or '（详见补正告知书）'}\n"
            + (f"补正期限：{cn_date(ctx['period_due'])}。" if ctx.get("period_due") else "")
            + "答复期限自收到补正之日起计算；无正当理由逾期不补正的，视为放弃申请。",
        ),
        "extension": lambda: (
            "政府信息公开申请答复期限延长",
            f"{head}经政府信息公开工作机构负责人同意，答复期限延长{ctx['working_days']}个工作日。{due_text}",
        ),
        "fee_notice": lambda: (
            "政府信息公开信息处理费收费通知",
            f"{head}需缴纳信息处理费{ctx['amount']}元，请于{cn_date(ctx['payment_due'])}前缴纳"
            "（自收到收费通知的次日起20个工作日内）；逾期未缴纳的，视为放弃申请。",
        ),
        "replied": lambda: (
            "政府信息公开申请已答复",
            f"{head}已于{cn_date(ctx['replied_on'])}作出答复（{request.outcome_label}）。"
            "答复书按您选择的方式送达，也可凭申请编号和查询码在线查看。",
        ),
        "forwarded": lambda: (
            "政府信息公开申请已转送",
            f"{head}所需信息不属于该机关负责公开，已转送{ctx['to_org']}办理，"
            f"新的申请编号为 {ctx['new_tracking_no']}，查询码不变。",
        ),
        "withdrawn": lambda: ("政府信息公开申请已撤回", f"{head}已撤回。"),
    }
    subject, body = texts[topic]()
    return outbox_enqueue(
        to=request.email,
        subject=subject,
        body=_greeting(request) + body + _SIGNATURE,
        topic=f"foi.{topic}",
        obj=request,
    )


def staff_mail(request: Request, topic: str) -> int:
    """Queue a mail to every FOI handler of the request's agency who has an address (no personal data)."""
    texts = {
        "submitted": (
            "新的政府信息公开申请待确认",
            f"收到网上申请 {request.tracking_no}，请确认收到并办理。",
        ),
        "forwarded_in": (
            "转来的政府信息公开申请待确认",
            f"{request.forwarded_from.org.name if request.forwarded_from else '其他机关'}转来申请 "
            f"{request.tracking_no}，请确认收到并办理。",
        ),
    }
    subject, body = texts[topic]
    addresses = sorted(
        set(
            Membership.objects.filter(org=request.org, role=Role.FOI_HANDLER)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    for address in addresses:
        outbox_enqueue(
            to=address, subject=subject, body=body + _SIGNATURE, topic=f"foi.staff.{topic}", obj=request
        )
    return len(addresses)


# ---------------------------------------------------------------- sending (gongkai tick)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0  # failed this time, will be retried
    gave_up: int = 0  # failed for the last allowed time


def pending_mail() -> models.QuerySet[Outbox]:
    now = timezone.now()
    return (
        Outbox.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
    )


def send_pending(*, limit: int = 100) -> SendResult:
    """Send the queued mails that are due (called by `gongkai tick`, after the writers committed)."""
    result = SendResult()
    max_attempts = conf.outbox_max_attempts()
    for pk in list(pending_mail().values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            row = (
                Outbox.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True, failed_at__isnull=True)
                .first()
            )
            if row is None:  # another scheduler has it, or sent it meanwhile
                continue
            row.attempts += 1
            try:
                EmailMessage(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.to]).send()
            except Exception as exc:  # any transport error: keep the row and retry later
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if row.attempts >= max_attempts:
                    row.failed_at = timezone.now()
                    result.gave_up += 1
                else:
                    row.next_attempt_at = timezone.now() + timedelta(minutes=2**row.attempts)
                    result.failed += 1
            else:
                row.sent_at = timezone.now()
                row.last_error = ""
                result.sent += 1
            row.save()
    return result
