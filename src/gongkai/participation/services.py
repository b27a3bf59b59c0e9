"""Every write of the participation app (messages). Keyword-only, typed, one transaction, one audit entry.

`message_transition` is the only way a message's status changes (workflow.TRANSITIONS); it appends the history
event, recomputes the clock fields (`due_on`, rounds) from the events, and logs the action. Personal data of the
writer never goes into the audit log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.outbox import outbox_enqueue
from gongkai.core.ratelimit import over_limit
from gongkai.core.textsafety import control_character_problem
from gongkai.core.uploads import CheckedUpload, check_upload
from gongkai.core.workdays import get_schedule
from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, user_roles
from gongkai.participation import clock as clock_rules
from gongkai.participation import conf, consultation_rules, open311_rules, workflow
from gongkai.participation.models import (
    Attachment,
    CategoryLimit,
    Comment,
    Consultation,
    ConsultationQuestion,
    Mailbox,
    Message,
    MessageEvent,
    Open311Key,
    Open311Service,
)

QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 10
DUPLICATE_WINDOW_SECONDS = 60


def query_code_make() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def _today() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------- time limits (deployment data)


def category_limit(category: str) -> int:
    row = CategoryLimit.objects.filter(category=category).first()
    if row is not None:
        return row.working_days
    return clock_rules.DEFAULT_LIMITS[category]


def category_limits() -> dict[str, int]:
    limits = dict(clock_rules.DEFAULT_LIMITS)
    limits.update(dict(CategoryLimit.objects.values_list("category", "working_days")))
    return limits


@transaction.atomic
def sla_set(*, actor: Any, category: str, working_days: int) -> CategoryLimit:
    """Set a category's reply limit. Applies to messages received from now on (a message keeps its limit)."""
    if category not in workflow.CATEGORIES:
        raise ApplicationError(
            "bad_category", f"类别应为{'、'.join(workflow.CATEGORIES)}之一：{category!r}。", field="category"
        )
    if not 1 <= working_days <= 365:
        raise ApplicationError("bad_number", "办理时限应为 1 至 365 个工作日。", field="working_days")
    row, _ = CategoryLimit.objects.update_or_create(
        category=category, defaults={"working_days": working_days}
    )
    audit_log(
        actor=actor, action="message.sla_set", obj=row, data={"category": category, "days": working_days}
    )
    return row


# ---------------------------------------------------------------- checking text


_SCRIPT = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style)\b|javascript:|\bon\w+\s*=", re.I)
_WORDY = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def text_problems(*, subject: str, body: str) -> dict[str, str]:
    """Shape problems of a message's subject and body: {field: Chinese message}."""
    problems: dict[str, str] = {}
    limit = conf.body_max()
    if not subject.strip():
        problems["subject"] = "请填写标题。"
    elif len(subject) > 200:
        problems["subject"] = f"标题不能超过 200 个字（现有 {len(subject)} 个）。"
    if not body.strip():
        problems["body"] = "请填写留言内容。"
    elif len(body) > limit:
        problems["body"] = f"留言内容不能超过 {limit} 个字（现有 {len(body)} 个），请精简后再提交。"
    for name, text in (("subject", subject), ("body", body)):
        if name in problems or not text.strip():
            continue
        # A control character breaks every XML output holding the text (Open311 XML, DOCX, XLSX): refused at the door.
        control = control_character_problem(text, "标题" if name == "subject" else "留言内容")
        if control:
            problems[name] = control
        elif _SCRIPT.search(text):
            problems[name] = "内容中不能包含网页代码（如 <script>），请用文字描述。"
        elif not _WORDY.search(text):
            problems[name] = "内容不能只有表情或符号，请用文字描述您的问题。"
    return problems


def _body_hash(subject: str, body: str) -> str:
    """The same subject and body (whitespace folded), to whichever agency: a duplicate within a minute."""
    normalized = "\x1f".join([" ".join(subject.split()), " ".join(body.split())])
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- attachments

Upload = tuple[str, bytes]  # (file name, content)


def uploads_check(uploads: tuple[Upload, ...] | list[Upload]) -> list[CheckedUpload]:
    """The type from the content, not the name (a disguised file is refused), the size limited; field `attachment`."""
    checked = []
    for name, data in uploads:
        try:
            checked.append(check_upload(name, data, max_bytes=conf.attachment_max_bytes()))
        except ApplicationError as exc:
            raise ApplicationError(exc.code, exc.message + "请重新选择文件。", field="attachment") from exc
    return checked


def _attachments_store(
    checked: list[CheckedUpload], uploads: tuple[Upload, ...] | list[Upload], **owner: Any
) -> list[Attachment]:
    rows = []
    for c, (_name, data) in zip(checked, uploads, strict=True):
        row = Attachment(name=c.name, size=c.size, sha256=c.sha256, content_type=c.content_type, **owner)
        row.file.save(c.name, ContentFile(data), save=False)
        row.save()
        rows.append(row)
    return rows


# ---------------------------------------------------------------- submitting


@dataclass(frozen=True)
class MessageData:
    category: str
    subject: str
    body: str
    name: str = ""
    phone: str = ""
    email: str = ""
    public_consent: bool = False
    channel: str = "部门信箱"


@dataclass(frozen=True)
class NewMessage:
    message: Message
    query_code: str  # shown once, stored only as a hash


def _allocate_tracking_no(message: Message) -> None:
    message.tracking_no = f"{conf.tracking_prefix()}-{message.received_on.year}-{message.pk:06d}"
    message.save(update_fields=["tracking_no"])


