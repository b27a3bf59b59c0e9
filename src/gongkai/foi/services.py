"""Every write of the FOI app (依申请公开): submission, the statutory workflow and its clock ledger, replies,
forwarding, fees, remedies, the applicant's details.

Each public function is keyword-only, runs in one transaction and writes one audit entry (DESIGN.md). Permission
is checked here. Status changes and ledger entries all go through one function, `_transition` (exposed as
`request_transition` for staff), which locks the request, looks the action up in `workflow.TRANSITIONS`, checks
the actor's role in the request's agency, lets the action do its work and writes the audit entry; the typed
wrappers below it (`request_confirm`, `extension_approve`, `request_reply`, …) are what pages and tests call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.docno import normalize_doc_no
from gongkai.core.errors import ApplicationError, CalendarNotLoaded, PermissionDenied
from gongkai.core.uploads import check_upload
from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.foi import applicant as applicant_rules
from gongkai.foi import clock, conf, letters, notify, throttle, workflow
from gongkai.foi import fees as fee_rules
from gongkai.foi import outcomes as outcome_rules
from gongkai.foi.codes import id_number_hash, query_code_make
from gongkai.foi.models import (
    APPLICANT_PERMISSION,
    ClockEvent,
    LetterTemplate,
    Remedy,
    ReplyFile,
    Request,
    TrackingSequence,
)
from gongkai.foi.selectors import (
    fee_prior_items,
    get_request_for_applicant,
    may_see_applicant,
    org_contact,
    rule_events,
)
from gongkai.orgs.models import Organization, Role, User
from gongkai.orgs.selectors import is_platform_admin, user_roles

# ---------------------------------------------------------------- applicant data


@dataclass
class ApplicantData:
    """What the applicant states (R-FOI-1): who, how to reach them, what they ask for and in what form."""

    applicant_type: str
    applicant_name: str
    description: str
    id_type: str = ""
    id_number: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    doc_no: str = ""
    preferred_form: str = ""
    delivery: str = ""


@dataclass(frozen=True)
class NewRequest:
    """A request just created, with its query code in clear — shown once, never stored (only its hash)."""

    request: Request
    query_code: str


@dataclass(frozen=True)
class ApplicantDetails:
    """The applicant's personal data, for the agency's FOI handlers (each opening is logged)."""

    applicant_type: str
    applicant_type_label: str
    applicant_name: str
    contact_name: str
    id_type: str
    id_type_label: str
    id_number: str
    phone: str
    email: str
    address: str
    postcode: str


_MAX_LENGTHS = {
    "applicant_name": 200,
    "contact_name": 100,
    "id_number": 50,
    "phone": 50,
    "email": 254,
    "address": 300,
    "postcode": 6,
    "doc_no": 100,
    "description": 10000,
}
_FIELD_LABELS = {
    "applicant_name": "申请人姓名或名称",
    "contact_name": "联系人",
    "id_number": "证件号码",
    "phone": "联系电话",
    "email": "电子邮箱",
    "address": "通信地址",
    "postcode": "邮政编码",
    "doc_no": "文号",
    "description": "所需信息的内容描述",
}


def applicant_data_check(data: ApplicantData, *, strict: bool = True) -> ApplicantData:
    """Check and normalize what the applicant states; raises ApplicationError (code, 中文, field).

    `strict` (submissions and staff registration): name, identity proof, a contact and a description are required
    (条例 第二十九条). Imports of historical records pass `strict=False`: only what is given is checked."""
    values = {f.name: str(getattr(data, f.name) or "").strip() for f in fields(data)}
    clean = ApplicantData(**values)
    if clean.applicant_type not in applicant_rules.APPLICANT_TYPES:
        raise ApplicationError(
            "bad_applicant_type",
            "申请人类型应为 natural、business、research、public_interest、legal_service 或 other_org。",
            field="applicant_type",
        )
    for name, limit in _MAX_LENGTHS.items():
        if len(getattr(clean, name)) > limit:
            raise ApplicationError(
                "too_long",
                f"{_FIELD_LABELS[name]}不能超过 {limit} 个字符（现有 {len(getattr(clean, name))} 个）。",
                field=name,
            )
    if strict:
        if not clean.applicant_name:
            raise ApplicationError("missing_field", "请填写申请人姓名或名称。", field="applicant_name")
        if not clean.id_type or not clean.id_number:
            raise ApplicationError("missing_field", "请填写身份证明（证件类型和号码）。", field="id_number")
        if not (clean.phone or clean.email or clean.address):
            raise ApplicationError(
                "missing_field", "请至少填写一种联系方式（电话、电子邮箱或通信地址）。", field="phone"
            )
        if not clean.description:
            raise ApplicationError(
                "missing_field",
                "请描述所需的政府信息（名称、文号或便于查询的其他特征性描述）。",
                field="description",
            )
    if clean.id_type and clean.id_type not in applicant_rules.ID_TYPES:
        raise ApplicationError("bad_id_type", "证件类型无效。", field="id_type")
    if clean.id_number:
        clean.id_number = applicant_rules.normalize_id_number(clean.id_number)
        if not clean.id_type:
            raise ApplicationError("missing_field", "请选择证件类型。", field="id_type")
        error = applicant_rules.id_number_error(clean.id_type, clean.id_number)
        if error:
            raise ApplicationError("bad_id_number", error, field="id_number")
    if clean.email:
        try:
            validate_email(clean.email)
        except ValidationError as exc:
            raise ApplicationError("bad_email", "电子邮箱格式不正确。", field="email") from exc
    if clean.postcode and not (len(clean.postcode) == 6 and clean.postcode.isdigit()):
        raise ApplicationError("bad_postcode", "邮政编码应为 6 位数字。", field="postcode")
    if clean.preferred_form and clean.preferred_form not in applicant_rules.FORMS:
        raise ApplicationError(
            "bad_field", "信息载体形式应为 paper（纸质）或 electronic（电子）。", field="preferred_form"
        )
    if clean.delivery and clean.delivery not in applicant_rules.DELIVERIES:
        raise ApplicationError("bad_field", "获取方式无效。", field="delivery")
    if strict and clean.delivery == "email" and not clean.email:
        raise ApplicationError("missing_field", "选择电子邮件获取的，请填写电子邮箱。", field="email")
    if strict and clean.delivery == "post" and not clean.address:
        raise ApplicationError("missing_field", "选择邮寄的，请填写通信地址。", field="address")
    return clean


def apply_applicant_data(request: Request, data: ApplicantData) -> None:
    """Copy checked applicant data onto a request, with the derived keys (identity hash, phone digits, 文号)."""
    for f in fields(data):
        setattr(request, f.name, getattr(data, f.name))
    request.id_number_hash = id_number_hash(data.id_number)
    request.phone_digits = applicant_rules.normalize_phone(data.phone)[:30]
    request.doc_no_norm = normalize_doc_no(data.doc_no) if data.doc_no else ""


def applicant_data_of(request: Request) -> ApplicantData:
    return ApplicantData(**{f.name: getattr(request, f.name) for f in fields(ApplicantData)})


# ---------------------------------------------------------------- numbers and codes


def tracking_no_allocate(*, on: date) -> str:
    """Next tracking number PREFIX-YYYY-NNNNNN: unique, never reused, safe under concurrency (as ADR 0005).

    Must run inside the creating transaction: `UPDATE … SET last = last + 1` holds the year's row lock until
    commit. Numbers already held (imported with their own number) are skipped."""
    year = on.year
    prefix = conf.tracking_prefix()
    TrackingSequence.objects.bulk_create([TrackingSequence(year=year, last=0)], ignore_conflicts=True)
    while True:
        TrackingSequence.objects.filter(year=year).update(last=F("last") + 1)
        seq = TrackingSequence.objects.get(year=year).last
        candidate = f"{prefix}-{year}-{seq:06d}"
        if not Request.objects.filter(tracking_no=candidate).exists():
            return candidate


def _today() -> date:
    return timezone.localdate()


def _moment_of(day: date) -> datetime:
    """The start of `day` in Beijing time, or now when `day` is today."""
    if day >= _today():
        return timezone.now()
    return datetime.combine(day, time(0, 0), tzinfo=timezone.get_current_timezone())


def _not_future(day: date, field_name: str = "on") -> None:
    if day > _today():
        raise ApplicationError("bad_date", f"日期（{clock.cn_date(day)}）不能晚于今天。", field=field_name)


def _is_foi_handler(actor: Any, org: Organization) -> bool:
    return Role.FOI_HANDLER in user_roles(actor, org)


# ---------------------------------------------------------------- creation


def _create(
    *,
    org: Organization,
    data: ApplicantData,
    channel: str,
    submitted_at: datetime,
    received_on: date | None,
    created_by: Any = None,
    forwarded_from: Request | None = None,
    query_code_hash: str | None = None,
) -> tuple[Request, str]:
    if channel not in applicant_rules.CHANNELS:
        raise ApplicationError(
            "bad_channel", "申请方式应为 in_person、post、fax、email、online 或 oral。", field="channel"
        )
    if not org.is_active:
        raise ApplicationError("inactive_org", f"{org.name}已停用，不能受理申请。", field="org")
    code = ""
    if query_code_hash is None:
        code = query_code_make()
        query_code_hash = make_password(code)
    request = Request(
        org=org,
        tracking_no=tracking_no_allocate(on=timezone.localdate(submitted_at)),
        query_code_hash=query_code_hash,
        channel=channel,
        submitted_at=submitted_at,
        received_on=received_on,
        status=workflow.OPEN if received_on else workflow.AWAITING_CONFIRMATION,
        forwarded_from=forwarded_from,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    apply_applicant_data(request, data)
    request.save()
    return request, code


@transaction.atomic
def request_submit(*, org: Organization, data: ApplicantData) -> NewRequest:
    """An online submission by the public. It waits in `awaiting_confirmation` until staff confirm receipt: the
    statutory receipt date is the day both sides confirmed (R-FOI-2, 条例 第三十一条第（三）项)."""
    data = applicant_data_check(data)
    request, code = _create(
        org=org, data=data, channel="online", submitted_at=timezone.now(), received_on=None
    )
    notify.applicant_mail(request, "submitted")
    notify.staff_mail(request, "submitted")
    audit_log(
        actor=None,
        action="foi.submit",
        obj=request,
        org_code=org.code,
        to_state=request.status,
        data={"tracking_no": request.tracking_no, "channel": "online"},
    )
    return NewRequest(request, code)


@transaction.atomic
def request_register(
    *, actor: Any, org: Organization, data: ApplicantData, channel: str, received_on: date | None
) -> NewRequest:
    """A request registered by an FOI handler: handed in, posted, faxed, e-mailed or oral (written down by staff,
    条例 第二十九条). `received_on` is the statutory receipt date (R-FOI-2: the day handed in; the day the letter
    was signed for or, for an ordinary letter, confirmed with the applicant; for fax and e-mail the day both sides
    confirmed). Without it the request waits in `awaiting_confirmation`."""
    if not _is_foi_handler(actor, org):
        raise PermissionDenied("只有本机关的依申请公开经办人可以登记申请。")
    data = applicant_data_check(data)
    if received_on is not None:
        _not_future(received_on, "received_on")
    # Registered after the fact (a letter signed for last week): it was with the agency from that day.
    submitted_at = _moment_of(received_on) if received_on is not None else timezone.now()
    request, code = _create(
        org=org,
        data=data,
        channel=channel,
        submitted_at=submitted_at,
        received_on=received_on,
        created_by=actor,
    )
    notify.applicant_mail(
        request, "registered", received_on=received_on, due_on=_due_quietly(request) if received_on else None
    )
    audit_log(
        actor=actor,
        action="foi.register",
        obj=request,
        org_code=org.code,
        to_state=request.status,
        data={"tracking_no": request.tracking_no, "channel": channel},
    )
    return NewRequest(request, code)


@transaction.atomic
def request_update(*, actor: Any, request: Request, data: ApplicantData) -> Request:
    """Correct what the applicant stated (a typo, a new phone number) while the request is active."""
    request = Request.objects.select_for_update(of=("self",)).select_related("org").get(pk=request.pk)
    if not _is_foi_handler(actor, request.org):
        raise PermissionDenied("只有本机关的依申请公开经办人可以修改申请。")
    if not request.is_active:
        raise ApplicationError("not_active", "已答复或已撤回的申请不能修改。")
    data = applicant_data_check(data, strict=not request.is_historical)
    before = applicant_data_of(request)
    changed = sorted(f.name for f in fields(data) if getattr(before, f.name) != getattr(data, f.name))
    if not changed:
        return request
    apply_applicant_data(request, data)
    request.save()
    # Field names only: the audit log is not a second copy of the personal data.
    audit_log(
        actor=actor, action="foi.update", obj=request, org_code=request.org.code, data={"fields": changed}
    )
    return request


# ---------------------------------------------------------------- the transition (one road)


@dataclass(frozen=True)
class ClockParams:
    """Parameters of a ledger action (the ones that apply to it)."""

    working_days: int | None = None
    party: str = ""
    party_name: str = ""
    notice_received_on: date | None = None
    reply_by: date | None = None  # later_reply_date (R-FOI-5)


@dataclass(frozen=True)
class FeeParams:
    basis: str
    quantity: int
    notice_received_on: date | None = None
    prior_items: int | None = (
        None  # 按件: items this applicant already asked of the agency this month (None: count)
    )


@dataclass(frozen=True)
class ReplyParams:
    outcome: str
    details: Mapping[str, str] = field(default_factory=dict)
    delivered_on: date | None = None
    delivery_method: str = ""


@dataclass(frozen=True)
class ForwardParams:
    to_org: Organization


@dataclass(frozen=True)
class CancelParams:
    event_id: int


Params = ClockParams | FeeParams | ReplyParams | ForwardParams | CancelParams | None


@dataclass
class _Step:
    """One action under way: what the handler sees, and what it leaves for the audit entry and the caller."""

    actor: Any
    roles: set[str]
    request: Request
    on: date
    comment: str
    params: Params
    data: dict[str, Any] = field(default_factory=dict)
    created: Request | None = None


def request_transition(
    *, actor: Any, request: Request, action: str, on: date, comment: str = "", params: Params = None
) -> Request:
    """The one road by which a request's status changes or its clock ledger grows (staff).

    `action` is a row of `workflow.TRANSITIONS`; `params` the action's parameters (see the typed wrappers)."""
    return _transition(
        actor=actor, request=request, action=action, on=on, comment=comment, params=params
    ).request


