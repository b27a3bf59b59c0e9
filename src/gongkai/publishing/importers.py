"""Importing and exporting JSONL files: organizations, columns and items (contracts.md "Files"; docs/formats.md).

Every line is one transaction: a bad line is reported as `line N: CODE 中文说明` and nothing of it is stored;
the good lines are kept. The management commands (`gongkai import …`, `gongkai export items`) only parse
their arguments, call the functions here and turn the result into an exit status.

Items are imported as published historical records (`is_historical`), each with revision 1. Re-importing a
file is idempotent on `external_id`: an item is updated in place, and gets a new revision and an audit entry
only when something changed.
"""

from __future__ import annotations

import json
import re
import sys
import time as time_module
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from tqdm import tqdm

from gongkai.core.audit import audit_log, audit_log_many
from gongkai.core.errors import ApplicationError
from gongkai.core.html import text_to_html
from gongkai.core.uploads import ALLOWED, CheckedUpload, check_upload
from gongkai.orgs.codes import normalize_org_code
from gongkai.orgs.importers import org_line_parse
from gongkai.orgs.models import Organization
from gongkai.publishing import selectors, services
from gongkai.publishing.models import (
    Attachment,
    Column,
    InfoItem,
    ItemRelation,
    ItemRevision,
    attachment_path,
)
from gongkai.search import indexing as search_indexing

SHANGHAI = ZoneInfo("Asia/Shanghai")

# ---------------------------------------------------------------- the file loop


class UnreadableFile(Exception):
    """The input cannot be read at all: nothing was done (exit status 2)."""


@dataclass
class ImportResult:
    accepted: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: int = 0

    def add(self, outcome: str) -> None:
        """Count an accepted line: "created" | "updated" | "unchanged"."""
        self.accepted += 1
        if outcome == "created":
            self.created += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1

    @property
    def exit_status(self) -> int:
        """contracts.md: 0 everything accepted, 1 some lines rejected (the good ones are stored)."""
        return 1 if self.rejected else 0

    @property
    def summary(self) -> str:
        return f"导入 {self.accepted} 条，跳过 {self.rejected} 条"


# How a line of an import ended: "created" | "updated" | "unchanged", or why it was rejected.
Outcome = str | ApplicationError


