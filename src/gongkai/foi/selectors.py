"""Reads of the FOI app, already filtered by what the asking user may see.

`get_request_for_staff(user, pk)` is the one road to a request in the back office: a request of an agency where
the user holds no FOI role is a 404 (platform admins see all). Lists show applicant identity numbers and phone
numbers only de-identified (R-PII-3); the full personal data is opened through
`services.applicant_details_view`, which logs each opening. `get_request_for_applicant` is the applicant's road:
tracking number + query code, throttled, with one answer for a wrong code and a number that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Permission
from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai.core.docno import normalize_doc_no
from gongkai.core.errors import ApplicationError, CalendarNotLoaded
from gongkai.core.models import AuditEntry
from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.foi import applicant as applicant_rules
from gongkai.foi import clock, conf, letters, throttle, workflow
from gongkai.foi import fees as fee_rules
from gongkai.foi import outcomes as outcome_rules
from gongkai.foi.codes import id_number_hash, normalize_query_code
from gongkai.foi.models import APPLICANT_PERMISSION, ClockEvent, LetterTemplate, Remedy, ReplyFile, Request
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, orgs_with_role, user_roles
from gongkai.publishing.models import InfoItem
from gongkai.publishing.selectors import items_public

STAFF_ROLES = (Role.FOI_HANDLER, Role.FOI_HEAD)

# ---------------------------------------------------------------- staff: the one road


def foi_orgs_for_staff(user: Any) -> QuerySet[Organization]:
    """Agencies whose requests this user may open: FOI handler or FOI head there; every agency for platform admins."""
    if is_platform_admin(user):
        return Organization.objects.all()
    return orgs_with_role(user, *STAFF_ROLES)


def get_request_for_staff(user: Any, pk: int) -> Request:
    """The one permission-checking road to a request in the back office (Http404 for another agency's request)."""
    request = Request.objects.select_related("org", "forwarded_from__org").filter(pk=pk).first()
    if request is None:
        raise Http404
    if not (is_platform_admin(user) or foi_orgs_for_staff(user).filter(pk=request.org_id).exists()):
        raise Http404
    return request


def holds_applicant_permission(user: Any) -> bool:
    """Whether `foi.view_applicant` was granted to the user explicitly (directly or through a group). Being a
    superuser does not count: the grant must be on record (`services.applicant_access_set`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Permission.objects.filter(content_type__app_label="foi", codename=APPLICANT_PERMISSION)
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def may_see_applicant(user: Any, request: Request) -> bool:
    """Applicant personal data (identity number in full, contact): the agency's FOI handlers, and platform admins
    holding the explicit permission `foi.view_applicant` (issue 3; R-PII)."""
    if Role.FOI_HANDLER in user_roles(user, request.org):
        return True
    return is_platform_admin(user) and holds_applicant_permission(user)


def org_contact(org: Organization) -> str:
    """An agency's contact as a reply letter names it (条例 第三十六条第（五）项)."""
    parts = [
        f"地址：{org.address}" if org.address else "",
        f"电话：{org.phone}" if org.phone else "",
        f"电子邮箱：{org.email}" if org.email else "",
    ]
    return "；".join(p for p in parts if p)


def staff_roles(user: Any, request: Request) -> set[str]:
    """The user's FOI roles in the request's agency (what `workflow.available_actions` takes)."""
    return user_roles(user, request.org) & {Role.FOI_HANDLER.value, Role.FOI_HEAD.value}


def available_actions(user: Any, request: Request) -> list[workflow.Transition]:
    """The actions the pages should offer this user on this request."""
    return workflow.available_actions(request.status, staff_roles(user, request))


def requests_for_staff(
    user: Any, *, org: Organization | None = None, status: str = "", q: str = ""
) -> QuerySet[Request]:
    """Requests of the agencies the user may see; `q` matches the tracking number, name or description."""
    qs = Request.objects.filter(org__in=foi_orgs_for_staff(user)).select_related("org")
    if org is not None:
        qs = qs.filter(org=org)
    if status:
        qs = qs.filter(status=status)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(tracking_no__icontains=q) | Q(applicant_name__icontains=q) | Q(description__icontains=q)
        )
    return qs.order_by("-submitted_at", "-id")


