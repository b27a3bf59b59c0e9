"""`gongkai messages import FILE.jsonl` and `gongkai messages export --org CODE` (contracts.md "Messages";
docs/participation.md "Files").

One message per line, one transaction per line (publishing.importers.run_jsonl): a bad line is reported as
`line N: CODE 中文说明` and skipped. Idempotent on `external_id`: the same line again changes nothing; a changed line
replaces the message's history (its tracking number stays). The events are replayed through the state machine and
the clock, so a file cannot record what the platform would refuse (a reply before receipt, a second reopen, …).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.db.models import Prefetch, Q

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError
from gongkai.core.textsafety import control_character_problem
from gongkai.core.workdays import get_schedule
from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.orgs.codes import normalize_org_code
from gongkai.orgs.models import Organization
from gongkai.participation import clock as clock_rules
from gongkai.participation import services, workflow
from gongkai.participation.models import Message, MessageEvent
from gongkai.publishing.importers import ImportResult, JsonlFile, parse_date, run_jsonl

EVENT_TYPES = (
    clock_rules.TRANSFERRED,
    clock_rules.EXTENSION,
    clock_rules.REPLIED,
    clock_rules.REOPENED,
    clock_rules.RATED,
    clock_rules.CLOSED,
    clock_rules.NOT_ACCEPTED,
)


@dataclass(frozen=True)
class ParsedEvent:
    type: str
    on: date
    to_org: Organization | None = None
    working_days: int | None = None
    text: str = ""
    rating: str = ""
    reason: str = ""


def _text(obj: dict[str, Any], name: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = obj.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ApplicationError("missing_field", f"缺少字段 {name}。", field=name)
        return ""
    if not isinstance(value, str):
        raise ApplicationError("bad_field", f"字段 {name} 应为字符串。", field=name)
    text = value.strip()
    if max_length is not None and len(text) > max_length:
        raise ApplicationError("too_long", f"字段 {name} 超过 {max_length} 个字符。", field=name)
    # A control character would break every XML output of the record (Open311 XML, DOCX, XLSX).
    control = control_character_problem(text, f"字段 {name} ")
    if control:
        raise ApplicationError("bad_text", control, field=name)
    return text


def _org(raw: Any, name: str) -> Organization:
    if not isinstance(raw, str) or not raw.strip():
        raise ApplicationError("missing_field", f"缺少字段 {name}。", field=name)
    org = Organization.objects.filter(code=normalize_org_code(raw)).first()
    if org is None:
        raise ApplicationError("unknown_org", f"机构代码 {raw} 不存在，请先导入该机关。", field=name)
    return org


def _parse_event(raw: Any, index: int) -> ParsedEvent:
    where = f"events[{index}]"
    if not isinstance(raw, dict):
        raise ApplicationError("bad_event", f"{where} 应为 JSON 对象。")
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        raise ApplicationError("bad_event", f"{where} 的 type 应为 {'、'.join(EVENT_TYPES)} 之一：{kind!r}。")
    on = parse_date(raw.get("on"), f"{where}.on")
    if on is None:
        raise ApplicationError("missing_field", f"{where} 缺少日期 on。")
    if kind == clock_rules.TRANSFERRED:
        return ParsedEvent(kind, on, to_org=_org(raw.get("to_org"), f"{where}.to_org"))
    if kind == clock_rules.EXTENSION:
        days = raw.get("working_days")
        if isinstance(days, bool) or not isinstance(days, int):
            raise ApplicationError("bad_event", f"{where} 的 working_days 应为整数。")
        return ParsedEvent(kind, on, working_days=days)
    if kind == clock_rules.REPLIED:
        return ParsedEvent(kind, on, text=_text(raw, "text"))
    if kind == clock_rules.RATED:
        rating = raw.get("rating")
        if rating not in workflow.RATINGS:
            raise ApplicationError(
                "bad_rating",
                f"{where} 的 rating 应为 satisfied、basically_satisfied 或 unsatisfied：{rating!r}。",
            )
        return ParsedEvent(kind, on, rating=str(rating))
    if kind == clock_rules.NOT_ACCEPTED:
        return ParsedEvent(kind, on, reason=_text(raw, "reason", required=True))
    return ParsedEvent(kind, on)


_ACTION_OF = {
    clock_rules.TRANSFERRED: "transfer",
    clock_rules.EXTENSION: "extend",
    clock_rules.REPLIED: "reply",
    clock_rules.REOPENED: "reopen",
    clock_rules.RATED: "rate",
    clock_rules.CLOSED: "close",
    clock_rules.NOT_ACCEPTED: "reject",
}
# Imported messages were accepted when they arrived (and again at each agency a transfer took them to): these
# actions first take the implicit `accept`.
_NEEDS_ACCEPT = {"extend", "reply"}


def _replay(message: Message, events: list[ParsedEvent]) -> None:
    """Store the events, checking each against the state machine and the clock; sets the message's fields."""
    state = workflow.RECEIVED
    holder = message.org
    previous = message.received_on
    rule_events: list[clock_rules.Event] = []
    for index, ev in enumerate(events):
        if ev.on < previous:
            raise ApplicationError("bad_order", f"events[{index}] 的日期早于收到日期或上一条记录。")
        previous = ev.on
        action = _ACTION_OF[ev.type]
        if action in _NEEDS_ACCEPT and state == workflow.RECEIVED:
            MessageEvent.objects.create(
                message=message, type=MessageEvent.Type.ACCEPTED, on=ev.on, to_org=holder
            )
            state = workflow.PROCESSING
        transition = workflow.transition_for(action, state)
        if transition is None:
            raise ApplicationError(
                "bad_event",
                f"events[{index}]（{clock_rules.EVENT_LABELS[ev.type]}）不能发生在“{workflow.STATUS_LABELS[state]}”状态。",
            )
        fields: dict[str, Any] = {}
        if ev.type == clock_rules.TRANSFERRED:
            assert ev.to_org is not None
            if ev.to_org.pk == holder.pk:
                raise ApplicationError("self_transfer", f"events[{index}] 转办给了承办机关本身。")
            fields = {"from_org": holder, "to_org": ev.to_org}
            holder = ev.to_org
        elif ev.type == clock_rules.EXTENSION:
            fields = {"working_days": ev.working_days}
        elif ev.type == clock_rules.REPLIED:
            fields = {"text": ev.text}
            message.reply_text = ev.text
            message.replied_on = ev.on
            message.first_replied_on = message.first_replied_on or ev.on
        elif ev.type == clock_rules.RATED:
            if message.rating:
                raise ApplicationError("already_rated", f"events[{index}] 本轮办理已经评价过。")
            fields = {"rating": ev.rating}
            message.rating, message.rated_on = ev.rating, ev.on
        elif ev.type == clock_rules.CLOSED:
            message.closed_on = ev.on
        elif ev.type == clock_rules.NOT_ACCEPTED:
            fields = {"text": ev.reason}
            message.not_accepted_reason = ev.reason
        elif ev.type == clock_rules.REOPENED:
            if message.rating != workflow.UNSATISFIED:
                raise ApplicationError("bad_event", f"events[{index}] 只有评价为不满意的留言才能重办。")
            if message.reopen_count:
                raise ApplicationError("reopened_once", f"events[{index}] 留言只能重办一次。")
            message.reopen_count += 1
            message.round += 1
            message.replied_on = message.closed_on = message.rated_on = None
            message.rating = ""
        MessageEvent.objects.create(message=message, type=ev.type, on=ev.on, **fields)
        rule_events.append(clock_rules.Event(ev.type, ev.on, ev.working_days))
        if transition.target != workflow.KEEP_STATE:
            state = transition.target
    try:
        clock = clock_rules.compute(
            get_schedule(),
            received_on=message.received_on,
            limit=message.limit_days,
            events=rule_events,
        )
        message.due_on = clock.due_on
    except clock_rules.ClockError as exc:
        raise ApplicationError(exc.code, exc.message) from exc
    except YearNotLoaded:
        message.due_on = None  # bulk commands never stop for a missing year (contracts.md)
    message.status = state
    message.holder_org = holder


