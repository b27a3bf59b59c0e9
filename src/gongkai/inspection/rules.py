"""The inspection rules (检查指标) as plain functions. Pure: no Django import.

R-WEB-1 (单项否决), R-WEB-2 (no publication date = not updated), R-WEB-3 (100-point deductions, pass at 60),
R-PUB-3 (20 working days; the date arithmetic itself is the calendar's), and the sensitive-word matcher.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

# ---------------------------------------------------------------- finding codes

STALE_COLUMN = "stale_column"
EMPTY_COLUMN = "empty_column"
HOMEPAGE_STALE = "homepage_stale"
BROKEN_LINK = "broken_link"
PII = "pii"
SENSITIVE_WORD = "sensitive_word"
LATE_PUBLICATION = "late_publication"
MISSING_INTERPRETATION = "missing_interpretation"
CALENDAR_MISSING = "calendar_missing"
MISSING_GUIDE_ELEMENT = "missing_guide_element"  # R-WEB-4 (policy app's 办事指南)
UNANSWERED_MESSAGE = "unanswered_message"  # R-INT-2 / R-WEB-1 veto (participation app)
STALE_DATASET = "stale_dataset"  # opendata app
ATTACHMENT_UNREADABLE = (
    "attachment_unreadable"  # a published attachment that cannot be opened (not checkable)
)

RULE_IDS = {
    STALE_COLUMN: "R-WEB-1",
    EMPTY_COLUMN: "R-WEB-1",
    HOMEPAGE_STALE: "R-WEB-1",
    BROKEN_LINK: "R-WEB-1",
    PII: "R-PII-1",
    SENSITIVE_WORD: "R-WEB-1",
    LATE_PUBLICATION: "R-PUB-3",
    MISSING_INTERPRETATION: "R-PUB-8",
    CALENDAR_MISSING: "R-CAL-1",
    MISSING_GUIDE_ELEMENT: "R-WEB-4",
    UNANSWERED_MESSAGE: "R-INT-2",
    STALE_DATASET: "R-WEB-3",
    ATTACHMENT_UNREADABLE: "R-WEB-1",
}

CODE_LABELS = {
    STALE_COLUMN: "栏目不更新",
    EMPTY_COLUMN: "空白栏目",
    HOMEPAGE_STALE: "首页长期未更新",
    BROKEN_LINK: "链接不可用",
    PII: "泄露个人信息",
    SENSITIVE_WORD: "含敏感词",
    LATE_PUBLICATION: "超期公开",
    MISSING_INTERPRETATION: "缺少政策解读",
    CALENDAR_MISSING: "工作日安排未载入",
    MISSING_GUIDE_ELEMENT: "办事指南要素缺失",
    UNANSWERED_MESSAGE: "留言超期未答复",
    STALE_DATASET: "数据集未更新",
    ATTACHMENT_UNREADABLE: "附件无法打开",
}

# ---------------------------------------------------------------- R-WEB-1: staleness

NEWS, NOTICE, YEARLY, STATIC = "news", "notice", "yearly", "static"
HOMEPAGE_DAYS = 14  # 首页 2 weeks without update
UPDATE_CLASS_LABELS = {NEWS: "动态·要闻", NOTICE: "通知公告·政策文件", YEARLY: "人事·规划"}
PERIOD_LABELS = {NEWS: "2周", NOTICE: "6个月", YEARLY: "1年"}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def update_due(update_class: str, last_published: date) -> date | None:
    """The last day on which a column last updated on `last_published` still counts as updated."""
    if update_class == NEWS:
        return last_published + timedelta(days=14)
    if update_class == NOTICE:
        return add_months(last_published, 6)
    if update_class == YEARLY:
        return add_months(last_published, 12)
    return None  # static: exempt


def column_stale(update_class: str, last_published: date | None, as_of: date) -> bool:
    """A column is stale when nothing was published within its period (R-WEB-2: no date = not updated)."""
    if update_class == STATIC:
        return False
    if last_published is None:
        return True
    due = update_due(update_class, last_published)
    return due is not None and as_of > due


def homepage_stale(last_published: date | None, as_of: date) -> bool:
    return last_published is None or as_of > last_published + timedelta(days=HOMEPAGE_DAYS)


# ---------------------------------------------------------------- R-WEB-1 / R-WEB-3: verdict and score

VETO_KEY_COLUMNS = (
    "stale_key_columns"  # ≥5 among stale 动态/要闻 and stale first-level 通知公告/政策文件 columns
)
VETO_STALE_COLUMNS = "stale_columns"  # ≥10 stale columns
VETO_EMPTY_COLUMNS = "empty_columns"  # ≥5 empty columns
VETO_HOMEPAGE = "homepage_stale"  # 首页 2 weeks without update
VETO_UNANSWERED = "unanswered_message"  # 互动回应差: a valid message unanswered for more than 3 months
VETO_GUIDES = (
    "guide_elements"  # 服务不实用: 办事指南 missing key elements (R-WEB-4) on a large share of items
)
VETO_LABELS = {
    VETO_KEY_COLUMNS: "动态要闻类和通知公告、政策文件类一级栏目不更新累计达5个以上",
    VETO_STALE_COLUMNS: "应更新而长期未更新的栏目达10个以上",
    VETO_EMPTY_COLUMNS: "空白栏目达5个以上",
    VETO_HOMEPAGE: "首页栏目超过2周未更新",
    VETO_UNANSWERED: "互动回应差：近一年内有效留言超过3个月未回应",
    VETO_GUIDES: "服务不实用：办事指南要素缺失的事项比例过高",
}
# R-WEB-1 says "a large share": deployment data (GONGKAI_INSPECTION_GUIDE_VETO_SHARE), one third by default.
GUIDE_VETO_SHARE = 1 / 3
KEY_COLUMNS_LIMIT = 5
STALE_COLUMNS_LIMIT = 10
EMPTY_COLUMNS_LIMIT = 5
PASS_SCORE = 60
FULL_SCORE = 100
BONUS_CAP = 30  # R-WEB-3: bonus points for portals (门户网站), on top of the 100


@dataclass(frozen=True)
class StaleColumn:
    """A stale column as the vetoes count it: a parent (judged on its subtree) counts only as a first-level
    column; the ≥10 count is over leaves, so a parent and its children are not counted twice."""

    update_class: str
    first_level: bool
    leaf: bool = True


@dataclass(frozen=True)
class DeductionRule:
    """`key` is a finding code, or `code:qualifier` (stale_column:news); cap 0 means no cap."""

    key: str
    points: int
    cap: int = 0


@dataclass
class Verdict:
    verdict: str  # "pass" | "fail"
    vetoes: list[str]
    score: int
    deductions: list[dict[str, object]] = field(default_factory=list)
    bonus: int = 0  # included in `score`


def vetoes(
    *,
    stale_columns: Iterable[StaleColumn],
    empty_columns: int,
    homepage_is_stale: bool,
    unanswered_messages: int = 0,
    guides: int = 0,
    incomplete_guides: int = 0,
    guide_veto_share: float = GUIDE_VETO_SHARE,
) -> list[str]:
    """R-WEB-1 单项否决 for one agency, in a fixed order."""
    stale = list(stale_columns)
    key = sum(
        1
        for c in stale
        if (c.update_class == NEWS and (c.leaf or c.first_level))
        or (c.update_class == NOTICE and c.first_level)
    )
    result = []
    if key >= KEY_COLUMNS_LIMIT:
        result.append(VETO_KEY_COLUMNS)
    if sum(1 for c in stale if c.leaf) >= STALE_COLUMNS_LIMIT:
        result.append(VETO_STALE_COLUMNS)
    if empty_columns >= EMPTY_COLUMNS_LIMIT:
        result.append(VETO_EMPTY_COLUMNS)
    if homepage_is_stale:
        result.append(VETO_HOMEPAGE)
    if unanswered_messages > 0:  # R-WEB-1 互动回应差
        result.append(VETO_UNANSWERED)
    if guides > 0 and incomplete_guides >= guides * guide_veto_share:  # R-WEB-1 服务不实用 (R-WEB-4)
        result.append(VETO_GUIDES)
    return result


def score(counts: dict[str, int], rules: Iterable[DeductionRule]) -> tuple[int, list[dict[str, object]]]:
    """R-WEB-3: 100 minus each rule's points × count, each rule capped; never below 0.

    `counts` maps deduction keys (code or code:qualifier) to how many findings carry them."""
    total = 0
    lines: list[dict[str, object]] = []
    for rule in rules:
        n = counts.get(rule.key, 0)
        if n <= 0 or rule.points <= 0:
            continue
        points = rule.points * n
        if rule.cap > 0:
            points = min(points, rule.cap)
        total += points
        lines.append({"key": rule.key, "count": n, "points": points})
    return max(0, FULL_SCORE - total), lines


def verdict(
    *,
    stale_columns: Iterable[StaleColumn],
    empty_columns: int,
    homepage_is_stale: bool,
    counts: dict[str, int],
    rules: Iterable[DeductionRule],
    unanswered_messages: int = 0,
    guides: int = 0,
    incomplete_guides: int = 0,
    guide_veto_share: float = GUIDE_VETO_SHARE,
    bonus: int = 0,
) -> Verdict:
    """单项否决 → fail; else pass at ≥ 60. The score is always computed (shown beside a veto): 100 minus the
    deductions, plus the portal's bonus points capped at 30 (R-WEB-3; pass judged on that total)."""
    found = vetoes(
        stale_columns=stale_columns,
        empty_columns=empty_columns,
        homepage_is_stale=homepage_is_stale,
        unanswered_messages=unanswered_messages,
        guides=guides,
        incomplete_guides=incomplete_guides,
        guide_veto_share=guide_veto_share,
    )
    points, lines = score(counts, rules)
    extra = min(max(0, bonus), BONUS_CAP)
    points += extra
    ok = not found and points >= PASS_SCORE
    return Verdict("pass" if ok else "fail", found, points, lines, extra)