@transaction.atomic
def _transition(
    *,
    actor: Any,
    request: Request,
    action: str,
    on: date,
    comment: str = "",
    params: Params = None,
    roles: set[str] | None = None,
) -> _Step:
    request = Request.objects.select_for_update(of=("self",)).select_related("org").get(pk=request.pk)
    spec = workflow.TRANSITIONS.get(action)
    if spec is None:
        raise ApplicationError("bad_action", f"未知的操作：{action}。")
    if request.status not in spec.sources:
        raise ApplicationError(
            "bad_transition",
            f"申请当前状态为“{workflow.STATUS_LABELS[request.status]}”，不能{spec.label}。",
        )
    held = roles if roles is not None else user_roles(actor, request.org)
    if not spec.roles & held:
        if spec.roles == {workflow.FOI_HEAD}:
            raise PermissionDenied(f"只有本机关政府信息公开工作机构负责人可以{spec.label}。")
        raise PermissionDenied("您不是本机关的依申请公开经办人，不能办理该申请。")
    comment = comment.strip()
    if spec.needs_comment and not comment:
        raise ApplicationError("missing_comment", "请填写理由或说明。", field="comment")
    _not_future(on)
    step = _Step(actor=actor, roles=held, request=request, on=on, comment=comment, params=params)
    before = request.status
    _HANDLERS[action](step)
    request.status = spec.target
    request.save()
    audit_log(
        actor=actor,
        action=f"foi.{action}",
        obj=request,
        org_code=request.org.code,
        from_state=before,
        to_state=request.status,
        comment=comment,
        data={"on": on.isoformat(), **step.data},
    )
    return step