def _canonical(ev: ParsedEvent) -> dict[str, Any]:
    """An event as the export writes it (to tell an unchanged line)."""
    record: dict[str, Any] = {"type": ev.type, "on": ev.on.isoformat()}
    if ev.type == clock_rules.TRANSFERRED:
        record["to_org"] = ev.to_org.code if ev.to_org else None
    elif ev.type == clock_rules.EXTENSION:
        record["working_days"] = ev.working_days
    elif ev.type == clock_rules.REPLIED:
        record["text"] = ev.text
    elif ev.type == clock_rules.RATED:
        record["rating"] = ev.rating
    elif ev.type == clock_rules.NOT_ACCEPTED:
        record["reason"] = ev.reason
    return record


def _comparable(message: Message, with_writer: bool) -> dict[str, Any]:
    record = message_record(message, with_writer=with_writer, with_clock=False)
    keys = ["org", "channel", "category", "received_on", "subject", "body", "public", "events"]
    if with_writer:
        keys.append("writer")
    return {k: record.get(k, {}) for k in keys}


def _handle(line_no: int, obj: Any) -> str:
    if not isinstance(obj, dict):
        raise ApplicationError("bad_json", "每行应为一个 JSON 对象。")
    external_id = _text(obj, "external_id", required=True, max_length=200)
    org = _org(obj.get("org"), "org")
    channel = _text(obj, "channel", required=True, max_length=100)
    category = _text(obj, "category", required=True)
    if category not in workflow.CATEGORIES:
        raise ApplicationError(
            "bad_category", f"category 应为{'、'.join(workflow.CATEGORIES)}之一：{category!r}。"
        )
    received_on = parse_date(obj.get("received_on"), "received_on")
    if received_on is None:
        raise ApplicationError("missing_field", "缺少字段 received_on。")
    subject = _text(obj, "subject", required=True, max_length=200)
    body = _text(obj, "body", required=True)
    public = obj.get("public", False)
    if not isinstance(public, bool):
        raise ApplicationError("bad_field", "public 应为 true 或 false。")
    raw_events = obj.get("events", [])
    if not isinstance(raw_events, list):
        raise ApplicationError("bad_field", "events 应为数组。")
    events = [_parse_event(raw, i) for i, raw in enumerate(raw_events)]
    writer_raw = obj.get("writer") or {}
    if not isinstance(writer_raw, dict):
        raise ApplicationError("bad_field", "writer 应为 JSON 对象。")
    writer = {
        k: _text(writer_raw, k, max_length=254) for k in ("name", "phone", "email", "id_number", "address")
    }
    source_hash = hashlib.sha256(
        json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    ).hexdigest()
    has_writer = "writer" in obj
    incoming = {
        "org": org.code,
        "channel": channel,
        "category": category,
        "received_on": received_on.isoformat(),
        "subject": subject,
        "body": body,
        "public": public,
        "events": [_canonical(ev) for ev in events],
    }
    if has_writer:
        incoming["writer"] = {k: v for k, v in writer.items() if v}
    with transaction.atomic():
        existing = Message.objects.select_for_update().filter(external_id=external_id).first()
        if existing is None:
            # A message of this platform exported without an external_id carries its tracking number instead.
            existing = (
                Message.objects.select_for_update().filter(external_id="", tracking_no=external_id).first()
            )
        if existing is not None and (
            existing.source_hash == source_hash or _comparable(existing, has_writer) == incoming
        ):
            return "unchanged"
        if existing is not None:
            MessageEvent.objects.filter(message=existing).delete()
            message = existing
            fields: dict[str, Any] = {
                "org": org,
                "holder_org": org,
                "channel": channel,
                "category": category,
                "subject": subject,
                "body": body,
                "public_consent": public,
                "received_on": received_on,
                "limit_days": services.category_limit(category),
                "round": 1,
                "reopen_count": 0,
                "replied_on": None,
                "first_replied_on": None,
                "closed_on": None,
                "rated_on": None,
                "rating": "",
                "reply_text": "",
                "not_accepted_reason": "",
            }
            if has_writer:  # a line without "writer" keeps the personal data already stored
                fields.update(
                    {
                        "writer_name": writer["name"][:50],
                        "writer_phone": writer["phone"][:30],
                        "writer_email": writer["email"],
                        "writer_id_number": writer["id_number"][:30],
                        "writer_address": writer["address"][:200],
                    }
                )
            for name, value in fields.items():
                setattr(message, name, value)
            outcome = "updated"
        else:
            message, _code = services.message_create_record(
                org=org,
                channel=channel,
                category=category,
                subject=subject,
                body=body,
                received_on=received_on,
                public_consent=public,
                writer=writer,
                external_id=external_id,
            )
            outcome = "created"
        _replay(message, events)
        message.source_hash = source_hash
        message.save()
        audit_log(
            actor=None,
            action=f"message.import_{outcome}",
            obj=message,
            org_code=message.holder_org.code,
            to_state=message.status,
            data={"external_id": external_id, "line": line_no},
        )
    return outcome


