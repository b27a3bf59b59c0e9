"""`gongkai foi import FILE.jsonl` and `gongkai foi export --org CODE [--year YYYY]` (docs/foi.md "Files").

The file loop is the shared one (`publishing.importers.run_jsonl`): every line is one transaction, a bad line is
reported as `line N: CODE 中文说明` and nothing of it is stored, the summary `导入 N 条，跳过 M 条` ends the run.
Re-importing is idempotent on `external_id`. Imported requests are historical records (`is_historical`): their
ledger is judged by the same clock rules as live requests (a supplement request after 7 working days, a second
extension … reject the line), but the reply details a live reply must give are not asked for. When a year's
working-day schedule is not loaded the line is stored without the calendar checks and a warning
`line N: calendar_not_loaded …` is printed (contracts.md: bulk commands never stop for a missing year).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, CalendarNotLoaded
from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.foi import applicant as applicant_rules
from gongkai.foi import clock, conf, workflow
from gongkai.foi import fees as fee_rules
from gongkai.foi import outcomes as outcome_rules
from gongkai.foi.models import ClockEvent, Remedy, Request
from gongkai.foi.selectors import request_clock
from gongkai.foi.services import (
    ApplicantData,
    applicant_data_check,
    apply_applicant_data,
    tracking_no_allocate,
)
from gongkai.orgs.codes import normalize_org_code
from gongkai.orgs.models import Organization
from gongkai.publishing.importers import (
    SHANGHAI,
    ImportResult,
    JsonlFile,
    parse_date,
    parse_datetime,
    run_jsonl,
)

APPLICANT_FIELDS = tuple(f.name for f in fields(ApplicantData) if f.name != "applicant_type")
STATUSES = tuple(workflow.STATUS_LABELS)


# ---------------------------------------------------------------- parsing one line


@dataclass
class ParsedEvent:
    type: str
    on: date
    working_days: int | None = None
    party: str = ""
    party_name: str = ""
    notice_received_on: date | None = None
    amount: Decimal | None = None
    basis: str = ""
    quantity: int | None = None
    reply_by: date | None = None

    def as_rule_event(self) -> clock.Event:
        return clock.Event(
            self.type, self.on, self.working_days, self.party, self.notice_received_on, self.reply_by
        )

    def key(self) -> tuple[Any, ...]:
        return (
            self.type,
            self.on,
            self.working_days,
            self.party,
            self.party_name,
            self.notice_received_on,
            self.reply_by,
        )


@dataclass
class ParsedRemedy:
    kind: str
    filed_on: date
    decided_on: date | None
    result: str

    def key(self) -> tuple[Any, ...]:
        return (self.kind, self.filed_on, self.decided_on, self.result)


@dataclass
class ParsedRequest:
    external_id: str
    org_code: str
    tracking_no: str
    applicant_type: str
    channel: str
    status: str
    received_on: date | None
    submitted_at: datetime | None
    outcome: str
    replied_on: date | None
    withdrawn_on: date | None
    forwarded_from: str
    applicant: dict[str, str] = field(default_factory=dict)  # only the fields the line gives
    events: list[ParsedEvent] = field(default_factory=list)
    remedies: list[ParsedRemedy] = field(default_factory=list)


def _text(obj: dict[str, Any], name: str, *, max_length: int | None = None) -> str:
    value = obj.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ApplicationError("bad_field", f"字段 {name} 应为字符串。", field=name)
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise ApplicationError("too_long", f"字段 {name} 超过 {max_length} 个字符。", field=name)
    return text


def _int(value: Any, name: str, code: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicationError(code, f"{name} 应为整数。", field=name)
    return value


def _events(raw: Any) -> list[ParsedEvent]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApplicationError("bad_field", "events 应为列表。", field="events")
    events = []
    for index, item in enumerate(raw, start=1):
        where = f"events 第 {index} 项"
        if not isinstance(item, dict):
            raise ApplicationError("bad_event", f"{where}应为对象。", field="events")
        kind = item.get("type")
        if kind not in clock.EVENT_TYPES:
            raise ApplicationError(
                "bad_event",
                f"{where}的 type 应为 {'、'.join(clock.EVENT_TYPES)} 之一，收到 {kind!r}。",
                field="events",
            )
        on = parse_date(item.get("on"), f"{where}的 on")
        if on is None:
            raise ApplicationError("missing_field", f"{where}缺少日期（on）。", field="events")
        working_days = _int(item.get("working_days"), f"{where}的 working_days", "bad_event")
        party = item.get("party") or ""
        if party and party not in clock.PARTY_LABELS:
            raise ApplicationError(
                "bad_event", f"{where}的 party 应为 third_party 或 agency。", field="events"
            )
        amount: Decimal | None = None
        if item.get("amount") is not None:
            try:
                amount = Decimal(str(item["amount"]))
            except InvalidOperation as exc:
                raise ApplicationError("bad_event", f"{where}的 amount 应为数字。", field="events") from exc
            if amount < 0:
                raise ApplicationError("bad_event", f"{where}的 amount 不能为负数。", field="events")
        basis = item.get("basis") or ""
        if basis and basis not in fee_rules.BASIS_LABELS:
            raise ApplicationError(
                "bad_event", f"{where}的 basis 应为 per_item 或 per_page。", field="events"
            )
        events.append(
            ParsedEvent(
                type=kind,
                on=on,
                working_days=working_days,
                party=party,
                party_name=str(item.get("party_name") or "").strip()[:200],
                notice_received_on=parse_date(
                    item.get("notice_received_on"), f"{where}的 notice_received_on"
                ),
                amount=amount,
                basis=basis,
                quantity=_int(item.get("quantity"), f"{where}的 quantity", "bad_event"),
                reply_by=parse_date(item.get("reply_by"), f"{where}的 reply_by"),
            )
        )
    return events


def _remedies(raw: Any) -> list[ParsedRemedy]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApplicationError("bad_field", "remedies 应为列表。", field="remedies")
    remedies = []
    for index, item in enumerate(raw, start=1):
        where = f"remedies 第 {index} 项"
        if not isinstance(item, dict):
            raise ApplicationError("bad_remedy", f"{where}应为对象。", field="remedies")
        kind = item.get("kind")
        if kind not in outcome_rules.REMEDY_KINDS:
            raise ApplicationError(
                "bad_remedy",
                f"{where}的 kind 应为 review、litigation_direct 或 litigation_after_review。",
                field="remedies",
            )
        filed_on = parse_date(item.get("filed_on"), f"{where}的 filed_on")
        if filed_on is None:
            raise ApplicationError("missing_field", f"{where}缺少提起日期（filed_on）。", field="remedies")
        decided_on = parse_date(item.get("decided_on"), f"{where}的 decided_on")
        result = item.get("result") or Remedy.Result.PENDING  # a remedy without a result is pending
        if result not in outcome_rules.REMEDY_RESULTS:
            raise ApplicationError(
                "bad_remedy", f"{where}的 result 应为 upheld、corrected、other 或 pending。", field="remedies"
            )
        if decided_on is not None and decided_on < filed_on:
            raise ApplicationError("bad_date", f"{where}的审结日期早于提起日期。", field="remedies")
        remedies.append(ParsedRemedy(kind, filed_on, decided_on, result))
    return remedies


def request_line_parse(obj: Any) -> ParsedRequest:
    """Check one decoded JSON object of a requests file (the format's own checks; the clock is judged on store)."""
    if not isinstance(obj, dict):
        raise ApplicationError("bad_json", "每行应为一个 JSON 对象。")
    external_id = _text(obj, "external_id", max_length=200)
    if not external_id:
        raise ApplicationError("missing_field", "缺少外部编号（external_id）。", field="external_id")
    org_code = _text(obj, "org")
    if not org_code:
        raise ApplicationError("missing_field", "缺少受理机关代码（org）。", field="org")
    applicant_type = _text(obj, "applicant_type")
    if not applicant_type:
        raise ApplicationError("missing_field", "缺少申请人类型（applicant_type）。", field="applicant_type")
    if applicant_type not in applicant_rules.APPLICANT_TYPES:
        raise ApplicationError(
            "bad_applicant_type",
            "applicant_type 应为 natural、business、research、public_interest、legal_service 或 other_org。",
            field="applicant_type",
        )
    channel = _text(obj, "channel")
    if not channel:
        raise ApplicationError("missing_field", "缺少申请方式（channel）。", field="channel")
    if channel not in applicant_rules.CHANNELS:
        raise ApplicationError(
            "bad_channel", "channel 应为 in_person、post、fax、email、online 或 oral。", field="channel"
        )
    received_on = parse_date(obj.get("received_on"), "收到申请日期（received_on）")
    outcome = _text(obj, "outcome")
    if outcome and outcome not in outcome_rules.OUTCOMES:
        raise ApplicationError("bad_outcome", f"未知的办理结果：{outcome}。", field="outcome")
    replied_on = parse_date(obj.get("replied_on"), "答复日期（replied_on）")
    withdrawn_on = parse_date(obj.get("withdrawn_on"), "撤回日期（withdrawn_on）")
    status = _text(obj, "status")
    if status and status not in STATUSES:
        raise ApplicationError(
            "bad_status", "status 应为 awaiting_confirmation、open、replied 或 withdrawn。", field="status"
        )
    if not status:
        status = (
            workflow.REPLIED
            if outcome or replied_on
            else workflow.OPEN
            if received_on
            else workflow.AWAITING_CONFIRMATION
        )
    events = _events(obj.get("events"))
    remedies = _remedies(obj.get("remedies"))
    if status != workflow.AWAITING_CONFIRMATION and received_on is None:
        raise ApplicationError("missing_field", "缺少收到申请日期（received_on）。", field="received_on")
    if status == workflow.AWAITING_CONFIRMATION and (received_on or events or outcome or replied_on):
        raise ApplicationError(
            "bad_status", "待确认收到的申请不能有收到日期、计时记录或答复。", field="status"
        )
    if status == workflow.REPLIED and not (outcome and replied_on):
        raise ApplicationError(
            "missing_field", "已答复的申请须有办理结果（outcome）和答复日期（replied_on）。", field="outcome"
        )
    if status != workflow.REPLIED and (outcome or replied_on):
        raise ApplicationError(
            "bad_status", f"状态为 {status} 的申请不能有办理结果或答复日期。", field="status"
        )
    if withdrawn_on and status != workflow.WITHDRAWN:
        raise ApplicationError("bad_status", "只有已撤回的申请有撤回日期。", field="withdrawn_on")
    if received_on is not None:
        for end, label in ((replied_on, "答复日期"), (withdrawn_on, "撤回日期")):
            if end is not None and end < received_on:
                raise ApplicationError("bad_date", f"{label}早于收到申请日期。", field="received_on")
            if end is not None and any(e.on > end for e in events):
                raise ApplicationError("bad_date", f"计时记录晚于{label}。", field="events")
        if any(r.filed_on < received_on for r in remedies):
            raise ApplicationError("bad_date", "行政复议、诉讼的提起日期早于收到申请日期。", field="remedies")
    submitted_raw = obj.get("submitted_at")
    submitted_at: datetime | None = None
    if submitted_raw not in (None, ""):
        submitted_at = parse_datetime(submitted_raw, "提交时间（submitted_at）")
    applicant: dict[str, str] = {}
    for name in APPLICANT_FIELDS:
        if name in obj:
            applicant[name] = _text(obj, name)
    return ParsedRequest(
        external_id=external_id,
        org_code=org_code,
        tracking_no=_text(obj, "tracking_no", max_length=40).upper(),
        applicant_type=applicant_type,
        channel=channel,
        status=status,
        received_on=received_on,
        submitted_at=submitted_at,
        outcome=outcome,
        replied_on=replied_on,
        withdrawn_on=withdrawn_on,
        forwarded_from=_text(obj, "forwarded_from", max_length=200),
        applicant=applicant,
        events=events,
        remedies=remedies,
    )


# ---------------------------------------------------------------- storing


def _state(request: Request) -> dict[str, Any]:
    scalars = {
        name: getattr(request, name)
        for name in (
            "org_id",
            "tracking_no",
            "applicant_type",
            "channel",
            "status",
            "received_on",
            "outcome",
            "replied_on",
            "withdrawn_on",
            "fee_basis",
            "fee_quantity",
            "fee_amount",
            "forwarded_from_id",
            "forwarded_from_ref",
            *APPLICANT_FIELDS,
        )
    }
    return scalars


class RequestImporter:
    def __init__(self, *, actor: Any = None) -> None:
        self.actor = actor
        self.orgs: dict[str, Organization | None] = {}
        self.warnings: list[tuple[int, str, str]] = []
        self.links: list[tuple[int, str, str]] = []  # line, external id, forwarded_from key

    def org(self, raw: str) -> Organization:
        code = normalize_org_code(raw)
        if code not in self.orgs:
            self.orgs[code] = Organization.objects.filter(code=code).first()
        org = self.orgs[code]
        if org is None:
            raise ApplicationError("unknown_org", f"机构代码 {raw} 不存在，请先导入该机关。", field="org")
        return org

    def _check_ledger(self, line_no: int, parsed: ParsedRequest) -> None:
        if parsed.received_on is None or not parsed.events:
            return
        try:
            clock.check_ledger(
                conf.schedule(),
                received_on=parsed.received_on,
                events=[e.as_rule_event() for e in parsed.events],
                rules=conf.clock_rules(),
            )
        except clock.ClockRuleError as exc:
            raise ApplicationError(exc.code, exc.message, field="events") from exc
        except YearNotLoaded as exc:
            self.warnings.append(
                (
                    line_no,
                    "calendar_not_loaded",
                    f"{parsed.external_id}：{CalendarNotLoaded(exc.year).message}计时记录未按工作日核对。",
                )
            )

    def store(self, line_no: int, parsed: ParsedRequest) -> str:
        org = self.org(parsed.org_code)
        data = ApplicantData(
            applicant_type=parsed.applicant_type,
            **{name: parsed.applicant.get(name, "") for name in APPLICANT_FIELDS},  # type: ignore[arg-type]
        )
        checked = applicant_data_check(data, strict=False)
        warnings_before = len(self.warnings)
        self._check_ledger(line_no, parsed)
        try:
            with transaction.atomic():
                outcome = self._store(parsed, org, checked)
        except Exception:
            del self.warnings[warnings_before:]
            raise
        if parsed.forwarded_from:
            self.links.append((line_no, parsed.external_id, parsed.forwarded_from))
        self._resolve_references_to(parsed.external_id)
        return outcome

    @staticmethod
    def _original(key: str) -> Request | None:
        """The request a `forwarded_from` names: by external id, or by tracking number."""
        return (
            Request.objects.filter(external_id=key).first()
            or Request.objects.filter(tracking_no=key.upper()).first()
        )

    @staticmethod
    def _resolve_references_to(external_id: str) -> None:
        """Link the requests waiting for this one as their original (imported earlier, in this file or before)."""
        original = Request.objects.filter(external_id=external_id).only("pk", "tracking_no").first()
        if original is None:
            return
        Request.objects.filter(forwarded_from__isnull=True).filter(
            Q(forwarded_from_ref=external_id) | Q(forwarded_from_ref__iexact=original.tracking_no)
        ).exclude(pk=original.pk).update(forwarded_from=original, forwarded_from_ref="")

    def _find(self, parsed: ParsedRequest) -> Request | None:
        found = Request.objects.select_for_update().filter(external_id=parsed.external_id).first()
        if found is None:
            # An export of requests made on the platform names them by tracking number: importing it back
            # into the same platform finds them again.
            found = (
                Request.objects.select_for_update()
                .filter(tracking_no=parsed.external_id.upper(), external_id__isnull=True)
                .first()
            )
        return found

    def _store(self, parsed: ParsedRequest, org: Organization, checked: ApplicantData) -> str:
        request = self._find(parsed)
        created = request is None
        if parsed.tracking_no:
            clash = Request.objects.filter(tracking_no=parsed.tracking_no)
            if request is not None:
                clash = clash.exclude(pk=request.pk)
            if clash.exists():
                raise ApplicationError(
                    "duplicate_tracking_no",
                    f"申请编号 {parsed.tracking_no} 已被其他申请使用。",
                    field="tracking_no",
                )
        if request is None:
            submitted_at = parsed.submitted_at or (
                datetime.combine(parsed.received_on, time(0, 0), tzinfo=SHANGHAI)
                if parsed.received_on
                else timezone.now()
            )
            request = Request(
                external_id=parsed.external_id,
                is_historical=True,
                submitted_at=submitted_at,
                tracking_no=parsed.tracking_no
                or tracking_no_allocate(on=parsed.received_on or timezone.localdate(submitted_at)),
            )
            before: dict[str, Any] = {}
            before_events: list[tuple[Any, ...]] = []
            before_remedies: list[tuple[Any, ...]] = []
        else:
            before = _state(request)
            before_events = [
                (e.type, e.on, e.working_days, e.party, e.party_name, e.notice_received_on, e.reply_by)
                for e in request.events.filter(cancelled_at__isnull=True).order_by("on", "id")
            ]
            before_remedies = [
                (r.kind, r.filed_on, r.decided_on, r.result)
                for r in request.remedies.order_by("filed_on", "id")
            ]
            if request.external_id is None:
                request.external_id = parsed.external_id
        request.org = org
        if parsed.tracking_no:
            request.tracking_no = parsed.tracking_no
        if parsed.submitted_at:
            request.submitted_at = parsed.submitted_at
        request.applicant_type = parsed.applicant_type
        request.channel = parsed.channel
        request.status = parsed.status
        request.received_on = parsed.received_on
        request.outcome = parsed.outcome
        request.replied_on = parsed.replied_on
        request.withdrawn_on = parsed.withdrawn_on
        if parsed.forwarded_from:
            # Kept as a reference until the original is on the platform (`_resolve_references_to`).
            original = self._original(parsed.forwarded_from)
            if original is not None and original.pk != request.pk:
                request.forwarded_from, request.forwarded_from_ref = original, ""
            elif request.forwarded_from_id is None:
                request.forwarded_from_ref = parsed.forwarded_from
        for name in parsed.applicant:
            setattr(request, name, getattr(checked, name))
        if parsed.applicant:
            # The derived keys too (identity hash, phone digits, normalized 文号).
            apply_applicant_data(
                request, ApplicantData(**{f.name: getattr(request, f.name) for f in fields(ApplicantData)})
            )
        fee = next((e for e in parsed.events if e.type == clock.FEE_NOTICE), None)
        request.fee_basis = fee.basis if fee else ""
        request.fee_quantity = fee.quantity if fee else None
        request.fee_amount = fee.amount if fee else None
        if not created:
            after_events = [e.key() for e in parsed.events]
            after_remedies = [r.key() for r in parsed.remedies]
            if (
                _state(request) == before
                and after_events == before_events
                and after_remedies == before_remedies
            ):
                return "unchanged"
        request.save()
        if created or [e.key() for e in parsed.events] != before_events:
            request.events.all().delete()
            ClockEvent.objects.bulk_create(
                [
                    ClockEvent(
                        request=request,
                        type=e.type,
                        on=e.on,
                        working_days=e.working_days,
                        party=e.party,
                        party_name=e.party_name,
                        notice_received_on=e.notice_received_on,
                        reply_by=e.reply_by,
                        note="导入",
                    )
                    for e in parsed.events
                ]
            )
        if created or [r.key() for r in parsed.remedies] != before_remedies:
            request.remedies.all().delete()
            Remedy.objects.bulk_create(
                [
                    Remedy(
                        request=request,
                        kind=r.kind,
                        filed_on=r.filed_on,
                        decided_on=r.decided_on,
                        result=r.result,
                    )
                    for r in parsed.remedies
                ]
            )
        audit_log(
            actor=self.actor,
            action="foi.import",
            obj=request,
            org_code=org.code,
            to_state=request.status,
            data={"external_id": parsed.external_id, "created": created},
        )
        return "created" if created else "updated"

    def finish(self) -> list[tuple[int, str, str]]:
        """Link forwarded requests to their originals (named by external id or tracking number)."""
        for line_no, external_id, key in self.links:
            original = self._original(key)
            if original is None:
                self.warnings.append(
                    (
                        line_no,
                        "pending_target",
                        f"{external_id} 的转自申请 {key} 尚不在平台上，已记下，待其导入后自动关联。",
                    )
                )
                continue
            Request.objects.filter(external_id=external_id).exclude(forwarded_from=original).update(
                forwarded_from=original, forwarded_from_ref=""
            )
        return sorted(self.warnings)


def import_requests(path: Path, *, err: TextIO, actor: Any = None) -> ImportResult:
    """`gongkai foi import FILE`: see the module docstring and docs/foi.md."""
    importer = RequestImporter(actor=actor)

    def handle(line_no: int, obj: Any) -> str:
        return importer.store(line_no, request_line_parse(obj))

    return run_jsonl(JsonlFile(path), err=err, desc="导入依申请公开", handle=handle, finish=importer.finish)


# ---------------------------------------------------------------- export


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def request_record(
    request: Request, *, with_applicant: bool = False, today: date | None = None
) -> dict[str, Any]:
    """One request in the import format, plus `due_on` (the deadline in force at the reply, or today if open) and
    `status`. Expects `events` (not cancelled) and `remedies` prefetched."""
    events = [e for e in request.events.all() if e.cancelled_at is None]
    record: dict[str, Any] = {
        "external_id": request.external_id or request.tracking_no,
        "tracking_no": request.tracking_no,
        "org": request.org.code,
        "applicant_type": request.applicant_type,
        "channel": request.channel,
        "received_on": _iso(request.received_on),
        "status": request.status,
        "events": [],
        "outcome": request.outcome or None,
        "replied_on": _iso(request.replied_on),
        "remedies": [
            {
                "kind": r.kind,
                "filed_on": r.filed_on.isoformat(),
                **({"decided_on": r.decided_on.isoformat()} if r.decided_on else {}),
                "result": r.result,
            }
            for r in request.remedies.all()
        ],
    }
    for e in events:
        event: dict[str, Any] = {"type": e.type, "on": e.on.isoformat()}
        if e.working_days is not None:
            event["working_days"] = e.working_days
        if e.party:
            event["party"] = e.party
        if e.party_name:
            event["party_name"] = e.party_name
        if e.notice_received_on:
            event["notice_received_on"] = e.notice_received_on.isoformat()
        if e.reply_by:
            event["reply_by"] = e.reply_by.isoformat()
        if e.type == clock.FEE_NOTICE and request.fee_amount is not None:
            event["amount"] = float(request.fee_amount) if request.fee_amount % 1 else int(request.fee_amount)
            if request.fee_basis:
                event["basis"] = request.fee_basis
            if request.fee_quantity is not None:
                event["quantity"] = request.fee_quantity
        record["events"].append(event)
    if request.withdrawn_on:
        record["withdrawn_on"] = request.withdrawn_on.isoformat()
    if request.forwarded_from_id and request.forwarded_from is not None:
        record["forwarded_from"] = request.forwarded_from.external_id or request.forwarded_from.tracking_no
    elif request.forwarded_from_ref:
        record["forwarded_from"] = request.forwarded_from_ref
    due, note = None, ""
    if request.received_on is None:
        note = "尚未确认收到，答复期限未起算"
    else:
        try:
            result = request_clock(request, as_of=today, events=[e.as_rule_event() for e in events])
        except CalendarNotLoaded as exc:
            note = exc.message
        else:
            assert result is not None
            due = result.due_on
            if due is None:
                note = clock.STATE_LABELS[result.state]
    record["due_on"] = _iso(due)
    if note:
        record["due_note"] = note
    if with_applicant:
        for name in APPLICANT_FIELDS:
            record[name] = getattr(request, name)
    return record


def requests_for_export(org: Organization, *, year: int | None = None) -> Any:
    """One agency's requests; with `year`, those received, open or answered during that year (contracts.md)."""
    qs = Request.objects.filter(org=org)
    if year is not None:
        start, end = date(year, 1, 1), date(year, 12, 31)
        end_moment = datetime.combine(date(year + 1, 1, 1), time(0, 0), tzinfo=SHANGHAI)
        began = Q(received_on__lte=end) | Q(received_on__isnull=True, submitted_at__lt=end_moment)
        not_over = (
            Q(status__in=list(workflow.ACTIVE))
            | Q(replied_on__gte=start)
            | Q(withdrawn_on__gte=start)
            | Q(status=workflow.WITHDRAWN, withdrawn_on__isnull=True, received_on__gte=start)
        )
        qs = qs.filter(began & not_over)
    return (
        qs.select_related("org", "forwarded_from")
        .prefetch_related(
            Prefetch(
                "events", queryset=ClockEvent.objects.filter(cancelled_at__isnull=True).order_by("on", "id")
            ),
            Prefetch("remedies", queryset=Remedy.objects.order_by("filed_on", "id")),
        )
        .order_by("received_on", "pk")
    )


def export_requests(
    out: TextIO,
    *,
    org_code: str,
    year: int | None = None,
    with_applicant: bool = False,
    actor: Any = None,
    today: date | None = None,
) -> int:
    """Write one agency's requests as JSONL; returns how many. Personal data only with `with_applicant` (audited)."""
    org = Organization.objects.filter(code=normalize_org_code(org_code)).first()
    if org is None:
        raise ApplicationError("unknown_org", f"机构代码 {org_code} 不存在。", field="org")
    count = 0
    for request in requests_for_export(org, year=year).iterator(chunk_size=500):
        out.write(
            json.dumps(
                request_record(request, with_applicant=with_applicant, today=today), ensure_ascii=False
            )
            + "\n"
        )
        count += 1
    if with_applicant:
        audit_log(
            actor=actor,
            action="foi.export",
            object_type="orgs.organization",
            object_id=str(org.pk),
            org_code=org.code,
            data={"year": year, "count": count, "with_applicant": True},
        )
    return count