def message_create_record(
    *,
    org: Organization,
    channel: str,
    category: str,
    subject: str,
    body: str,
    received_on: date,
    public_consent: bool,
    writer: dict[str, str],
    external_id: str = "",
    body_hash: str = "",
) -> tuple[Message, str]:
    """Insert a message (inside the caller's transaction) with a fresh query code; returns (message, code)."""
    if len(writer.get("email", "")) > 254:  # an address cut short would reach someone else, or no one
        raise ApplicationError("bad_email", "电子邮箱不能超过 254 个字符。", field="email")
    code = query_code_make()
    message = Message.objects.create(
        tracking_no=f"tmp-{secrets.token_hex(8)}",
        query_code_hash=make_password(code),
        external_id=external_id,
        org=org,
        holder_org=org,
        channel=channel,
        category=category,
        subject=subject,
        body=body,
        body_hash=body_hash,
        public_consent=public_consent,
        received_on=received_on,
        limit_days=category_limit(category),
        writer_name=writer.get("name", "")[:50],
        writer_phone=writer.get("phone", "")[:30],
        writer_email=writer.get("email", "")[:254],
        writer_id_number=writer.get("id_number", "")[:30],
        writer_address=writer.get("address", "")[:200],
    )
    _allocate_tracking_no(message)
    return message, code


@transaction.atomic
def message_submit(
    *,
    org: Organization,
    data: MessageData,
    address: str,
    uploads: tuple[Upload, ...] = (),
    mailbox: Mailbox | None = None,
) -> NewMessage:
    """A message written on the public page, with optional attachments: to the agency's 部门信箱, or to one of its
    open leaders' mailboxes (channel 领导信箱, the message marked with the mailbox). Throttled per client address
    (shared cache); the same text to the same agency within a minute is refused as a duplicate."""
    if mailbox is not None:
        if mailbox.org_id != org.pk or not mailbox.is_active:
            raise ApplicationError("bad_mailbox", "该领导信箱不存在或已关闭，请重新选择。", field="mailbox")
        data = replace(data, channel=LEADER_CHANNEL)
    if data.category not in workflow.CATEGORIES:
        raise ApplicationError("bad_category", "请选择留言类别。", field="category")
    _check_text(data.subject, data.body)
    if not data.name.strip():
        raise ApplicationError("missing_field", "请填写姓名。", field="name")
    if not (data.phone.strip() or data.email.strip()):
        raise ApplicationError(
            "missing_field", "请至少填写电话或电子邮箱中的一项，以便联系您。", field="phone"
        )
    checked = uploads_check(uploads)
    limit, window = conf.submit_limit()
    if over_limit(f"message-submit:{address}", limit=limit, window_seconds=window):
        raise ApplicationError("too_many", "提交过于频繁，请稍后再试。您填写的内容已保留。")
    created = _message_new(
        org=org,
        data=data,
        received_on=_today(),
        action="message.submit",
        extra={"mailbox": mailbox} if mailbox is not None else None,
    )
    _attachments_store(checked, uploads, message=created.message)
    return created


# ---------------------------------------------------------------- leaders' mailboxes (领导信箱)

LEADER_CHANNEL = "领导信箱"


def _may_manage_mailboxes(actor: Any, org: Organization) -> bool:
    return is_platform_admin(actor) or Role.ORG_ADMIN.value in user_roles(actor, org)


@transaction.atomic
def mailbox_set(
    *, actor: Any, org: Organization, title: str, name: str, position: int = 0, is_active: bool = True
) -> Mailbox:
    """Open (or change the order of, or close) a leader's mailbox of an agency — its org admins or a platform admin.
    A closed mailbox keeps its messages and takes no new ones."""
    if not _may_manage_mailboxes(actor, org):
        raise PermissionDenied()
    title, name = title.strip(), name.strip()
    if not title:
        raise ApplicationError("missing_field", "请填写职务。", field="title")
    if not name:
        raise ApplicationError("missing_field", "请填写姓名。", field="name")
    if len(title) > 50 or len(name) > 50:
        raise ApplicationError("too_long", "职务和姓名各不超过 50 个字。", field="title")
    mailbox, created = Mailbox.objects.update_or_create(
        org=org, title=title, name=name, defaults={"position": max(0, position), "is_active": is_active}
    )
    audit_log(
        actor=actor,
        action="message.mailbox_set",
        obj=mailbox,
        org_code=org.code,
        data={"title": title, "name": name, "active": is_active, "created": created},
    )
    return mailbox


def _check_text(subject: str, body: str) -> None:
    problems = text_problems(subject=subject, body=body)
    if problems:
        field, message_text = next(iter(problems.items()))
        raise ApplicationError("bad_text", message_text, field=field)


def _duplicate_check(body_hash: str) -> None:
    since = timezone.now() - timedelta(seconds=DUPLICATE_WINDOW_SECONDS)
    if Message.objects.filter(body_hash=body_hash, submitted_at__gte=since).exists():
        raise ApplicationError("duplicate", "相同内容的留言刚刚已经提交，请勿重复提交。")