class JsonlFile:
    """A JSONL file read as a stream of raw lines (a province's history does not have to fit in memory).

    Opening it counts its lines (for the progress ETA) and raises UnreadableFile when it cannot be read."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.resolved = self.path.resolve()
            count, last = 0, b""
            with open(self.resolved, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    count += chunk.count(b"\n")
                    last = chunk
            self.line_count = count + (1 if last and not last.endswith(b"\n") else 0)
        except FileNotFoundError as exc:
            raise UnreadableFile(f"文件不存在：{path}") from exc
        except IsADirectoryError as exc:
            raise UnreadableFile(f"{path} 是目录，不是 JSONL 文件。") from exc
        except OSError as exc:
            raise UnreadableFile(f"无法读取文件 {path}：{exc.strerror or exc}") from exc

    @property
    def directory(self) -> Path:
        return self.resolved.parent

    def __iter__(self) -> Iterator[bytes]:
        with open(self.resolved, "rb") as fh:
            yield from fh


class Progress:
    """Count, rate and ETA on stderr (tqdm). On a terminal, a live bar; otherwise (CI, logs) one plain line
    every few seconds and one at the end, so that a log never fills with carriage returns."""

    LOG_INTERVAL = 5.0

    def __init__(self, total: int, err: TextIO, desc: str) -> None:
        self.err, self.total, self.desc = err, total, desc
        self.n = 0
        self.started = self.last = time_module.monotonic()
        self.bar: tqdm | None = None
        if bool(getattr(err, "isatty", lambda: False)()):
            self.bar = tqdm(total=total, file=err, desc=desc, unit="行", mininterval=0.2, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)
            return
        self.n += n
        now = time_module.monotonic()
        if now - self.last >= self.LOG_INTERVAL:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        meter = tqdm.format_meter(
            self.n, self.total, now - self.started, prefix=self.desc, unit="行", ascii=True
        )
        self.err.write(meter + "\n")

    def write(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self.err)
        else:
            self.err.write(message + "\n")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        else:
            self._line(time_module.monotonic())


def decode_line(index: int, raw: bytes) -> Any:
    """One line of a JSONL file as a JSON value (index 0 may start with a BOM); ApplicationError if it is
    not UTF-8 or not JSON."""
    try:
        text = raw.decode("utf-8-sig" if index == 0 else "utf-8")
    except UnicodeDecodeError as exc:
        raise ApplicationError("bad_json", "该行不是有效的 UTF-8 文本。") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApplicationError("bad_json", f"不是有效的 JSON（第 {exc.colno} 列：{exc.msg}）。") from exc


def run_jsonl(
    source: JsonlFile,
    *,
    err: TextIO,
    desc: str,
    handle: Callable[[int, Any], str],
    finish: Callable[[], list[tuple[int, str, str]]] | None = None,
) -> ImportResult:
    """Read the file line by line; `handle(line_no, obj)` stores one object and returns
    "created" | "updated" | "unchanged", or raises ApplicationError to reject the line.
    `finish()` returns warnings (line, code, message) printed after the whole file."""
    result = ImportResult()
    bar = Progress(source.line_count, err, desc)
    try:
        for index, raw in enumerate(source):
            line_no = index + 1
            bar.update(1)
            if not raw.strip():
                continue
            try:
                outcome = handle(line_no, decode_line(index, raw))
            except ApplicationError as exc:
                result.rejected += 1
                bar.write(f"line {line_no}: {exc.code} {exc.message}")
                continue
            except DatabaseError as exc:
                result.rejected += 1
                bar.write(f"line {line_no}: db_error 数据库拒绝了该行：{exc}")
                continue
            result.add(outcome)
    finally:
        bar.close()
    if finish is not None:
        for line_no, code, message in finish():
            result.warnings += 1
            err.write(f"line {line_no}: {code} {message}\n")
    err.write(result.summary + "\n")
    return result


# ---------------------------------------------------------------- small parsers

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?")
_url_validator = URLValidator(schemes=["http", "https"])


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _str(obj: dict[str, Any], name: str, *, max_length: int | None = None) -> str:
    value = obj.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ApplicationError("bad_field", f"字段 {name} 应为字符串。", field=name)
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise ApplicationError("too_long", f"字段 {name} 超过 {max_length} 个字符。", field=name)
    return text


DATE_LABELS = {
    "published_at": "发布日期（published_at）",
    "written_on": "成文日期（written_on）",
    "formed_on": "形成或变更日期（formed_on）",
    "effective_on": "施行日期（effective_on）",
    "valid_until": "有效期至（valid_until）",
    "validity_changed_on": "有效性变更日期（validity_changed_on）",
}


def parse_date(value: Any, name: str) -> date | None:
    """An ISO calendar date `YYYY-MM-DD`; None when absent."""
    label = DATE_LABELS.get(name, name)
    if _is_blank(value):
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise ApplicationError(
            "bad_date", f"{label} 应为 YYYY-MM-DD 格式的日期，收到 {value!r}。", field=name
        )
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ApplicationError("bad_date", f"{label} 日期不存在：{value}。", field=name) from exc


def parse_datetime(value: Any, name: str) -> datetime | None:
    """An ISO date (that day 00:00 Asia/Shanghai) or an ISO 8601 date-time with offset."""
    label = DATE_LABELS.get(name, name)
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        raise ApplicationError("bad_date", f"{label} 应为日期或带时区的日期时间。", field=name)
    text = value.strip()
    if _DATE.fullmatch(text):
        day = parse_date(text, name)
        assert day is not None
        return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI)
    if not _DATETIME.fullmatch(text):
        raise ApplicationError(
            "bad_date", f"{label} 应为 YYYY-MM-DD 或带时区的 ISO 8601 日期时间，收到 {value!r}。", field=name
        )
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApplicationError("bad_date", f"{label} 日期时间不存在：{value}。", field=name) from exc
    if moment.tzinfo is None:
        raise ApplicationError("bad_date", f"{label} 的日期时间须带时区（如 +08:00）：{value}。", field=name)
    return moment


def _str_list(value: Any, name: str) -> list[str]:
    """A list of strings; a single string is a list of one."""
    if _is_blank(value):
        return []
    if isinstance(value, str):
        return [value.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApplicationError("bad_field", f"字段 {name} 应为字符串列表。", field=name)
    return [v.strip() for v in value if v.strip()]


def _dedupe(values: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    result = []
    for value in values:
        if value not in seen:
            seen.add(value)
            result.append(value)
    return result


class _OrgCache:
    """Agencies by code, looked up once per import (items never create agencies)."""

    def __init__(self) -> None:
        self._by_code: dict[str, Organization | None] = {}

    def get(self, raw_code: str, field_name: str) -> Organization:
        code = normalize_org_code(raw_code)
        if code not in self._by_code:
            self._by_code[code] = Organization.objects.filter(code=code).first()
        org = self._by_code[code]
        if org is None:
            raise ApplicationError(
                "unknown_org", f"机构代码 {raw_code} 不存在，请先导入该机关。", field=field_name
            )
        return org


# ---------------------------------------------------------------- organizations


def import_orgs(path: Path, *, err: TextIO, actor: Any = None) -> ImportResult:
    """`gongkai import orgs FILE`: each agency through `org_setup`, so it gets its 专栏.

    A parent must be defined earlier in the file or exist already (else `unknown_org`)."""

    def handle(line_no: int, obj: Any) -> str:
        line = org_line_parse(obj)
        existed = Organization.objects.filter(code=line.code).exists()
        with transaction.atomic():
            services.org_setup(actor=actor, code=line.code, parent_code=line.parent_code, **line.fields)
        return "updated" if existed else "created"

    return run_jsonl(JsonlFile(path), err=err, desc="导入机关", handle=handle)


# ---------------------------------------------------------------- columns


def import_columns(path: Path, *, err: TextIO, actor: Any = None) -> ImportResult:
    """`gongkai import columns FILE`: `{"org", "path", "name"?, "update_class"?, "first_level"?, "responsible"?}`.

    Parents on the path are created on the way; the attributes given apply to the last column. `name` is the display
    name of the last column: it renames the column found at `path`, and a re-import finds the renamed column under the
    same parent, so importing the same line twice changes nothing."""
    orgs = _OrgCache()

    def handle(line_no: int, obj: Any) -> str:
        if not isinstance(obj, dict):
            raise ApplicationError("bad_json", "每行应为一个 JSON 对象。")
        org_code = _str(obj, "org")
        if not org_code:
            raise ApplicationError("missing_field", "缺少机关代码（org）。", field="org")
        col_path = _column_path(_str(obj, "path"))
        if not col_path:
            raise ApplicationError("missing_field", "缺少栏目路径（path）。", field="path")
        update_class = _str(obj, "update_class")
        if update_class and update_class not in Column.UpdateClass.values:
            raise ApplicationError(
                "bad_update_class", "更新类别应为 news、notice、yearly 或 static。", field="update_class"
            )
        first_level = obj.get("first_level")
        if first_level is not None and not isinstance(first_level, bool):
            raise ApplicationError("bad_field", "first_level 应为 true 或 false。", field="first_level")
        responsible = _str(obj, "responsible", max_length=100)
        name = _str(obj, "name", max_length=100)
        if "/" in name:
            raise ApplicationError("bad_field", "栏目名称（name）不能包含“/”。", field="name")
        org = orgs.get(org_code, "org")
        renamed_path = "/".join([*col_path.split("/")[:-1], name]) if name else ""
        with transaction.atomic():
            column = services.column_by_path(org=org, path=col_path, create=False)
            if column is None and renamed_path:
                column = services.column_by_path(org=org, path=renamed_path, create=False)
            existed = column is not None
            if column is None:
                column = services.column_by_path(org=org, path=col_path, create=True, actor=actor)
            assert column is not None
            wanted_name = name or column.name
            wanted_class = update_class or column.update_class
            wanted_first = column.first_level if first_level is None else first_level
            wanted_responsible = responsible if "responsible" in obj else column.responsible
            if (wanted_name, wanted_class, wanted_first, wanted_responsible) != (
                column.name,
                column.update_class,
                column.first_level,
                column.responsible,
            ):
                services.column_update(
                    actor=actor,
                    column=column,
                    name=wanted_name,
                    update_class=wanted_class,
                    responsible=wanted_responsible,
                    first_level=wanted_first,
                    sort_order=column.sort_order,
                )
                return "updated" if existed else "created"
        return "unchanged" if existed else "created"

    return run_jsonl(JsonlFile(path), err=err, desc="导入栏目", handle=handle)


def _column_path(raw: str) -> str:
    """`a / b/c` → `a/b/c`; empty segments are dropped. Each name is at most 100 characters."""
    parts = [p.strip() for p in raw.split("/") if p.strip()]
    for part in parts:
        if len(part) > 100:
            raise ApplicationError("bad_column", f"栏目名称“{part[:20]}…”超过 100 个字符。", field="columns")
    return "/".join(parts)


# ---------------------------------------------------------------- items: parsing a line

RELATION_TYPES = tuple(ItemRelation.Type.values)
# Plain text fields of the format and their stored lengths (InfoItem).
ITEM_STR_FIELDS = {
    "doc_no": 100,
    "subject": 100,
    "genre": 20,
    "disclosure_reason": 500,
    "source": 200,
}
ITEM_DATE_FIELDS = ("written_on", "formed_on", "effective_on", "valid_until", "validity_changed_on")


@dataclass
class ParsedAttachment:
    name: str
    url: str = ""
    data: bytes | None = None  # content read from `path`, to be stored
    stored_name: str = ""  # an existing stored file (a `/files/…` URL of this platform)
    checked: CheckedUpload | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes two attachments the same: name and content hash, or name and link."""
        if self.checked is not None:
            return (self.checked.name, self.checked.sha256, "")
        return (self.name, "", self.url)


