"""Open311 GeoReport v2 rules (issue 8 item 5; R-INT-2 privacy). Pure: no Django import.

- A service is one of the city's 12345 categories or 市政 issues; each maps to a message category (咨询 … 建议) and
  a receiving agency, so a request posted through Open311 is the same message as one written on the site.
- Status: GeoReport knows `open` and `closed`; a message is `closed` once 办结 or 不予受理, `open` otherwise.
- Errors follow the spec's shape `[{"code": HTTP status, "description": "stable_code: 中文说明"}]`.
- Location: `lat` and `long` (both, decimal degrees) or `address_string`; a coordinate that is not a finite number
  in range is refused.
- Attributes (`attribute[CODE]`): the datatypes of the spec; required ones must be given, list values must be keys
  of the service's value list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

OPEN, CLOSED = "open", "closed"
CLOSED_STATES = frozenset({"closed", "not_accepted"})

DATATYPES = frozenset({"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"})
# The 12345 categories as services: a message written on the site (no service) reports its category's code.
CATEGORY_CODES = {
    "咨询": "consult",
    "求助": "help",
    "投诉": "complaint",
    "举报": "report",
    "意见": "opinion",
    "建议": "suggestion",
}
MAX_DAYS_DEFAULT = 90  # GET requests without dates: the last 90 days (the spec's suggestion)
MAX_RESULTS = 1000


class Open311Error(Exception):
    """A refusal in the spec's shape: `status` is the HTTP status (also the `code` field), `key` a stable code."""

    def __init__(self, status: int, key: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.key = key
        self.description = description

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.status, "description": f"{self.key}: {self.description}"}


def geo_status(message_status: str) -> str:
    return CLOSED if message_status in CLOSED_STATES else OPEN


def parse_statuses(raw: str) -> set[str]:
    """`status=open,closed` → the message states it covers; refuses other words."""
    wanted = {s.strip().lower() for s in raw.split(",") if s.strip()}
    bad = wanted - {OPEN, CLOSED}
    if bad:
        raise Open311Error(400, "bad_status", f"status 只能为 open 或 closed：{sorted(bad)[0]!r}。")
    return wanted


@dataclass(frozen=True)
class Location:
    lat: Decimal | None
    long: Decimal | None
    address: str


def _coordinate(raw: str, name: str, limit: int) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, ValueError):
        raise Open311Error(400, "bad_coordinate", f"{name} 应为十进制度数：{raw[:30]!r}。") from None
    if not value.is_finite() or not math.isfinite(float(value)) or abs(value) > limit:
        raise Open311Error(400, "bad_coordinate", f"{name} 超出范围（-{limit} 至 {limit}）：{raw[:30]!r}。")
    return value.quantize(Decimal("0.000001"))


def parse_location(*, lat: str, long: str, address: str) -> Location:
    """The spec: a location is required, as lat/long or address_string."""
    address = " ".join(address.split())[:200]
    lat, long = lat.strip(), long.strip()
    if lat or long:
        if not (lat and long):
            raise Open311Error(400, "bad_coordinate", "lat 和 long 须同时提供。")
        return Location(_coordinate(lat, "lat", 90), _coordinate(long, "long", 180), address)
    if not address:
        raise Open311Error(400, "missing_location", "请提供位置：lat 和 long，或 address_string。")
    return Location(None, None, address)


def attribute_problems(definitions: list[dict[str, Any]], given: dict[str, list[str]]) -> dict[str, Any]:
    """Check `attribute[CODE]` values against a service's definitions; returns the clean values
    {code: str | list[str]} or raises Open311Error (400)."""
    known = {str(d.get("code")): d for d in definitions}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise Open311Error(400, "unknown_attribute", f"该服务没有属性 {unknown[0]!r}。")
    clean: dict[str, Any] = {}
    for code, d in known.items():
        values = [v.strip() for v in given.get(code, []) if v.strip()]
        if not values:
            if d.get("required"):
                raise Open311Error(
                    400, "missing_attribute", f"缺少必填属性 {code}（{d.get('description', '')}）。"
                )
            continue
        keys = {str(v.get("key")) for v in d.get("values", [])}
        datatype = d.get("datatype", "string")
        if datatype in ("singlevaluelist", "multivaluelist"):
            if any(v not in keys for v in values):
                raise Open311Error(400, "bad_attribute", f"属性 {code} 的取值应为 {sorted(keys)} 之一。")
            clean[code] = values if datatype == "multivaluelist" else values[0]
        elif datatype == "number":
            try:
                number = float(values[0])
            except ValueError:
                raise Open311Error(400, "bad_attribute", f"属性 {code} 应为数字。") from None
            if not math.isfinite(number):
                raise Open311Error(400, "bad_attribute", f"属性 {code} 应为数字。")
            clean[code] = values[0]
        else:
            clean[code] = values[0][:500]
    return clean


def definition_problems(definitions: Any) -> str:
    """A service's attribute definitions as an operator writes them (JSON): '' when fine, else the Chinese reason."""
    if not isinstance(definitions, list):
        return "属性定义应为 JSON 数组。"
    seen: set[str] = set()
    for i, d in enumerate(definitions, start=1):
        if not isinstance(d, dict) or not str(d.get("code", "")).strip():
            return f"第 {i} 个属性缺少 code。"
        code = str(d["code"])
        if code in seen:
            return f"属性 {code} 重复。"
        seen.add(code)
        if d.get("datatype", "string") not in DATATYPES:
            return f"属性 {code} 的 datatype 应为 {'、'.join(sorted(DATATYPES))} 之一。"
        if d.get("datatype") in ("singlevaluelist", "multivaluelist") and not d.get("values"):
            return f"属性 {code} 是列表类型，须给出 values。"
    return ""