def _message_new(
    *,
    org: Organization,
    data: MessageData,
    received_on: date,
    action: str,
    actor: Any = None,
    extra: dict[str, Any] | None = None,
    writer_extra: dict[str, str] | None = None,
) -> NewMessage:
    """The one way a new message enters the loop (site, Open311, staff registration): duplicate check, record,
    clock, audit, receipt mail. `extra`: further model fields (Open311 location, the registering staff member)."""
    body_hash = _body_hash(data.subject, data.body)
    _duplicate_check(body_hash)
    message, code = message_create_record(
        org=org,
        channel=data.channel,
        category=data.category,
        subject=data.subject.strip(),
        body=data.body.strip(),
        received_on=received_on,
        public_consent=data.public_consent,
        writer={
            "name": data.name.strip(),
            "phone": data.phone.strip(),
            "email": data.email.strip(),
            **(writer_extra or {}),
        },
        body_hash=body_hash,
    )
    for name, value in (extra or {}).items():
        setattr(message, name, value)
    clock_refresh(message)
    message.save()
    audit_log(
        actor=actor,
        action=action,
        obj=message,
        org_code=org.code,
        to_state=message.status,
        data={"category": message.category, "channel": message.channel},
    )
    if message.writer_email:
        outbox_enqueue(
            to=message.writer_email,
            subject=f"您的留言已收到（{message.tracking_no}）",
            body=f"您写给{org.name}的留言已收到，编号 {message.tracking_no}。请凭编号和查询码查询办理进度。",
            ref=f"message:{message.pk}:submitted",
        )
    return NewMessage(message, code)


# ---------------------------------------------------------------- staff registration (phone, letter, in person)

REGISTER_CHANNELS = ("12345热线电话", "来信", "来访", "传真", "领导信箱（来信）")
REGISTER_BACKDATE_DAYS = 366


@transaction.atomic
def message_register(
    *, actor: Any, org: Organization, data: MessageData, received_on: date, writer_address: str = ""
) -> NewMessage:
    """A message received by phone, letter or in person, typed in by a message handler of the receiving agency (or
    a platform admin) with its receipt date: the clock counts from that date (R-CAL-2), the loop is the site's.
    The writer's contact is optional (an anonymous caller); the query code is shown once to tell the writer."""
    if not (is_platform_admin(actor) or Role.MESSAGE_HANDLER.value in user_roles(actor, org)):
        raise PermissionDenied("您不是该机关的互动办理人，不能登记留言。")
    if data.category not in workflow.CATEGORIES:
        raise ApplicationError("bad_category", "请选择留言类别。", field="category")
    channel = " ".join(data.channel.split())[:100]
    if not channel:
        raise ApplicationError("missing_field", "请填写收到渠道。", field="channel")
    today = _today()
    if received_on > today:
        raise ApplicationError("bad_date", "收到日期不能晚于今天。", field="received_on")
    if received_on < today - timedelta(days=REGISTER_BACKDATE_DAYS):
        raise ApplicationError(
            "bad_date", "收到日期不能早于一年前；更早的留言请用导入功能。", field="received_on"
        )
    _check_text(data.subject, data.body)
    return _message_new(
        org=org,
        data=MessageData(
            category=data.category,
            subject=data.subject,
            body=data.body,
            name=data.name,
            phone=data.phone,
            email=data.email,
            public_consent=data.public_consent,
            channel=channel,
        ),
        received_on=received_on,
        action="message.register",
        actor=actor,
        extra={"registered_by": actor if getattr(actor, "is_authenticated", False) else None},
        writer_extra={"address": writer_address.strip()},
    )


# ---------------------------------------------------------------- Open311 GeoReport v2 (issue 8 item 5)

OPEN311_KEY_PREFIX = "o311_"
OPEN311_CHANNEL = "12345网上受理（Open311）"


def open311_key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def open311_key_create(*, actor: Any, name: str) -> tuple[Open311Key, str]:
    """A new API key for an Open311 client; the raw key is returned once and only its hash is stored."""
    name = " ".join(name.split())[:100]
    if not name:
        raise ApplicationError("missing_field", "请填写密钥名称（使用方）。", field="name")
    raw = OPEN311_KEY_PREFIX + secrets.token_urlsafe(32)
    key = Open311Key.objects.create(name=name, prefix=raw[:12], key_hash=open311_key_hash(raw))
    audit_log(actor=actor, action="open311.key_create", obj=key, data={"name": name, "prefix": key.prefix})
    return key, raw


@transaction.atomic
def open311_key_revoke(*, actor: Any, key: Open311Key) -> Open311Key:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    audit_log(
        actor=actor, action="open311.key_revoke", obj=key, data={"name": key.name, "prefix": key.prefix}
    )
    return key


def open311_key_authenticate(raw: str) -> Open311Key | None:
    """The active key for `raw`, or None. Records when it was last used (no audit entry)."""
    raw = raw.strip()
    if not raw:
        return None
    key = Open311Key.objects.filter(key_hash=open311_key_hash(raw), revoked_at=None).first()
    if key is not None:
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


@dataclass(frozen=True)
class ServiceData:
    code: str
    name: str
    category: str
    org: Organization
    description: str = ""
    group: str = ""
    keywords: str = ""
    attributes: list[dict[str, Any]] | None = None


_SERVICE_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


@transaction.atomic
def open311_service_set(*, actor: Any, data: ServiceData) -> Open311Service:
    """Create or change a service (operator's command). The code is what clients post as `service_code`."""
    if not _SERVICE_CODE.match(data.code):
        raise ApplicationError("bad_code", "服务代码只能由字母、数字、下划线、点和连字符组成（最多 40 个）。")
    if not data.name.strip():
        raise ApplicationError("missing_field", "请填写服务名称。", field="name")
    if data.category not in workflow.CATEGORIES:
        raise ApplicationError(
            "bad_category",
            f"类别应为{'、'.join(workflow.CATEGORIES)}之一：{data.category!r}。",
            field="category",
        )
    attributes = data.attributes or []
    problem = open311_rules.definition_problems(attributes)
    if problem:
        raise ApplicationError("bad_attributes", problem, field="attributes")
    service, created = Open311Service.objects.update_or_create(
        code=data.code,
        defaults={
            "name": data.name.strip()[:100],
            "category": data.category,
            "org": data.org,
            "description": data.description.strip()[:500],
            "group": data.group.strip()[:50],
            "keywords": data.keywords.strip()[:200],
            "attributes": attributes,
            "is_active": True,
        },
    )
    audit_log(
        actor=actor,
        action="open311.service_set",
        obj=service,
        org_code=data.org.code,
        data={"code": service.code, "category": service.category, "created": created},
    )
    return service


