"""意见征集 rules (R-INT-1; 重大行政决策程序暂行条例 第十四、十五、三十二条). Pure: no Django import.

- The comment period is counted in calendar days, both ends included: opening 2026-03-01 and closing 2026-03-30 is
  30 days. A period shorter than 30 days needs a stated reason when the consultation opens (第十五条).
- A draft's articles are the lines beginning with 第…条 (Chinese or Arabic numerals, increasing); a comment is on
  the whole draft or on one of them.
- Comments are moderated: 待审核 → 已公开 / 不予公开 (with a reason category); a withheld comment keeps its text and is
  shown publicly as withheld with the reason, never deleted. Identical comments share one decision (`group_key`).
- Each comment gets one decision: 采纳 / 部分采纳 / 未采纳 (with the reason) / 不属于征求范围; the 采纳情况 report
  (第三十二条) counts them and lists each decision with its reason.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from gongkai.core.statemachine import StateMachine, Transition
from gongkai.core.textsafety import control_character_problem

MIN_PERIOD_DAYS = 30

ADOPTED, PARTLY_ADOPTED, NOT_ADOPTED, OUT_OF_SCOPE = (
    "adopted",
    "partly_adopted",
    "not_adopted",
    "out_of_scope",
)
DECISION_LABELS = {
    ADOPTED: "采纳",
    PARTLY_ADOPTED: "部分采纳",
    NOT_ADOPTED: "未采纳",
    OUT_OF_SCOPE: "不属于征求范围",
}
# Decisions that must say why (未采纳 always; 部分采纳: which part was not taken and why).
NEEDS_REASON = frozenset({NOT_ADOPTED, PARTLY_ADOPTED})
# Decisions that must say what was changed in the draft (R-INT-1: the 采纳情况 shows the adopted changes).
NEEDS_CHANGES = frozenset({ADOPTED, PARTLY_ADOPTED})


def period_days(opens_on: date, closes_on: date) -> int:
    """Calendar days from opening to closing, both included."""
    return (closes_on - opens_on).days + 1


def period_problems(*, opens_on: date, closes_on: date, short_reason: str) -> dict[str, str]:
    """R-INT-1: {field: Chinese message} for a period that is impossible or too short without a reason."""
    if closes_on < opens_on:
        return {"closes_on": "截止日期不能早于开始日期。"}
    days = period_days(opens_on, closes_on)
    if days < MIN_PERIOD_DAYS and not short_reason.strip():
        return {
            "short_reason": f"征求意见期限为 {days} 天，少于 {MIN_PERIOD_DAYS} 天，应当说明理由"
            "（《重大行政决策程序暂行条例》第十五条）。"
        }
    return {}


def decision_problems(*, decision: str, reason: str, changes: str = "") -> dict[str, str]:
    """R-INT-1: {field: Chinese message}. 未采纳 / 部分采纳 need the reason; 采纳 / 部分采纳 need the change made to
    the draft."""
    if decision not in DECISION_LABELS:
        return {"decision": "请选择采纳、部分采纳、未采纳或不属于征求范围。"}
    if decision in NEEDS_REASON and not reason.strip():
        return {"reason": f"“{DECISION_LABELS[decision]}”应当说明理由。"}
    if decision in NEEDS_CHANGES and not changes.strip():
        return {"changes": f"“{DECISION_LABELS[decision]}”应当写明对草案作了哪些修改。"}
    return {}


def report_problem(*, closed: bool, pending: int, undecided: int) -> str:
    """R-INT-1 (第三十二条): the 采纳情况 is published beside the consultation once it is closed, every comment
    moderated (the report quotes published comments only) and every comment decided. "" when it may be published."""
    if not closed:
        return "征集结束后才能公布采纳情况。"
    if pending:
        return f"还有 {pending} 条意见尚未审核，请先审核后再公布采纳情况。"
    if undecided:
        return f"还有 {undecided} 条意见尚未处理，请先记录处理结果后再公布采纳情况。"
    return ""


@dataclass(frozen=True)
class Tally:
    total: int
    decided: int
    counts: dict[str, int]

    @property
    def undecided(self) -> int:
        return self.total - self.decided

    def sentence(self) -> str:
        parts = "，".join(f"{label} {self.counts.get(code, 0)} 条" for code, label in DECISION_LABELS.items())
        text = f"共收到意见 {self.total} 条，其中{parts}"
        if self.undecided:
            text += f"，尚未处理 {self.undecided} 条"
        return text + "。"


def tally(decisions: Iterable[str]) -> Tally:
    """Counts per decision ("" = not decided yet)."""
    items = list(decisions)
    counts = Counter(d for d in items if d)
    return Tally(total=len(items), decided=sum(counts.values()), counts=dict(counts))


# ---------------------------------------------------------------- articles of the draft (第一条, 第二条 …)

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ARTICLE = re.compile(r"^[ \t\u3000]*第([零〇一二两三四五六七八九十百千\d]{1,8})条", re.M)


def chinese_number(text: str) -> int | None:
    """一百二十三 → 123, 十五 → 15, 二十 → 20, 123 → 123; None for anything else."""
    if text.isascii() and text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0) or None


def _numeral(n: int, *, inner: bool = False) -> str:
    """1 → 一, 15 → 十五 (一十五 inside a larger number), 105 → 一百零五, 1010 → 一千零一十; 0 < n < 10000."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return ("一十" if inner else "十") + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    unit, head, rest = ("百", n // 100, n % 100) if n < 1000 else ("千", n // 1000, n % 1000)
    if rest == 0:
        tail = ""
    elif rest < (10 if unit == "百" else 100):
        tail = "零" + _numeral(rest, inner=True)
    else:
        tail = _numeral(rest, inner=True)
    return digits[head] + unit + tail