@dataclass
class ParsedItem:
    external_id: str
    org_code: str
    data: services.ItemData
    published_at: datetime
    index_no: str = ""
    column_paths: list[str] = field(default_factory=list)
    issuer_codes: list[str] = field(default_factory=list)
    relations: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)


def _parse_attachment(raw: Any, base_dir: Path, position: int) -> ParsedAttachment:
    label = f"第 {position} 个附件"
    if not isinstance(raw, dict):
        raise ApplicationError("bad_attachment", f'{label}应为 {{"name", "path"}} 或 {{"name", "url"}}。')
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise ApplicationError("bad_attachment", f"{label}的 name 应为字符串。", field="attachments")
    name = (name or "").strip()
    path_value, url_value = raw.get("path"), raw.get("url")
    if bool(_is_blank(path_value)) == bool(_is_blank(url_value)):
        raise ApplicationError("bad_attachment", f"{label}须有且只有 path 或 url 之一。", field="attachments")
    if not _is_blank(path_value):
        if not isinstance(path_value, str):
            raise ApplicationError("bad_attachment", f"{label}的 path 应为字符串。", field="attachments")
        rel = PurePosixPath(path_value.strip().replace("\\", "/"))
        if rel.is_absolute() or ".." in rel.parts:
            raise ApplicationError(
                "bad_path",
                f"{label}的路径 {path_value} 须是 JSONL 文件所在目录下的相对路径。",
                field="attachments",
            )
        full = base_dir.joinpath(*rel.parts)
        if not full.resolve().is_relative_to(base_dir.resolve()):  # a symbolic link out of the directory
            raise ApplicationError(
                "bad_path", f"{label}的路径 {path_value} 指向 JSONL 文件所在目录之外。", field="attachments"
            )
        try:
            content = full.read_bytes()
        except OSError as exc:
            raise ApplicationError(
                "missing_file", f"{label}的文件 {path_value} 不存在或无法读取。", field="attachments"
            ) from exc
        if not name:
            name = rel.name
        elif PurePosixPath(name).suffix.lower().lstrip(".") not in ALLOWED and rel.suffix:
            name += rel.suffix  # "实施方案" + files/plan.pdf → 实施方案.pdf
        checked = check_upload(name, content, max_bytes=settings.GONGKAI_ATTACHMENT_MAX_BYTES)
        return ParsedAttachment(name=checked.name, data=content, checked=checked)
    if not isinstance(url_value, str):
        raise ApplicationError("bad_attachment", f"{label}的 url 应为字符串。", field="attachments")
    url = url_value.strip()
    if len(url) > 1000:
        raise ApplicationError("too_long", f"{label}的链接超过 1000 个字符。", field="attachments")
    media_url = settings.MEDIA_URL
    if url.startswith(media_url) and len(url) > len(media_url):
        # A file of this platform (an export of it): keep it as a stored file when we hold it.
        stored = url[len(media_url) :]
        parts = PurePosixPath(stored).parts
        if parts[:1] == ("attachments",) and ".." not in parts and default_storage.exists(stored):
            with default_storage.open(stored, "rb") as fh:
                content = fh.read()
            checked = check_upload(
                name or PurePosixPath(stored).name, content, max_bytes=settings.GONGKAI_ATTACHMENT_MAX_BYTES
            )
            return ParsedAttachment(name=checked.name, stored_name=stored, checked=checked)
    if not url.startswith("/") or url.startswith("//"):
        try:
            _url_validator(url)
        except ValidationError as exc:
            raise ApplicationError("bad_url", f"{label}的链接 {url} 无效。", field="attachments") from exc
    if not name:
        name = url.rstrip("/").rsplit("/", 1)[-1] or "附件"
    if len(name) > 255:
        raise ApplicationError("too_long", f"{label}的名称超过 255 个字符。", field="attachments")
    return ParsedAttachment(name=name, url=url)