@dataclass(frozen=True)
class Open311Post:
    service_code: str
    description: str
    lat: str = ""
    long: str = ""
    address_string: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] | None = None
    # Gongkai's extension: the writer agrees that the request and its reply be published (never for a 举报).
    public: bool = False


_URL = re.compile(r"^https?://[^\s<>\"']{1,490}$", re.I)


def open311_request_submit(*, key: Open311Key, post: Open311Post, address: str) -> NewMessage:
    """A GeoReport POST: the same message as one written on the site (text checks, duplicate check, clock, audit),
    sent to the service's agency. Throttled per key and per client address. Raises Open311Error."""

    limit, window = conf.open311_post_limit()
    if over_limit(f"open311-post-key:{key.pk}", limit=limit, window_seconds=window) or over_limit(
        f"open311-post-addr:{address}", limit=limit, window_seconds=window
    ):
        raise open311_rules.Open311Error(429, "too_many", "提交过于频繁，请稍后再试。")
    service = (
        Open311Service.objects.select_related("org")
        .filter(code=post.service_code.strip(), is_active=True)
        .first()
    )
    if service is None:
        raise open311_rules.Open311Error(
            404, "unknown_service", f"未知的服务代码：{post.service_code[:40]!r}。"
        )
    location = open311_rules.parse_location(lat=post.lat, long=post.long, address=post.address_string)
    values = open311_rules.attribute_problems(service.attributes or [], post.attributes or {})
    description = post.description.strip()
    problems = text_problems(subject=service.name, body=description)
    if "body" in problems:
        raise open311_rules.Open311Error(
            400, "bad_description", problems["body"].replace("留言内容", "description")
        )
    email = post.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise open311_rules.Open311Error(400, "bad_email", "email 格式不正确。") from None
        if len(email) > 254:
            raise open311_rules.Open311Error(400, "bad_email", "email 不能超过 254 个字符。")
    media_url = post.media_url.strip()
    if media_url and not _URL.match(media_url):
        raise open311_rules.Open311Error(400, "bad_media_url", "media_url 应为 http 或 https 链接。")
    first_line = " ".join(description.split())
    subject = f"{service.name}：{first_line[:40]}" if first_line else service.name
    data = MessageData(
        category=service.category,
        subject=subject[:200],
        body=description,
        name=(post.last_name.strip() + post.first_name.strip())[:50],
        phone=post.phone.strip()[:30],
        email=email,
        public_consent=post.public,
        channel=OPEN311_CHANNEL,
    )
    try:
        with transaction.atomic():
            return _message_new(
                org=service.org,
                data=data,
                received_on=_today(),
                action="message.submit_open311",
                extra={
                    "service": service,
                    "lat": location.lat,
                    "long": location.long,
                    "location": location.address,
                    "media_url": media_url,
                    "attributes": values,
                },
            )
    except ApplicationError as exc:
        status = 409 if exc.code == "duplicate" else 400
        raise open311_rules.Open311Error(status, exc.code, exc.message) from exc


# ---------------------------------------------------------------- the clock fields


def message_rule_events(message: Message) -> list[clock_rules.Event]:
    return [e.as_rule_event() for e in MessageEvent.objects.filter(message=message).order_by("on", "id")]


def compute_clock(message: Message, events: list[clock_rules.Event] | None = None) -> clock_rules.Clock:
    """The message's clock; raises ApplicationError for events the rules refuse, YearNotLoaded as is."""
    try:
        return clock_rules.compute(
            get_schedule(),
            received_on=message.received_on,
            limit=message.limit_days,
            events=message_rule_events(message) if events is None else events,
            extension_max=conf.extension_max(),
        )
    except clock_rules.ClockError as exc:
        raise ApplicationError(exc.code, exc.message) from exc


def clock_refresh(message: Message, events: list[clock_rules.Event] | None = None) -> None:
    """Recompute `due_on` (of the current round) from the events; None when the calendar year is not loaded."""
    try:
        message.due_on = compute_clock(message, events).due_on
    except YearNotLoaded:
        message.due_on = None


# ---------------------------------------------------------------- transitions


@dataclass(frozen=True)
class ActionParams:
    on: date | None = None
    comment: str = ""
    text: str = ""
    to_org: Organization | None = None
    working_days: int | None = None
    rating: str = ""


def actor_roles(actor: Any, message: Message) -> set[str]:
    roles: set[str] = set()
    if actor is None:
        return roles
    if Role.MESSAGE_HANDLER.value in user_roles(actor, message.holder_org):
        roles.add(workflow.MESSAGE_HANDLER)
    if is_platform_admin(actor):
        roles.add(workflow.PLATFORM_ADMIN)
    return roles


def _last_event_day(message: Message) -> date:
    last = (
        MessageEvent.objects.filter(message=message)
        .order_by("-on", "-id")
        .values_list("on", flat=True)
        .first()
    )
    return max(message.received_on, last) if last else message.received_on