def _schedule_call(fn: Callable[[], Any]) -> Any:
    """Run a clock computation; a year whose schedule is not loaded is a clear error naming the year (R-CAL-1)."""
    try:
        return fn()
    except YearNotLoaded as exc:
        raise CalendarNotLoaded(exc.year) from exc


def _due_quietly(request: Request) -> date | None:
    """The deadline in force, or None (paused, or a year not loaded): for mails, which must not fail a write."""
    if request.received_on is None:
        return None
    try:
        return clock.compute(
            conf.schedule(),
            received_on=request.received_on,
            events=rule_events(request),
            rules=conf.clock_rules(),
        ).due_on
    except YearNotLoaded:
        return None


_FIELD_OF_CODE = {
    "extension_too_long": "working_days",
    "bad_working_days": "working_days",
    "bad_party": "party",
    "missing_reply_by": "reply_by",
    "later_date_not_later": "reply_by",
    "later_date_too_far": "reply_by",
}


def _append_event(step: _Step, event_type: str, params: ClockParams, note: str = "") -> ClockEvent:
    request = step.request
    received = request.received_on
    assert received is not None  # open requests have one (database constraint)
    new = clock.Event(
        type=event_type,
        on=step.on,
        working_days=params.working_days,
        party=params.party,
        notice_received_on=params.notice_received_on,
        reply_by=params.reply_by,
    )
    try:
        _schedule_call(
            lambda: clock.check_event(
                conf.schedule(),
                received_on=received,
                events=rule_events(request),
                new=new,
                rules=conf.clock_rules(),
            )
        )
    except clock.ClockRuleError as exc:
        raise ApplicationError(exc.code, exc.message, field=_FIELD_OF_CODE.get(exc.code, "on")) from exc
    event = ClockEvent.objects.create(
        request=request,
        type=event_type,
        on=step.on,
        working_days=params.working_days,
        party=params.party,
        party_name=params.party_name.strip()[:200],
        notice_received_on=params.notice_received_on,
        reply_by=params.reply_by,
        note=note,
        created_by=step.actor if getattr(step.actor, "pk", None) else None,
    )
    step.data.update({"event": event_type, "event_id": event.pk})
    if params.working_days is not None:
        step.data["working_days"] = params.working_days
    if params.reply_by is not None:
        step.data["reply_by"] = params.reply_by.isoformat()
    return event


def _clock_params(step: _Step) -> ClockParams:
    params = step.params if step.params is not None else ClockParams()
    if not isinstance(params, ClockParams):
        raise ApplicationError("bad_params", "操作参数无效。")
    return params


# ---------------------------------------------------------------- action handlers


def _do_confirm(step: _Step) -> None:
    request = step.request
    submitted = timezone.localdate(request.submitted_at)
    if step.on < submitted:
        raise ApplicationError(
            "bad_date", f"确认收到日期不能早于提交日期（{clock.cn_date(submitted)}）。", field="received_on"
        )
    request.received_on = step.on
    step.data["received_on"] = step.on.isoformat()
    notify.applicant_mail(request, "confirmed", received_on=step.on, due_on=_due_quietly(request))


def _ask_applicant(step: _Step, event_type: str) -> None:
    """Record a request to the applicant (补正 R-FOI-3, 说明理由 R-FOI-5; `comment`: what) with the optional period
    for the answer, and mail it with the period's last day."""
    params = _clock_params(step)
    _append_event(step, event_type, params, note=step.comment)
    days = params.working_days
    period_due = _schedule_call(lambda: conf.schedule().add_working_days(step.on, days)) if days else None
    notify.applicant_mail(step.request, event_type, note=step.comment, period_due=period_due)


def _do_supplement_request(step: _Step) -> None:
    _ask_applicant(step, clock.SUPPLEMENT_REQUESTED)


def _do_supplement_receive(step: _Step) -> None:
    _append_event(step, clock.SUPPLEMENT_RECEIVED, _clock_params(step), note=step.comment)


def _do_consultation_start(step: _Step) -> None:
    params = _clock_params(step)
    if not params.party:
        params = ClockParams(party=clock.THIRD_PARTY, party_name=params.party_name)
    _append_event(step, clock.CONSULTATION_STARTED, params, note=step.comment)
    step.data["party"] = params.party