def import_messages(path: Path, *, err: TextIO) -> ImportResult:
    """Raises publishing.importers.UnreadableFile when the file cannot be read (exit status 2)."""
    return run_jsonl(JsonlFile(path), err=err, desc="导入留言", handle=_handle)


# ---------------------------------------------------------------- export


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _clock_fields(message: Message) -> dict[str, Any]:
    """`due_on` (current or last round) and `rounds`; a null date with a note when a year is not loaded."""
    try:
        clock = services.compute_clock(message, [e.as_rule_event() for e in message.events.all()])
    except YearNotLoaded as exc:
        return {"due_on": None, "due_note": f"{exc.year}年的工作日安排尚未载入，无法计算期限。", "rounds": []}
    return {
        "due_on": clock.due_on.isoformat(),
        "rounds": [
            {"due_on": r.due_on.isoformat(), "replied_on": _iso(r.replied_on), "late": r.late}
            for r in clock.rounds
        ],
    }


def message_record(message: Message, *, with_writer: bool = False, with_clock: bool = True) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    for e in message.events.all():
        if e.type in (MessageEvent.Type.TRANSFERRED, MessageEvent.Type.SENT_BACK):
            events.append(
                {"type": "transferred", "on": e.on.isoformat(), "to_org": e.to_org.code if e.to_org else None}
            )
        elif e.type == MessageEvent.Type.EXTENSION:
            events.append({"type": "extension", "on": e.on.isoformat(), "working_days": e.working_days})
        elif e.type == MessageEvent.Type.REPLIED:
            events.append({"type": "replied", "on": e.on.isoformat(), "text": e.text})
        elif e.type == MessageEvent.Type.RATED:
            events.append({"type": "rated", "on": e.on.isoformat(), "rating": e.rating})
        elif e.type == MessageEvent.Type.NOT_ACCEPTED:
            events.append({"type": "not_accepted", "on": e.on.isoformat(), "reason": e.text})
        elif e.type in (MessageEvent.Type.REOPENED, MessageEvent.Type.CLOSED):
            events.append({"type": e.type, "on": e.on.isoformat()})
    record: dict[str, Any] = {
        "external_id": message.external_id or message.tracking_no,
        "tracking_no": message.tracking_no,
        "org": message.org.code,
        "channel": message.channel,
        "category": message.category,
        "received_on": message.received_on.isoformat(),
        "subject": message.subject,
        "body": message.body,
        "public": message.public_consent,
        "events": events,
        "holder_org": message.holder_org.code,
        "status": workflow.EXPORT_STATUS[message.status],
    }
    if with_clock:
        record.update(_clock_fields(message))
    if with_writer:
        record["writer"] = {
            k: v
            for k, v in {
                "name": message.writer_name,
                "phone": message.writer_phone,
                "email": message.writer_email,
                "id_number": message.writer_id_number,
                "address": message.writer_address,
            }.items()
            if v
        }
    return record


def export_messages(out: TextIO, *, org_code: str, with_writer: bool = False) -> int:
    """Every message the agency received or holds, one JSON object per line. Raises ApplicationError
    (`unknown_org`) for an unknown code. The writer's personal data only with `with_writer` (audited)."""
    org = Organization.objects.filter(code=normalize_org_code(org_code)).first()
    if org is None:
        raise ApplicationError("unknown_org", f"机构代码 {org_code} 不存在。")
    qs = (
        Message.objects.filter(Q(org=org) | Q(holder_org=org))
        .select_related("org", "holder_org")
        .prefetch_related(
            Prefetch("events", queryset=MessageEvent.objects.select_related("to_org").order_by("on", "id"))
        )
        .order_by("received_on", "id")
    )
    if with_writer:
        audit_log(
            actor=None, action="message.export_writer", org_code=org.code, object_type="participation.message"
        )
    count = 0
    for message in qs.iterator(chunk_size=500):
        out.write(json.dumps(message_record(message, with_writer=with_writer), ensure_ascii=False) + "\n")
        count += 1
    return count
