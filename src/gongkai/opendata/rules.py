"""Open-data rules with no Django import: the dataset workflow table, update frequencies, formats.

Workflow (a `core.statemachine.StateMachine`, ADR 0003): draft → submitted → published | returned; published →
withdrawn → published.
A data_publisher of the agency (or a platform admin) publishes directly from draft, submitted or returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from gongkai.core.statemachine import StateMachine, Transition

DRAFT, SUBMITTED, RETURNED, PUBLISHED, WITHDRAWN = "draft", "submitted", "returned", "published", "withdrawn"
STATUS_LABELS = {
    DRAFT: "草稿",
    SUBMITTED: "待审核",
    RETURNED: "已退回",
    PUBLISHED: "已发布",
    WITHDRAWN: "已撤回",
}

# Roles in the dataset's agency: "staff" is any membership there, "data_publisher" the role of that name.
STAFF, PUBLISHER = "staff", "data_publisher"


_STAFF, _PUBLISHER = frozenset({STAFF}), frozenset({PUBLISHER})

# The dataset's table (ADR 0003, core.statemachine).
MACHINE: StateMachine[Transition] = StateMachine(
    (
        Transition("submit", frozenset({DRAFT, RETURNED}), SUBMITTED, _STAFF, "提交审核"),
        Transition("recall", frozenset({SUBMITTED}), DRAFT, _STAFF, "撤回送审"),
        Transition("return", frozenset({SUBMITTED}), RETURNED, _PUBLISHER, "退回修改", needs_comment=True),
        Transition("publish", frozenset({DRAFT, SUBMITTED, RETURNED}), PUBLISHED, _PUBLISHER, "发布"),
        Transition("withdraw", frozenset({PUBLISHED}), WITHDRAWN, _PUBLISHER, "撤回发布", needs_comment=True),
        Transition("republish", frozenset({WITHDRAWN}), PUBLISHED, _PUBLISHER, "重新发布"),
    )
)
# action -> Transition, for lookups by name.
TRANSITIONS: dict[str, Transition] = dict(MACHINE.table)

# States in which ordinary staff may still edit a dataset (and add resources to one waiting for review);
# a data_publisher may edit in any state.
EDITABLE = frozenset({DRAFT, SUBMITTED, RETURNED})


def available_actions(status: str, roles: set[str]) -> list[Transition]:
    return MACHINE.available(status, roles)


# Update frequency (更新频率): code, Chinese word, period in days (None = no promise), DCAT frequency.
FREQUENCIES: dict[str, tuple[str, int | None, str]] = {
    "realtime": ("实时", None, "CONT"),
    "daily": ("每日", 1, "DAILY"),
    "weekly": ("每周", 7, "WEEKLY"),
    "monthly": ("每月", 31, "MONTHLY"),
    "quarterly": ("每季度", 92, "QUARTERLY"),
    "yearly": ("每年", 366, "ANNUAL"),
    "irregular": ("不定期", None, "IRREG"),
}
FREQUENCY_BY_WORD = {word: code for code, (word, _, _) in FREQUENCIES.items()}

OPEN_TYPES = {"unconditional": "无条件开放", "conditional": "有条件开放"}
OPEN_TYPE_BY_WORD = {word: code for code, word in OPEN_TYPES.items()}


def normalize_choice(value: str, codes: Mapping[str, object], words: Mapping[str, str]) -> str | None:
    """Accept the English code or the Chinese word; None when it is neither."""
    value = (value or "").strip()
    if value in codes:
        return value
    return words.get(value)


def stale_due(frequency: str, last_update: date) -> date | None:
    """The date by which a new resource was due after `last_update`; None when the frequency promises none."""
    period = FREQUENCIES.get(frequency, ("", None, ""))[1]
    if period is None:
        return None
    return last_update + timedelta(days=period)


def is_stale(frequency: str, last_update: date, as_of: date) -> bool:
    due = stale_due(frequency, last_update)
    return due is not None and as_of > due


# Resource formats: upper-case format name → allowed file extensions.
FORMATS: dict[str, tuple[str, ...]] = {
    "CSV": ("csv",),
    "XLSX": ("xlsx",),
    "JSON": ("json",),
    "XML": ("xml",),
    "PDF": ("pdf",),
    "SHP": ("zip",),
}
TABULAR = frozenset({"CSV", "XLSX"})

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula(value: str) -> bool:
    """A cell a spreadsheet would run as a formula (CSV injection): `=cmd|...`, `+…`, `@…`.

    A plain negative number ("-3.5") is data, not a formula.
    """
    if not value or value[0] not in FORMULA_PREFIXES:
        return False
    if value[0] in "+-":
        try:
            float(value)
        except ValueError:
            return True
        return False
    return True


def neutralize(value: str) -> str:
    """Prefix a formula-like cell with an apostrophe so spreadsheets show it as text (OWASP advice)."""
    return "'" + value if is_formula(value) else value


def guess_type(values: list[str]) -> str:
    """`int`, `numeric`, `date` or `text` — the narrowest type every non-empty value fits."""
    seen = [v for v in values if v != ""]
    if not seen:
        return "text"
    if all(_is_int(v) for v in seen):
        return "int"
    if all(_is_float(v) for v in seen):
        return "numeric"
    if all(_is_date(v) for v in seen):
        return "date"
    return "text"


def _is_int(v: str) -> bool:
    s = v.strip()
    if s.startswith(("+", "-")):
        s = s[1:]
    # Leading zeros (codes such as 邮编 "050000") stay text.
    return s.isdigit() and s.isascii() and (s == "0" or not s.startswith("0")) and len(s) <= 15


def _is_float(v: str) -> bool:
    s = v.strip().lstrip("+-")
    if not s or not s.isascii() or not s.replace(".", "", 1).isdigit():
        return False
    whole = s.split(".", 1)[0]
    if len(whole) > 1 and whole.startswith("0"):
        return False  # a code such as 050000, not a number
    try:
        float(v)
    except ValueError:
        return False
    return True


def _is_date(v: str) -> bool:
    try:
        date.fromisoformat(v.strip())
    except ValueError:
        return False
    return True


COLUMN_TYPES = {"text": "文本", "int": "整数", "numeric": "数值", "date": "日期"}


def convert(value: str, column_type: str) -> object:
    """A stored cell value for the column type; empty → None. Raises ValueError when it does not fit."""
    if value == "":
        return None
    if column_type == "int":
        if not _is_int(value):
            raise ValueError(value)
        return int(value)
    if column_type == "numeric":
        if not _is_float(value):
            raise ValueError(value)
        return float(value)
    if column_type == "date":
        return date.fromisoformat(value.strip()).isoformat()
    return value


def fits(value: str, column_type: str) -> bool:
    """Whether a non-empty cell value can be stored in a column of that type."""
    if column_type == "text":
        return True
    check = {"int": _is_int, "numeric": _is_float, "date": _is_date}[column_type]
    return check(value)
