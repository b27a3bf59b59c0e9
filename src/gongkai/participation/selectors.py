"""Reads of the participation app (messages), already filtered by what the asking user may see.

`get_message_for_staff(user, pk)` is the one road to a message in the back office: message handlers of the agency
holding it and platform admins; anyone else gets a 404. The writer's road is `get_message_for_writer` (tracking
number + query code, throttled in the database; one answer for a wrong code and an unknown number). Public reads
(`public_messages`, `get_public_message`) return only answered messages whose reply may be published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db.models import Count, F, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.core.workdays import get_schedule
from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, orgs_with_role
from gongkai.participation import clock as clock_rules
from gongkai.participation import conf, consultation_rules, services, workflow
from gongkai.participation.documents import adoption_report_docx
from gongkai.participation.models import (
    Attachment,
    Comment,
    Consultation,
    ConsultationQuestion,
    Mailbox,
    Message,
    MessageEvent,
    MessageQueryFailure,
    Open311Service,
)

# ---------------------------------------------------------------- staff: the one road


def message_orgs_for_staff(user: Any) -> QuerySet[Organization]:
    if is_platform_admin(user):
        return Organization.objects.all()
    return orgs_with_role(user, Role.MESSAGE_HANDLER)


def get_message_for_staff(user: Any, pk: int) -> Message:
    """The one permission-checking road to a message (Http404 for a message another agency holds)."""
    message = (
        Message.objects.select_related("org", "holder_org", "service", "registered_by").filter(pk=pk).first()
    )
    if message is None:
        raise Http404
    if not (
        is_platform_admin(user) or message_orgs_for_staff(user).filter(pk=message.holder_org_id).exists()
    ):
        raise Http404
    return message


def messages_for_staff(
    user: Any, *, org: Organization | None = None, status: str = "", q: str = ""
) -> QuerySet[Message]:
    qs = Message.objects.filter(holder_org__in=message_orgs_for_staff(user)).select_related(
        "org", "holder_org"
    )
    if org is not None:
        qs = qs.filter(holder_org=org)
    if status:
        qs = qs.filter(status=status)
    q = q.strip()
    if q:
        qs = qs.filter(Q(tracking_no__icontains=q) | Q(subject__icontains=q))
    return qs.order_by("-received_on", "-id")


def available_actions(user: Any, message: Message) -> list[workflow.Transition]:
    return workflow.available_actions(message.status, services.actor_roles(user, message))


def message_history(message: Message) -> QuerySet[MessageEvent]:
    return (
        MessageEvent.objects.filter(message=message)
        .select_related("from_org", "to_org", "actor")
        .order_by("on", "id")
    )


@dataclass(frozen=True)
class ClockView:
    clock: clock_rules.Clock | None
    error: str = ""


def message_clock(message: Message) -> ClockView:
    """The clock with its derivation; an error message instead when the calendar year is not loaded."""
    try:
        return ClockView(services.compute_clock(message))
    except YearNotLoaded as exc:
        return ClockView(None, f"{exc.year}年的工作日安排尚未载入，无法计算期限。")
    except ApplicationError as exc:
        return ClockView(None, exc.message)


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class DeadlineRow:
    message: Message
    state: str  # overdue | due_soon | running | unknown
    due_on: date | None


def deadline_rows(messages: QuerySet[Message], *, today: date | None = None) -> list[DeadlineRow]:
    """Every message still to be answered (待受理, 办理中) with its deadline state as of `today`."""
    today = today or timezone.localdate()
    schedule = get_schedule()
    within = conf.due_soon_working_days()
    rows: list[DeadlineRow] = []
    for message in messages.filter(status__in=workflow.ACTIVE).select_related("org", "holder_org"):
        due = message.due_on
        if due is None:
            rows.append(DeadlineRow(message, "unknown", None))
            continue
        if today > due:
            state = "overdue"
        else:
            try:
                soon = clock_rules.due_soon(schedule, due_on=due, as_of=today, within=within)
            except YearNotLoaded:
                soon = False
            state = "due_soon" if soon else "running"
        rows.append(DeadlineRow(message, state, due))
    rows.sort(key=lambda r: (r.due_on or date.max, r.message.pk))
    return rows


def messages_due_soon(user: Any, *, today: date | None = None) -> list[DeadlineRow]:
    return [r for r in deadline_rows(messages_for_staff(user), today=today) if r.state == "due_soon"]


def messages_overdue(user: Any, *, today: date | None = None) -> list[DeadlineRow]:
    return [r for r in deadline_rows(messages_for_staff(user), today=today) if r.state == "overdue"]


# ---------------------------------------------------------------- R-WEB-1 互动回应差


def unanswered_over_three_months(
    org: Organization | None = None, as_of: date | None = None
) -> QuerySet[Message]:
    """R-WEB-1: valid messages (not 不予受理) received within the year before `as_of` that were unanswered for more
    than three months — no reply yet and received more than three months ago, or first replied more than three
    months after receipt. Channels of 网上信访、纪检举报、访谈、调查 do not count. `org`: messages the agency received
    or holds."""
    as_of = as_of or timezone.localdate()
    year_ago = clock_rules.add_months(as_of, -12)
    three_ago = clock_rules.add_months(as_of, -3)
    qs = Message.objects.exclude(status=workflow.NOT_ACCEPTED).filter(
        received_on__gt=year_ago, received_on__lte=as_of
    )
    for word in clock_rules.EXCLUDED_CHANNEL_WORDS:
        qs = qs.exclude(channel__contains=word)
    if org is not None:
        qs = qs.filter(Q(org=org) | Q(holder_org=org))
    candidates = qs.filter(
        Q(first_replied_on__isnull=True, received_on__lt=three_ago) | Q(first_replied_on__isnull=False)
    ).select_related("org", "holder_org")
    late_ids = [
        m.pk
        for m in candidates
        if (m.first_replied_on is None or m.first_replied_on > clock_rules.add_months(m.received_on, 3))
        and clock_rules.add_months(m.received_on, 3) < as_of
    ]
    return (
        Message.objects.filter(pk__in=late_ids)
        .select_related("org", "holder_org")
        .order_by("received_on", "id")
    )


# ---------------------------------------------------------------- the writer's road

_DUMMY_HASH: list[str] = []


def normalize_tracking_no(raw: str) -> str:
    return "".join((raw or "").split()).upper()[:40]


def _query_blocked(tracking_no: str, address: str) -> bool:
    since = timezone.now() - timedelta(seconds=conf.query_window_seconds())
    recent = MessageQueryFailure.objects.filter(at__gte=since)
    limit = conf.query_max_failures()
    return (
        recent.filter(tracking_no=tracking_no).count() >= limit
        or recent.filter(address=address[:64]).count() >= limit * 4
    )


def get_message_for_writer(*, tracking_no: str, query_code: str, address: str) -> Message:
    """Tracking number + query code. A wrong code and an unknown number answer the same (`query_failed`) after the
    same hashing work; failures are counted in the database and too many give `query_blocked`."""
    number = normalize_tracking_no(tracking_no)
    if _query_blocked(number, address):
        raise ApplicationError("query_blocked", "查询失败次数过多，请 15 分钟后再试。")
    code = "".join((query_code or "").split()).upper()
    message = Message.objects.select_related("org", "holder_org").filter(tracking_no=number).first()
    if message is not None and message.query_code_hash:
        ok = check_password(code, message.query_code_hash)
    else:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(make_password("gongkai-message-dummy"))
        check_password(code, _DUMMY_HASH[0])
        ok = False
    if not ok or message is None:
        MessageQueryFailure.objects.create(tracking_no=number, address=address[:64])
        MessageQueryFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
        raise ApplicationError("query_failed", "留言编号或查询码不正确。")
    return message


def get_message_for_session(*, tracking_no: str, allowed: list[int]) -> Message:
    found = (
        Message.objects.select_related("org", "holder_org")
        .filter(tracking_no=normalize_tracking_no(tracking_no))
        .first()
    )
    if found is None or found.pk not in allowed:
        raise Http404
    return found


def writer_history(message: Message) -> list[dict[str, Any]]:
    """The history as the writer sees it: steps and agencies, never staff names."""
    return [
        {
            "on": e.on,
            "label": e.get_type_display(),
            "to_org": e.to_org.name if e.to_org else "",
            "rating": workflow.RATINGS.get(e.rating, ""),
        }
        for e in message_history(message)
        if e.type != MessageEvent.Type.SUPERVISED
    ]


# ---------------------------------------------------------------- public


def orgs_accepting_messages() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True).order_by("sort_order", "code")


def public_messages(org: Organization | None = None) -> QuerySet[Message]:
    """Answered messages whose reply may be published (consent, not a 举报), newest reply first. Fields the
    public pages may show only: never the writer's personal data."""
    qs = (
        Message.objects.filter(
            status__in=[workflow.REPLIED, workflow.CLOSED], public_consent=True, replied_on__isnull=False
        )
        .exclude(category="举报")
        .select_related("org", "holder_org")
        .only(
            "id",
            "tracking_no",
            "subject",
            "body",
            "category",
            "channel",
            "received_on",
            "replied_on",
            "reply_text",
            "status",
            "public_consent",
            "org__name",
            "org__code",
            "holder_org__name",
            "holder_org__code",
        )
    )
    if org is not None:
        qs = qs.filter(Q(org=org) | Q(holder_org=org))
    return qs.order_by("-replied_on", "-id")