# ---------------------------------------------------------------- the clock


def rule_events(request: Request) -> list[clock.Event]:
    """The request's ledger without cancelled entries, in date order, as the clock module takes it."""
    return [
        e.as_rule_event()
        for e in ClockEvent.objects.filter(request=request, cancelled_at__isnull=True).order_by("on", "id")
    ]


def request_ledger(request: Request, *, include_cancelled: bool = False) -> QuerySet[ClockEvent]:
    """The ledger as recorded (with who recorded each entry), for the staff page."""
    qs = ClockEvent.objects.filter(request=request).select_related("created_by", "cancelled_by")
    if not include_cancelled:
        qs = qs.filter(cancelled_at__isnull=True)
    return qs.order_by("on", "id")


def _closed_on(request: Request) -> date | None:
    if request.status == workflow.REPLIED:
        return request.replied_on
    if request.status == workflow.WITHDRAWN:
        return request.withdrawn_on
    return None


def request_clock(
    request: Request, *, as_of: date | None = None, events: list[clock.Event] | None = None
) -> clock.Clock | None:
    """The request's clock: due date and derivation (None while awaiting confirmation: no receipt date yet).

    For an answered (or withdrawn) request, the deadline in force at that day. Raises CalendarNotLoaded (naming the
    year) when a day to judge falls in a year whose working-day schedule is not loaded (R-CAL-1)."""
    if request.received_on is None:
        return None
    closed_on = _closed_on(request)
    try:
        return clock.compute(
            conf.schedule(),
            received_on=request.received_on,
            events=rule_events(request) if events is None else events,
            rules=conf.clock_rules(),
            as_of=closed_on or as_of,
            closed_on=closed_on,
        )
    except YearNotLoaded as exc:
        raise CalendarNotLoaded(exc.year) from exc


@dataclass(frozen=True)
class DueRow:
    """One active request on the deadline lists."""

    request: Request
    due_on: date | None
    state: (
        str  # overdue | due_soon | running | paused | awaiting_supplement | awaiting_confirmation | unknown
    )
    remaining: int | None  # working days left (running or paused)
    message: str


_DUE_MESSAGES = {
    "overdue": "已超过答复期限",
    "due_soon": "即将到期",
    "running": "办理中",
    "paused": "暂停计时",
    "awaiting_supplement": "等待补正",
    "awaiting_confirmation": "待确认收到",
}


def _events_by_request(requests: list[Request]) -> dict[int, list[clock.Event]]:
    by_request: dict[int, list[clock.Event]] = {r.pk: [] for r in requests}
    for event in ClockEvent.objects.filter(
        request_id__in=list(by_request), cancelled_at__isnull=True
    ).order_by("on", "id"):
        by_request[event.request_id].append(event.as_rule_event())
    return by_request


def request_deadlines(
    user: Any, *, today: date | None = None, org: Organization | None = None, within: int | None = None
) -> list[DueRow]:
    """Every active request the user may see, with its deadline state as of `today` (soonest first).

    `due_soon`: due within `within` working days (default GONGKAI_FOI_DUE_SOON_WORKING_DAYS). A year whose schedule
    is not loaded marks the row `unknown` with the message naming the year: a list never fails."""
    requests = requests_for_staff(user, org=org).filter(status__in=list(workflow.ACTIVE))
    return deadline_rows(requests, today=today, within=within)


