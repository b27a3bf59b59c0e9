"""索引号 patterns (R-PUB-10). Pure: no Django import.

A deployment sets a pattern such as "{org_code}/{year}-{seq:05d}" (000014349/2019-00007) or
"{org_code}-{yyyymm}-{seq:06d}" (015116516-201612-480926). The sequence counts within a *scope*: the pattern
formatted without its {seq} field — so the first form restarts every year and the second every month.
"""

from __future__ import annotations

import re
from datetime import date

_SEQ = re.compile(r"\{seq(?::[^}]*)?\}")
FIELDS = ("org_code", "year", "month", "yyyymm", "yyyy", "seq")


def validate_pattern(pattern: str) -> None:
    if len(_SEQ.findall(pattern)) != 1:
        raise ValueError("索引号规则必须恰好包含一个 {seq} 字段。")
    try:
        format_index_no(pattern, org_code="X", on=date(2000, 1, 1), seq=1)
    except (KeyError, ValueError, IndexError) as exc:
        raise ValueError(f"索引号规则无效：{exc}") from exc


def _values(org_code: str, on: date) -> dict[str, object]:
    return {
        "org_code": org_code,
        "year": on.year,
        "yyyy": on.year,
        "month": on.month,
        "yyyymm": f"{on.year:04d}{on.month:02d}",
    }


def scope_of(pattern: str, *, org_code: str, on: date) -> str:
    """The counter's scope: the pattern with {seq} removed, formatted."""
    return _SEQ.sub("#", pattern).format(**_values(org_code, on))


def format_index_no(pattern: str, *, org_code: str, on: date, seq: int) -> str:
    return pattern.format(seq=seq, **_values(org_code, on))