def _do_consultation_end(step: _Step) -> None:
    params = _clock_params(step)
    _append_event(step, clock.CONSULTATION_ENDED, params, note=step.comment)


def _do_extend(step: _Step) -> None:
    params = _clock_params(step)
    if params.working_days is None:
        raise ApplicationError("bad_working_days", "请填写延长的工作日数。", field="working_days")
    _append_event(step, clock.EXTENSION, params, note=step.comment)
    notify.applicant_mail(
        step.request, "extension", working_days=params.working_days, due_on=_due_quietly(step.request)
    )


def _do_fee_notice(step: _Step) -> None:
    params = step.params
    if not isinstance(params, FeeParams):
        raise ApplicationError("bad_params", "请填写收费方式和数量。")
    request = step.request
    if params.basis not in fee_rules.BASIS_LABELS:
        raise ApplicationError(
            "bad_fee_basis", "收费方式应为 per_item（按件）或 per_page（按量）。", field="basis"
        )
    if params.quantity < 1:
        raise ApplicationError("bad_quantity", "计费数量须至少为 1。", field="quantity")
    prior = 0
    if params.basis == fee_rules.PER_ITEM:
        prior = params.prior_items if params.prior_items is not None else fee_prior_items(request)
        if prior < 0:
            raise ApplicationError("bad_quantity", "此前累计件数不能为负数。", field="prior_items")
    amount = fee_rules.fee_amount(params.basis, params.quantity, prior=prior)
    if amount <= 0:
        raise ApplicationError(
            "no_fee", "按收费标准计算，本申请无需收取信息处理费（按件：每月前10件免费；按量：30页以内免费）。"
        )
    _append_event(
        step,
        clock.FEE_NOTICE,
        ClockParams(notice_received_on=params.notice_received_on),
        note=step.comment,
    )
    request.fee_basis = params.basis
    request.fee_quantity = params.quantity
    request.fee_prior_items = prior if params.basis == fee_rules.PER_ITEM else None
    request.fee_amount = Decimal(amount)
    received = params.notice_received_on or step.on
    payment_due = _schedule_call(lambda: fee_rules.payment_due(conf.schedule(), received))
    step.data.update(
        {"basis": params.basis, "quantity": params.quantity, "prior_items": prior, "amount": amount}
    )
    notify.applicant_mail(request, "fee_notice", amount=amount, payment_due=payment_due)


def _do_fee_pay(step: _Step) -> None:
    _append_event(step, clock.FEE_PAID, _clock_params(step), note=step.comment)


def _do_reason_request(step: _Step) -> None:
    """R-FOI-5: ask the applicant to explain a request unreasonable in number or frequency (`comment`: what)."""
    _ask_applicant(step, clock.REASON_REQUESTED)


def _do_reason_receive(step: _Step) -> None:
    _append_event(step, clock.REASON_RECEIVED, _clock_params(step), note=step.comment)


def _do_later_date(step: _Step) -> None:
    """R-FOI-5: the reasons are reasonable but the request cannot be answered in time: the FOI head sets a later
    reply date (`params.reply_by`), which becomes the deadline."""
    params = _clock_params(step)
    if params.reply_by is None:
        raise ApplicationError("missing_reply_by", "请填写确定的答复期限。", field="reply_by")
    _append_event(step, clock.LATER_REPLY_DATE, params, note=step.comment)
    notify.applicant_mail(step.request, "later_date", due_on=_due_quietly(step.request), note=step.comment)


def _do_event_cancel(step: _Step) -> None:
    params = step.params
    if not isinstance(params, CancelParams):
        raise ApplicationError("bad_params", "请指定要撤销的计时记录。")
    request = step.request
    event = ClockEvent.objects.filter(pk=params.event_id, request=request, cancelled_at__isnull=True).first()
    if event is None:
        raise ApplicationError("no_event", "该计时记录不存在或已撤销。")
    if event.type in clock.HEAD_EVENTS and workflow.FOI_HEAD not in step.roles:
        raise PermissionDenied(
            f"只有本机关政府信息公开工作机构负责人可以撤销{clock.EVENT_LABELS[event.type]}。"
        )
    if event.type not in clock.HEAD_EVENTS and workflow.FOI_HANDLER not in step.roles:
        raise PermissionDenied("您不是本机关的依申请公开经办人，不能办理该申请。")
    received = request.received_on
    assert received is not None
    remaining = [
        e.as_rule_event() for e in request.events.filter(cancelled_at__isnull=True).exclude(pk=event.pk)
    ]
    try:
        _schedule_call(
            lambda: clock.check_ledger(
                conf.schedule(), received_on=received, events=remaining, rules=conf.clock_rules()
            )
        )
    except clock.ClockRuleError as exc:
        raise ApplicationError("ledger_conflict", f"撤销后其余计时记录不再成立：{exc.message}") from exc
    event.cancelled_at = timezone.now()
    event.cancelled_by = step.actor if getattr(step.actor, "pk", None) else None
    event.cancel_reason = step.comment[:500]
    event.save()
    if event.type == clock.FEE_NOTICE:
        request.fee_basis, request.fee_quantity, request.fee_prior_items, request.fee_amount = (
            "",
            None,
            None,
            None,
        )
    step.data.update({"event": event.type, "event_id": event.pk, "event_on": event.on.isoformat()})


