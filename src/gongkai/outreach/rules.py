"""Pure rules of the outreach app (no Django import): the 舆情回应 targets of R-INT-4, the promise, interview and
question-moderation state machines, and the survey definition format.

R-INT-4 (国办发〔2016〕80号, 〔2016〕61号): for 特别重大 and 重大 emergencies authoritative information within 5 hours of
the case first being seen and a press conference within 24 hours; any other 政务舆情 answered within 48 hours. The hours
are deployment settings (`conf.targets()`); the evaluation here only compares times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gongkai.core.statemachine import StateMachine, Transition
from gongkai.core.textsafety import control_character_problem

# Who acts in every machine below: the agency's publishers and org admins, or a platform admin (the services check
# the role in the object's agency; the tables say which actions exist from which state).
STAFF = frozenset({"publisher", "org_admin", "platform_admin"})

# ---------------------------------------------------------------- 舆情 cases (R-INT-4)

ESPECIALLY_MAJOR, MAJOR, GENERAL = "especially_major", "major", "general"
LEVEL_LABELS = {ESPECIALLY_MAJOR: "特别重大", MAJOR: "重大", GENERAL: "一般"}
MAJOR_LEVELS = frozenset({ESPECIALLY_MAJOR, MAJOR})

STATEMENT, PRESS_CONFERENCE, INTERVIEW, ONLINE_REPLY, OTHER = (
    "statement",
    "press_conference",
    "interview",
    "online_reply",
    "other",
)
RESPONSE_KINDS = {
    STATEMENT: "发布权威信息（通报、声明）",
    PRESS_CONFERENCE: "新闻发布会",
    INTERVIEW: "接受媒体采访",
    ONLINE_REPLY: "网上回应",
    OTHER: "其他回应",
}

# R-INT-4 (国办发〔2016〕80号): "最迟要在5小时内发布权威信息" — information the authority itself releases. Read here as the
# kinds by which it does: its 通报/声明, a press conference, its official online reply. An interview given to the
# media or another kind of response is an answer (〔2016〕61号 lists 接受记者采访 among the ways to respond: it
# meets the 48-hour target of other concerns) but not the 5-hour release of authoritative information.
AUTHORITATIVE_KINDS = frozenset({STATEMENT, PRESS_CONFERENCE, ONLINE_REPLY})

AUTHORITATIVE, PRESS, ANSWER = "authoritative", "press_conference", "answer"
TARGET_LABELS = {
    AUTHORITATIVE: "发布权威信息",
    PRESS: "召开新闻发布会",
    ANSWER: "作出回应",
}


@dataclass(frozen=True)
class Targets:
    """Hours after the case was first seen (R-INT-4 defaults)."""

    authoritative_hours: int = 5
    press_conference_hours: int = 24
    answer_hours: int = 48


MET, LATE, OVERDUE, RUNNING = "met", "late", "overdue", "running"
TARGET_STATE_LABELS = {MET: "按时", LATE: "超时完成", OVERDUE: "已超时未完成", RUNNING: "进行中"}
MISSED_STATES = frozenset({LATE, OVERDUE})


@dataclass(frozen=True)
class Response:
    kind: str
    at: datetime
    id: int | None = None  # the stored response's identity (flags the one that met a target late)


@dataclass(frozen=True)
class TargetCheck:
    key: str
    hours: int
    due_at: datetime
    met_at: datetime | None
    state: str
    met_by: int | None = None  # the id of the response that met it

    @property
    def label(self) -> str:
        return f"{self.hours}小时内{TARGET_LABELS[self.key]}"

    @property
    def state_label(self) -> str:
        return TARGET_STATE_LABELS[self.state]

    @property
    def missed(self) -> bool:
        return self.state in MISSED_STATES


def _check(key: str, hours: int, first_seen_at: datetime, met: Response | None, now: datetime) -> TargetCheck:
    due = first_seen_at + timedelta(hours=hours)
    if met is not None:
        state = MET if met.at <= due else LATE
        return TargetCheck(key, hours, due, met.at, state, met.id)
    return TargetCheck(key, hours, due, None, OVERDUE if now > due else RUNNING)


def case_targets(
    *, level: str, first_seen_at: datetime, responses: Iterable[Response], now: datetime, targets: Targets
) -> list[TargetCheck]:
    """R-INT-4: the targets of a case and whether each was met. A response at or before the due time is on time.

    特别重大 / 重大: only an AUTHORITATIVE_KINDS response (通报/声明, press conference, official online reply) meets
    the 5 h target of releasing authoritative information; only a press conference meets the 24 h target. 一般: any
    response meets the 48 h target. Responses before the first-seen time count from that time."""
    if level not in LEVEL_LABELS:
        raise ValueError(f"unknown level {level!r}")
    ordered = sorted(responses, key=lambda r: r.at)
    if level in MAJOR_LEVELS:
        first_authoritative = next((r for r in ordered if r.kind in AUTHORITATIVE_KINDS), None)
        first_press = next((r for r in ordered if r.kind == PRESS_CONFERENCE), None)
        return [
            _check(AUTHORITATIVE, targets.authoritative_hours, first_seen_at, first_authoritative, now),
            _check(PRESS, targets.press_conference_hours, first_seen_at, first_press, now),
        ]
    return [_check(ANSWER, targets.answer_hours, first_seen_at, ordered[0] if ordered else None, now)]


def late_responses(checks: Iterable[TargetCheck]) -> set[int]:
    """The ids of the responses that met a target late (flagged in the ledger; two responses at the same minute
    are told apart)."""
    return {c.met_by for c in checks if c.state == LATE and c.met_by is not None}


# ---------------------------------------------------------------- promises

PENDING, KEPT, NOT_KEPT = "pending", "kept", "not_kept"
PROMISE_OUTCOMES = {PENDING: "待兑现", KEPT: "已兑现", NOT_KEPT: "未兑现"}
# A settled promise stays settled: the ledger must not be rewritten silently. The explanation is published.
PROMISES = StateMachine(
    (
        Transition("keep", frozenset({PENDING}), KEPT, STAFF, "已兑现", needs_comment=True),
        Transition("fail", frozenset({PENDING}), NOT_KEPT, STAFF, "未兑现", needs_comment=True),
    )
)

PROMISE_STATE_LABELS = {
    "kept": "按期兑现",
    "kept_late": "逾期兑现",
    "not_kept": "未兑现",
    "overdue": "已逾期未兑现",
    "pending": "待兑现",
}


def promise_state(*, outcome: str, due_on: date, settled_on: date | None, today: date) -> str:
    """kept (on or before the due date), kept_late, not_kept, overdue (pending after the due date) or pending."""
    if outcome == KEPT:
        return "kept" if settled_on is not None and settled_on <= due_on else "kept_late"
    if outcome == NOT_KEPT:
        return "not_kept"
    return "overdue" if today > due_on else "pending"


# ---------------------------------------------------------------- interviews

SCHEDULED, LIVE, FINISHED, CANCELLED = "scheduled", "live", "finished", "cancelled"
INTERVIEW_STATUS = {SCHEDULED: "预告", LIVE: "直播中", FINISHED: "已结束", CANCELLED: "已取消"}
INTERVIEWS = StateMachine(
    (
        Transition("start", frozenset({SCHEDULED}), LIVE, STAFF, "开始访谈"),
        Transition("finish", frozenset({LIVE}), FINISHED, STAFF, "结束访谈"),
        Transition("cancel", frozenset({SCHEDULED}), CANCELLED, STAFF, "取消访谈"),
    )
)


def interview_accepts_questions(status: str, scheduled_at: datetime, now: datetime) -> bool:
    """Questions are collected beforehand: while the interview is announced and has not yet begun."""
    return status == SCHEDULED and now < scheduled_at


Q_PENDING, Q_PUBLISHED, Q_WITHHELD = "pending", "published", "withheld"
QUESTION_STATUS = {Q_PENDING: "待审核", Q_PUBLISHED: "已公开", Q_WITHHELD: "不予公开"}
# Withholding needs a reason category (WITHHOLD_REASONS), checked by the service.
QUESTIONS = StateMachine(
    (
        Transition("publish", frozenset({Q_PENDING, Q_WITHHELD}), Q_PUBLISHED, STAFF, "公开"),
        Transition("withhold", frozenset({Q_PENDING, Q_PUBLISHED}), Q_WITHHELD, STAFF, "不予公开"),
    )
)
# Moderation never deletes: a withheld question keeps its text and one of these reasons.
WITHHOLD_REASONS = {
    "off_topic": "与访谈主题无关",
    "personal_data": "含有个人信息",
    "improper": "含有违法或不文明内容",
    "duplicate": "重复提问",
    "advertising": "广告或无意义内容",
}


# ---------------------------------------------------------------- surveys

SINGLE, MULTIPLE, TEXT = "single", "multiple", "text"
QUESTION_KINDS = {SINGLE: "单选", MULTIPLE: "多选", TEXT: "文字"}
_KIND_WORDS = {"单选": SINGLE, "多选": MULTIPLE, "文字": TEXT, "填空": TEXT, "问答": TEXT}
_HEAD = re.compile(r"^\s*(单选|多选|文字|填空|问答)\s*[:：]\s*(.*)$")
MAX_QUESTIONS, MAX_OPTIONS, QUESTION_MAX, OPTION_MAX, ANSWER_TEXT_MAX = 50, 20, 200, 100, 1000


class DefinitionError(ValueError):
    """A survey definition the parser refuses; `message` is Chinese, with the line number."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    options: tuple[str, ...] = ()