def item_line_parse(obj: Any, *, base_dir: Path) -> ParsedItem:
    """Check one decoded JSON object of an items file (no database writes; reads attachment files)."""
    if not isinstance(obj, dict):
        raise ApplicationError("bad_json", "每行应为一个 JSON 对象。")
    external_id = _str(obj, "external_id", max_length=200)
    if not external_id:
        raise ApplicationError("missing_field", "缺少外部编号（external_id）。", field="external_id")
    org_code = _str(obj, "org")
    if not org_code:
        raise ApplicationError("missing_field", "缺少发布机构代码（org）。", field="org")
    title = _str(obj, "title")
    if not title:
        raise ApplicationError("missing_field", "缺少标题（title）。", field="title")
    published_at = parse_datetime(obj.get("published_at"), "published_at")
    if published_at is None:
        raise ApplicationError("missing_field", "缺少发布日期（published_at）。", field="published_at")
    body_html = obj.get("body_html")
    body_text = obj.get("body_text")
    for name, value in (("body_html", body_html), ("body_text", body_text)):
        if value is not None and not isinstance(value, str):
            raise ApplicationError("bad_field", f"字段 {name} 应为字符串。", field=name)
    dates = {name: parse_date(obj.get(name), name) for name in ITEM_DATE_FIELDS}
    texts = {name: _str(obj, name, max_length=length) for name, length in ITEM_STR_FIELDS.items()}
    keywords_value = obj.get("keywords")
    if isinstance(keywords_value, list):
        keywords = " ".join(_str_list(keywords_value, "keywords"))
    else:
        keywords = _str(obj, "keywords")
    if len(keywords) > 300:
        raise ApplicationError("too_long", "主题词（keywords）超过 300 个字符。", field="keywords")
    data = services.ItemData(
        title=title,
        # Plain text becomes paragraphs here and then goes through the same sanitizer as HTML, so that the
        # stored body is in the sanitizer's canonical form and an exported body re-imports unchanged.
        body_html=body_html or text_to_html(body_text or ""),
        doc_no=texts["doc_no"],
        subject=texts["subject"],
        genre=texts["genre"],
        keywords=keywords,
        kind=_str(obj, "kind") or InfoItem.Kind.OTHER,
        disclosure=_str(obj, "disclosure") or InfoItem.Disclosure.PROACTIVE,
        disclosure_reason=texts["disclosure_reason"],
        validity=_str(obj, "validity") or InfoItem.Validity.VALID,
        validity_changed_on=dates["validity_changed_on"],
        effective_on=dates["effective_on"],
        valid_until=dates["valid_until"],
        written_on=dates["written_on"],
        formed_on=dates["formed_on"],
        source=texts["source"],
    )
    index_no = _str(obj, "index_no", max_length=80)
    column_paths = []
    for raw_path in _str_list(obj.get("columns"), "columns"):
        col_path = _column_path(raw_path)
        if not col_path:
            raise ApplicationError("bad_column", f"栏目路径 {raw_path!r} 无效。", field="columns")
        column_paths.append(col_path)
    relations: list[tuple[str, str]] = []
    raw_relations = obj.get("relations")
    if not _is_blank(raw_relations):
        if not isinstance(raw_relations, list):
            raise ApplicationError("bad_relation", "relations 应为列表。", field="relations")
        for raw in raw_relations:
            if not isinstance(raw, dict):
                raise ApplicationError("bad_relation", '每个关系应为 {"type", "target"}。', field="relations")
            rel_type, target = raw.get("type"), raw.get("target")
            if rel_type not in RELATION_TYPES:
                raise ApplicationError(
                    "bad_relation",
                    f"关系类型 {rel_type!r} 无效，应为 interprets、amends、repeals 或 replaces。",
                    field="relations",
                )
            if not isinstance(target, str | int) or isinstance(target, bool) or not str(target).strip():
                raise ApplicationError(
                    "bad_relation", "关系缺少目标的外部编号（target）。", field="relations"
                )
            target = str(target).strip()
            if len(target) > 200:
                raise ApplicationError("too_long", "关系目标的外部编号超过 200 个字符。", field="relations")
            if target == external_id:
                raise ApplicationError("self_relation", "文件不能与自身建立关系。", field="relations")
            relations.append((rel_type, target))
    raw_attachments = obj.get("attachments")
    attachments: list[ParsedAttachment] = []
    if not _is_blank(raw_attachments):
        if not isinstance(raw_attachments, list):
            raise ApplicationError("bad_attachment", "attachments 应为列表。", field="attachments")
        attachments = [_parse_attachment(a, base_dir, i) for i, a in enumerate(raw_attachments, start=1)]
    return ParsedItem(
        external_id=external_id,
        org_code=org_code,
        data=data,
        published_at=published_at,
        index_no=index_no,
        column_paths=_dedupe(column_paths),
        issuer_codes=_dedupe(normalize_org_code(c) for c in _str_list(obj.get("issuers"), "issuers")),
        relations=_dedupe(relations),
        attachments=attachments,
    )


# ---------------------------------------------------------------- items: storing a line

# Stored fields an import may change; compared to tell an unchanged re-import (no new revision).
_ITEM_SCALARS = (
    "org_id",
    "index_no",
    "doc_no_norm",
    *services.ITEM_DATA_SCALARS,
    "published_at",
    "body_html",
)