# ---------------------------------------------------------------- sensitive words


def find_words(text: str, words: Iterable[str], allowed: Iterable[str] = ()) -> list[tuple[str, int]]:
    """(word, offset) for each occurrence of a listed word not inside an occurrence of an allowed phrase."""
    if not text:
        return []
    covered: list[tuple[int, int]] = []
    for phrase in allowed:
        if not phrase:
            continue
        start = text.find(phrase)
        while start >= 0:
            covered.append((start, start + len(phrase)))
            start = text.find(phrase, start + 1)
    found: list[tuple[str, int]] = []
    for word in words:
        if not word:
            continue
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(a <= start and end <= b for a, b in covered):
                found.append((word, start))
            start = text.find(word, start + 1)
    return sorted(found, key=lambda f: (f[1], f[0]))


# ---------------------------------------------------------------- links in bodies


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value and value.strip():
                    self.hrefs.append(value.strip())


SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#", "sms:")


def links_in_html(html: str) -> list[str]:
    """The distinct <a href> targets of a body, in order, without mail/phone/script links and bare anchors."""
    parser = _LinkParser()
    try:
        parser.feed(html or "")
        parser.close()
    except Exception:  # a broken body must not stop an inspection
        return []
    seen: dict[str, None] = {}
    for href in parser.hrefs:
        if href.lower().startswith(SKIPPED_SCHEMES):
            continue
        seen.setdefault(href, None)
    return list(seen)