def deadline_rows(
    requests: QuerySet[Request], *, today: date | None = None, within: int | None = None
) -> list[DueRow]:
    """The deadline state of each of `requests` as of `today` (soonest first); what the lists and the reminder
    job (`jobs.remind_foi_deadlines`, over every agency) share."""
    today = today or timezone.localdate()
    within = conf.due_soon_working_days() if within is None else within
    requests_list = list(requests.select_related("org").order_by("received_on", "id"))
    events = _events_by_request(requests_list)
    schedule = conf.schedule()
    rules = conf.clock_rules()
    try:
        soon_limit: date | None = schedule.add_working_days(today, within) if within > 0 else today
    except YearNotLoaded:
        soon_limit = None
    rows: list[DueRow] = []
    for request in requests_list:
        if request.received_on is None:
            rows.append(
                DueRow(request, None, "awaiting_confirmation", None, _DUE_MESSAGES["awaiting_confirmation"])
            )
            continue
        try:
            result = clock.compute(
                schedule, received_on=request.received_on, events=events[request.pk], rules=rules, as_of=today
            )
        except YearNotLoaded as exc:
            rows.append(DueRow(request, None, "unknown", None, CalendarNotLoaded(exc.year).message))
            continue
        due = result.due_on
        if due is None:
            state = result.state
        elif due < today:
            state = "overdue"
        elif soon_limit is None or due <= soon_limit:
            state = "due_soon"
        else:
            state = "running"
        rows.append(DueRow(request, due, state, result.remaining, _DUE_MESSAGES[state]))
    rows.sort(key=lambda r: (r.due_on is None, r.due_on or date.max, r.request.pk))
    return rows


def active_requests_all() -> QuerySet[Request]:
    """Every active request on the platform (for the periodic reminder job, which acts for no user)."""
    return Request.objects.filter(status__in=list(workflow.ACTIVE))


def requests_due_soon(
    user: Any, *, today: date | None = None, within: int | None = None, org: Organization | None = None
) -> list[DueRow]:
    """Active requests due within `within` working days of `today` (not yet overdue)."""
    return [r for r in request_deadlines(user, today=today, within=within, org=org) if r.state == "due_soon"]


def requests_overdue(
    user: Any, *, today: date | None = None, org: Organization | None = None
) -> list[DueRow]:
    """Active requests whose deadline in force has passed (paused ones never are)."""
    return [r for r in request_deadlines(user, today=today, org=org) if r.state == "overdue"]


# ---------------------------------------------------------------- lists (de-identified)


@dataclass(frozen=True)
class RequestRow:
    pk: int
    tracking_no: str
    org_name: str
    applicant_type_label: str
    applicant_name: str
    id_number_masked: str
    phone_masked: str
    channel_label: str
    status: str
    status_label: str
    submitted_on: date
    received_on: date | None
    replied_on: date | None
    outcome_label: str


def request_rows(
    user: Any, *, org: Organization | None = None, status: str = "", q: str = "", limit: int = 200
) -> list[RequestRow]:
    """A page of the staff list with identity and phone numbers de-identified (R-PII-3)."""
    head, tail = conf.id_mask()
    rows = []
    for r in requests_for_staff(user, org=org, status=status, q=q)[:limit]:
        rows.append(
            RequestRow(
                pk=r.pk,
                tracking_no=r.tracking_no,
                org_name=r.org.name,
                applicant_type_label=r.applicant_type_label,
                applicant_name=r.applicant_name,
                id_number_masked=applicant_rules.mask_id_number(r.id_number, head=head, tail=tail),
                phone_masked=applicant_rules.mask_phone(r.phone),
                channel_label=applicant_rules.CHANNELS.get(r.channel, r.channel),
                status=r.status,
                status_label=workflow.STATUS_LABELS[r.status],
                submitted_on=timezone.localdate(r.submitted_at),
                received_on=r.received_on,
                replied_on=r.replied_on,
                outcome_label=r.outcome_label,
            )
        )
    return rows