def _ledger_condition(request: Request, spec: outcome_rules.Outcome, on: date) -> None:
    """The clock facts an outcome stands on (逾期不补正, 补正后仍不明确, 逾期未缴费)."""
    if not spec.ledger:
        return
    events = list(request.events.filter(cancelled_at__isnull=True).order_by("on", "id"))
    asked = next((e for e in events if e.type == clock.SUPPLEMENT_REQUESTED), None)
    came = next((e for e in events if e.type == clock.SUPPLEMENT_RECEIVED), None)
    if spec.ledger == outcome_rules.LEDGER_SUPPLEMENT_RECEIVED and came is None:
        raise ApplicationError(
            "ledger_mismatch",
            "“补正后申请内容仍不明确”须在收到补正之后答复；本申请没有补正记录。",
            field="outcome",
        )
    if spec.ledger == outcome_rules.LEDGER_SUPPLEMENT_MISSING:
        if asked is None or came is not None:
            raise ApplicationError(
                "ledger_mismatch", "“逾期不补正”只适用于已告知补正、尚未收到补正的申请。", field="outcome"
            )
        if asked.working_days:
            _refuse_within_period(asked, on, "补正期限")
    if spec.ledger == outcome_rules.LEDGER_REASON_UNREASONABLE:
        # R-FOI-5 (条例 第三十五条): "行政机关认为申请理由不合理的，告知申请人不予处理" — 不予处理 only after asking
        # for reasons, and then either on the reasons received (the reply judges them unreasonable) or, none
        # received, once the period the request gave for them has run out (as 逾期不补正, 第三十条).
        reason_asked = next((e for e in events if e.type == clock.REASON_REQUESTED), None)
        if reason_asked is None:
            raise ApplicationError(
                "ledger_mismatch",
                "“无正当理由大量反复申请”不予处理前，须先要求申请人说明理由（条例第三十五条）。",
                field="outcome",
            )
        if any(e.type == clock.LATER_REPLY_DATE for e in events):
            raise ApplicationError(
                "ledger_mismatch",
                "已认定申请理由合理并确定延迟答复期限，不能再以理由不合理为由不予处理。",
                field="outcome",
            )
        if not any(e.type == clock.REASON_RECEIVED for e in events):
            if not reason_asked.working_days:
                raise ApplicationError(
                    "ledger_mismatch",
                    "尚未收到申请人的理由说明，要求说明理由时也未给出说明期限：须收到理由说明并认定其不合理，"
                    "方可不予处理（条例第三十五条）。",
                    field="outcome",
                )
            _refuse_within_period(reason_asked, on, "说明理由的期限")
    if spec.ledger == outcome_rules.LEDGER_FEE_UNPAID:
        notices = [e for e in events if e.type == clock.FEE_NOTICE]
        paid = [e for e in events if e.type == clock.FEE_PAID]
        if not notices or paid:
            raise ApplicationError(
                "ledger_mismatch", "“逾期未缴费”只适用于已发出收费通知、尚未缴费的申请。", field="outcome"
            )
        notice = notices[0]
        due = _schedule_call(
            lambda: fee_rules.payment_due(conf.schedule(), notice.notice_received_on or notice.on)
        )
        if on <= due:
            raise ApplicationError(
                "ledger_mismatch", f"缴费期限至{clock.cn_date(due)}，尚未届满。", field="replied_on"
            )


def _refuse_within_period(asked: ClockEvent, on: date, what: str) -> None:
    """An outcome that stands on the applicant's silence: refused on or before the last day of the period the
    request gave them (`asked.working_days` working days after it)."""
    period_due = _schedule_call(lambda: conf.schedule().add_working_days(asked.on, asked.working_days or 1))
    if on <= period_due:
        raise ApplicationError(
            "ledger_mismatch", f"{what}至{clock.cn_date(period_due)}，尚未届满。", field="replied_on"
        )


def _clean_details(code: str, details: Mapping[str, str]) -> dict[str, str]:
    clean = {name: str(details.get(name) or "").strip() for name in outcome_rules.DETAIL_FIELDS}
    clean[outcome_rules.VARIANT] = outcome_rules.effective_variant(code, clean)
    return {k: v for k, v in clean.items() if v}


def _check_reply_date(request: Request, on: date) -> None:
    assert request.received_on is not None
    if on < request.received_on:
        raise ApplicationError("bad_date", "答复日期不能早于收到申请日期。", field="replied_on")
    last = (
        request.events.filter(cancelled_at__isnull=True).order_by("-on").values_list("on", flat=True).first()
    )
    if last is not None and on < last:
        raise ApplicationError(
            "bad_date", f"答复日期不能早于最后一条计时记录（{clock.cn_date(last)}）。", field="replied_on"
        )


def _record_reply(step: _Step, code: str, details: dict[str, str]) -> None:
    request = step.request
    request.outcome = code
    request.reply_details = details
    request.replied_on = step.on
    try:
        due = clock.compute(
            conf.schedule(),
            received_on=request.received_on or step.on,
            events=rule_events(request),
            rules=conf.clock_rules(),
            closed_on=step.on,
        ).due_on
    except YearNotLoaded:
        due = None
    step.data.update(
        {"outcome": code, "due_on": due.isoformat() if due else None, "late": bool(due and step.on > due)}
    )


def _do_reply(step: _Step) -> None:
    params = step.params
    if not isinstance(params, ReplyParams):
        raise ApplicationError("bad_params", "请选择办理结果。", field="outcome")
    request = step.request
    spec = outcome_rules.OUTCOMES.get(params.outcome)
    if spec is None:
        raise ApplicationError("bad_outcome", f"未知的办理结果：{params.outcome}。", field="outcome")
    problems = outcome_rules.reply_problems(params.outcome, params.details)
    if problems:
        raise ApplicationError(
            "incomplete_reply", "".join(p.message for p in problems), field=problems[0].field
        )
    _check_reply_date(request, step.on)
    _ledger_condition(request, spec, step.on)
    if params.delivery_method and params.delivery_method not in applicant_rules.DELIVERIES:
        raise ApplicationError("bad_field", "送达方式无效。", field="delivery_method")
    if params.delivered_on is not None:
        _not_future(params.delivered_on, "delivered_on")
        if params.delivered_on < step.on:
            raise ApplicationError("bad_date", "送达日期不能早于答复日期。", field="delivered_on")
    request.delivered_on = params.delivered_on
    request.delivery_method = params.delivery_method
    _record_reply(step, params.outcome, _clean_details(params.outcome, params.details))
    notify.applicant_mail(request, "replied", replied_on=step.on)


def _do_forward(step: _Step) -> None:
    params = step.params
    if not isinstance(params, ForwardParams):
        raise ApplicationError("bad_params", "请选择转送的机关。", field="to_org")
    request = step.request
    to_org = params.to_org
    if to_org.pk == request.org_id:
        raise ApplicationError("self_forward", "不能转送给本机关。", field="to_org")
    if not to_org.is_active:
        raise ApplicationError("inactive_org", f"{to_org.name}已停用，不能转送。", field="to_org")
    _check_reply_date(request, step.on)
    new, _ = _create(
        org=to_org,
        data=applicant_data_of(request),
        channel=request.channel,
        submitted_at=_moment_of(step.on),
        received_on=None,
        created_by=step.actor,
        forwarded_from=request,
        # The applicant keeps the query code they hold: the new request answers to it too.
        query_code_hash=request.query_code_hash,
    )
    contact = org_contact(to_org) or f"可通过本平台以申请编号 {new.tracking_no} 查询办理情况"
    reason = step.comment or f"经核查，您申请公开的政府信息不属于本机关负责公开，已转送{to_org.name}办理。"
    details = {
        outcome_rules.VARIANT: outcome_rules.NOT_OURS,
        outcome_rules.REASON: reason,
        outcome_rules.RESPONSIBLE_AGENCY: to_org.name,
        outcome_rules.RESPONSIBLE_CONTACT: contact,
    }
    _record_reply(step, "unable.not_held", details)
    step.created = new
    step.data.update({"to_org": to_org.code, "new_request": new.tracking_no, "new_request_id": new.pk})
    notify.applicant_mail(request, "forwarded", to_org=to_org.name, new_tracking_no=new.tracking_no)
    notify.staff_mail(new, "forwarded_in")