def parse_definition(text: str) -> list[QuestionSpec]:
    """Questions written as blocks separated by blank lines: the first line `单选：…`, `多选：…` or `文字：…` (also
    填空/问答), then one option per line for choice questions."""
    specs: list[QuestionSpec] = []
    kind = ""
    head = ""
    head_line = 0
    options: list[str] = []

    def flush() -> None:
        if not kind:
            return
        n = len(specs) + 1
        if kind == TEXT and options:
            raise DefinitionError(f"第 {head_line} 行：第 {n} 题是文字题，不能列出选项。")
        if kind != TEXT and not 2 <= len(options) <= MAX_OPTIONS:
            raise DefinitionError(
                f"第 {head_line} 行：第 {n} 题应有 2 至 {MAX_OPTIONS} 个选项（现有 {len(options)} 个）。"
            )
        if len(set(options)) != len(options):
            raise DefinitionError(f"第 {head_line} 行：第 {n} 题有重复的选项。")
        specs.append(QuestionSpec(kind, head, tuple(options)))

    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            kind, head, options = "", "", []
            continue
        match = _HEAD.match(line)
        if match:
            flush()
            kind, head, head_line, options = _KIND_WORDS[match.group(1)], match.group(2).strip(), number, []
            if not head:
                raise DefinitionError(f"第 {number} 行：请在“{match.group(1)}：”后写出题目。")
            if len(head) > QUESTION_MAX:
                raise DefinitionError(f"第 {number} 行：题目不能超过 {QUESTION_MAX} 个字。")
            continue
        if not kind:
            raise DefinitionError(f"第 {number} 行：每道题应以“单选：”“多选：”或“文字：”开头。")
        if len(line) > OPTION_MAX:
            raise DefinitionError(f"第 {number} 行：选项不能超过 {OPTION_MAX} 个字。")
        options.append(line)
    flush()
    if not specs:
        raise DefinitionError("请至少设置一道题。")
    if len(specs) > MAX_QUESTIONS:
        raise DefinitionError(f"一次调查最多 {MAX_QUESTIONS} 道题（现有 {len(specs)} 道）。")
    return specs