class ItemImporter:
    """Stores parsed item lines; keeps the per-run caches and the relations waiting for their targets."""

    def __init__(self, *, base_dir: Path, actor: Any = None) -> None:
        self.base_dir = base_dir
        self.actor = actor
        self.orgs = _OrgCache()
        self._columns: dict[tuple[int, str], Column] = {}
        self._relations: list[tuple[int, str, str, str]] = []  # line, source, type, target
        # External ids that pending relations wait for: a new item with one of them resolves its relations.
        self._waiting: set[str] = set(
            ItemRelation.objects.filter(target__isnull=True)
            .values_list("target_external_id", flat=True)
            .distinct()
        )

    # -- columns: created on the way; remembered only once their line is committed
    def _resolve_columns(
        self, org: Organization, paths: list[str], fresh: dict[tuple[int, str], Column]
    ) -> list[Column]:
        columns = []
        for col_path in paths:
            key = (org.pk, col_path)
            column = self._columns.get(key) or fresh.get(key)
            if column is None:
                column = services.column_by_path(org=org, path=col_path, create=True, actor=self.actor)
                assert column is not None
                fresh[key] = column
            columns.append(column)
        return _dedupe(columns)

    def store_batch(self, lines: list[tuple[int, ParsedItem]]) -> dict[int, Outcome]:
        """Store parsed lines (distinct external ids) in one transaction; the outcome of each line by number.

        New items without relations or stored files — nearly all of a first import — are written with a
        handful of bulk statements for the whole batch (items, column and issuer links, 索引号, revisions,
        audit entries, search index); the others go through `_store` one by one, each in a savepoint so that
        a rejected line leaves nothing behind. An unexpected database error rolls the batch back and its
        lines are stored one transaction each instead, so that the error names its line."""
        fresh: dict[tuple[int, str], Column] = {}
        try:
            with transaction.atomic():
                outcomes = self._store_batch(lines, fresh)
        except DatabaseError:
            return {line_no: self._store_alone(line_no, parsed) for line_no, parsed in lines}
        self._columns.update(fresh)
        for line_no, parsed in lines:
            if not isinstance(outcomes[line_no], ApplicationError):
                self._relations.extend(
                    (line_no, parsed.external_id, t, target) for t, target in parsed.relations
                )
        return outcomes

    def _store_alone(self, line_no: int, parsed: ParsedItem) -> Outcome:
        try:
            return self.store(line_no, parsed)
        except ApplicationError as exc:
            return exc
        except DatabaseError as exc:
            return ApplicationError("db_error", f"数据库拒绝了该行：{exc}")

    def _store_batch(
        self, lines: list[tuple[int, ParsedItem]], fresh: dict[tuple[int, str], Column]
    ) -> dict[int, Outcome]:
        existing = {
            item.external_id: item
            for item in InfoItem.objects.filter(external_id__in=[p.external_id for _, p in lines])
            .select_related("org")
            .prefetch_related("columns", "issuers", "relations_out", "attachments")
        }
        given = [p.index_no for _, p in lines if p.index_no]
        claimed: dict[str, str | None] = {
            number: holder
            for number, holder in InfoItem.objects.filter(index_no__in=given).values_list(
                "index_no", "external_id"
            )
            if number
        }
        outcomes: dict[int, Outcome] = {}
        bulk: list[tuple[InfoItem, ParsedItem, services.ItemData]] = []
        one_by_one: list[tuple[int, ParsedItem, Organization, list[Organization]]] = []

        def claim(parsed: ParsedItem) -> None:
            """The 索引号 a line gives, checked against the database and the earlier lines of the batch."""
            if parsed.index_no:
                holder = claimed.setdefault(parsed.index_no, parsed.external_id)
                if holder != parsed.external_id:
                    raise ApplicationError(
                        "duplicate_index_no", f"索引号 {parsed.index_no} 已被其他信息使用。", field="index_no"
                    )

        for line_no, parsed in lines:
            try:
                org = self.orgs.get(parsed.org_code, "org")
                issuers = [self.orgs.get(code, "issuers") for code in parsed.issuer_codes]
                item = existing.get(parsed.external_id)
                if item is not None and self._unchanged(item, parsed, org, issuers, fresh):
                    outcomes[line_no] = "unchanged"
                elif item is not None or parsed.relations or any(a.checked for a in parsed.attachments):
                    claim(parsed)
                    one_by_one.append((line_no, parsed, org, issuers))
                else:
                    new_item, data = self._new_item(parsed, org, issuers)  # checks, writes nothing
                    claim(parsed)
                    data.columns = self._resolve_columns(org, parsed.column_paths, fresh)
                    bulk.append((new_item, parsed, data))
                    outcomes[line_no] = "created"
            except ApplicationError as exc:
                outcomes[line_no] = exc
        if bulk:
            self._bulk_create(bulk, reserved=set(claimed))
        for line_no, parsed, org, issuers in one_by_one:
            line_fresh: dict[tuple[int, str], Column] = {}
            try:
                with transaction.atomic():
                    outcomes[line_no] = self._store(parsed, org, issuers, line_fresh)
            except ApplicationError as exc:
                outcomes[line_no] = exc
                continue
            fresh.update(line_fresh)
        return outcomes

    def _unchanged(
        self,
        item: InfoItem,
        parsed: ParsedItem,
        org: Organization,
        issuers: list[Organization],
        fresh: dict[tuple[int, str], Column],
    ) -> bool:
        """Whether re-importing this line over its stored item (relations prefetched) would change nothing."""
        columns = []
        for col_path in parsed.column_paths:
            key = (org.pk, col_path)
            column = self._columns.get(key) or fresh.get(key)
            if column is None:
                column = services.column_by_path(org=org, path=col_path, create=False)
                if column is None:
                    return False  # a new column: changed
                fresh[key] = column
            columns.append(column)
        before = self._state(item)
        probe = InfoItem(pk=item.pk, index_no=item.index_no)
        probe.org = org
        services.apply_item_data(probe, parsed.data)
        probe.published_at = parsed.published_at
        if parsed.index_no:
            probe.index_no = parsed.index_no
        after = {
            **{name: getattr(probe, name) for name in _ITEM_SCALARS},
            "columns": sorted({c.pk for c in columns}),
            "issuers": sorted({o.pk for o in issuers if o.pk != org.pk}),
            "relations": sorted(parsed.relations),
            "attachments": [a.key for a in parsed.attachments],
        }
        return after == before

    def _new_item(
        self, parsed: ParsedItem, org: Organization, issuers: list[Organization]
    ) -> tuple[InfoItem, services.ItemData]:
        """Check a line for a new item and build the item, not saved; its columns are the caller's."""
        data = parsed.data
        data.issuers = [o for o in _dedupe(issuers) if o.pk != org.pk]
        data.columns = []
        published_on = timezone.localdate(parsed.published_at, SHANGHAI)
        services.item_data_check(org=org, data=data, strict_genre=False, published_on=published_on)
        item = InfoItem(
            external_id=parsed.external_id,
            status=InfoItem.Status.PUBLISHED,
            is_historical=True,
            org=org,
            published_at=parsed.published_at,
            index_no=parsed.index_no or None,
            revision=1,
        )
        services.apply_item_data(item, data)
        return item, data

    def _bulk_create(
        self, rows: list[tuple[InfoItem, ParsedItem, services.ItemData]], *, reserved: set[str]
    ) -> None:
        """Write new items and everything that goes with them, a few statements for the whole batch."""
        items = [item for item, _, _ in rows]
        unnumbered = [item for item in items if not item.index_no]
        numbers = services.index_nos_allocate(
            [(item.org, timezone.localdate(item.published_at, SHANGHAI)) for item in unnumbered],
            reserved=reserved,
        )
        for item, number in zip(unnumbered, numbers, strict=True):
            item.index_no = number
        InfoItem.objects.bulk_create(items)  # primary keys come back (RETURNING) on both databases
        through = InfoItem.columns.through
        through.objects.bulk_create(
            [through(infoitem_id=item.pk, column_id=c.pk) for item, _, data in rows for c in data.columns]
        )
        through_i = InfoItem.issuers.through
        through_i.objects.bulk_create(
            [
                through_i(infoitem_id=item.pk, organization_id=o.pk)
                for item, _, data in rows
                for o in data.issuers
            ]
        )
        attachments: dict[int, list[Attachment]] = {
            item.pk: [
                Attachment(item=item, name=a.name, url=a.url, sort_order=order)
                for order, a in enumerate(parsed.attachments)
            ]
            for item, parsed, _ in rows
        }
        Attachment.objects.bulk_create([a for group in attachments.values() for a in group])
        waited = [item.external_id for item in items if item.external_id in self._waiting]
        if waited:
            # Relations that waited for these items (earlier lines, earlier imports) now find them.
            ItemRelation.objects.filter(target_external_id__in=waited, target__isnull=True).update(
                target_id=Subquery(
                    InfoItem.objects.filter(external_id=OuterRef("target_external_id")).values("pk")[:1]
                )
            )
        created_by = self.actor if getattr(self.actor, "pk", None) else None
        ItemRevision.objects.bulk_create(
            [
                ItemRevision(
                    item=item,
                    number=item.revision,
                    snapshot=services.item_snapshot(
                        item, column_ids=[c.pk for c in data.columns], attachments=attachments[item.pk]
                    ),
                    reason="导入",
                    created_by=created_by,
                )
                for item, _, data in rows
            ]
        )
        search_indexing.items_changed(items)
        audit_log_many(
            actor=self.actor,
            action="item.import",
            entries=[
                (
                    item,
                    item.org.code,
                    item.status,
                    {"external_id": item.external_id, "created": True, "revision": item.revision},
                )
                for item in items
            ],
        )

    def store(self, line_no: int, parsed: ParsedItem) -> str:
        org = self.orgs.get(parsed.org_code, "org")
        issuers = [self.orgs.get(code, "issuers") for code in parsed.issuer_codes]
        fresh: dict[tuple[int, str], Column] = {}
        with transaction.atomic():
            outcome = self._store(parsed, org, issuers, fresh)
        self._columns.update(fresh)
        for rel_type, target in parsed.relations:
            self._relations.append((line_no, parsed.external_id, rel_type, target))
        return outcome

    def _store(
        self,
        parsed: ParsedItem,
        org: Organization,
        issuers: list[Organization],
        fresh: dict[tuple[int, str], Column],
    ) -> str:
        data = parsed.data
        data.columns = self._resolve_columns(org, parsed.column_paths, fresh)
        data.issuers = [o for o in _dedupe(issuers) if o.pk != org.pk]
        published_on = timezone.localdate(parsed.published_at, SHANGHAI)
        services.item_data_check(org=org, data=data, strict_genre=False, published_on=published_on)
        if parsed.index_no:
            clash = InfoItem.objects.filter(index_no=parsed.index_no).exclude(external_id=parsed.external_id)
            if clash.exists():
                raise ApplicationError(
                    "duplicate_index_no", f"索引号 {parsed.index_no} 已被其他信息使用。", field="index_no"
                )

        # A cheap one-column probe first: most lines of a first import are new items.
        found = list(InfoItem.objects.filter(external_id=parsed.external_id).values_list("pk", flat=True)[:1])
        item = InfoItem.objects.select_for_update().get(pk=found[0]) if found else None
        created = item is None
        if item is None:
            item = InfoItem(
                external_id=parsed.external_id,
                status=InfoItem.Status.PUBLISHED,
                is_historical=True,
            )
            before: dict[str, Any] = {}
        else:
            before = self._state(item)
        item.org = org
        services.apply_item_data(item, data)
        item.published_at = parsed.published_at
        if parsed.index_no:
            item.index_no = parsed.index_no
        after_scalars = {name: getattr(item, name) for name in _ITEM_SCALARS}
        if not created:
            after = {
                **after_scalars,
                "columns": sorted(c.pk for c in data.columns),
                "issuers": sorted(o.pk for o in data.issuers),
                "relations": sorted(parsed.relations),
                "attachments": [a.key for a in parsed.attachments],
            }
            if after == before:
                return "unchanged"
        if not item.index_no:
            item.index_no = services.index_no_allocate(org=org, on=published_on)
        item.revision += 1  # the revision recorded below
        item.save()
        if created:
            self._add_m2m(item, data)
        else:
            services.set_item_relations(item, data)
        if created and item.external_id in self._waiting:
            # Relations that waited for this item (earlier lines, earlier imports) now find it.
            ItemRelation.objects.filter(target_external_id=item.external_id, target__isnull=True).update(
                target=item
            )
        self._store_relations(item, parsed.relations, created, self._waiting)
        if created or before["attachments"] != [a.key for a in parsed.attachments]:
            self._store_attachments(item, parsed.attachments, created)
        revision = ItemRevision.objects.create(
            item=item,
            number=item.revision,
            snapshot=services.item_snapshot(item),
            reason="导入" if created else "重新导入",
            created_by=self.actor if getattr(self.actor, "pk", None) else None,
        )
        search_indexing.item_changed(item)
        audit_log(
            actor=self.actor,
            action="item.import",
            obj=item,
            org_code=org.code,
            to_state=item.status,
            data={"external_id": item.external_id, "created": created, "revision": revision.number},
        )
        return "created" if created else "updated"

    @staticmethod
    def _state(item: InfoItem) -> dict[str, Any]:
        """What an import may change, read through `.all()` so that prefetched relations are used."""
        state = {name: getattr(item, name) for name in _ITEM_SCALARS}
        state["columns"] = sorted(c.pk for c in item.columns.all())
        state["issuers"] = sorted(o.pk for o in item.issuers.all())
        state["relations"] = sorted((r.type, r.target_external_id) for r in item.relations_out.all())
        state["attachments"] = [
            (a.name, a.sha256, "") if a.file else (a.name, "", a.url) for a in item.attachments.all()
        ]
        return state

    @staticmethod
    def _store_relations(
        item: InfoItem, relations: list[tuple[str, str]], created: bool, waiting: set[str]
    ) -> None:
        wanted = set(relations)
        if not created:
            for rel in item.relations_out.all():
                if (rel.type, rel.target_external_id) in wanted:
                    wanted.discard((rel.type, rel.target_external_id))
                else:
                    rel.delete()
        if not wanted:
            return
        targets = dict(
            InfoItem.objects.filter(external_id__in={t for _, t in wanted}).values_list("external_id", "pk")
        )
        for target_pk in {targets[t] for _, t in wanted if t in targets}:
            # A amends B amends A: refused like a self-relation (contracts.md `relation_cycle`).
            if services.relation_reaches(InfoItem(pk=target_pk), item):
                raise ApplicationError(
                    "relation_cycle", "关联会形成循环（如甲修改乙、乙又修改甲），本行未导入。"
                )
        ItemRelation.objects.bulk_create(
            [
                ItemRelation(
                    source=item, type=rel_type, target_external_id=target, target_id=targets.get(target)
                )
                for rel_type, target in sorted(wanted)
            ]
        )
        waiting.update(target for _, target in wanted if target not in targets)

    @staticmethod
    def _store_attachments(item: InfoItem, attachments: list[ParsedAttachment], created: bool) -> None:
        if not created:
            item.attachments.all().delete()
        for order, parsed in enumerate(attachments):
            checked = parsed.checked
            if checked is None:
                Attachment.objects.create(item=item, name=parsed.name, url=parsed.url, sort_order=order)
                continue
            attachment = Attachment(
                item=item,
                name=checked.name,
                size=checked.size,
                sha256=checked.sha256,
                content_type=checked.content_type,
                sort_order=order,
            )
            # Files are stored by content (attachments/ab/abcd…): the same file is written once.
            target = parsed.stored_name or attachment_path(attachment, checked.name)
            if default_storage.exists(target):
                attachment.file.name = target
            else:
                assert parsed.data is not None
                attachment.file.save(checked.name, ContentFile(parsed.data), save=False)
            attachment.save()

    @staticmethod
    def _add_m2m(item: InfoItem, data: services.ItemData) -> None:
        """A new item's columns and issuers, one insert each (what set_item_relations does, without the
        look-up of existing rows that a new item cannot have)."""
        if data.columns:
            through = InfoItem.columns.through
            through.objects.bulk_create([through(infoitem_id=item.pk, column_id=c.pk) for c in data.columns])
        issuers = [o for o in data.issuers if o.pk != item.org_id]
        if issuers:
            through_i = InfoItem.issuers.through
            through_i.objects.bulk_create(
                [through_i(infoitem_id=item.pk, organization_id=o.pk) for o in issuers]
            )

    def pending_warnings(self) -> list[tuple[int, str, str]]:
        """Relations whose target is still not on the platform after the whole file.

        First resolves every pending relation whose target exists now (a writer running beside this
        import may have added either side)."""
        ItemRelation.objects.filter(target__isnull=True).update(
            target_id=Subquery(
                InfoItem.objects.filter(external_id=OuterRef("target_external_id")).values("pk")[:1]
            )
        )
        targets = {target for _, _, _, target in self._relations}
        present: set[str] = set()
        target_list = sorted(targets)
        for start in range(0, len(target_list), 500):
            chunk = target_list[start : start + 500]
            present.update(
                eid
                for eid in InfoItem.objects.filter(external_id__in=chunk).values_list(
                    "external_id", flat=True
                )
                if eid
            )
        labels = dict(ItemRelation.Type.choices)
        return [
            (
                line_no,
                "pending_target",
                f"{source} 的{labels[rel_type]}关系目标 {target} 尚不在平台上；信息已导入，目标导入后自动关联。",
            )
            for line_no, source, rel_type, target in self._relations
            if target not in present
        ]


