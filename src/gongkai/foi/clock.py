"""The reply clock of an information request: a ledger of typed events → the due date and how it was derived.

Pure: no Django import. R-FOI-2 (the receipt date starts it), R-FOI-3 (补正), R-FOI-4 (20 working days, 征求意见
not counted, one extension of at most 20), R-FOI-7 (收费), R-CAL-2 (counting). The due date is never typed: it is
always computed from the receipt date and the ledger, and the computation is returned as segments that staff and
the applicant are shown.

Conventions (docs/foi.md):
- "N working days from D" is the Nth working day strictly after D (`Schedule.add_working_days`): D itself never
  counts, whatever the hour of receipt.
- A paused period from S to E takes out the working days d with S < d ≤ E: the day a consultation letter (or a fee
  notice) goes out still counts, the day the answer (or the payment) arrives does not; counting resumes the next
  working day. Pauses that overlap are merged; a pause that starts after the deadline changes nothing.
- 补正 is a restart, not a pause (条例 第三十条: 答复期限自行政机关收到补正的申请之日起计算): the 20 working days run
  again from the day the supplement is received, and the days before it are dropped.
- An extension adds its working days to the deadline in force (counting, like everything, skips paused days).

Event types (the ledger):
    supplement_requested  补正告知 — at most once, within 7 working days of receipt; `working_days` = the period given
    supplement_received   收到补正 — the 20 working days start again from this day
    consultation_started  征求第三方 / 其他机关意见 — pauses; `party` third_party | agency; their own 15-day limit
    consultation_ended    收到意见 (or the limit passed) — resumes; pairs with the earliest open start of its party
    extension             延期 — once, 1–20 working days, approved by the FOI head on or before the deadline in force
    fee_notice            收费通知 — pauses when `Rules.fee_stops_clock`; payment due 20 working days after receipt
    fee_paid              缴费 — resumes
    reason_requested      要求说明理由 — R-FOI-5 (条例 第三十五条): once, within the reply period, optionally with a
                          period for the answer (`working_days`); pauses only when `Rules.reason_stops_clock`
                          (default no: the statute names no pause)
    reason_received       收到理由说明 — the applicant's reasons arrived (resumes when paused)
    later_reply_date      确定延迟答复期限 — R-FOI-5: the reasons were judged reasonable but the request cannot be
                          answered within 第三十三条's period; once, after a received reason, approved by the FOI
                          head on or before the deadline in force; `reply_by` (a calendar date later than that
                          deadline) becomes the deadline. Reasons judged unreasonable end in the outcome
                          `not_processed.excessive` (outcomes.py), which needs a `reason_requested` entry and then
                          either a `reason_received` one or the period it gave having run out (services).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from gongkai.core.workdays_rules import Schedule, YearNotLoaded

SUPPLEMENT_REQUESTED = "supplement_requested"
SUPPLEMENT_RECEIVED = "supplement_received"
CONSULTATION_STARTED = "consultation_started"
CONSULTATION_ENDED = "consultation_ended"
EXTENSION = "extension"
FEE_NOTICE = "fee_notice"
FEE_PAID = "fee_paid"
# R-FOI-5 (条例 第三十五条): requests unreasonable in number or frequency.
REASON_REQUESTED = "reason_requested"
REASON_RECEIVED = "reason_received"
LATER_REPLY_DATE = "later_reply_date"

EVENT_TYPES = (
    SUPPLEMENT_REQUESTED,
    SUPPLEMENT_RECEIVED,
    CONSULTATION_STARTED,
    CONSULTATION_ENDED,
    EXTENSION,
    FEE_NOTICE,
    FEE_PAID,
    REASON_REQUESTED,
    REASON_RECEIVED,
    LATER_REPLY_DATE,
)
EVENT_LABELS = {
    SUPPLEMENT_REQUESTED: "告知补正",
    SUPPLEMENT_RECEIVED: "收到补正",
    CONSULTATION_STARTED: "征求意见",
    CONSULTATION_ENDED: "收到意见",
    EXTENSION: "延期答复",
    FEE_NOTICE: "收费通知",
    FEE_PAID: "缴费",
    REASON_REQUESTED: "要求说明理由",
    REASON_RECEIVED: "收到理由说明",
    LATER_REPLY_DATE: "确定延迟答复期限",
}
# Event types only the FOI head may record or cancel (条例 第三十三条第二款, 第三十五条).
HEAD_EVENTS = frozenset({EXTENSION, LATER_REPLY_DATE})
# Event types that carry `working_days`.
# A supplement or a reasons request may give the applicant a period to answer (optional); an extension its length.
WITH_WORKING_DAYS = frozenset({SUPPLEMENT_REQUESTED, REASON_REQUESTED, EXTENSION})

THIRD_PARTY, AGENCY = "third_party", "agency"
PARTY_LABELS = {THIRD_PARTY: "第三方", AGENCY: "其他机关"}

# Clock states.
RUNNING, PAUSED, AWAITING_SUPPLEMENT = "running", "paused", "awaiting_supplement"
STATE_LABELS = {RUNNING: "计时中", PAUSED: "暂停计时", AWAITING_SUPPLEMENT: "等待补正"}

# Segment kinds.
COUNTING, SUPPLEMENT, CONSULTATION, FEE, PAUSE = "counting", "supplement", "consultation", "fee", "pause"
REASON, LATER_DATE = "reason", "later_date"


class ClockRuleError(ValueError):
    """A ledger event the law does not allow here: `code` stable English, `message` Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Event:
    type: str
    on: date
    working_days: int | None = None
    party: str = ""  # consultations: third_party | agency ("" on an end: the earliest open one)
    notice_received_on: date | None = None  # fee_notice: the day the applicant received it (default `on`)
    reply_by: date | None = None  # later_reply_date: the later reply date the agency set (R-FOI-5)


