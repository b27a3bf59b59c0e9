"""基层政务公开标准目录 (R-CAT, issue 7 §5): entries imported per township/county from a spreadsheet laid out in the
R-CAT columns, each linked to the column that fulfils it; an entry is unfulfilled when its column is missing or empty or
its newest item is older than the entry's 公开时限.

`parse_time_limit` and `HEADERS` are pure (no Django)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# R-CAT: 序号 | 公开事项 (一级, 二级) | 公开内容(要素) | 公开依据 | 公开时限 | 公开主体 | 公开渠道和载体 | 公开对象 | 公开方式 | 公开层级
HEADERS = [
    "序号",
    "一级事项",
    "二级事项",
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
]
FIELDS = [
    "seq",
    "domain",
    "matter",
    "content",
    "basis",
    "time_limit",
    "responsible",
    "channels",
    "audience",
    "mode",
    "level",
]
REQUIRED = {"domain", "matter", "content"}

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class TimeLimit:
    kind: str  # working | calendar
    days: int


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    if len(text) == 2 and text[0] == "十" and text[1] in _CN_DIGITS:
        return 10 + _CN_DIGITS[text[1]]
    if len(text) in (2, 3) and text[1] == "十" and text[0] in _CN_DIGITS:
        return _CN_DIGITS[text[0]] * 10 + (_CN_DIGITS.get(text[2], 0) if len(text) == 3 else 0)
    return None


def parse_time_limit(text: str) -> TimeLimit | None:
    """A 公开时限 as days: "20个工作日内" → 20 working days; "10日内" → 10 calendar days; 每月/每季度/每年 → 31/92/366
    calendar days; 实时、常态 or free text → None (only emptiness is checked)."""
    text = (text or "").replace(" ", "")
    match = re.search(r"([0-9一二三四五六七八九十]+)个?工作日", text)
    if match and (n := _number(match.group(1))):
        return TimeLimit("working", n)
    match = re.search(r"([0-9一二三四五六七八九十]+)(?:个自然日|日|天)", text)
    if match and (n := _number(match.group(1))):
        return TimeLimit("calendar", n)
    for word, days in (
        ("每月", 31),
        ("月度", 31),
        ("每季", 92),
        ("季度", 92),
        ("每半年", 183),
        ("每年", 366),
        ("年度", 366),
    ):
        if word in text:
            return TimeLimit("calendar", days)
    return None


def row_values(row: list[object]) -> dict[str, str]:
    """A spreadsheet row (R-CAT column order) as named fields (strings, stripped)."""
    cells = [("" if v is None else str(v).strip()) for v in row]
    cells += [""] * (len(FIELDS) - len(cells))
    return dict(zip(FIELDS, cells[: len(FIELDS)], strict=True))