ITEM_BATCH_SIZE = 1000
ITEM_BATCH_BYTES = 64 << 20  # attachment content held in memory by one batch


def import_items(
    path: Path, *, err: TextIO, actor: Any = None, batch_size: int = ITEM_BATCH_SIZE
) -> ImportResult:
    """`gongkai import items FILE`: see the module docstring and docs/formats.md.

    Lines are parsed one by one and stored in batches of `batch_size`, one transaction each
    (`ItemImporter.store_batch`): a run killed mid-way keeps the batches already committed, and running it
    again finds them by external_id (unchanged) and stores the rest. Rejected lines are reported in line
    order once their batch is done."""
    source = JsonlFile(path)
    importer = ItemImporter(base_dir=source.directory, actor=actor)
    result = ImportResult()
    bar = Progress(source.line_count, err, "导入信息")
    batch: list[tuple[int, ParsedItem]] = []
    refused: dict[int, Outcome] = {}  # lines of the current batch's span rejected when parsed
    external_ids: set[str] = set()
    state = {"read": 0, "bytes": 0}

    def flush() -> None:
        outcomes = {**refused, **(importer.store_batch(batch) if batch else {})}
        for line_no in sorted(outcomes):
            outcome = outcomes[line_no]
            if isinstance(outcome, ApplicationError):
                result.rejected += 1
                bar.write(f"line {line_no}: {outcome.code} {outcome.message}")
            else:
                result.add(outcome)
        bar.update(state["read"])
        batch.clear()
        refused.clear()
        external_ids.clear()
        state["read"] = state["bytes"] = 0

    try:
        for index, raw in enumerate(source):
            state["read"] += 1
            if not raw.strip():
                continue
            try:
                parsed = item_line_parse(decode_line(index, raw), base_dir=importer.base_dir)
            except ApplicationError as exc:
                refused[index + 1] = exc
                continue
            if parsed.external_id in external_ids:
                flush()  # the same item twice: the later line updates what the earlier one stored
            batch.append((index + 1, parsed))
            external_ids.add(parsed.external_id)
            state["bytes"] += sum(len(a.data or b"") for a in parsed.attachments)
            if len(batch) >= batch_size or state["bytes"] >= ITEM_BATCH_BYTES:
                flush()
        flush()
    finally:
        bar.close()
    for line_no, code, message in importer.pending_warnings():
        result.warnings += 1
        err.write(f"line {line_no}: {code} {message}\n")
    err.write(result.summary + "\n")
    return result


