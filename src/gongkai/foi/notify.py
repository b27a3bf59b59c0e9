"""The FOI app's mails, built here and queued in the shared outbox (`core.outbox`) inside the writing transaction.

`core.outbox.outbox_enqueue` writes the row in the caller's transaction (a rollback sends nothing) and delivers it
after commit; `gongkai tick` retries what failed. Each row's `ref` names the request and the topic
(`foi.request:<pk>:<topic>`), so reminders can be sent once only (`jobs.remind_foi_deadlines`).

The texts never contain the query code (it is shown once, at submission) nor identity numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from gongkai.core.models import OutboxMessage
from gongkai.core.outbox import outbox_enqueue as core_outbox_enqueue
from gongkai.foi.clock import cn_date
from gongkai.foi.models import Request
from gongkai.orgs.models import Membership, Organization, Role


def request_ref(request: Request, topic: str) -> str:
    return f"foi.request:{request.pk}:{topic}"


def outbox_enqueue(*, to: str, subject: str, body: str, ref: str) -> OutboxMessage | None:
    """Queue one mail (inside the caller's transaction). Nothing is queued without an address."""
    to = (to or "").strip()
    if not to:
        return None
    return core_outbox_enqueue(to=to[:254], subject=subject, body=body, ref=ref)


# ---------------------------------------------------------------- FOI mails

_SIGNATURE = "\n\n本邮件由系统自动发送，请勿直接回复。"


def _greeting(request: Request) -> str:
    return f"{request.applicant_name or '申请人'}：\n\n"


def _head(request: Request) -> str:
    return f"您向{request.org.name}提交的政府信息公开申请（申请编号 {request.tracking_no}）"


def applicant_mail(request: Request, topic: str, **ctx: Any) -> OutboxMessage | None:
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
        "reason_requested": lambda: (
            "请说明政府信息公开申请的理由",
            f"{head}申请公开政府信息的数量、频次明显超过合理范围，请说明理由（条例第三十五条）：\n"
            f"{ctx.get('note') or '（详见告知书）'}\n"
            + (f"说明期限：{cn_date(ctx['period_due'])}。" if ctx.get("period_due") else "")
            + "经审查理由不合理的，将告知不予处理；理由合理但无法在法定期限内答复的，将确定延迟答复的合理期限。",
        ),
        "later_date": lambda: (
            "政府信息公开申请确定延迟答复期限",
            f"{head}经审查，您说明的理由合理，但无法在法定期限内答复，"
            f"经政府信息公开工作机构负责人同意，确定延迟答复期限（条例第三十五条）。{due_text}",
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
        ref=request_ref(request, topic),
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
    addresses = staff_addresses(request.org)
    for address in addresses:
        outbox_enqueue(
            to=address, subject=subject, body=body + _SIGNATURE, ref=request_ref(request, f"staff.{topic}")
        )
    return len(addresses)


def staff_addresses(org: Organization, roles: tuple[str, ...] = (Role.FOI_HANDLER,)) -> list[str]:
    """E-mail addresses of the agency's active staff holding one of `roles`."""
    return sorted(
        set(
            Membership.objects.filter(org=org, role__in=roles, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def deadline_mail(request: Request, state: str, due_on: date | None, remaining: int | None) -> int:
    """A due-soon reminder (to the handlers) or an overdue notice (to the handlers and the FOI head), queued with
    the reference `foi.request:<pk>:deadline.<state>` so that it goes out once per request and state."""
    due = cn_date(due_on) if due_on else "（未知）"
    if state == "due_soon":
        roles: tuple[str, ...] = (Role.FOI_HANDLER,)
        subject = f"【答复期限提醒】{request.tracking_no}"
        left = f"，还剩 {remaining} 个工作日" if remaining is not None else ""
        body = f"政府信息公开申请 {request.tracking_no} 的答复期限为{due}{left}，请及时答复。"
    else:
        roles = (Role.FOI_HANDLER, Role.FOI_HEAD)
        subject = f"【已超过答复期限】{request.tracking_no}"
        body = (
            f"政府信息公开申请 {request.tracking_no} 的答复期限为{due}，现已超过答复期限尚未答复，"
            "请尽快处理（《政府信息公开条例》第三十三条）。"
        )
    addresses = staff_addresses(request.org, roles)
    for address in addresses:
        outbox_enqueue(
            to=address,
            subject=subject,
            body=body + _SIGNATURE,
            ref=request_ref(request, f"deadline.{state}"),
        )
    return len(addresses)