def get_public_message(tracking_no: str) -> Message:
    message = public_messages().filter(tracking_no=normalize_tracking_no(tracking_no)).first()
    if message is None:
        raise Http404
    return message


# ---------------------------------------------------------------- 意见征集 (R-INT-1)


def consultation_orgs_for_staff(user: Any) -> QuerySet[Organization]:
    if is_platform_admin(user):
        return Organization.objects.all()
    return orgs_with_role(user, *services.CONSULTATION_ROLES)


def consultations_for_staff(orgs: QuerySet[Organization]) -> QuerySet[Consultation]:
    """The consultations of the given agencies with their comment counts (all, awaiting moderation, undecided)."""
    return (
        Consultation.objects.filter(org__in=orgs)
        .select_related("org")
        .annotate(
            comment_count=Count("comments"),
            pending_count=Count("comments", filter=Q(comments__moderation=consultation_rules.PENDING)),
            undecided_count=Count("comments", filter=Q(comments__decision="")),
        )
        .order_by("-opens_on", "-id")
    )


def get_consultation_for_staff(user: Any, pk: int) -> Consultation:
    """The one road to a consultation in the back office (Http404 for another agency's)."""
    consultation = Consultation.objects.select_related("org").filter(pk=pk).first()
    if consultation is None or not consultation_orgs_for_staff(user).filter(pk=consultation.org_id).exists():
        raise Http404
    return consultation