# ---------------------------------------------------------------- items: export


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def item_record(item: InfoItem, column_paths: dict[int, str]) -> dict[str, Any]:
    """One item in the import format. Expects columns, issuers, relations_out and attachments prefetched."""
    attachments = []
    for a in item.attachments.all():
        if a.file:
            attachments.append({"name": a.name, "url": a.file.url})
        else:
            attachments.append({"name": a.name, "url": a.url})
    return {
        "external_id": item.external_id or f"pk:{item.pk}",
        "org": item.org.code,
        "title": item.title,
        "body_html": item.body_html,
        "doc_no": item.doc_no,
        "index_no": item.index_no or None,
        "written_on": _iso(item.written_on),
        "published_at": timezone.localtime(item.published_at, SHANGHAI).isoformat()
        if item.published_at
        else None,
        "formed_on": _iso(item.formed_on),
        "subject": item.subject,
        "genre": item.genre,
        "kind": item.kind,
        "disclosure": item.disclosure,
        "disclosure_reason": item.disclosure_reason,
        "validity": selectors.effective_validity(item),  # as it is today (issue 7 §12)
        "validity_changed_on": _iso(item.validity_changed_on),
        "effective_on": _iso(item.effective_on),
        "valid_until": _iso(item.valid_until),
        "issuers": sorted(o.code for o in item.issuers.all()),
        "columns": sorted(column_paths.get(c.pk, c.name) for c in item.columns.all()),
        "keywords": item.keywords,
        "source": item.source,
        "attachments": attachments,
        "relations": sorted(
            ({"type": r.type, "target": r.target_external_id} for r in item.relations_out.all()),
            key=lambda r: (r["type"], r["target"]),
        ),
    }


def export_items(out: TextIO, *, org_code: str | None = None) -> int:
    """Write the published items (all, or one agency's) as JSONL; returns how many.

    Drafts, items under review and withdrawn items are not exported: importing a line publishes it."""
    items = InfoItem.objects.filter(status=InfoItem.Status.PUBLISHED)
    if org_code:
        org = Organization.objects.filter(code=normalize_org_code(org_code)).first()
        if org is None:
            raise ApplicationError("unknown_org", f"机构代码 {org_code} 不存在。", field="org")
        items = items.filter(org=org)
    column_paths = selectors.column_paths()
    count = 0
    queryset = (
        items.select_related("org")
        .prefetch_related("columns", "issuers", "relations_out", "attachments")
        .order_by("pk")
    )
    for item in queryset.iterator(chunk_size=500):
        out.write(json.dumps(item_record(item, column_paths), ensure_ascii=False) + "\n")
        count += 1
    return count


def stderr_of(options: dict[str, Any]) -> TextIO:
    """The raw error stream of a management command (call_command(stderr=…) or the process's)."""
    return options.get("stderr") or sys.stderr


def stdout_of(options: dict[str, Any]) -> TextIO:
    return options.get("stdout") or sys.stdout
