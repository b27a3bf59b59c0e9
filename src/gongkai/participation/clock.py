"""The reply clock of a message (R-INT-2, R-CAL-2). Pure: no Django import.

Conventions (docs/participation.md "The clock"):
1. The due date is the Nth working day strictly after the receipt date, N the category's limit (R-CAL-2).
2. 转办 (and 退回) neither restarts nor pauses the clock: the receiving agency inherits the due date.
3. An approved extension adds its working days (1 … max, default 10) to the due date in force, at most once per round.
4. 重办 (reopen) starts a new round whose due date counts the full limit from the reopen date.
5. A round is late when its reply date is after its due date; an unanswered round is overdue on a day after its due
   date. A message not accepted (不予受理) has no running clock.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from gongkai.core.workdays_rules import Schedule

# Deployment defaults (R-INT-2); the deployment's own values live in the database (`gongkai messages sla set`).
DEFAULT_LIMITS = {"咨询": 3, "求助": 5, "投诉": 10, "举报": 15, "意见": 10, "建议": 10}
EXTENSION_MAX = 10
SEND_BACK_WITHIN = 2

TRANSFERRED, SENT_BACK, EXTENSION, REPLIED, REOPENED, RATED, CLOSED, NOT_ACCEPTED = (
    "transferred",
    "sent_back",
    "extension",
    "replied",
    "reopened",
    "rated",
    "closed",
    "not_accepted",
)
# History only (the clock skips them): 受理 and 督办.
HISTORY_ONLY = frozenset({"accepted", "supervised"})
EVENT_LABELS = {
    TRANSFERRED: "转办",
    SENT_BACK: "退回",
    EXTENSION: "延期",
    REPLIED: "回复",
    REOPENED: "重办",
    RATED: "评价",
    CLOSED: "办结",
    NOT_ACCEPTED: "不予受理",
}


class ClockError(ValueError):
    """An event the clock cannot accept: `code` is stable English, the message Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Event:
    type: str
    on: date
    working_days: int | None = None


@dataclass
class Round:
    number: int
    started_on: date
    due_on: date
    extension_days: int = 0
    replied_on: date | None = None

    @property
    def late(self) -> bool | None:
        """True/False once replied; None while unanswered."""
        if self.replied_on is None:
            return None
        return self.replied_on > self.due_on


@dataclass
class Clock:
    rounds: list[Round] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    stopped: bool = False  # 不予受理

    @property
    def current(self) -> Round:
        return self.rounds[-1]

    @property
    def due_on(self) -> date:
        return self.current.due_on

    def overdue(self, as_of: date) -> bool:
        return not self.stopped and self.current.replied_on is None and as_of > self.current.due_on


def _d(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def compute(
    schedule: Schedule,
    *,
    received_on: date,
    limit: int,
    events: list[Event],
    extension_max: int = EXTENSION_MAX,
) -> Clock:
    """Rounds, due dates and the derivation (one Chinese sentence per step) from the receipt date and the events.

    Raises ClockError for an event the rules refuse, and `YearNotLoaded` when a day falls in a year whose schedule
    is not loaded (R-CAL-1)."""
    if limit < 1:
        raise ClockError("bad_limit", "办理时限必须至少为 1 个工作日。")
    first_due = schedule.add_working_days(received_on, limit)
    clock = Clock(rounds=[Round(1, received_on, first_due)])
    clock.lines.append(
        f"{_d(received_on)}收到，办理时限 {limit} 个工作日，自次日起算，期限为{_d(first_due)}。"
    )
    previous = received_on
    for event in events:
        if event.on < previous:
            raise ClockError("bad_order", f"{EVENT_LABELS.get(event.type, event.type)}日期早于上一条记录。")
        previous = event.on
        current = clock.current
        if event.type in (TRANSFERRED, SENT_BACK):
            clock.lines.append(
                f"{_d(event.on)}{EVENT_LABELS[event.type]}：不重新计时、不暂停，期限仍为{_d(current.due_on)}。"
            )
        elif event.type == EXTENSION:
            days = event.working_days or 0
            if not 1 <= days <= extension_max:
                raise ClockError("bad_extension", f"延期应为 1 至 {extension_max} 个工作日。")
            if current.extension_days:
                raise ClockError("extension_twice", "本轮办理已经延期一次，不能再次延期。")
            if current.replied_on is not None:
                raise ClockError("extension_after_reply", "已经回复，不能再延期。")
            if event.on > current.due_on:
                raise ClockError("extension_late", "延期应在办理期限届满前批准。")
            current.extension_days = days
            old = current.due_on
            current.due_on = schedule.add_working_days(old, days)
            clock.lines.append(
                f"{_d(event.on)}批准延期 {days} 个工作日：期限由{_d(old)}顺延至{_d(current.due_on)}。"
            )
        elif event.type == REPLIED:
            if current.replied_on is None:
                current.replied_on = event.on
                verdict = "超期" if event.on > current.due_on else "按期"
                clock.lines.append(f"{_d(event.on)}回复（第 {current.number} 轮）：{verdict}。")
        elif event.type == REOPENED:
            if current.replied_on is None:
                raise ClockError("reopen_unanswered", "尚未回复，不能重办。")
            due = schedule.add_working_days(event.on, limit)
            clock.rounds.append(Round(current.number + 1, event.on, due))
            clock.lines.append(
                f"{_d(event.on)}重办：第 {current.number + 1} 轮办理自次日起算 {limit} 个工作日，期限为{_d(due)}。"
            )
        elif event.type == NOT_ACCEPTED:
            clock.stopped = True
            clock.lines.append(f"{_d(event.on)}不予受理：不再计时。")
        elif event.type in (RATED, CLOSED) or event.type in HISTORY_ONLY:
            continue
        else:
            raise ClockError("bad_event", f"未知的事项类型：{event.type}。")
    return clock


def due_soon(schedule: Schedule, *, due_on: date, as_of: date, within: int) -> bool:
    """Not overdue, and at most `within` working days left (the due day itself counts as left)."""
    if as_of > due_on:
        return False
    return schedule.working_days_between(as_of, due_on) <= within


def send_back_deadline(schedule: Schedule, *, transferred_on: date, within: int = SEND_BACK_WITHIN) -> date:
    """The last day a wrongly transferred message may be sent back: the Nth working day after the transfer."""
    return schedule.add_working_days(transferred_on, within)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clipped to the month's end (3 months after 11-30 is 02-28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


# R-WEB-1 互动回应差: channels that do not count (网上信访、纪检举报、访谈、调查).
EXCLUDED_CHANNEL_WORDS = ("信访", "纪检", "访谈", "调查")


def channel_counts_for_inspection(channel: str) -> bool:
    return not any(word in channel for word in EXCLUDED_CHANNEL_WORDS)