def consultation_comments(consultation: Consultation) -> list[Comment]:
    return list(
        Comment.objects.filter(consultation=consultation)
        .prefetch_related("attachments")
        .order_by("submitted_at", "id")
    )


def adoption_report(consultation: Consultation) -> bytes:
    return adoption_report_docx(consultation, consultation_comments(consultation))


def consultations_public(org: Organization | None = None) -> QuerySet[Consultation]:
    """Every consultation, city-wide or of one agency (its 专栏 page), with its count of published comments."""
    qs = Consultation.objects.select_related("org").annotate(
        published_count=Count("comments", filter=Q(comments__moderation=consultation_rules.PUBLISHED))
    )
    if org is not None:
        qs = qs.filter(org=org)
    return qs.order_by("-opens_on", "-id")


def consultation_public_comments(consultation: Consultation) -> list[Comment]:
    """What the public sees of the comments: published ones, and withheld ones as a notice with the reason category
    (no silent deletion); pending ones are not shown. Never the commenter's name or contact (not even loaded)."""
    return list(
        Comment.objects.filter(
            consultation=consultation,
            moderation__in=[consultation_rules.PUBLISHED, consultation_rules.WITHHELD],
        )
        .only(
            "id",
            "consultation_id",
            "article",
            "body",
            "moderation",
            "withheld_reason",
            "submitted_at",
            "answers",
            "decision",
            "reason",
        )
        .order_by("submitted_at", "id")
    )


def consultation_report_tally(consultation: Consultation) -> consultation_rules.Tally | None:
    """The counts by decision shown beside the consultation once its 采纳情况 is published (None before)."""
    if consultation.report_published_at is None:
        return None
    return consultation_rules.tally(
        Comment.objects.filter(consultation=consultation).values_list("decision", flat=True)
    )


@dataclass(frozen=True)
class CommentGroup:
    """Identical comments (same group key): one decision for all."""

    lead: Comment
    members: list[Comment]

    @property
    def size(self) -> int:
        return len(self.members)


def consultation_comment_groups(consultation: Consultation) -> list[CommentGroup]:
    groups = consultation_rules.group_identical(consultation_comments(consultation))
    return [CommentGroup(members[0], members) for members in groups]