# Articles past this number are not articles of a real draft (no regulation has ten thousand): they stay plain text,
# and a label beyond it is written in Arabic digits, never indexing past the numerals above.
MAX_ARTICLE = 9999


def article_label(number: int | None) -> str:
    if number is None:
        return "草案整体"
    return f"第{_numeral(number)}条" if 0 < number <= MAX_ARTICLE else f"第{number}条"


@dataclass(frozen=True)
class Article:
    number: int
    label: str
    text: str


def parse_articles(draft_text: str) -> list[Article]:
    """The articles of a draft: each line beginning with 第…条 starts one; its text runs to the next. Numbers that
    do not increase (a quoted 第三条 inside an article) stay part of the article before."""
    found: list[tuple[int, int]] = []
    for match in _ARTICLE.finditer(draft_text):
        number = chinese_number(match.group(1))
        if number is not None and number <= MAX_ARTICLE and (not found or number > found[-1][0]):
            found.append((number, match.start()))
    articles = []
    for i, (number, start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(draft_text)
        articles.append(Article(number, article_label(number), draft_text[start:end].strip()))
    return articles


# ---------------------------------------------------------------- structured questions

QUESTION_KINDS = {"text": "文字回答", "single": "单选", "multiple": "多选"}


def question_problems(*, text: str, kind: str, choices: list[str]) -> str:
    """'' when a question is well formed, else the Chinese reason."""
    if not text.strip():
        return "问题不能为空。"
    if len(text) > 300:
        return "问题不能超过 300 个字。"
    if kind not in QUESTION_KINDS:
        return "问题类型应为文字回答、单选或多选。"
    control = next((p for p in (control_character_problem(t, "问题") for t in (text, *choices)) if p), "")
    if control:
        return control
    clean = [c.strip() for c in choices if c.strip()]
    if kind != "text" and len(clean) < 2:
        return f"“{text[:20]}”是选择题，至少需要两个选项。"
    if len(set(clean)) != len(clean):
        return f"“{text[:20]}”的选项有重复。"
    return ""


def answer_problems(*, kind: str, choices: list[str], required: bool, answer: str | list[str]) -> str:
    """'' when `answer` fits the question, else the Chinese reason."""
    values = [answer] if isinstance(answer, str) else list(answer)
    values = [v.strip() for v in values if v and v.strip()]
    if not values:
        return "请回答这个问题。" if required else ""
    control = next((p for p in (control_character_problem(v, "回答") for v in values) if p), "")
    if control:
        return control
    if kind == "text":
        return "回答不能超过 2000 个字。" if len(values[0]) > 2000 else ""
    if any(v not in choices for v in values):
        return "请从给出的选项中选择。"
    if kind == "single" and len(values) > 1:
        return "这个问题只能选一项。"
    return ""


# ---------------------------------------------------------------- moderation (no silent deletion)

PENDING, PUBLISHED, WITHHELD = "pending", "published", "withheld"
MODERATION_LABELS = {PENDING: "待审核", PUBLISHED: "已公开", WITHHELD: "不予公开"}
WITHHELD_REASONS = {
    "illegal": "含有违法违规内容",
    "abuse": "含有辱骂、人身攻击内容",
    "advertising": "广告或商业推广",
    "off_topic": "与征集事项无关",
    "personal_data": "含有他人个人信息",
    "duplicate": "重复提交",
}
# A withheld comment may be published after review, and the other way round (ADR 0003 table; the actor check — the
# agency's publishers and org admins, platform admins — is the consultation's, in services).
MODERATOR = "consultation_manager"
MODERATION: StateMachine[Transition] = StateMachine(
    (
        Transition("publish", frozenset({PENDING, WITHHELD}), PUBLISHED, frozenset({MODERATOR}), "公开"),
        Transition("withhold", frozenset({PENDING, PUBLISHED}), WITHHELD, frozenset({MODERATOR}), "不予公开"),
    )
)


def moderation_target(action: str, state: str) -> str | None:
    transition = MODERATION.transition_for(action, state)
    return transition.target if transition is not None else None


def group_key(body: str) -> str:
    """Identical comments share a key: one decision for all. Whitespace (full-width spaces too) does not count: in
    Chinese text it carries no meaning."""
    folded = "".join(body.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def group_identical(comments: Iterable[Any]) -> list[list[Any]]:
    """Comments in groups of identical text (same stored `body_hash` from `group_key`), in first-seen order; a
    comment without text (answers only) is a group of its own. The one grouping for the staff page and the report."""
    groups: dict[str, list[Any]] = {}
    for comment in comments:
        groups.setdefault(comment.body_hash or f"#{comment.pk}", []).append(comment)
    return list(groups.values())