def _do_withdraw(step: _Step) -> None:
    request = step.request
    if request.received_on is not None and step.on < request.received_on:
        raise ApplicationError("bad_date", "撤回日期不能早于收到申请日期。", field="on")
    request.withdrawn_on = step.on
    request.withdrawn_reason = step.comment[:500]
    step.data["by"] = "applicant" if workflow.APPLICANT in step.roles else "staff"
    notify.applicant_mail(request, "withdrawn")


_HANDLERS: dict[str, Callable[[_Step], None]] = {
    "confirm": _do_confirm,
    "supplement_request": _do_supplement_request,
    "supplement_receive": _do_supplement_receive,
    "consultation_start": _do_consultation_start,
    "consultation_end": _do_consultation_end,
    "extend": _do_extend,
    "fee_notice": _do_fee_notice,
    "fee_pay": _do_fee_pay,
    "reason_request": _do_reason_request,
    "reason_receive": _do_reason_receive,
    "later_date": _do_later_date,
    "event_cancel": _do_event_cancel,
    "reply": _do_reply,
    "forward": _do_forward,
    "withdraw": _do_withdraw,
}
assert set(_HANDLERS) == set(workflow.TRANSITIONS), "every transition has a handler"


# ---------------------------------------------------------------- typed wrappers (what pages and tests call)


def request_confirm(*, actor: Any, request: Request, received_on: date) -> Request:
    """Confirm receipt of an online (or unconfirmed) request: `received_on` is the statutory receipt date."""
    return request_transition(actor=actor, request=request, action="confirm", on=received_on)


def supplement_request(
    *, actor: Any, request: Request, on: date, note: str, period_working_days: int | None = None
) -> Request:
    """R-FOI-3: tell the applicant once, within 7 working days of receipt, what to supplement (`note`) and by
    when (`period_working_days`, optional). The reply period restarts when the supplement arrives."""
    if not note.strip():
        raise ApplicationError("missing_comment", "请写明需要补正的事项。", field="comment")
    return request_transition(
        actor=actor,
        request=request,
        action="supplement_request",
        on=on,
        comment=note,
        params=ClockParams(working_days=period_working_days),
    )


def supplement_receive(*, actor: Any, request: Request, on: date, note: str = "") -> Request:
    return request_transition(actor=actor, request=request, action="supplement_receive", on=on, comment=note)


def consultation_start(
    *,
    actor: Any,
    request: Request,
    on: date,
    party: str = clock.THIRD_PARTY,
    party_name: str = "",
    note: str = "",
) -> Request:
    """条例 第三十二、三十四条: consult a third party (`third_party`) or another agency (`agency`); the clock stops
    after `on` until the answer arrives. The consultee's own 15 working days are tracked."""
    return request_transition(
        actor=actor,
        request=request,
        action="consultation_start",
        on=on,
        comment=note,
        params=ClockParams(party=party, party_name=party_name),
    )


def consultation_end(*, actor: Any, request: Request, on: date, party: str = "", note: str = "") -> Request:
    """The consultee answered (or its period ran out) on `on`: the clock runs again from the next working day."""
    return request_transition(
        actor=actor,
        request=request,
        action="consultation_end",
        on=on,
        comment=note,
        params=ClockParams(party=party),
    )


def extension_approve(*, actor: Any, request: Request, on: date, working_days: int, reason: str) -> Request:
    """R-FOI-4: the FOI head extends the reply period once, by at most 20 working days, on or before the deadline
    in force; the working days are added to that deadline."""
    return request_transition(
        actor=actor,
        request=request,
        action="extend",
        on=on,
        comment=reason,
        params=ClockParams(working_days=working_days),
    )


def fee_notice(
    *,
    actor: Any,
    request: Request,
    on: date,
    basis: str,
    quantity: int,
    notice_received_on: date | None = None,
    prior_items: int | None = None,
    note: str = "",
) -> Request:
    """R-FOI-7: notify a fee, computed by `fees.fee_amount` and stored on the request. 按件 counts the items this
    applicant already asked of the agency in the calendar month of receipt (`prior_items` overrides the count).
    Payment is due 20 working days after the day the notice is received (`notice_received_on`, default `on`)."""
    return request_transition(
        actor=actor,
        request=request,
        action="fee_notice",
        on=on,
        comment=note,
        params=FeeParams(
            basis=basis, quantity=quantity, notice_received_on=notice_received_on, prior_items=prior_items
        ),
    )


def fee_paid(*, actor: Any, request: Request, on: date, note: str = "") -> Request:
    return request_transition(actor=actor, request=request, action="fee_pay", on=on, comment=note)


def reason_request(
    *, actor: Any, request: Request, on: date, note: str, period_working_days: int | None = None
) -> Request:
    """R-FOI-5 (条例 第三十五条): a request clearly beyond a reasonable number or frequency — ask the applicant,
    once and within the reply period, to explain it (`note`: what to explain), optionally by when
    (`period_working_days`). Reasons judged unreasonable — or none given by the end of that period — end in
    `not_processed.excessive`; reasonable ones may bring a later reply date (`later_reply_date_set`)."""
    if not note.strip():
        raise ApplicationError("missing_comment", "请写明需要申请人说明的事项。", field="comment")
    return request_transition(
        actor=actor,
        request=request,
        action="reason_request",
        on=on,
        comment=note,
        params=ClockParams(working_days=period_working_days),
    )


def reason_receive(*, actor: Any, request: Request, on: date, note: str = "") -> Request:
    return request_transition(actor=actor, request=request, action="reason_receive", on=on, comment=note)


def later_reply_date_set(*, actor: Any, request: Request, on: date, reply_by: date, reason: str) -> Request:
    """R-FOI-5: the FOI head judges the applicant's reasons reasonable and, the request not answerable within
    第三十三条's period, sets a later reply date `reply_by` (later than the deadline in force, decided on or
    before it); the due date becomes `reply_by`."""
    return request_transition(
        actor=actor,
        request=request,
        action="later_date",
        on=on,
        comment=reason,
        params=ClockParams(reply_by=reply_by),
    )


def clock_event_cancel(*, actor: Any, event: ClockEvent, reason: str, on: date | None = None) -> Request:
    """Cancel a ledger entry recorded by mistake (kept, marked cancelled). An extension only by the FOI head.
    Refused when the rest of the ledger would no longer hold (e.g. the supplement request under a receipt)."""
    return request_transition(
        actor=actor,
        request=event.request,
        action="event_cancel",
        on=on or _today(),
        comment=reason,
        params=CancelParams(event_id=event.pk),
    )