@dataclass(frozen=True)
class QuestionResult:
    question: ConsultationQuestion
    counts: list[tuple[str, int]]
    answered: int


def consultation_question_results(consultation: Consultation) -> list[QuestionResult]:
    """Tallies of the structured questions over all comments (staff view; choices only, free text is in the list)."""
    comments = Comment.objects.filter(consultation=consultation).values_list("answers", flat=True)
    answers = list(comments)
    results = []
    for q in consultation.questions.all():
        key = str(q.position)
        given = [a.get(key) for a in answers if a and a.get(key)]
        counts: list[tuple[str, int]] = []
        if q.kind != "text":
            counts = [
                (c, sum(1 for g in given if (g == c if isinstance(g, str) else c in g))) for c in q.choices
            ]
        results.append(QuestionResult(q, counts, len(given)))
    return results


# ---------------------------------------------------------------- Open311 GeoReport v2


def open311_services() -> QuerySet[Open311Service]:
    return Open311Service.objects.filter(is_active=True).order_by("group", "code")


def open311_changeset() -> datetime | None:
    """When the services last changed (GeoReport discovery's `changeset`): the last `open311.service_set` entry."""
    from gongkai.core.models import AuditEntry

    return (
        AuditEntry.objects.filter(action="open311.service_set")
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def open311_service(code: str) -> Open311Service | None:
    return open311_services().filter(code=code).first()


def open311_requests() -> QuerySet[Message]:
    """Every message the API may mention: all but 举报 (whose existence is not published). What is shown of each
    (description, notes, location) is decided per message by `open311_public`."""
    return (
        Message.objects.exclude(category="举报")
        .select_related("holder_org", "service")
        .defer(
            "writer_name",
            "writer_phone",
            "writer_email",
            "writer_id_number",
            "writer_address",
            "query_code_hash",
        )
        .order_by("-received_on", "-id")
    )


def open311_public(message: Message) -> bool:
    """The request's text, location, picture and reply are shown only when the writer agreed (R-INT-2)."""
    return message.reply_is_public


# ---------------------------------------------------------------- the 12345 yearly work figures


@dataclass(frozen=True)
class FigureRow:
    """One line of the yearly figures (a category, a channel or an agency)."""

    label: str
    received: int
    not_accepted: int
    replied: int
    on_time: int
    due: int  # answered, plus unanswered past their due date: the base of the on-time rate
    rated: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.due, 1) if self.due else None

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: 满意 + 基本满意 over the rated messages."""
        return (
            round(100 * (self.satisfied + self.basically_satisfied) / self.rated, 1) if self.rated else None
        )


@dataclass(frozen=True)
class YearFigures:
    year: int
    as_of: date
    total: FigureRow
    by_category: list[FigureRow]
    by_channel: list[FigureRow]
    by_agency: list[FigureRow]


def _figure_aggregates(as_of: date) -> dict[str, Any]:
    answered = Q(replied_on__isnull=False)
    overdue_open = Q(replied_on__isnull=True, status__in=workflow.ACTIVE, due_on__lt=as_of)
    return {
        "received": Count("id"),
        "not_accepted": Count("id", filter=Q(status=workflow.NOT_ACCEPTED)),
        "replied": Count("id", filter=answered),
        "on_time": Count("id", filter=answered & Q(due_on__isnull=False, replied_on__lte=F("due_on"))),
        "due": Count("id", filter=(answered & Q(due_on__isnull=False)) | overdue_open),
        "rated": Count("id", filter=~Q(rating="")),
        "satisfied": Count("id", filter=Q(rating="satisfied")),
        "basically_satisfied": Count("id", filter=Q(rating="basically_satisfied")),
        "unsatisfied": Count("id", filter=Q(rating="unsatisfied")),
    }


def _figure_row(label: str, values: dict[str, Any]) -> FigureRow:
    return FigureRow(
        label=label, **{k: int(values.get(k) or 0) for k in FigureRow.__dataclass_fields__ if k != "label"}
    )


def yearly_figures(year: int, *, as_of: date | None = None) -> YearFigures:
    """The 12345 yearly work figures of the messages received in `year`: by category, channel and holding agency,
    with the on-time rate (the current round's reply on or before its due date, over the messages answered plus
    those still unanswered past their due date as of `as_of`) and the satisfaction rate. Counted in the database in
    one grouped query (category × channel × agency, at most a few thousand cells), summed here per breakdown."""
    as_of = as_of or timezone.localdate()
    cells = list(
        Message.objects.filter(received_on__year=year)
        .values("category", "channel", "holder_org__name", "holder_org__sort_order", "holder_org__code")
        .annotate(**_figure_aggregates(as_of))
        .order_by()
    )
    names = [k for k in FigureRow.__dataclass_fields__ if k != "label"]

    def summed(key: Callable[[dict[str, Any]], Any]) -> dict[Any, dict[str, int]]:
        sums: dict[Any, dict[str, int]] = {}
        for cell in cells:
            target = sums.setdefault(key(cell), dict.fromkeys(names, 0))
            for name in names:
                target[name] += int(cell[name] or 0)
        return sums

    total = _figure_row("合计", summed(lambda c: "")[""] if cells else {})
    by_cat = summed(lambda c: c["category"])
    by_category = [_figure_row(c, by_cat.get(c, {})) for c in workflow.CATEGORIES]
    by_chan = summed(lambda c: c["channel"])
    by_channel = sorted((_figure_row(k, v) for k, v in by_chan.items()), key=lambda r: (-r.received, r.label))
    by_org = summed(lambda c: (c["holder_org__sort_order"], c["holder_org__code"], c["holder_org__name"]))
    by_agency = [_figure_row(k[2], by_org[k]) for k in sorted(by_org)]
    return YearFigures(year, as_of, total, by_category, by_channel, by_agency)


def figure_years() -> list[int]:
    """Years from the first message's to this year, newest first (two index look-ups)."""
    this_year = timezone.localdate().year
    first = Message.objects.aggregate(first=Min("received_on"))["first"]
    start = min(first.year, this_year) if first else this_year
    return list(range(this_year, start - 1, -1))


