"""Text that must survive every output format: control characters and spreadsheet formulas. Pure: no Django import.

Two rules serve every app:
- Input: NUL and the other C0 control characters (except tab, line feed, carriage return) are refused with a Chinese
  message. PostgreSQL text cannot hold NUL, and XML (Open311, DOCX, XLSX) can hold none of them: one stored character
  would break every later export of the record.
- Output: every text cell written to a spreadsheet or CSV goes through `safe_cell` — control characters dropped (rows
  stored before the input rule still export) and formula-like text neutralized (CSV/formula injection, OWASP).
"""

from __future__ import annotations

import re
from typing import Any

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def control_character_problem(text: str, label: str) -> str:
    """A Chinese message when `text` holds a control character, else ""."""
    if not CONTROL_CHARACTERS.search(text):
        return ""
    if "\x00" in text:
        return f"{label}中含有不允许的空字符，请删除后再提交。"
    return f"{label}中含有不允许的控制字符，请删除后再提交。"


def strip_control(text: str) -> str:
    """`text` without the control characters XML cannot hold (tab and line breaks kept)."""
    return CONTROL_CHARACTERS.sub("", text)


def is_formula(value: str) -> bool:
    """A cell a spreadsheet would run as a formula (CSV injection): `=cmd|...`, `+…`, `@…`.

    A plain negative or signed number ("-3.5", "+86") is data, not a formula.
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
    """Prefix a formula-like cell with an apostrophe so spreadsheets show it as text."""
    return "'" + value if is_formula(value) else value


def safe_cell(value: Any) -> Any:
    """A value ready for an XLSX/CSV cell: text without control characters and never a formula; other types as given."""
    if isinstance(value, str):
        return neutralize(strip_control(value))
    return value