def request_history(request: Request, *, limit: int = 50) -> list[AuditEntry]:
    """The request's audit entries, newest first (field names only for changes to personal data)."""
    return list(
        AuditEntry.objects.filter(object_type="foi.request", object_id=str(request.pk))
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def remedies_for(request: Request) -> QuerySet[Remedy]:
    return Remedy.objects.filter(request=request).order_by("filed_on", "id")


# ---------------------------------------------------------------- intake help


@dataclass(frozen=True)
class IntakeMatches:
    earlier_requests: list[Request]  # the same applicant's earlier requests (same ID number, or name + phone)
    items: list[InfoItem]  # published items whose title or 文号 matches what is asked


_QUOTED = re.compile(r"[《“\"「『](.{2,80}?)[》”\"」』]")
_DOC_NO = re.compile(
    r"(?P<prefix>[\u4e00-\u9fffA-Za-z]{1,20})"
    r"(?P<rest>[\[【(（［﹝〖〔]\s*\d{4}\s*[\]】)）］﹞〗〕]\s*第?\d+\s*号)"
)


def doc_numbers_in(text: str) -> set[str]:
    """Normalized 文号 candidates typed in free text. Chinese has no word boundaries, so every tail of the
    characters before the year bracket is a candidate (请公开测政办发[2024]12号 → 测政办发〔2024〕12号, …)."""
    found = set()
    for m in _DOC_NO.finditer(text or ""):
        prefix = m.group("prefix")
        found |= {normalize_doc_no(prefix[i:] + m.group("rest")) for i in range(len(prefix))}
    return found


def intake_matches(
    user: Any,
    *,
    org: Organization,
    id_number: str = "",
    applicant_name: str = "",
    phone: str = "",
    description: str = "",
    doc_no: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> IntakeMatches:
    """Help at intake: has this applicant asked before (重复申请?), and is the information already published
    (已主动公开?). Earlier requests are looked for only in agencies the user may see."""
    visible = Request.objects.filter(org__in=foi_orgs_for_staff(user))
    match = Q(pk__in=[])
    hashed = id_number_hash(id_number) if id_number else ""
    if hashed:
        match |= Q(id_number_hash=hashed)
    digits = applicant_rules.normalize_phone(phone)
    if applicant_name.strip() and digits:
        match |= Q(applicant_name=applicant_name.strip(), phone_digits=digits)
    earlier = visible.filter(match).select_related("org")
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk)
    earlier_list = list(earlier.order_by("-submitted_at", "-id")[:limit])

    numbers = {normalize_doc_no(doc_no)} if doc_no.strip() else set()
    numbers |= doc_numbers_in(description)
    titles = {m.group(1).strip() for m in _QUOTED.finditer(description or "")}
    item_match = Q(pk__in=[])
    if numbers:
        item_match |= Q(doc_no_norm__in=numbers)
    for title in titles:
        item_match |= Q(title__icontains=title)
    items: list[InfoItem] = []
    if numbers or titles:
        items = list(items_public().filter(item_match).order_by("-published_at", "-id")[:limit])
    text = (description or "").strip()
    if len(items) < limit and len(text) >= 4:
        # The description may quote a title without marks: this agency's items whose title it contains.
        contained = (
            items_public()
            .filter(org=org)
            .annotate(_asked=Value(text[:500]))
            .filter(_asked__contains=F("title"))
            .exclude(pk__in=[i.pk for i in items])
            .order_by("-published_at", "-id")[: limit - len(items)]
        )
        items += list(contained)
    return IntakeMatches(earlier_list, items)


def intake_matches_for_request(user: Any, request: Request, *, limit: int = 10) -> IntakeMatches:
    return intake_matches(
        user,
        org=request.org,
        id_number=request.id_number,
        applicant_name=request.applicant_name,
        phone=request.phone,
        description=request.description,
        doc_no=request.doc_no,
        exclude_pk=request.pk,
        limit=limit,
    )


# ---------------------------------------------------------------- fees


def same_applicant(request: Request) -> Q:
    """The same applicant as `request`: same identity-number hash, or same name and phone."""
    match = Q(pk__in=[])
    if request.id_number_hash:
        match |= Q(id_number_hash=request.id_number_hash)
    if request.applicant_name and request.phone_digits:
        match |= Q(applicant_name=request.applicant_name, phone_digits=request.phone_digits)
    return match


def fee_prior_items(request: Request) -> int:
    """R-FOI-7 按件: items this applicant asked of this agency earlier in the calendar month of receipt.

    Each earlier request counts as one item, or as the number of items its own per-item fee notice counted."""
    if request.received_on is None:
        return 0
    day = request.received_on
    earlier = (
        Request.objects.filter(same_applicant(request), org=request.org)
        .filter(received_on__year=day.year, received_on__month=day.month)
        .filter(Q(received_on__lt=day) | Q(received_on=day, pk__lt=request.pk))
        .exclude(pk=request.pk)
    )
    counted = earlier.filter(fee_basis=fee_rules.PER_ITEM).aggregate(n=Coalesce(Sum("fee_quantity"), 0))["n"]
    return int(counted) + earlier.exclude(fee_basis=fee_rules.PER_ITEM).count()


# ---------------------------------------------------------------- the applicant's road

_DUMMY_HASH: list[str] = []


def get_request_for_applicant(
    *, tracking_no: str, query_code: str, address: str, scope: str = throttle.TRACK
) -> Request:
    """The applicant's road to their request: tracking number + query code.

    A wrong code and a tracking number that does not exist give the same answer (`query_failed`) after the same
    work (a hash check); failures are counted in the database per number and per address, and too many give
    `query_blocked` — also the same for every number (foi.throttle)."""
    number = throttle.normalize_tracking_no(tracking_no)
    if throttle.query_blocked(tracking_no=number, address=address, scope=scope):
        raise ApplicationError("query_blocked", "查询失败次数过多，请 15 分钟后再试。")
    code = normalize_query_code(query_code)
    request = Request.objects.select_related("org").filter(tracking_no=number).first()
    if request is not None and request.query_code_hash:
        ok = check_password(code, request.query_code_hash)
    else:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(make_password("gongkai-foi-dummy"))
        check_password(code, _DUMMY_HASH[0])  # same cost as a real check
        ok = False
    if not ok:
        throttle.query_failure_record(tracking_no=number, address=address, scope=scope)
        raise ApplicationError("query_failed", "申请编号或查询码不正确。")
    return request  # type: ignore[return-value]  # ok implies a request


def session_proof(request: Request) -> str:
    """What a session keeps after a look-up with the query code: a keyed digest of the code's hash (never the
    hash itself). A new query code (`services.query_code_reset`) changes it, so sessions opened with the leaked
    code stop showing the request."""
    return salted_hmac("gongkai.foi.track", request.query_code_hash).hexdigest()[:32]


def get_request_for_session(*, tracking_no: str, allowed: Any) -> Request:
    """A request the visitor already proved with its query code in this session (`allowed`: the session's
    `[[id, proof], …]`); Http404 otherwise, the same for a number that does not exist and for a proof made
    with a query code that has since been reset."""
    found = (
        Request.objects.select_related("org", "forwarded_from__org")
        .filter(tracking_no=throttle.normalize_tracking_no(tracking_no))
        .first()
    )
    if found is None or not found.query_code_hash:
        raise Http404
    proofs = [
        item[1]
        for item in (allowed if isinstance(allowed, list) else [])
        if isinstance(item, list | tuple) and len(item) == 2 and item[0] == found.pk
    ]
    if not any(isinstance(p, str) and constant_time_compare(p, session_proof(found)) for p in proofs):
        raise Http404
    return found


@dataclass(frozen=True)
class PublicStatus:
    """What the applicant sees with the query code: no personal data beyond what they typed themselves."""

    tracking_no: str
    org_name: str
    status: str
    status_label: str
    submitted_on: date
    received_on: date | None
    due_on: date | None
    clock_state: str
    clock_lines: list[str]  # the derivation, one Chinese sentence per segment
    deadlines: list[clock.SideDeadline]  # the applicant's own: 补正期限, 缴费期限
    calendar_message: str  # set when the due date cannot be computed (year not loaded)
    outcome_label: str
    replied_on: date | None
    fee_amount: str
    forwarded_to: list[tuple[str, str]]  # (agency, new tracking number)
    forwarded_from: str  # the agency that forwarded it here
    remedy_text: str


def request_public_status(request: Request, *, today: date | None = None) -> PublicStatus:
    today = today or timezone.localdate()
    result: clock.Clock | None = None
    message = ""
    try:
        result = request_clock(request, as_of=today)
    except CalendarNotLoaded as exc:
        message = exc.message
    forwarded = [
        (r.org.name, r.tracking_no)
        for r in Request.objects.filter(forwarded_from=request).select_related("org")
    ]
    return PublicStatus(
        tracking_no=request.tracking_no,
        org_name=request.org.name,
        status=request.status,
        status_label=workflow.STATUS_LABELS[request.status],
        submitted_on=timezone.localdate(request.submitted_at),
        received_on=request.received_on,
        due_on=result.due_on if result else None,
        clock_state=result.state if result else "",
        clock_lines=[s.explanation for s in result.segments] if result else [],
        deadlines=[d for d in result.deadlines if d.kind in {"supplement_period", "fee_payment"}]
        if result
        else [],
        calendar_message=message,
        outcome_label=request.outcome_label,
        replied_on=request.replied_on,
        fee_amount=f"{request.fee_amount:.2f}" if request.fee_amount is not None else "",
        forwarded_to=forwarded,
        forwarded_from=request.forwarded_from.org.name
        if request.forwarded_from_id and request.forwarded_from
        else "",
        remedy_text=outcome_rules.remedy_notice(request.outcome, request.replied_on)
        if request.outcome and request.replied_on
        else "",
    )


# ---------------------------------------------------------------- letters, files, fee calculator


def letter_template_body(org: Organization, kind: str) -> tuple[str, bool]:
    """The agency's text for a kind of letter and whether it is the agency's own (False: the default)."""
    row = LetterTemplate.objects.filter(org=org, kind=kind).first()
    if row is not None:
        return row.body, True
    return letters.default_body(kind), False


def letter_templates(org: Organization) -> list[tuple[str, str, bool]]:
    """Every kind of letter of the agency: (kind, Chinese name, edited by the agency)."""
    edited = set(LetterTemplate.objects.filter(org=org).values_list("kind", flat=True))
    return [(kind, label, kind in edited) for kind, label in letters.kinds().items()]


def _common_values(request: Request) -> dict[str, str]:
    return {
        "申请人": request.applicant_name or "申请人",
        "申请编号": request.tracking_no,
        "收到日期": clock.cn_date(request.received_on) if request.received_on else "（待确认）",
        "申请内容": request.description.strip(),
        "机关": request.org.name,
        "联系方式": org_contact(request.org) or "—",
    }


def reply_letter(request: Request) -> letters.Letter | None:
    """The reply letter (答复告知书) of an answered request, in the agency's template for its outcome."""
    if request.status != workflow.REPLIED or not request.outcome or request.replied_on is None:
        return None
    spec = outcome_rules.OUTCOMES[request.outcome]
    details = {k: str(v) for k, v in (request.reply_details or {}).items()}
    body, _ = letter_template_body(request.org, request.outcome)
    values = {
        **_common_values(request),
        "答复内容": letters.reply_content(request.outcome, details),
        "法律依据": details.get(outcome_rules.LEGAL_BASIS) or spec.legal_basis or "—",
        "救济途径": outcome_rules.remedy_notice(request.outcome, request.replied_on),
        "答复日期": clock.cn_date(request.replied_on),
    }
    variant = outcome_rules.effective_variant(request.outcome, details)
    kind_word = "答复书" if spec.group in {"disclosed", "partial", "withheld"} else "告知书"
    if variant in {outcome_rules.NOT_EXIST, outcome_rules.NOT_OURS, outcome_rules.ALREADY_PUBLIC}:
        kind_word = "告知书"
    return letters.letter_from(
        f"政府信息公开申请{kind_word}",
        letters.render(body, values),
        org_name=request.org.name,
        tracking_no=request.tracking_no,
    )


@dataclass(frozen=True)
class FeeCalculation:
    basis: str
    basis_label: str
    unit: str
    quantity: int
    prior: int
    bands: list[fee_rules.Band]
    amount: int


def fee_calculation(
    request: Request, *, basis: str, quantity: int, prior: int | None = None
) -> FeeCalculation:
    """The fee calculator (R-FOI-7): the bands and the amount; 按件 counts this applicant's earlier items this
    month unless `prior` is given. ValueError for a bad basis or quantity."""
    if basis not in fee_rules.BASIS_LABELS:
        raise ValueError(basis)
    if basis == fee_rules.PER_ITEM:
        prior = fee_prior_items(request) if prior is None else prior
    else:
        prior = 0
    bands = fee_rules.fee_bands(basis, quantity, prior=prior)
    return FeeCalculation(
        basis=basis,
        basis_label=fee_rules.BASIS_LABELS[basis],
        unit=fee_rules.UNIT_LABELS[basis],
        quantity=quantity,
        prior=prior,
        bands=bands,
        amount=sum(b.subtotal for b in bands),
    )


def fee_letter(request: Request) -> letters.Letter | None:
    """The fee notice (收费通知书) of a request with a fee notice in force."""
    notice = (
        ClockEvent.objects.filter(request=request, type=clock.FEE_NOTICE, cancelled_at__isnull=True)
        .order_by("on", "id")
        .first()
    )
    if notice is None or not request.fee_basis or request.fee_quantity is None:
        return None
    calc = fee_calculation(
        request, basis=request.fee_basis, quantity=request.fee_quantity, prior=request.fee_prior_items or 0
    )
    try:
        due = clock.cn_date(fee_rules.payment_due(conf.schedule(), notice.notice_received_on or notice.on))
    except YearNotLoaded as exc:
        due = f"（{CalendarNotLoaded(exc.year).message}）"
    unit = calc.unit
    detail = "；".join(
        f"第{b.first}—{b.last}{unit}，{b.units}{unit}×{b.unit_price}元={b.subtotal}元" for b in calc.bands
    )
    body, _ = letter_template_body(request.org, letters.FEE_NOTICE)
    values = {
        **_common_values(request),
        "收费方式": calc.basis_label,
        "计费数量": f"{calc.quantity}{unit}"
        + (f"（本月此前已申请{calc.prior}件）" if calc.basis == fee_rules.PER_ITEM else ""),
        "计算明细": detail + "。",
        "收费金额": f"{request.fee_amount:.2f}" if request.fee_amount is not None else str(calc.amount),
        "缴费期限": due,
        "通知日期": clock.cn_date(notice.on),
    }
    return letters.letter_from(
        "政府信息公开信息处理费收费通知书",
        letters.render(body, values),
        org_name=request.org.name,
        tracking_no=request.tracking_no,
    )


def reply_files(request: Request) -> QuerySet[ReplyFile]:
    return ReplyFile.objects.filter(request=request).order_by("id")


def reply_file_of(request: Request, file_id: int) -> ReplyFile:
    """A file of this request (Http404 otherwise): the caller has already reached the request by its road."""
    found = ReplyFile.objects.filter(request=request, pk=file_id).first()
    if found is None:
        raise Http404
    return found


def forward_targets(request: Request) -> QuerySet[Organization]:
    """Agencies a request may be forwarded to: every other active agency."""
    return (
        Organization.objects.filter(is_active=True).exclude(pk=request.org_id).order_by("sort_order", "code")
    )


def orgs_accepting_requests() -> QuerySet[Organization]:
    """Agencies the public may apply to online (every active agency)."""
    return Organization.objects.filter(is_active=True).order_by("sort_order", "code")