@transaction.atomic
def message_transition(
    *,
    actor: Any,
    message: Message,
    action: str,
    params: ActionParams | None = None,
    as_writer: bool = False,
) -> Message:
    """Take `action` on `message` (workflow.TRANSITIONS). `as_writer`: the writer, proven by the query code, rates."""
    params = params or ActionParams()
    message = Message.objects.select_for_update().get(pk=message.pk)
    transition = workflow.transition_for(action, message.status)
    if transition is None:
        raise ApplicationError(
            "bad_transition", f"当前状态（{message.status_label}）下不能{_label(action)}。"
        )
    roles = {workflow.WRITER} if as_writer else actor_roles(actor, message)
    if not transition.roles & roles:
        raise PermissionDenied()
    comment = params.comment.strip()
    if transition.needs_comment and not comment:
        raise ApplicationError("missing_comment", f"{transition.label}需要填写理由。", field="comment")
    on = params.on or _today()
    if on > _today():
        raise ApplicationError("bad_date", "日期不能晚于今天。", field="on")
    if on < _last_event_day(message):
        raise ApplicationError("bad_date", "日期不能早于收到日期或上一条办理记录。", field="on")
    from_state = message.status
    data = _APPLY[action](message, params, on, comment, actor)
    if transition.target != workflow.KEEP_STATE:
        message.status = transition.target
    clock_refresh(message)
    message.save()
    audit_log(
        actor=actor,
        action=f"message.{action}",
        obj=message,
        org_code=message.holder_org.code,
        from_state=from_state,
        to_state=message.status,
        comment=comment,
        data=data,
    )
    return message


def _label(action: str) -> str:
    t = workflow.TRANSITIONS.get(action)
    return t.label if t else action


def _event(message: Message, type_: str, on: date, actor: Any, **fields: Any) -> MessageEvent:
    return MessageEvent.objects.create(
        message=message,
        type=type_,
        on=on,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )


def _accept(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    _event(message, MessageEvent.Type.ACCEPTED, on, actor, text=comment)
    return {"on": on.isoformat()}


def _reject(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    message.not_accepted_reason = comment
    _event(message, MessageEvent.Type.NOT_ACCEPTED, on, actor, text=comment)
    return {"on": on.isoformat()}


def _transfer(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    if p.to_org is None:
        raise ApplicationError("missing_field", "请选择转办机关。", field="to_org")
    if p.to_org.pk == message.holder_org_id:
        raise ApplicationError("self_transfer", "不能转办给本机关。", field="to_org")
    _event(
        message,
        MessageEvent.Type.TRANSFERRED,
        on,
        actor,
        from_org=message.holder_org,
        to_org=p.to_org,
        text=comment,
    )
    data = {"from": message.holder_org.code, "to": p.to_org.code, "on": on.isoformat()}
    message.holder_org = p.to_org
    for email in handler_emails(p.to_org):
        outbox_enqueue(
            to=email,
            subject=f"转办留言：{message.tracking_no}",
            body=f"留言 {message.tracking_no}（{message.category}：{message.subject}）已转办贵单位，请及时受理；"
            f"转办有误的，请在 {conf.send_back_within()} 个工作日内退回。",
            ref=f"message:{message.pk}:transferred:{p.to_org.code}",
        )
    return data


def _send_back(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    last = (
        MessageEvent.objects.filter(message=message, type__in=["transferred", "sent_back"])
        .order_by("-on", "-id")
        .first()
    )
    if last is None or last.type != MessageEvent.Type.TRANSFERRED or last.to_org_id != message.holder_org_id:
        raise ApplicationError("not_transferred", "这条留言不是转办来的，不能退回。")
    try:
        deadline = clock_rules.send_back_deadline(
            get_schedule(), transferred_on=last.on, within=conf.send_back_within()
        )
    except YearNotLoaded as exc:
        raise ApplicationError(
            "calendar_not_loaded", f"{exc.year}年的工作日安排尚未载入，无法计算期限。"
        ) from exc
    if on > deadline:
        raise ApplicationError(
            "send_back_late",
            f"转办有误的留言应在收到转办后 {conf.send_back_within()} 个工作日内退回（截至{deadline.isoformat()}）。",
        )
    assert last.from_org is not None
    _event(
        message,
        MessageEvent.Type.SENT_BACK,
        on,
        actor,
        from_org=message.holder_org,
        to_org=last.from_org,
        text=comment,
    )
    data = {"from": message.holder_org.code, "to": last.from_org.code, "on": on.isoformat()}
    message.holder_org = last.from_org
    return data


def _extend(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    days = p.working_days or 0
    # The clock checks the rules (1 … max, once per round, before the due date) before anything is stored.
    events = [*message_rule_events(message), clock_rules.Event(clock_rules.EXTENSION, on, days)]
    try:
        compute_clock(message, events)
    except YearNotLoaded as exc:
        raise ApplicationError(
            "calendar_not_loaded", f"{exc.year}年的工作日安排尚未载入，无法计算期限。"
        ) from exc
    _event(message, MessageEvent.Type.EXTENSION, on, actor, working_days=days, text=comment)
    return {"working_days": days, "on": on.isoformat()}


def _reply(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    text = p.text.strip()
    if not text:
        raise ApplicationError("missing_field", "请填写回复内容。", field="text")
    message.reply_text = text
    message.replied_on = on
    message.first_replied_on = message.first_replied_on or on
    _event(message, MessageEvent.Type.REPLIED, on, actor, text=text)
    late = message.due_on is not None and on > message.due_on
    if message.writer_email:
        outbox_enqueue(
            to=message.writer_email,
            subject=f"您的留言已回复（{message.tracking_no}）",
            body=f"您的留言（编号 {message.tracking_no}）已由{message.holder_org.name}回复，请凭编号和查询码查看。",
            ref=f"message:{message.pk}:replied:{message.round}",
        )
    return {"on": on.isoformat(), "round": message.round, "due_on": _iso(message.due_on), "late": late}


def _close(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    message.closed_on = on
    _event(message, MessageEvent.Type.CLOSED, on, actor, text=comment)
    return {"on": on.isoformat()}


def _rate(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    if p.rating not in workflow.RATINGS:
        raise ApplicationError("bad_rating", "请选择满意、基本满意或不满意。", field="rating")
    if message.rating:
        raise ApplicationError("already_rated", "本轮办理已经评价过。")
    message.rating, message.rated_on = p.rating, on
    _event(message, MessageEvent.Type.RATED, on, actor, rating=p.rating, text=comment)
    return {"rating": p.rating, "round": message.round}


def _reopen(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    if message.rating != workflow.UNSATISFIED:
        raise ApplicationError("not_unsatisfied", "只有评价为“不满意”的留言才能重办。")
    if message.reopen_count >= 1:
        raise ApplicationError("reopened_once", "这条留言已经重办过一次，不能再次重办。")
    _event(message, MessageEvent.Type.REOPENED, on, actor, text=comment)
    message.reopen_count += 1
    message.round += 1
    message.replied_on = message.closed_on = message.rated_on = None
    message.rating = ""
    return {"round": message.round, "on": on.isoformat()}


def _supervise(message: Message, p: ActionParams, on: date, comment: str, actor: Any) -> dict[str, Any]:
    _event(message, MessageEvent.Type.SUPERVISED, on, actor, text=comment)
    for email in handler_emails(message.holder_org):
        outbox_enqueue(
            to=email,
            subject=f"督办通知：留言 {message.tracking_no}",
            body=f"政务公开办对留言 {message.tracking_no}（{message.subject}）发出督办：{comment}",
            ref=f"message:{message.pk}:supervised",
        )
    return {"on": on.isoformat()}


def handler_emails(org: Organization) -> list[str]:
    from gongkai.orgs.models import Membership

    return sorted(
        {
            e
            for e in Membership.objects.filter(org=org, role=Role.MESSAGE_HANDLER).values_list(
                "user__email", flat=True
            )
            if e
        }
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


_APPLY = {
    "accept": _accept,
    "reject": _reject,
    "transfer": _transfer,
    "send_back": _send_back,
    "extend": _extend,
    "reply": _reply,
    "close": _close,
    "rate": _rate,
    "reopen": _reopen,
    "supervise": _supervise,
}


# ---------------------------------------------------------------- 意见征集 (R-INT-1)

CONSULTATION_ROLES = (Role.PUBLISHER, Role.ORG_ADMIN)


def _may_manage_consultations(actor: Any, org: Organization) -> bool:
    return is_platform_admin(actor) or bool(user_roles(actor, org) & {r.value for r in CONSULTATION_ROLES})


@dataclass(frozen=True)
class ConsultationData:
    title: str
    draft_text: str
    explanation: str
    opens_on: date
    closes_on: date
    how_to_comment: str = ""
    short_reason: str = ""
    questions: tuple[QuestionData, ...] = ()
    external_id: str = ""
    basis: str = ""


@dataclass(frozen=True)
class QuestionData:
    text: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = False


def _questions_check(questions: tuple[QuestionData, ...]) -> None:
    if len(questions) > 30:
        raise ApplicationError("bad_question", "问题不能超过 30 个。", field="questions")
    for i, q in enumerate(questions, start=1):
        problem = consultation_rules.question_problems(text=q.text, kind=q.kind, choices=list(q.choices))
        if problem:
            raise ApplicationError("bad_question", f"第 {i} 个问题：{problem}", field="questions")


def _questions_store(consultation: Consultation, questions: tuple[QuestionData, ...]) -> None:
    ConsultationQuestion.objects.bulk_create(
        ConsultationQuestion(
            consultation=consultation,
            position=i,
            text=q.text.strip(),
            kind=q.kind,
            choices=[c.strip() for c in q.choices if c.strip()] if q.kind != "text" else [],
            required=q.required,
        )
        for i, q in enumerate(questions, start=1)
    )


@transaction.atomic
def consultation_open(*, actor: Any, org: Organization, data: ConsultationData) -> Consultation:
    """Publish a draft for comment. R-INT-1: draft, explanation and the period are required; a period shorter than
    30 calendar days needs its reason."""
    if not _may_manage_consultations(actor, org):
        raise PermissionDenied()
    for name, label in (("title", "标题"), ("draft_text", "草案全文"), ("explanation", "起草说明")):
        if not str(getattr(data, name)).strip():
            raise ApplicationError("missing_field", f"请填写{label}。", field=name)
    problems = consultation_rules.period_problems(
        opens_on=data.opens_on, closes_on=data.closes_on, short_reason=data.short_reason
    )
    if problems:
        field, text = next(iter(problems.items()))
        raise ApplicationError("short_period" if field == "short_reason" else "bad_period", text, field=field)
    _questions_check(data.questions)
    consultation = Consultation.objects.create(
        external_id=data.external_id.strip()[:200],
        org=org,
        title=data.title.strip()[:200],
        draft_text=data.draft_text.strip(),
        explanation=data.explanation.strip(),
        basis=data.basis.strip(),
        how_to_comment=data.how_to_comment.strip(),
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        short_reason=data.short_reason.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _questions_store(consultation, data.questions)
    audit_log(
        actor=actor,
        action="consultation.open",
        obj=consultation,
        org_code=org.code,
        data={
            "days": consultation_rules.period_days(data.opens_on, data.closes_on),
            "short_reason": bool(consultation.short_reason),
        },
    )
    return consultation


@dataclass(frozen=True)
class CommentData:
    body: str
    article: int | None = None
    answers: dict[str, str | list[str]] | None = None  # {question position as text: answer}
    name: str = ""
    phone: str = ""
    email: str = ""


def comment_problems(consultation: Consultation, data: CommentData) -> dict[str, str]:
    """Shape problems of a comment: {field: Chinese message}; `answer_N` for the question at position N."""
    problems: dict[str, str] = {}
    if data.body.strip() or not data.answers:
        body_problem = text_problems(subject="意见", body=data.body).get("body")
        if body_problem:
            problems["body"] = body_problem.replace("留言内容", "意见")
    for field, label, value in (
        ("name", "姓名", data.name),
        ("phone", "电话", data.phone),
        ("email", "电子邮箱", data.email),
    ):
        control = control_character_problem(value, label)
        if control:
            problems[field] = control
    if data.article is not None:
        numbers = {a.number for a in consultation_rules.parse_articles(consultation.draft_text)}
        if data.article not in numbers:
            problems["article"] = "草案中没有这一条，请重新选择。"
    answers = data.answers or {}
    questions = list(consultation.questions.all())
    known = {str(q.position) for q in questions}
    if set(answers) - known:
        problems["answers"] = "回答了不存在的问题。"
    for q in questions:
        problem = consultation_rules.answer_problems(
            kind=q.kind, choices=q.choices, required=q.required, answer=answers.get(str(q.position), "")
        )
        if problem:
            problems[f"answer_{q.position}"] = problem
    if not data.body.strip() and not any(answers.values()):
        problems.setdefault("body", "请填写意见或回答问题。")
    return problems


def _clean_answers(answers: dict[str, str | list[str]] | None) -> dict[str, str | list[str]]:
    clean: dict[str, str | list[str]] = {}
    for key, value in (answers or {}).items():
        if isinstance(value, list):
            values = [v.strip() for v in value if v.strip()]
            if values:
                clean[key] = values
        elif value.strip():
            clean[key] = value.strip()
    return clean


@transaction.atomic
def comment_submit(
    *,
    consultation: Consultation,
    address: str,
    data: CommentData | None = None,
    body: str = "",
    name: str = "",
    phone: str = "",
    email: str = "",
    uploads: tuple[Upload, ...] = (),
) -> Comment:
    """A public comment while the consultation is open (opens_on ≤ today ≤ closes_on): on the whole draft or one
    article, with the answers to its questions. Throttled per client address; the same text on the same consultation
    within a minute is refused as a duplicate. It waits for moderation before it is shown."""
    if data is None:  # the short form: a comment on the whole draft without answers
        data = CommentData(body=body, name=name, phone=phone, email=email)
    today = _today()
    if (
        consultation.status != Consultation.Status.OPEN
        or not consultation.opens_on <= today <= consultation.closes_on
    ):
        raise ApplicationError("not_open", "该意见征集不在征集期内，不能提交意见。")
    problems = comment_problems(consultation, data)
    if problems:
        field, text = next(iter(problems.items()))
        raise ApplicationError("bad_answer" if field.startswith("answer") else "bad_text", text, field=field)
    checked = uploads_check(uploads)
    limit, window = conf.submit_limit()
    if over_limit(f"comment-submit:{address}", limit=limit, window_seconds=window):
        raise ApplicationError("too_many", "提交过于频繁，请稍后再试。您填写的内容已保留。")
    key = consultation_rules.group_key(data.body) if data.body.strip() else ""
    since = timezone.now() - timedelta(seconds=DUPLICATE_WINDOW_SECONDS)
    if (
        key
        and Comment.objects.filter(consultation=consultation, body_hash=key, submitted_at__gte=since).exists()
    ):
        raise ApplicationError("duplicate", "相同内容的意见刚刚已经提交，请勿重复提交。", field="body")
    comment = Comment.objects.create(
        consultation=consultation,
        body=data.body.strip(),
        body_hash=key,
        article=data.article,
        answers=_clean_answers(data.answers),
        name=data.name.strip()[:50],
        phone=data.phone.strip()[:30],
        email=data.email.strip(),
    )
    _attachments_store(checked, uploads, comment=comment)
    audit_log(
        actor=None,
        action="consultation.comment",
        obj=comment,
        org_code=consultation.org.code,
        data={"article": data.article},
    )
    return comment


@transaction.atomic
def comment_moderate(
    *, actor: Any, comment: Comment, action: str, reason: str = "", note: str = ""
) -> Comment:
    """Publish or withhold a comment (consultation_rules.MODERATION). Withholding needs a reason
    category; the writer's text is kept either way."""
    comment = Comment.objects.select_for_update().select_related("consultation__org").get(pk=comment.pk)
    consultation = comment.consultation
    if not _may_manage_consultations(actor, consultation.org):
        raise PermissionDenied()
    target = consultation_rules.moderation_target(action, comment.moderation)
    if target is None:
        raise ApplicationError(
            "bad_transition",
            f"该意见当前为“{consultation_rules.MODERATION_LABELS[comment.moderation]}”，不能这样操作。",
        )
    if target == consultation_rules.WITHHELD:
        if reason not in consultation_rules.WITHHELD_REASONS:
            raise ApplicationError("missing_reason", "不予公开须选择原因。", field="reason")
        comment.withheld_reason = reason
    else:
        comment.withheld_reason = ""
    before = comment.moderation
    comment.moderation = target
    comment.moderation_note = note.strip()[:2000]
    comment.moderated_by = actor if getattr(actor, "is_authenticated", False) else None
    comment.moderated_at = timezone.now()
    comment.save()
    audit_log(
        actor=actor,
        action=f"consultation.comment_{action}",
        obj=comment,
        org_code=consultation.org.code,
        from_state=before,
        to_state=target,
        comment=note.strip()[:2000],
        data={"reason": comment.withheld_reason},
    )
    return comment


@transaction.atomic
def comment_decide(
    *, actor: Any, comment: Comment, decision: str, reason: str = "", changes: str = ""
) -> Comment:
    """Record the decision (采纳 / 部分采纳 with the change made to the draft, 未采纳 with the reason, 不属于征求范围)
    on a comment and on every identical comment of the consultation (same `group_key`): one decision per group, each
    change audited."""
    consultation = comment.consultation
    if not _may_manage_consultations(actor, consultation.org):
        raise PermissionDenied()
    if consultation.report_published_at is not None:
        # The 采纳情况 is published (R-INT-1): the public report and the decisions must not silently diverge.
        raise ApplicationError("report_published", "采纳情况已经公布，不能再修改处理结果。")
    problems = consultation_rules.decision_problems(decision=decision, reason=reason, changes=changes)
    if problems:
        field, text = next(iter(problems.items()))
        raise ApplicationError("bad_decision", text, field=field)
    group = [comment]
    if comment.body_hash:
        group = list(
            Comment.objects.filter(consultation=consultation, body_hash=comment.body_hash).order_by("id")
        )
    now = timezone.now()
    for member in group:
        before = member.decision
        member.decision, member.reason = decision, reason.strip()
        member.changes = changes.strip() if decision in consultation_rules.NEEDS_CHANGES else ""
        member.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        member.decided_at = now
        member.save()
        audit_log(
            actor=actor,
            action="consultation.decide",
            obj=member,
            org_code=consultation.org.code,
            from_state=before,
            to_state=decision,
            data={"group": len(group)} if len(group) > 1 else None,
        )
    return next(m for m in group if m.pk == comment.pk)


@transaction.atomic
def consultation_attachment_add(
    *, actor: Any, consultation: Consultation, name: str, data: bytes
) -> Attachment:
    """Publish a file with the draft (the draft in Word or PDF, an explanation, a comparison table …)."""
    if not _may_manage_consultations(actor, consultation.org):
        raise PermissionDenied()
    try:
        checked = check_upload(name, data, max_bytes=settings.GONGKAI_ATTACHMENT_MAX_BYTES)
    except ApplicationError as exc:
        raise ApplicationError(exc.code, exc.message, field="file") from exc
    (row,) = _attachments_store([checked], [(name, data)], consultation=consultation)
    audit_log(
        actor=actor,
        action="consultation.attachment_add",
        obj=consultation,
        org_code=consultation.org.code,
        data={"attachment": row.pk, "name": row.name, "sha256": row.sha256},
    )
    return row


@transaction.atomic
def consultation_attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    consultation = attachment.consultation
    if consultation is None or not _may_manage_consultations(actor, consultation.org):
        raise PermissionDenied()
    audit_log(
        actor=actor,
        action="consultation.attachment_remove",
        obj=consultation,
        org_code=consultation.org.code,
        data={"attachment": attachment.pk, "name": attachment.name, "sha256": attachment.sha256},
    )
    attachment.delete()


@transaction.atomic
def consultation_report_publish(*, actor: Any, consultation: Consultation) -> Consultation:
    """Publish the 意见收集和采纳情况 beside the consultation (R-INT-1): its public page then shows the counts by
    decision and every published comment's decision and reason, and offers the Word report. Refused until the
    consultation is closed and every comment is moderated and decided (consultation_rules.report_problem)."""
    consultation = Consultation.objects.select_for_update().select_related("org").get(pk=consultation.pk)
    if not _may_manage_consultations(actor, consultation.org):
        raise PermissionDenied()
    if consultation.report_published_at is not None:
        raise ApplicationError("bad_transition", "采纳情况已经公布。")
    comments = Comment.objects.filter(consultation=consultation)
    problem = consultation_rules.report_problem(
        closed=consultation.status == Consultation.Status.CLOSED,
        pending=comments.filter(moderation=consultation_rules.PENDING).count(),
        undecided=comments.filter(decision="").count(),
    )
    if problem:
        raise ApplicationError("report_not_ready", problem)
    consultation.report_published_at = timezone.now()
    consultation.save(update_fields=["report_published_at"])
    tally = consultation_rules.tally(comments.values_list("decision", flat=True))
    audit_log(
        actor=actor,
        action="consultation.report_publish",
        obj=consultation,
        org_code=consultation.org.code,
        data={"comments": tally.total, "decisions": tally.counts},
    )
    return consultation


@transaction.atomic
def consultation_close(*, actor: Any, consultation: Consultation) -> Consultation:
    if not _may_manage_consultations(actor, consultation.org):
        raise PermissionDenied()
    if consultation.status == Consultation.Status.CLOSED:
        raise ApplicationError("bad_transition", "该意见征集已经结束。")
    consultation.status = Consultation.Status.CLOSED
    consultation.save(update_fields=["status"])
    audit_log(actor=actor, action="consultation.close", obj=consultation, org_code=consultation.org.code)
    return consultation