def request_reply(
    *,
    actor: Any,
    request: Request,
    outcome: str,
    replied_on: date,
    details: Mapping[str, str] | None = None,
    delivered_on: date | None = None,
    delivery_method: str = "",
) -> Request:
    """Answer the request with one of the report-row outcomes (R-FOI-8). Refused when the reply lacks what the law
    demands for that outcome (`outcomes.reply_problems`) or the ledger does not support it (补正, 收费)."""
    return request_transition(
        actor=actor,
        request=request,
        action="reply",
        on=replied_on,
        params=ReplyParams(
            outcome=outcome,
            details=dict(details or {}),
            delivered_on=delivered_on,
            delivery_method=delivery_method,
        ),
    )


def request_forward(
    *, actor: Any, request: Request, to_org: Organization, on: date, reason: str = ""
) -> Request:
    """接收转办: the information belongs to another agency on the platform. Creates a linked request there (awaiting
    that agency's confirmation, which starts its clock; same query code) and replies this one `unable.not_held`
    naming the agency and its contact. Returns the new request."""
    step = _transition(
        actor=actor,
        request=request,
        action="forward",
        on=on,
        comment=reason,
        params=ForwardParams(to_org=to_org),
    )
    assert step.created is not None
    return step.created


def request_withdraw(*, actor: Any, request: Request, on: date, reason: str) -> Request:
    """Staff record that the applicant withdrew the request (or that an unconfirmed submission was abandoned)."""
    return request_transition(actor=actor, request=request, action="withdraw", on=on, comment=reason)


def request_withdraw_by_applicant(*, tracking_no: str, query_code: str, address: str, reason: str) -> Request:
    """The applicant withdraws their own request, proving it with the query code. The look-up is the applicant's
    one road (`selectors.get_request_for_applicant`: throttled, one answer for a wrong code or an unknown number)."""
    request = get_request_for_applicant(
        tracking_no=tracking_no, query_code=query_code, address=address, scope=throttle.WITHDRAW
    )
    return _transition(
        actor=None,
        request=request,
        action="withdraw",
        on=_today(),
        comment=reason,
        roles={workflow.APPLICANT},
    ).request


# ---------------------------------------------------------------- other writes


@transaction.atomic
def delivery_record(*, actor: Any, request: Request, delivered_on: date, method: str) -> Request:
    """送达: the day and way the reply reached the applicant (recorded after the reply)."""
    request = Request.objects.select_for_update(of=("self",)).select_related("org").get(pk=request.pk)
    if not _is_foi_handler(actor, request.org):
        raise PermissionDenied("您不是本机关的依申请公开经办人，不能办理该申请。")
    if request.status != workflow.REPLIED or request.replied_on is None:
        raise ApplicationError("not_replied", "申请尚未答复，不能登记送达。")
    if method not in applicant_rules.DELIVERIES:
        raise ApplicationError("bad_field", "送达方式无效。", field="delivery_method")
    _not_future(delivered_on, "delivered_on")
    if delivered_on < request.replied_on:
        raise ApplicationError("bad_date", "送达日期不能早于答复日期。", field="delivered_on")
    request.delivered_on, request.delivery_method = delivered_on, method
    request.save()
    audit_log(
        actor=actor,
        action="foi.delivery",
        obj=request,
        org_code=request.org.code,
        data={"delivered_on": delivered_on.isoformat(), "method": method},
    )
    return request


def _remedy_check(
    kind: str, result: str, filed_on: date, decided_on: date | None, received_on: date | None
) -> None:
    if kind not in outcome_rules.REMEDY_KINDS:
        raise ApplicationError(
            "bad_remedy", "类型应为 review、litigation_direct 或 litigation_after_review。", field="kind"
        )
    if result not in outcome_rules.REMEDY_RESULTS:
        raise ApplicationError("bad_remedy", "结果应为 upheld、corrected、other 或 pending。", field="result")
    if received_on is not None and filed_on < received_on:
        raise ApplicationError("bad_date", "提起日期不能早于收到申请日期。", field="filed_on")
    if decided_on is not None:
        if decided_on < filed_on:
            raise ApplicationError("bad_date", "审结日期不能早于提起日期。", field="decided_on")
        if result == Remedy.Result.PENDING:
            raise ApplicationError("bad_remedy", "已审结的，请填写结果。", field="result")


@transaction.atomic
def remedy_add(
    *,
    actor: Any,
    request: Request,
    kind: str,
    filed_on: date,
    decided_on: date | None = None,
    result: str = Remedy.Result.PENDING,
    note: str = "",
) -> Remedy:
    """R-FOI-9: record a 行政复议 or 行政诉讼 about the request (report table 四)."""
    request = Request.objects.select_related("org").get(pk=request.pk)
    if not _is_foi_handler(actor, request.org):
        raise PermissionDenied("您不是本机关的依申请公开经办人，不能办理该申请。")
    _not_future(filed_on, "filed_on")
    if decided_on is not None:
        _not_future(decided_on, "decided_on")
    _remedy_check(kind, result, filed_on, decided_on, request.received_on)
    remedy = Remedy.objects.create(
        request=request, kind=kind, filed_on=filed_on, decided_on=decided_on, result=result, note=note.strip()
    )
    audit_log(
        actor=actor,
        action="foi.remedy_add",
        obj=request,
        org_code=request.org.code,
        data={"remedy_id": remedy.pk, "kind": kind, "result": result},
    )
    return remedy


@transaction.atomic
def remedy_update(
    *, actor: Any, remedy: Remedy, result: str, decided_on: date | None, note: str | None = None
) -> Remedy:
    """Record how a remedy ended (or correct it)."""
    remedy = Remedy.objects.select_for_update(of=("self",)).select_related("request__org").get(pk=remedy.pk)
    request = remedy.request
    if not _is_foi_handler(actor, request.org):
        raise PermissionDenied("您不是本机关的依申请公开经办人，不能办理该申请。")
    if decided_on is not None:
        _not_future(decided_on, "decided_on")
    _remedy_check(remedy.kind, result, remedy.filed_on, decided_on, request.received_on)
    before = remedy.result
    remedy.result, remedy.decided_on = result, decided_on
    if note is not None:
        remedy.note = note.strip()
    remedy.save()
    audit_log(
        actor=actor,
        action="foi.remedy_update",
        obj=request,
        org_code=request.org.code,
        from_state=before,
        to_state=result,
        data={"remedy_id": remedy.pk},
    )
    return remedy


def _forward_chain(request: Request) -> list[Request]:
    """Every request linked to this one by forwarding (up to the original, then every request forwarded from
    any of them), locked, the given one included. They all answer to the same query code (`_do_forward`)."""
    root = request
    seen = {root.pk}
    while root.forwarded_from_id is not None and root.forwarded_from_id not in seen:
        seen.add(root.forwarded_from_id)
        root = Request.objects.only("pk", "forwarded_from_id").get(pk=root.forwarded_from_id)
    chain = {root.pk}
    frontier = [root.pk]
    while frontier:
        frontier = [
            pk
            for pk in Request.objects.filter(forwarded_from_id__in=frontier).values_list("pk", flat=True)
            if pk not in chain
        ]
        chain.update(frontier)
    return list(
        Request.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk__in=chain)
        .order_by("pk")
    )


