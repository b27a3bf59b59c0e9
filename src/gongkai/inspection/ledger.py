"""The 工作要点 task ledger's spreadsheet rules (issue 10 item 7). Pure: no Django import.

A 任务分解表 has a header row naming its columns (synonyms below; the header may be on any of the first 10 rows);
each following row is a task: its text, responsible units (牵头 and 配合, split on 、，,;； and spaces), a deadline
(a date cell, 2026-06-30, 2026年6月30日, 2026年6月底, 2026年底, 上半年, 第三季度, 长期坚持 …) and optionally a
number and a category (or 一级/二级/三级栏目, joined with /)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from gongkai.core.textsafety import control_character_problem

HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "category": ("类别", "分类", "工作类别", "重点领域", "栏目"),
    "level1": ("一级栏目",),
    "level2": ("二级栏目",),
    "level3": ("三级栏目",),
    "title": ("任务", "工作任务", "任务内容", "重点任务", "工作内容", "内容说明", "具体任务", "工作要点"),
    "lead": ("责任单位", "牵头单位", "责任部门", "牵头部门"),
    "support": ("配合单位", "协办单位", "参与单位"),
    "deadline": ("完成时限", "时限", "完成时间", "时间要求", "截止日期", "完成期限"),
}
REQUIRED = ("title", "lead")
_SPLIT = re.compile(r"[、，,;；/\s]+")
ONGOING = ("长期", "持续", "常态", "全年", "经常性")


@dataclass
class TaskRow:
    line: int
    number: str
    category: str
    title: str
    lead: list[str]
    support: list[str] = field(default_factory=list)
    deadline: date | None = None
    deadline_text: str = ""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _norm_header(value: object) -> str:
    return re.sub(r"[\s*（）()]", "", _text(value))


def find_header(rows: Sequence[Sequence[object]], scan: int = 10) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, field → column) or None when no row among the first `scan` names a task
    column and a responsible-unit column."""
    for index, row in enumerate(rows[:scan]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            name = _norm_header(cell)
            for key, names in HEADERS.items():
                if key not in columns and name in names:
                    columns[key] = col
        if all(k in columns for k in REQUIRED):
            return index, columns
    return None


def units(text: str) -> list[str]:
    return [u for u in _SPLIT.split(text) if u]


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(month)
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


_FULL = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_QUARTER = re.compile(r"(?:(\d{4})\s*年)?\s*第?([一二三四1234])\s*季度")
_HALF = re.compile(r"(?:(\d{4})\s*年)?\s*(上|下)半年")
_YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:底|末|年底|年末|12月底)")
_BARE_YEAR_END = re.compile(r"^(?:年底|年末|年底前|年末前)")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def parse_deadline(value: object, year: int) -> tuple[date | None, str]:
    """(deadline, '') — None for an ongoing task (长期坚持, 持续推进) or an empty cell — or (None, Chinese error).

    A date cell is taken as it is; text is read as a date, the end of a month, quarter, half-year or year
    (the ledger's `year` when the text names none)."""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    text = _text(value)
    if not text or any(word in text for word in ONGOING):
        return None, ""
    try:
        if m := _FULL.search(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), ""
        if m := _MONTH.search(text):
            return _month_end(int(m.group(1)), int(m.group(2))), ""
        if m := _QUARTER.search(text):
            return _month_end(int(m.group(1) or year), _QUARTERS[m.group(2)] * 3), ""
        if m := _HALF.search(text):
            return _month_end(int(m.group(1) or year), 6 if m.group(2) == "上" else 12), ""
        if m := _YEAR_END.search(text):
            return date(int(m.group(1)), 12, 31), ""
        if _BARE_YEAR_END.search(text):
            return date(year, 12, 31), ""
        if m := re.fullmatch(r"(\d{1,2})\s*月(?:底|末|份)?(?:前)?", text):
            return _month_end(year, int(m.group(1))), ""
    except ValueError:
        return None, f"完成时限“{text}”不是有效日期"
    return None, f"无法识别完成时限“{text}”"


def read_rows(rows: Sequence[Sequence[object]], year: int) -> tuple[list[TaskRow], list[str]]:
    """The task rows and the Chinese reasons of the rows left out ("第 N 行：…", N as in the spreadsheet)."""
    header = find_header(rows)
    if header is None:
        return [], ["未找到表头：表格须有“任务”（或“工作任务”“内容说明”）和“责任单位”（或“牵头单位”）列。"]
    start, columns = header

    def cell(row: Sequence[object], key: str) -> object:
        col = columns.get(key)
        return row[col] if col is not None and col < len(row) else None

    tasks: list[TaskRow] = []
    errors: list[str] = []
    for index in range(start + 1, len(rows)):
        row = rows[index]
        line = index + 1
        if not any(_text(c) for c in row):
            continue
        # A control character would break every later export of the task (XLSX cannot hold it): the row is refused.
        problem = next(
            (p for c in row if isinstance(c, str) and (p := control_character_problem(c, "单元格"))), ""
        )
        if problem:
            errors.append(f"第 {line} 行：{problem.removesuffix('。')}")
            continue
        title = _text(cell(row, "title"))
        lead = units(_text(cell(row, "lead")))
        if not title:
            errors.append(f"第 {line} 行：缺少任务内容")
            continue
        if not lead:
            errors.append(f"第 {line} 行：缺少责任单位")
            continue
        deadline, problem = parse_deadline(cell(row, "deadline"), year)
        if problem:
            errors.append(f"第 {line} 行：{problem}")
            continue
        category = _text(cell(row, "category")) or "/".join(
            t for t in (_text(cell(row, k)) for k in ("level1", "level2", "level3")) if t
        )
        tasks.append(
            TaskRow(
                line=line,
                number=_text(cell(row, "number"))[:20],
                category=category[:200],
                title=title,
                lead=lead,
                support=[u for u in units(_text(cell(row, "support"))) if u not in lead],
                deadline=deadline,
                deadline_text=_text(cell(row, "deadline"))[:100],
            )
        )
    return tasks, errors