def survey_phase(*, opens_on: date, closes_on: date, closed_early: bool, today: date) -> str:
    """upcoming, open or closed (after the end date, or closed early by the agency)."""
    if closed_early or today > closes_on:
        return "closed"
    return "upcoming" if today < opens_on else "open"


PHASE_LABELS = {"upcoming": "未开始", "open": "进行中", "closed": "已结束"}


def results_visible(*, phase: str, results_live: bool) -> bool:
    """The public sees results after closing, or while open when the agency chose live results."""
    return phase == "closed" or (results_live and phase == "open")


@dataclass(frozen=True)
class AskedQuestion:
    id: int
    kind: str
    option_ids: frozenset[int]


def answer_problems(
    questions: Iterable[AskedQuestion], answers: Mapping[int, list[str]]
) -> tuple[dict[int, str], dict[int, list[int] | str]]:
    """Check one person's answers: `answers` maps a question id to the submitted values. Choice questions must be
    answered (single: exactly one option of the question; multiple: one or more); a text answer is optional, at
    most ANSWER_TEXT_MAX characters, without control characters. Returns ({question id: Chinese message}, {question id: option ids | text})."""
    problems: dict[int, str] = {}
    clean: dict[int, list[int] | str] = {}
    for q in questions:
        values = [v for v in answers.get(q.id, []) if v.strip()]
        if q.kind == TEXT:
            text = values[0].strip() if values else ""
            bad = control_character_problem(text, "回答")
            if bad:
                problems[q.id] = bad
            elif len(text) > ANSWER_TEXT_MAX:
                problems[q.id] = f"回答不能超过 {ANSWER_TEXT_MAX} 个字（现有 {len(text)} 个）。"
            elif text:
                clean[q.id] = text
            continue
        try:
            chosen = sorted({int(v) for v in values})
        except ValueError:
            problems[q.id] = "选项无效，请重新选择。"
            continue
        if not chosen:
            problems[q.id] = "请选择一项。" if q.kind == SINGLE else "请至少选择一项。"
        elif not set(chosen) <= q.option_ids:
            problems[q.id] = "选项无效，请重新选择。"
        elif q.kind == SINGLE and len(chosen) > 1:
            problems[q.id] = "此题只能选择一项。"
        else:
            clean[q.id] = chosen
    return problems, clean