def figures_chart(figures: YearFigures) -> dict[str, Any]:
    """ECharts option: received and answered on time per category (bars)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["收到", "按期答复"]},
        "xAxis": {"type": "category", "data": [r.label for r in figures.by_category]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "收到", "type": "bar", "data": [r.received for r in figures.by_category]},
            {"name": "按期答复", "type": "bar", "data": [r.on_time for r in figures.by_category]},
        ],
    }


def satisfaction_chart(figures: YearFigures) -> dict[str, Any]:
    t = figures.total
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "name": "评价",
                "type": "pie",
                "radius": "60%",
                "data": [
                    {"name": "满意", "value": t.satisfied},
                    {"name": "基本满意", "value": t.basically_satisfied},
                    {"name": "不满意", "value": t.unsatisfied},
                ],
            }
        ],
    }


def attachment_of(attachment_id: int, **owner: Any) -> Attachment:
    """An attachment of a message or comment the caller already reached through its one road (Http404 otherwise)."""
    row = Attachment.objects.filter(pk=attachment_id, **owner).first()
    if row is None:
        raise Http404
    return row


def open_mailboxes(org: Organization) -> list[Mailbox]:
    """The agency's leaders' mailboxes that take messages, in their order (the write page's choice)."""
    return list(Mailbox.objects.filter(org=org, is_active=True).order_by("position", "id"))


def mailbox_orgs_for_admin(user: Any) -> QuerySet[Organization]:
    """The agencies whose leaders' mailboxes the user may open and close: its org-admin agencies (every active agency
    for a platform admin) — the same check as services.mailbox_set."""
    if is_platform_admin(user):
        return Organization.objects.filter(is_active=True).order_by("sort_order", "code")
    return orgs_with_role(user, Role.ORG_ADMIN).order_by("sort_order", "code")


def mailboxes_for_admin(user: Any) -> QuerySet[Mailbox]:
    """Every mailbox of the agencies the user administers (the one road to a mailbox in the back office)."""
    qs = Mailbox.objects.select_related("org").order_by("org__sort_order", "org__code", "position", "id")
    if is_platform_admin(user):
        return qs
    return qs.filter(org__in=orgs_with_role(user, Role.ORG_ADMIN))


def public_mailboxes() -> list[Mailbox]:
    """Every open leader's mailbox of an active agency, for the 我要写信 page (one query)."""
    return list(
        Mailbox.objects.filter(is_active=True, org__is_active=True)
        .select_related("org")
        .order_by("org__sort_order", "org__code", "position", "id")
    )