@transaction.atomic
def query_code_reset(*, actor: Any, request: Request) -> str:
    """A new query code for an applicant who lost theirs (identity checked by the handler). Shown once.

    The code is reset on the whole forwarding chain at once: the new code opens every request the applicant's
    code opened (the original and each request forwarded from it), the old code none of them, and sessions
    that proved the old code (selectors.session_proof) lose them all."""
    request = Request.objects.select_for_update(of=("self",)).select_related("org").get(pk=request.pk)
    if not _is_foi_handler(actor, request.org):
        raise PermissionDenied("您不是本机关的依申请公开经办人，不能办理该申请。")
    code = query_code_make()
    code_hash = make_password(code)
    chain = _forward_chain(request)
    numbers = [linked.tracking_no for linked in chain]
    for linked in chain:
        linked.query_code_hash = code_hash
        linked.save(update_fields=["query_code_hash", "updated_at"])
        # One entry per request changed, under its own agency: each agency's log shows the reset.
        audit_log(
            actor=actor,
            action="foi.query_code_reset",
            obj=linked,
            org_code=linked.org.code,
            data={"reset_from": request.tracking_no, "requests": numbers},
        )
    return code


@transaction.atomic
def applicant_access_set(*, actor: Any, user: User, granted: bool) -> bool:
    """Grant (or withdraw) a platform admin the explicit permission `foi.view_applicant` to open applicants'
    personal data (selectors.may_see_applicant). Only a superuser, or the server operator (the CLI, `actor`
    None), decides it; audited as `foi.applicant_access`. Returns whether anything changed."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("只有系统超级管理员可以授予或撤销查看申请人信息的权限。")
    if not is_platform_admin(user):
        raise ApplicationError(
            "not_platform_admin", f"{user.username} 不是平台管理员：本机关经办人无需授权，其他人员不能授权。"
        )
    permission = Permission.objects.get(content_type__app_label="foi", codename=APPLICANT_PERMISSION)
    held = user.user_permissions.filter(pk=permission.pk).exists()
    if held == granted:
        return False
    if granted:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)
    audit_log(
        actor=actor,
        action="foi.applicant_access",
        obj=user,
        to_state="granted" if granted else "revoked",
        data={"user": user.username},
    )
    return True


@transaction.atomic
def applicant_details_view(*, actor: Any, request: Request) -> ApplicantDetails:
    """Open the applicant's personal data (identity number in full, contact). Every opening is logged
    (`foi.applicant_view`); lists show only the de-identified forms (selectors.request_rows)."""
    request = Request.objects.select_related("org").get(pk=request.pk)
    if not may_see_applicant(actor, request):
        raise PermissionDenied("只有本机关的依申请公开经办人可以查看申请人信息。")
    audit_log(actor=actor, action="foi.applicant_view", obj=request, org_code=request.org.code)
    return ApplicantDetails(
        applicant_type=request.applicant_type,
        applicant_type_label=request.applicant_type_label,
        applicant_name=request.applicant_name,
        contact_name=request.contact_name,
        id_type=request.id_type,
        id_type_label=applicant_rules.ID_TYPES.get(request.id_type, ""),
        id_number=request.id_number,
        phone=request.phone,
        email=request.email,
        address=request.address,
        postcode=request.postcode,
    )


# ---------------------------------------------------------------- letters and released files


def _may_edit_letters(actor: Any, org: Organization) -> bool:
    return is_platform_admin(actor) or bool(
        {Role.FOI_HANDLER.value, Role.FOI_HEAD.value} & user_roles(actor, org)
    )


@transaction.atomic
def letter_template_save(*, actor: Any, org: Organization, kind: str, body: str) -> LetterTemplate | None:
    """Save the agency's wording of a kind of letter; an empty body (or the default text) restores the default."""
    if not _may_edit_letters(actor, org):
        raise PermissionDenied("只有本机关的依申请公开工作人员可以修改文书模板。")
    if kind not in letters.kinds():
        raise ApplicationError("bad_kind", "未知的文书类型。", field="kind")
    body = body.replace("\r\n", "\n").strip()
    if len(body) > 20000:
        raise ApplicationError("too_long", "模板不能超过 20000 个字符。", field="body")
    unknown = letters.unknown_placeholders(body, kind)
    if unknown:
        raise ApplicationError(
            "bad_placeholder",
            "模板中有无法填写的占位符：" + "、".join(f"{{{u}}}" for u in unknown),
            field="body",
        )
    if not body or body == letters.default_body(kind).strip():
        LetterTemplate.objects.filter(org=org, kind=kind).delete()
        row = None
    else:
        row, _ = LetterTemplate.objects.update_or_create(
            org=org,
            kind=kind,
            defaults={"body": body, "updated_by": actor if getattr(actor, "pk", None) else None},
        )
    audit_log(
        actor=actor,
        action="foi.letter_template",
        obj=row or org,
        org_code=org.code,
        data={"kind": kind, "default": row is None},
    )
    return row


@transaction.atomic
def reply_file_add(*, actor: Any, request: Request, name: str, data: bytes) -> ReplyFile:
    """Attach a released file to the request (予以公开, 部分公开): type from the content, size limited."""
    request = Request.objects.select_related("org").get(pk=request.pk)
    if not _is_foi_handler(actor, request.org):
        raise PermissionDenied("您不是本机关的依申请公开经办人，不能办理该申请。")
    if request.status not in {workflow.OPEN, workflow.REPLIED}:
        raise ApplicationError("not_active", "只有办理中或已答复的申请可以上传答复附件。")
    checked = check_upload(name, data, max_bytes=settings.GONGKAI_ATTACHMENT_MAX_BYTES)
    row = ReplyFile(
        request=request,
        name=checked.name,
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    row.file.save(checked.name, ContentFile(data), save=False)
    row.save()
    audit_log(
        actor=actor,
        action="foi.file_add",
        obj=request,
        org_code=request.org.code,
        data={"file_id": row.pk, "name": checked.name, "sha256": checked.sha256},
    )
    return row


@transaction.atomic
def reply_file_remove(*, actor: Any, file: ReplyFile) -> None:
    request = Request.objects.select_related("org").get(pk=file.request_id)
    if not _is_foi_handler(actor, request.org):
        raise PermissionDenied("您不是本机关的依申请公开经办人，不能办理该申请。")
    audit_log(
        actor=actor,
        action="foi.file_remove",
        obj=request,
        org_code=request.org.code,
        data={"file_id": file.pk, "name": file.name},
    )
    file.delete()
