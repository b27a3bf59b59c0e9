"""Search parameters as the page, the API and the command line give them: checked once, here.

A bad value is an `ApplicationError` with a stable code and a Chinese message (the page shows it on the form,
the API returns it as a 400, the command exits with status 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from gongkai.core.errors import ApplicationError
from gongkai.publishing.models import InfoItem

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_DEPTH = 10_000  # results reachable by paging
MAX_PARAM_CHARS = 200
SORTS = {"relevance": "按相关度", "date": "按发布日期"}
FACET_PARAMS = ("org", "subject", "genre", "year", "validity", "column")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    within: str = ""
    org: str = ""  # agency code
    subject: str = ""  # 主题分类, top level
    genre: str = ""  # 公文种类
    year: int | None = None
    validity: str = ""
    column: int | None = None
    published_after: date | None = None
    published_before: date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE

    def to_query(self, **changes: Any) -> dict[str, str]:
        """The non-default parameters as strings (for links), with `changes` applied (None drops one)."""
        out: dict[str, str] = {}
        current = replace(self, **{k: v for k, v in changes.items() if v is not None})
        dropped = {k for k, v in changes.items() if v is None}
        for f in fields(self):
            value = getattr(current, f.name)
            if f.name in dropped or value in (None, "") or value == f.default:
                continue
            out[f.name] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    return str(value).replace("\x00", "")[
        : MAX_PARAM_CHARS * 50 if name in {"q", "within"} else MAX_PARAM_CHARS
    ]


def _int(data: Mapping[str, Any], name: str, code: str, message: str, low: int, high: int) -> int | None:
    raw = _text(data, name).strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise ApplicationError(code, message, field=name)
    return int(raw)


def _date(data: Mapping[str, Any], name: str, label: str) -> date | None:
    raw = _text(data, name).strip()
    if not raw:
        return None
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ApplicationError(
            "bad_date", f"{label}应为 YYYY-MM-DD 格式的日期，如 2025-01-31。", field=name
        ) from exc


def parse_params(data: Mapping[str, Any], *, lenient_page: bool = False) -> SearchParams:
    """Check the parameters. `lenient_page` (the page): a page number that is not one means page 1."""
    published_after = _date(data, "published_after", "开始日期")
    published_before = _date(data, "published_before", "结束日期")
    if published_after and published_before and published_after > published_before:
        raise ApplicationError("bad_date", "开始日期不能晚于结束日期。", field="published_after")
    validity = _text(data, "validity").strip()
    if validity and validity not in InfoItem.Validity.values:
        raise ApplicationError("bad_validity", "有效性的取值无效。", field="validity")
    sort = _text(data, "sort").strip() or "relevance"
    if sort not in SORTS:
        raise ApplicationError(
            "bad_sort", "排序方式应为 relevance（相关度）或 date（发布日期）。", field="sort"
        )
    page_size = _int(
        data,
        "page_size",
        "bad_page_size",
        f"每页条数应为 1 到 {MAX_PAGE_SIZE} 之间的整数。",
        1,
        MAX_PAGE_SIZE,
    )
    page_size = page_size or PAGE_SIZE
    max_page = max(1, MAX_DEPTH // page_size)
    page_message = f"页码应为 1 到 {max_page} 之间的整数（最多可查看前 {MAX_DEPTH} 条结果）。"
    try:
        page = _int(data, "page", "bad_page", page_message, 1, max_page) or 1
    except ApplicationError:
        if not lenient_page:
            raise
        page = 1
    return SearchParams(
        q=_text(data, "q"),
        within=_text(data, "within"),
        org=_text(data, "org").strip().upper(),
        subject=_text(data, "subject").strip(),
        genre=_text(data, "genre").strip(),
        year=_int(data, "year", "bad_year", "年份应为四位数字，如 2025。", 1000, 9999),
        validity=validity,
        column=_int(data, "column", "bad_column", "栏目编号应为正整数。", 1, 2**62),
        published_after=published_after,
        published_before=published_before,
        sort=sort,
        page=page,
        page_size=page_size,
    )