@dataclass(frozen=True)
class Rules:
    reply_working_days: int = 20  # R-FOI-4, 条例 第三十三条
    supplement_notice_working_days: int = 7  # R-FOI-3, 条例 第三十条
    max_extension_working_days: int = 20  # R-FOI-4
    consultation_working_days: int = 15  # 条例 第三十二条、第三十四条
    fee_payment_working_days: int = 20  # R-FOI-7
    fee_stops_clock: bool = True  # R-FOI-7: unverified, a deployment setting
    reason_stops_clock: bool = False  # R-FOI-5: the statute names no pause; a deployment setting
    # R-FOI-5 (条例 第三十五条 "合理期限"): a later reply date at most this many working days after the deadline in
    # force; a deployment setting (the statute names no number).
    max_later_working_days: int = 60

    @property
    def max_later_calendar_days(self) -> int:
        """The same bound in calendar days, used when a year it reaches has no loaded calendar: the working days
        as whole weeks, plus two weeks for holidays (60 working days → 98 days)."""
        return -(-self.max_later_working_days // 5) * 7 + 14


@dataclass(frozen=True)
class Segment:
    """A stretch of the derivation: the working days d with start < d ≤ end (end None: not over yet).

    `counted` working days count toward the deadline; `paused` ones do not. An `extension` segment is a marker
    (start = end = the day of approval)."""

    start: date
    end: date | None
    kind: str
    counted: int
    paused: int
    explanation: str


@dataclass(frozen=True)
class SideDeadline:
    """A deadline beside the reply deadline: 告知补正 (7), the 补正 period, a consultee's 15 days, payment (20)."""

    kind: str  # supplement_notice | supplement_period | consultation | fee_payment
    label: str
    due_on: date
    met_on: date | None
    explanation: str

    @property
    def late(self) -> bool:
        return self.met_on is not None and self.met_on > self.due_on


@dataclass(frozen=True)
class Clock:
    received_on: date
    start_on: date | None  # the day the reply period counts from (receipt, or the supplement's arrival)
    base_working_days: int
    extension_working_days: int
    due_on: date | None  # None while paused or awaiting a supplement
    state: str  # running | paused | awaiting_supplement
    counted: int  # working days counted (up to `as_of` when given)
    segments: tuple[Segment, ...]
    deadlines: tuple[SideDeadline, ...] = ()
    notes: tuple[str, ...] = ()
    paused_since: date | None = None
    later_due_on: date | None = None  # R-FOI-5: the later reply date in force, when it decides `due_on`
    # Working days from `as_of` to `later_due_on` (when both are known). None with a `later_due_on` when a year
    # between them has no loaded calendar: the later date is a calendar date and stands; only the count is unknown.
    later_remaining: int | None = None

    @property
    def total_working_days(self) -> int:
        return self.base_working_days + self.extension_working_days

    @property
    def remaining(self) -> int | None:
        """Working days left; None when a later reply date (R-FOI-5) decides the deadline and the working days up
        to it cannot be counted (a year not loaded, R-CAL-1)."""
        if self.later_due_on is not None:
            return self.later_remaining
        return max(self.total_working_days - self.counted, 0)

    @property
    def explanation(self) -> str:
        """The whole derivation as Chinese text, one line per segment, then the result."""
        lines = [s.explanation for s in self.segments]
        if self.due_on is not None and self.later_due_on is not None:
            lines.append(f"答复期限：{cn_date(self.due_on)}（依条例第三十五条确定的延迟答复期限）。")
        elif self.due_on is not None:
            lines.append(f"答复期限：{cn_date(self.due_on)}（共{self.total_working_days}个工作日）。")
        elif self.state == PAUSED:
            lines.append(f"目前暂停计时，尚余{self.remaining}个工作日。")
        else:
            lines.append("等待申请人补正，答复期限自收到补正之日起计算。")
        return "\n".join(lines + list(self.notes))


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- pauses


@dataclass(frozen=True)
class _Pause:
    start: date
    end: date | None
    kind: str
    text: str  # what the pause was, for the explanation


def _consultations(events: Sequence[Event]) -> list[tuple[Event, Event | None]]:
    """Pair each consultation start with its end: the earliest open start of the same party (FIFO)."""
    pairs: list[list[Event | None]] = []
    for event in events:
        if event.type == CONSULTATION_STARTED:
            pairs.append([event, None])
        elif event.type == CONSULTATION_ENDED:
            for pair in pairs:
                start = pair[0]
                assert start is not None
                if pair[1] is None and (not event.party or (start.party or THIRD_PARTY) == event.party):
                    pair[1] = event
                    break
    result = []
    for start, end in pairs:
        assert start is not None
        result.append((start, end))
    return result


def _fees(events: Sequence[Event]) -> list[tuple[Event, Event | None]]:
    return _pairs(events, FEE_NOTICE, FEE_PAID)


def _reasons(events: Sequence[Event]) -> list[tuple[Event, Event | None]]:
    """R-FOI-5: each request for reasons with the arrival of the applicant's reasons."""
    return _pairs(events, REASON_REQUESTED, REASON_RECEIVED)


def _pairs(events: Sequence[Event], opening: str, closing: str) -> list[tuple[Event, Event | None]]:
    """Pair each `opening` event with the first later `closing` one (FIFO)."""
    pairs: list[list[Event | None]] = []
    for event in events:
        if event.type == opening:
            pairs.append([event, None])
        elif event.type == closing:
            for pair in pairs:
                if pair[1] is None:
                    pair[1] = event
                    break
    result = []
    for notice, paid in pairs:
        assert notice is not None
        result.append((notice, paid))
    return result


def _pause(
    kind: str, begun: Event, ended: Event | None, closed_on: date | None, opened: str, done: str, waiting: str
) -> _Pause:
    """A pause from `begun` to `ended` (or to `closed_on`, or still open), with its sentence: `opened` names what
    started it, `done` what ended it, `waiting` what is still awaited."""
    text = f"{opened.format(on=cn_date(begun.on))}，"
    if ended is not None:
        text += f"{cn_date(ended.on)}{done}）"
    else:
        text += f"至{cn_date(closed_on)}）" if closed_on else f"{waiting}）"
    return _Pause(begun.on, ended.on if ended else closed_on, kind, text)


def _pauses(events: Sequence[Event], rules: Rules, closed_on: date | None) -> list[_Pause]:
    pauses = []
    for start, end in _consultations(events):
        who = PARTY_LABELS.get(start.party or THIRD_PARTY, "第三方")
        opened = f"征求{who}意见（{{on}}发出征求意见书"
        pauses.append(_pause(CONSULTATION, start, end, closed_on, opened, "收到意见", "尚未收到意见"))
    if rules.fee_stops_clock:
        for notice, paid in _fees(events):
            opened = "收取信息处理费（{on}发出收费通知"
            pauses.append(_pause(FEE, notice, paid, closed_on, opened, "缴费", "尚未缴费"))
    if rules.reason_stops_clock:  # R-FOI-5
        for asked, given in _reasons(events):
            opened = "要求申请人说明理由（{on}发出"
            pauses.append(_pause(REASON, asked, given, closed_on, opened, "收到理由说明", "尚未收到理由说明"))
    return sorted(pauses, key=lambda p: p.start)


def _covers(pause: _Pause, day: date) -> bool:
    return pause.start < day and (pause.end is None or day <= pause.end)


# ---------------------------------------------------------------- the computation


def compute(
    schedule: Schedule,
    *,
    received_on: date,
    events: Iterable[Event],
    rules: Rules | None = None,
    as_of: date | None = None,
    closed_on: date | None = None,
) -> Clock:
    """The reply deadline of a request received on `received_on` with this ledger, and its derivation.

    `as_of`: the clock as known on that day (later events ignored; `counted` is the working days used up by then).
    `closed_on`: the request was answered or withdrawn on that day: pauses still open end there (the deadline "in
    force at the reply"). Raises `YearNotLoaded` (from the schedule) when a day it must judge is in a year whose
    working-day schedule is not loaded.
    The ledger is not judged here (see `check_event`): a stored ledger is computed as it is, so that a page never
    fails on an old record; what looks wrong is reported in `notes`.
    """
    return _compute(
        schedule,
        received_on=received_on,
        events=events,
        rules=rules or Rules(),
        as_of=as_of,
        closed_on=closed_on,
        markers=True,
    )


def _compute(
    schedule: Schedule,
    *,
    received_on: date,
    events: Iterable[Event],
    rules: Rules,
    as_of: date | None,
    closed_on: date | None,
    markers: bool,
) -> Clock:
    cutoff = min(d for d in (as_of, closed_on) if d is not None) if (as_of or closed_on) else None
    ordered = sorted(
        (e for e in events if cutoff is None or e.on <= cutoff), key=lambda e: e.on
    )  # stable: same-day events keep ledger order
    segments: list[Segment] = []
    deadlines: list[SideDeadline] = []
    notes: list[str] = []

    # -- 补正 (R-FOI-3): the 7-working-day window, and the restart.
    supplement_asked = next((e for e in ordered if e.type == SUPPLEMENT_REQUESTED), None)
    supplement_came = (
        next((e for e in ordered if e.type == SUPPLEMENT_RECEIVED and e.on >= supplement_asked.on), None)
        if supplement_asked
        else None
    )
    notice_due = schedule.add_working_days(received_on, rules.supplement_notice_working_days)
    deadlines.append(
        SideDeadline(
            "supplement_notice",
            "告知补正期限",
            notice_due,
            supplement_asked.on if supplement_asked else None,
            f"申请内容不明确的，应于收到申请之日起{rules.supplement_notice_working_days}个工作日内"
            f"（最迟于{cn_date(notice_due)}）一次性告知补正（条例第三十条）。",
        )
    )
    start = received_on
    if supplement_asked is not None:
        if supplement_asked.on > notice_due:
            notes.append(f"注意：告知补正晚于收到申请之日起{rules.supplement_notice_working_days}个工作日。")
        if supplement_asked.working_days:
            period_due = schedule.add_working_days(supplement_asked.on, supplement_asked.working_days)
            deadlines.append(
                SideDeadline(
                    "supplement_period",
                    "补正期限",
                    period_due,
                    supplement_came.on if supplement_came else None,
                    f"告知补正时给予{supplement_asked.working_days}个工作日的补正期限，至{cn_date(period_due)}。",
                )
            )
        if supplement_came is None:
            segments.append(
                Segment(
                    received_on,
                    None,
                    SUPPLEMENT,
                    0,
                    0,
                    f"{cn_date(received_on)}收到申请，{cn_date(supplement_asked.on)}一次性告知补正，尚未收到补正；"
                    "答复期限自收到补正之日起计算（条例第三十条）。",
                )
            )
            return Clock(
                received_on=received_on,
                start_on=None,
                base_working_days=rules.reply_working_days,
                extension_working_days=0,
                due_on=None,
                state=AWAITING_SUPPLEMENT,
                counted=0,
                segments=tuple(segments),
                deadlines=tuple(deadlines),
                notes=tuple(notes),
                paused_since=supplement_asked.on,
            )
        start = supplement_came.on
        dropped = schedule.working_days_between(received_on, supplement_asked.on)
        segments.append(
            Segment(
                received_on,
                start,
                SUPPLEMENT,
                0,
                schedule.working_days_between(received_on, start),
                f"{cn_date(received_on)}收到申请，{cn_date(supplement_asked.on)}一次性告知补正，"
                f"{cn_date(start)}收到补正：答复期限自收到补正之日起重新计算（条例第三十条），"
                f"此前已经过的{dropped}个工作日不计入。",
            )
        )

    # -- 征求意见 and 收费: the consultee's 15 days and the payment period.
    for begun, ended in _consultations(ordered):
        party = begun.party or THIRD_PARTY
        due = schedule.add_working_days(begun.on, rules.consultation_working_days)
        who = PARTY_LABELS.get(party, "第三方")
        basis = "条例第三十二条" if party == THIRD_PARTY else "条例第三十四条"
        consequence = (
            "逾期未提出意见的，由行政机关依照条例的规定决定是否公开"
            if party == THIRD_PARTY
            else "逾期未提出意见的视为同意公开"
        )
        deadlines.append(
            SideDeadline(
                "consultation",
                f"{who}提出意见期限",
                due,
                ended.on if ended else None,
                f"{who}应自收到征求意见书之日起{rules.consultation_working_days}个工作日内提出意见"
                f"（{basis}），按发出之日计至{cn_date(due)}；{consequence}。",
            )
        )
        if ended is not None and ended.on > due:
            late = schedule.working_days_between(due, ended.on)
            notes.append(f"注意：{who}逾期{late}个工作日（{cn_date(ended.on)}）才提出意见。")
    for notice, paid in _fees(ordered):
        received = notice.notice_received_on or notice.on
        due = schedule.add_working_days(received, rules.fee_payment_working_days)
        deadlines.append(
            SideDeadline(
                "fee_payment",
                "缴费期限",
                due,
                paid.on if paid else None,
                f"申请人应自收到收费通知的次日起{rules.fee_payment_working_days}个工作日内（最迟于{cn_date(due)}）缴费；"
                "逾期未缴纳的，视为放弃申请。",
            )
        )

    extensions = [e for e in ordered if e.type == EXTENSION]
    if len(extensions) > 1:
        notes.append("注意：延期答复只能批准一次，记录中有多次延期。")
    for ext in extensions:
        if (ext.working_days or 0) > rules.max_extension_working_days:
            notes.append(
                f"注意：延期{ext.working_days}个工作日，超过最长{rules.max_extension_working_days}个工作日。"
            )
    extension_days = sum(max(e.working_days or 0, 0) for e in extensions)
    total = rules.reply_working_days + extension_days
    pauses = _pauses(ordered, rules, closed_on)

    # -- The walk: count working days after `start`, skipping paused stretches, until `total` are counted.
    # A counting stretch is also cut on the day of an extension, so that the extension shows where it happened.
    split_days = {e.on for e in extensions}
    day = start
    counted = 0
    counted_as_of = 0
    seg_from, seg_counted = start, 0
    state = RUNNING
    paused_since: date | None = None

    def close_counting(until: date) -> None:
        if until > seg_from:
            segments.append(
                Segment(
                    seg_from,
                    until,
                    COUNTING,
                    seg_counted,
                    0,
                    f"{cn_date(seg_from)}的次日至{cn_date(until)}：计入{seg_counted}个工作日"
                    f"（累计{counted}个，共{total}个）。",
                )
            )

    while counted < total:
        nxt = day + timedelta(days=1)
        active = [p for p in pauses if _covers(p, nxt)]
        if active:
            close_counting(day)
            end, stretch = _stretch(pauses, day)
            kinds = {p.kind for p in stretch}
            kind = kinds.pop() if len(kinds) == 1 else PAUSE
            reasons = "；".join(p.text for p in stretch)
            if end is None:
                paused_days = schedule.working_days_between(day, as_of) if as_of and as_of > day else 0
                segments.append(
                    Segment(
                        day,
                        None,
                        kind,
                        0,
                        paused_days,
                        f"{cn_date(day)}的次日起暂停计时：{reasons}；其间的工作日不计入答复期限"
                        f"（已计入{counted}个工作日，尚余{total - counted}个）。",
                    )
                )
                state, paused_since = PAUSED, day
                break
            paused_days = schedule.working_days_between(day, end)
            segments.append(
                Segment(
                    day,
                    end,
                    kind,
                    0,
                    paused_days,
                    f"{cn_date(day)}的次日至{cn_date(end)}暂停计时：{reasons}；"
                    f"其间{paused_days}个工作日不计入答复期限。",
                )
            )
            day = end
            seg_from, seg_counted = day, 0
            continue
        day = nxt
        if schedule.is_working_day(day):
            counted += 1
            seg_counted += 1
            if as_of is None or day <= as_of:
                counted_as_of = counted
        if day in split_days and counted < total:
            close_counting(day)
            seg_from, seg_counted = day, 0
    due_on: date | None = None
    if state == RUNNING:
        close_counting(day)
        due_on = day
    else:
        counted_as_of = counted

    later_due_on: date | None = None
    later = next((e for e in ordered if e.type == LATER_REPLY_DATE and e.reply_by is not None), None)
    if later is not None and later.reply_by is not None:
        computed = due_on
        text = (
            f"{cn_date(later.on)}，申请人申请公开政府信息的数量、频次明显超过合理范围，经要求说明理由，"
            "认为理由合理但无法在条例第三十三条规定的期限内答复，经政府信息公开工作机构负责人同意，"
            f"确定延迟答复期限至{cn_date(later.reply_by)}（条例第三十五条）"
        )
        if computed is not None and later.reply_by > computed:
            due_on = later_due_on = later.reply_by
            text += f"，答复期限由{cn_date(computed)}延至{cn_date(later.reply_by)}"
        elif computed is not None:
            notes.append(
                f"注意：确定的延迟答复期限（{cn_date(later.reply_by)}）不晚于按工作日计算的期限"
                f"（{cn_date(computed)}），以后者为准。"
            )
        _insert_marker(segments, Segment(later.on, later.on, LATER_DATE, 0, 0, text + "。"))

    for ext in extensions if markers else []:
        before, after = _deadlines_around(schedule, received_on, ordered, ext, rules)
        text = (
            f"{cn_date(ext.on)}经政府信息公开工作机构负责人同意，延长答复期限{ext.working_days}个工作日"
            "（条例第三十三条第二款）"
        )
        if before is not None and after is not None:
            text += f"，答复期限由{cn_date(before)}延至{cn_date(after)}"
        _insert_marker(segments, Segment(ext.on, ext.on, EXTENSION, 0, 0, text + "。"))

    return Clock(
        received_on=received_on,
        start_on=start,
        base_working_days=rules.reply_working_days,
        extension_working_days=extension_days,
        due_on=due_on,
        state=state,
        counted=counted_as_of if as_of is not None else counted,
        segments=tuple(segments),
        deadlines=tuple(deadlines),
        notes=tuple(notes),
        paused_since=paused_since,
        later_due_on=later_due_on,
        later_remaining=_later_remaining(schedule, as_of, later_due_on),
    )


def _later_remaining(schedule: Schedule, as_of: date | None, later_due_on: date | None) -> int | None:
    """Working days from `as_of` to the later reply date (R-FOI-5); None when either is unknown or a year between
    them is not loaded — the later date itself is a calendar date and needs no calendar (R-CAL-1)."""
    if later_due_on is None or as_of is None:
        return None
    if as_of >= later_due_on:
        return 0
    try:
        return schedule.working_days_between(as_of, later_due_on)
    except YearNotLoaded:
        return None


def _deadlines_around(
    schedule: Schedule,
    received_on: date,
    events: Sequence[Event],
    extension: Event,
    rules: Rules,
) -> tuple[date | None, date | None]:
    """The deadline in force just before and just after `extension` was approved (for its explanation)."""
    index = next(i for i, e in enumerate(events) if e is extension)
    before = [e for e in events[:index] if e.on <= extension.on]
    after = [*before, extension]

    def due(ledger: list[Event]) -> date | None:
        return _compute(
            schedule,
            received_on=received_on,
            events=ledger,
            rules=rules,
            as_of=extension.on,
            closed_on=None,
            markers=False,
        ).due_on

    return due(before), due(after)


def _insert_marker(segments: list[Segment], marker: Segment) -> None:
    """Put a marker (an extension) right after the segment its day falls in (the walk cut counting there)."""
    day = marker.start
    for index, seg in enumerate(segments):
        if seg.start < day and (seg.end is None or day <= seg.end):
            segments.insert(index + 1, marker)
            return
    if segments and day <= segments[0].start:
        segments.insert(0, marker)
    else:
        segments.append(marker)


def _stretch(pauses: Sequence[_Pause], day: date) -> tuple[date | None, list[_Pause]]:
    """The paused stretch that begins after `day`: every pause covering the next day, merged with those that
    overlap or adjoin it. Returns its last day (None: not over yet) and its pauses in order."""
    nxt = day + timedelta(days=1)
    end: date | None = day
    for p in pauses:
        if _covers(p, nxt):
            end = None if (end is None or p.end is None) else max(end, p.end)
    changed = True
    while changed and end is not None:
        changed = False
        for p in pauses:
            if day <= p.start <= end and (p.end is None or p.end > end):
                end = p.end
                changed = True
                break
    stretch = [p for p in pauses if _covers(p, nxt) or (day <= p.start and (end is None or p.start <= end))]
    return end, sorted(stretch, key=lambda p: p.start)


# ---------------------------------------------------------------- judging a new event


def deadline_in_force(
    schedule: Schedule, *, received_on: date, events: Iterable[Event], on: date, rules: Rules | None = None
) -> date | None:
    """The reply deadline as it stood on `on` (None while paused or awaiting a supplement)."""
    return compute(schedule, received_on=received_on, events=events, rules=rules, as_of=on).due_on


@dataclass
class _Ledger:
    events: list[Event] = field(default_factory=list)

    def of(self, *types: str) -> list[Event]:
        return [e for e in self.events if e.type in types]


def check_event(
    schedule: Schedule,
    *,
    received_on: date,
    events: Sequence[Event],
    new: Event,
    rules: Rules | None = None,
) -> None:
    """Raise ClockRuleError when the law does not allow `new` after `events` (a ledger in date order)."""
    rules = rules or Rules()
    if new.type not in EVENT_TYPES:
        raise ClockRuleError("bad_event", f"未知的计时事项：{new.type}。")
    label = EVENT_LABELS[new.type]
    if new.on < received_on:
        raise ClockRuleError(
            "event_before_receipt",
            f"{label}的日期（{cn_date(new.on)}）早于收到申请之日（{cn_date(received_on)}）。",
        )
    if events:
        last = max(e.on for e in events)
        if new.on < last:
            raise ClockRuleError(
                "event_order", f"{label}的日期（{cn_date(new.on)}）早于上一条计时记录（{cn_date(last)}）。"
            )
    if new.type in WITH_WORKING_DAYS:
        if new.working_days is not None and new.working_days < 1:
            raise ClockRuleError("bad_working_days", f"{label}的工作日数须至少为 1。")
    elif new.working_days is not None:
        raise ClockRuleError("bad_working_days", f"{label}不带工作日数。")
    if new.reply_by is not None and new.type != LATER_REPLY_DATE:
        raise ClockRuleError("bad_reply_by", f"{label}不带确定的答复期限。")
    ledger = _Ledger(list(events))
    awaiting = bool(ledger.of(SUPPLEMENT_REQUESTED)) and not ledger.of(SUPPLEMENT_RECEIVED)

    def in_force() -> date | None:
        return deadline_in_force(schedule, received_on=received_on, events=events, on=new.on, rules=rules)

    def refuse_after_deadline(code: str, what: str) -> None:
        due = in_force()
        if due is not None and new.on > due:
            raise ClockRuleError(code, f"答复期限已于{cn_date(due)}届满，不能再{what}。")

    if new.type == SUPPLEMENT_REQUESTED:
        if ledger.of(SUPPLEMENT_REQUESTED):
            raise ClockRuleError("supplement_twice", "补正只能一次性告知，本申请已告知过补正。")
        limit = schedule.add_working_days(received_on, rules.supplement_notice_working_days)
        if new.on > limit:
            raise ClockRuleError(
                "supplement_too_late",
                f"应自收到申请之日起{rules.supplement_notice_working_days}个工作日内告知补正，"
                f"最迟为{cn_date(limit)}（条例第三十条）。",
            )
    elif new.type == SUPPLEMENT_RECEIVED:
        if not awaiting:
            raise ClockRuleError("no_supplement_requested", "没有待补正的告知，不能登记收到补正。")
    elif awaiting:
        raise ClockRuleError("awaiting_supplement", f"正在等待申请人补正，答复期限尚未起算，不能{label}。")
    elif new.type == CONSULTATION_STARTED:
        party = new.party or THIRD_PARTY
        if party not in PARTY_LABELS:
            raise ClockRuleError("bad_party", "被征求意见方应为 third_party（第三方）或 agency（其他机关）。")
        if any((s.party or THIRD_PARTY) == party and e is None for s, e in _consultations(ledger.events)):
            raise ClockRuleError("consultation_open", f"已有尚未结束的征求{PARTY_LABELS[party]}意见。")
        refuse_after_deadline("after_deadline", "征求意见暂停计时")
    elif new.type == CONSULTATION_ENDED:
        if new.party and new.party not in PARTY_LABELS:
            raise ClockRuleError("bad_party", "被征求意见方应为 third_party（第三方）或 agency（其他机关）。")
        open_ones = [
            s
            for s, e in _consultations(ledger.events)
            if e is None and (not new.party or (s.party or THIRD_PARTY) == new.party)
        ]
        if not open_ones:
            raise ClockRuleError("no_consultation", "没有尚未结束的征求意见，不能登记收到意见。")
    elif new.type == EXTENSION:
        if ledger.of(EXTENSION):
            raise ClockRuleError("extension_twice", "延期答复只能批准一次（条例第三十三条第二款）。")
        if new.working_days is None:
            raise ClockRuleError("bad_working_days", "请填写延长的工作日数。")
        if new.working_days > rules.max_extension_working_days:
            raise ClockRuleError(
                "extension_too_long",
                f"延长的期限最长不得超过{rules.max_extension_working_days}个工作日（条例第三十三条第二款）。",
            )
        refuse_after_deadline("extension_after_deadline", "批准延期（延期须在答复期限届满前批准）")
    elif new.type == FEE_NOTICE:
        if ledger.of(FEE_NOTICE):
            raise ClockRuleError("fee_twice", "本申请已发出过收费通知。")
        if new.notice_received_on is not None and new.notice_received_on < new.on:
            raise ClockRuleError("bad_date", "申请人收到收费通知的日期不能早于通知发出的日期。")
        refuse_after_deadline("fee_after_deadline", "发出收费通知（应在答复期限内发出）")
    elif new.type == FEE_PAID:
        unpaid = [n for n, p in _fees(ledger.events) if p is None]
        if not unpaid:
            raise ClockRuleError("no_fee_notice", "没有未缴费的收费通知，不能登记缴费。")
    elif new.type in (REASON_REQUESTED, REASON_RECEIVED, LATER_REPLY_DATE):
        _check_excessive(schedule, ledger.events, new, in_force, rules)


def later_reply_date_limit(schedule: Schedule, floor: date, rules: Rules) -> tuple[date, str]:
    """R-FOI-5 (条例 第三十五条): the latest later reply date the agency may set, and how it was counted —
    `rules.max_later_working_days` working days after `floor` (the deadline in force); when a year on the way has
    no loaded calendar (R-CAL-1), `rules.max_later_calendar_days` calendar days after it instead."""
    try:
        return schedule.add_working_days(
            floor, rules.max_later_working_days
        ), f"{rules.max_later_working_days}个工作日"
    except YearNotLoaded as exc:
        days = rules.max_later_calendar_days
        return floor + timedelta(days=days), f"{days}日，{exc.year}年工作日历尚未载入"


def _check_excessive(
    schedule: Schedule,
    events: Sequence[Event],
    new: Event,
    in_force: Callable[[], date | None],
    rules: Rules,
) -> None:
    """R-FOI-5 (条例 第三十五条): the agency may ask for reasons (once, within the reply period); reasons judged
    reasonable may bring a later reply date (once, set before the deadline in force and later than it, and within
    a reasonable period of it: `later_reply_date_limit`)."""
    if new.type == REASON_REQUESTED:
        if any(e.type == REASON_REQUESTED for e in events):
            raise ClockRuleError("reason_twice", "本申请已要求过申请人说明理由。")
        due = in_force()
        if due is not None and new.on > due:
            raise ClockRuleError(
                "reason_after_deadline", f"答复期限已于{cn_date(due)}届满，不能再要求申请人说明理由。"
            )
    elif new.type == REASON_RECEIVED:
        if not [a for a, g in _reasons(events) if g is None]:
            raise ClockRuleError("no_reason_requested", "没有待说明的理由，不能登记收到理由说明。")
    else:
        if any(e.type == LATER_REPLY_DATE for e in events):
            raise ClockRuleError("later_date_twice", "本申请已确定过延迟答复期限。")
        if not any(g is not None for _, g in _reasons(events)):
            raise ClockRuleError(
                "no_reason_received",
                "须先要求申请人说明理由并收到其理由说明，认为理由合理的，方可确定延迟答复期限（条例第三十五条）。",
            )
        if new.reply_by is None:
            raise ClockRuleError("missing_reply_by", "请填写确定的答复期限。")
        due = in_force()
        if due is not None and new.on > due:
            raise ClockRuleError(
                "later_date_after_deadline",
                f"答复期限已于{cn_date(due)}届满，不能再确定延迟答复期限（须在答复期限届满前确定）。",
            )
        floor = due if due is not None else new.on
        if new.reply_by <= floor:
            raise ClockRuleError(
                "later_date_not_later",
                f"确定的答复期限应晚于{'现行答复期限' if due is not None else '确定之日'}"
                f"（{cn_date(floor)}）：只有无法在条例第三十三条规定的期限内答复的，才确定延迟答复期限"
                "（条例第三十五条）。",
            )
        limit, counted = later_reply_date_limit(schedule, floor, rules)
        if new.reply_by > limit:
            raise ClockRuleError(
                "later_date_too_far",
                f"确定的延迟答复期限应为合理期限（条例第三十五条），最迟为{cn_date(limit)}"
                f"（{'现行答复期限' if due is not None else '确定之日'}后{counted}）。",
            )


def check_ledger(
    schedule: Schedule, *, received_on: date, events: Sequence[Event], rules: Rules | None = None
) -> None:
    """Judge a whole ledger, event by event in the given order (imports)."""
    for index, event in enumerate(events):
        check_event(schedule, received_on=received_on, events=events[:index], new=event, rules=rules)
