"""One line of an organizations JSONL file, checked and turned into the arguments of `org_setup`.

The file loop (line numbers, transactions, progress, summary) lives in `gongkai.publishing.importers`,
because creating an agency also gives it its 专栏 (a publishing concern). This module only knows the
format (contracts.md "Files → Organizations"; docs/formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from gongkai.core.errors import ApplicationError
from gongkai.orgs.codes import normalize_org_code, org_code_error
from gongkai.orgs.models import Organization
from gongkai.orgs.services import ORG_FIELDS as ORG_FIELDS_SERVICE

# Text fields of the format besides code and parent_code, in the order of docs/formats.md.
ORG_TEXT_FIELDS = tuple(f for f in ORG_FIELDS_SERVICE if f != "sort_order")
ORG_FIELDS = ("code", "parent_code", *ORG_TEXT_FIELDS)

_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class OrgLine:
    """A checked organization line: pass as `org_setup(actor=…, code=…, parent_code=…, **fields)`."""

    code: str
    parent_code: str | None
    fields: dict[str, Any] = field(default_factory=dict)


def _text(obj: dict[str, Any], name: str) -> str | None:
    """The field as a stripped string; None when absent or null. Numbers are accepted (postcode 050000)."""
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ApplicationError("bad_field", f"字段 {name} 应为字符串。", field=name)
    return str(value).strip()


def org_line_parse(obj: Any) -> OrgLine:
    """Check one decoded JSON object of an organizations file. Raises ApplicationError (code, 中文说明).

    Checks here are those of the format (presence, types, lengths, URL); the rules of an agency itself
    (code check character, kind, level, email, postcode, parent exists, no cycle) are checked by
    `org_upsert`, so that the staff pages and the import refuse the same things with the same codes.
    """
    if not isinstance(obj, dict):
        raise ApplicationError("bad_json", "每行应为一个 JSON 对象。")
    code = _text(obj, "code")
    if not code:
        raise ApplicationError("missing_field", "缺少机构代码（code）。", field="code")
    error = org_code_error(code)
    if error:
        raise ApplicationError("bad_code", f"机构代码 {code} 无效：{error}", field="code")
    name = _text(obj, "name")
    if not name:
        raise ApplicationError("missing_field", "缺少机关名称（name）。", field="name")
    if not _text(obj, "kind"):
        raise ApplicationError("missing_field", "缺少机关类型（kind）。", field="kind")
    fields: dict[str, Any] = {}
    for name_ in ORG_TEXT_FIELDS:
        value = _text(obj, name_)
        if value is None:
            continue
        max_length = getattr(Organization._meta.get_field(name_), "max_length", None)
        if max_length and len(value) > max_length:
            raise ApplicationError("too_long", f"字段 {name_} 超过 {max_length} 个字符。", field=name_)
        fields[name_] = value
    website = fields.get("website")
    if website:
        try:
            _url_validator(website)
        except ValidationError as exc:
            raise ApplicationError("bad_url", f"网站地址 {website} 无效。", field="website") from exc
    parent_code = _text(obj, "parent_code") or None
    if parent_code and normalize_org_code(parent_code) == normalize_org_code(code):
        raise ApplicationError("self_relation", "机关不能是自己的上级。", field="parent_code")
    return OrgLine(code=normalize_org_code(code), parent_code=parent_code, fields=fields)


def org_line_dump(org: Organization) -> dict[str, Any]:
    """An agency in the same format (used by tests and by exports that need the agencies too)."""
    record: dict[str, Any] = {
        "code": org.code,
        "parent_code": org.parent.code if org.parent_id and org.parent else None,
    }
    for name_ in ORG_TEXT_FIELDS:
        record[name_] = getattr(org, name_) or ""
    return record
