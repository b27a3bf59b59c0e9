"""Every open-data write: keyword-only, typed, one transaction, one audit entry; permission checked here."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import Counter
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.uploads import sniff
from gongkai.opendata import conf, rules, selectors, tables, usage
from gongkai.opendata.models import (
    AccessApplication,
    ApiToken,
    DataRequest,
    Dataset,
    DatasetChange,
    DatastoreRow,
    DatastoreTable,
    Resource,
    Tag,
    UsageDay,
)
from gongkai.orgs.models import Membership, Organization, Role, User
from gongkai.orgs.selectors import is_platform_admin

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
TAG_MAX = 100
ROW_BATCH = 1000


# ---------------------------------------------------------------- permissions


def roles_of(user: Any, org: Organization) -> set[str]:
    """{"staff", "data_publisher"} — what the user is in the dataset's agency (platform admins are both)."""
    if is_platform_admin(user):
        return {rules.STAFF, rules.PUBLISHER}
    if not getattr(user, "is_authenticated", False):
        return set()
    held = set(Membership.objects.filter(user=user, org=org).values_list("role", flat=True))
    if not held:
        return set()
    return {rules.STAFF} | ({rules.PUBLISHER} if Role.DATA_PUBLISHER in held else set())


def may_publish(user: Any, org: Organization) -> bool:
    return rules.PUBLISHER in roles_of(user, org)


def _check_editable(actor: Any, dataset: Dataset) -> set[str]:
    roles = roles_of(actor, dataset.org)
    if not roles:
        raise PermissionDenied("您不是该数据集所属单位的工作人员，不能修改它。")
    if rules.PUBLISHER not in roles and dataset.status not in rules.EDITABLE:
        raise PermissionDenied("该数据集已发布或已撤回，只有本单位的数据发布人可以修改。")
    return roles


# ---------------------------------------------------------------- datasets


@dataclass
class DatasetData:
    """The editable fields of a dataset. In an update, fields left as None keep their value."""

    name: str | None = None
    title: str | None = None
    description: str | None = None
    subject: str | None = None
    domain: str | None = None
    tags: list[str] | None = None
    license_id: str | None = None
    update_frequency: str | None = None
    temporal_start: date | None = None
    temporal_end: date | None = None
    spatial: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    open_type: str | None = None


def _validate(data: DatasetData, *, creating: bool, instance: Dataset | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.name is not None or creating:
        name = (data.name or "").strip()
        if not NAME_RE.match(name):
            errors["name"] = "标识须为 2 到 100 个小写字母、数字、“-”或“_”，并以字母或数字开头。"
        elif Dataset.objects.filter(name=name).exclude(pk=instance.pk if instance else 0).exists():
            errors["name"] = "该标识已被其他数据集使用。"
    if (data.title is not None or creating) and not (data.title or "").strip():
        errors["title"] = "请填写数据集名称。"
    if data.title and len(data.title) > 200:
        errors["title"] = "名称不能超过 200 字。"
    if data.update_frequency is not None:
        code = rules.normalize_choice(data.update_frequency, rules.FREQUENCIES, rules.FREQUENCY_BY_WORD)
        if code is None:
            errors["update_frequency"] = (
                "更新频率应为：" + "、".join(w for w, _, _ in rules.FREQUENCIES.values()) + "。"
            )
        else:
            data.update_frequency = code
    if data.open_type is not None:
        code = rules.normalize_choice(data.open_type, rules.OPEN_TYPES, rules.OPEN_TYPE_BY_WORD)
        if code is None:
            errors["open_type"] = "开放类型应为“无条件开放”或“有条件开放”。"
        else:
            data.open_type = code
    start = (
        data.temporal_start
        if data.temporal_start is not None
        else (instance.temporal_start if instance else None)
    )
    end = (
        data.temporal_end if data.temporal_end is not None else (instance.temporal_end if instance else None)
    )
    if start and end and start > end:
        errors["temporal_end"] = "时间范围的结束日期不能早于开始日期。"
    if data.contact_email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(data.contact_email)
        except ValidationError:
            errors["contact_email"] = "联系邮箱格式不正确。"
    if data.tags is not None:
        bad = [t for t in data.tags if not str(t).strip() or len(str(t)) > TAG_MAX]
        if bad:
            errors["tags"] = f"标签不能为空，也不能超过 {TAG_MAX} 字。"
    return errors


class DatasetInvalid(ApplicationError):
    """Field errors of a dataset (the CKAN API returns them as a Validation Error)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid", "；".join(errors.values()), field=next(iter(errors)))
        self.errors = errors


def _apply(dataset: Dataset, data: DatasetData) -> None:
    for f in fields(data):
        value = getattr(data, f.name)
        if value is None or f.name == "tags":
            continue
        setattr(dataset, f.name, value.strip() if isinstance(value, str) else value)


def _set_tags(dataset: Dataset, tags: list[str] | None) -> None:
    if tags is None:
        return
    objs = [Tag.objects.get_or_create(name=str(t).strip())[0] for t in dict.fromkeys(tags)]
    dataset.tags.set(objs)


@transaction.atomic
def dataset_create(*, actor: Any, org: Organization, data: DatasetData, publish: bool = False) -> Dataset:
    """A new dataset. With `publish`, a data_publisher's dataset is published at once and anyone else's waits
    for review (submitted); without it, it is a draft."""
    roles = roles_of(actor, org)
    if not roles:
        raise PermissionDenied("您不是该单位的工作人员，不能为它创建数据集。")
    errors = _validate(data, creating=True)
    if errors:
        raise DatasetInvalid(errors)
    dataset = Dataset(org=org, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    dataset.license_id = conf.default_license()
    _apply(dataset, data)
    if publish:
        if rules.PUBLISHER in roles:
            dataset.status = rules.PUBLISHED
            dataset.published_at = timezone.now()
        else:
            dataset.status = rules.SUBMITTED
    dataset.save()
    _set_tags(dataset, data.tags)
    audit_log(
        actor=actor,
        action="dataset.create",
        obj=dataset,
        org_code=org.code,
        to_state=dataset.status,
        data={"name": dataset.name},
    )
    return dataset


@transaction.atomic
def dataset_update(*, actor: Any, dataset: Dataset, data: DatasetData, submit: bool = False) -> Dataset:
    """Change the given fields. Staff edit drafts and returned datasets; a data_publisher edits any. With
    `submit`, a staff member's edited draft is sent to review."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    roles = _check_editable(actor, dataset)
    errors = _validate(data, creating=False, instance=dataset)
    if errors:
        raise DatasetInvalid(errors)
    before = dataset.status
    _apply(dataset, data)
    if submit and rules.PUBLISHER not in roles and dataset.status in rules.EDITABLE:
        dataset.status = rules.SUBMITTED
    dataset.save()
    _set_tags(dataset, data.tags)
    audit_log(
        actor=actor,
        action="dataset.update",
        obj=dataset,
        org_code=dataset.org.code,
        from_state=before,
        to_state=dataset.status,
        data={"fields": [f.name for f in fields(data) if getattr(data, f.name) is not None]},
    )
    return dataset


def _data_json(data: DatasetData) -> dict[str, Any]:
    """The fields a change gives, as JSON (dates in ISO form)."""
    out: dict[str, Any] = {}
    for f in fields(data):
        value = getattr(data, f.name)
        if value is not None:
            out[f.name] = value.isoformat() if isinstance(value, date) else value
    return out


def _dataset_values(dataset: Dataset, names: Any) -> dict[str, Any]:
    """The dataset's current values of the named fields, in the JSON form of `_data_json` (tags sorted)."""
    out: dict[str, Any] = {}
    for name in names:
        if name == "tags":
            out[name] = sorted(dataset.tags.values_list("name", flat=True))
        else:
            value = getattr(dataset, name)
            out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def _edited_since_proposal(dataset: Dataset, change: DatasetChange) -> list[str]:
    """The proposed fields whose value has changed since the proposal (none for a proposal without a snapshot)."""
    before = change.before or {}
    now = _dataset_values(dataset, before)
    return [name for name in before if name in now and now[name] != before[name]]


def _data_from_json(raw: dict[str, Any]) -> DatasetData:
    known = {f.name for f in fields(DatasetData)}
    values = {k: v for k, v in raw.items() if k in known}
    for name in ("temporal_start", "temporal_end"):
        if isinstance(values.get(name), str):
            values[name] = date.fromisoformat(values[name])
    return DatasetData(**values)


def _check_may_propose(actor: Any, dataset: Dataset, not_needed: str) -> None:
    """Proposals are for the agency's staff who are not its data publisher, on a published or withdrawn dataset."""
    roles = roles_of(actor, dataset.org)
    if not roles:
        raise PermissionDenied("您不是该数据集所属单位的工作人员，不能修改它。")
    if rules.PUBLISHER in roles or dataset.status in rules.EDITABLE:
        raise ApplicationError("not_needed", not_needed)


@transaction.atomic
def dataset_change_propose(*, actor: Any, dataset: Dataset, data: DatasetData) -> DatasetChange:
    """Staff who are not the agency's data publisher propose a change to a published or withdrawn dataset; it
    takes effect when a data publisher applies it (`dataset_change_decide`). One pending change per dataset."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    _check_may_propose(actor, dataset, "该数据集可以直接修改，无需提交审核。")
    errors = _validate(data, creating=False, instance=dataset)
    if errors:
        raise DatasetInvalid(errors)
    if DatasetChange.objects.filter(
        dataset=dataset, kind=DatasetChange.Kind.METADATA, status=DatasetChange.Status.PENDING
    ).exists():
        raise ApplicationError(
            "change_pending", "该数据集已有一项待审核的修改，请等本单位数据发布人处理后再提交。"
        )
    given = _data_json(data)
    change = DatasetChange.objects.create(
        dataset=dataset, data=given, before=_dataset_values(dataset, given), proposed_by=actor
    )
    audit_log(
        actor=actor,
        action="dataset.change_propose",
        obj=dataset,
        org_code=dataset.org.code,
        to_state=change.status,
        data={"change": change.pk, "fields": sorted(change.data)},
    )
    return change


@transaction.atomic
def dataset_change_decide(
    *, actor: Any, change: DatasetChange, approve: bool, comment: str = ""
) -> DatasetChange:
    """The agency's data publisher applies a proposed change (checked again against the dataset as it is now)
    or rejects it with a reason."""
    change = DatasetChange.objects.select_for_update().get(pk=change.pk)
    dataset = Dataset.objects.select_for_update().select_related("org").get(pk=change.dataset_id)
    if not may_publish(actor, dataset.org):
        raise PermissionDenied("只有本单位的数据发布人可以审核数据集的修改。")
    if change.status != DatasetChange.Status.PENDING:
        raise ApplicationError("bad_state", "该修改已经处理。")
    if not approve and not comment.strip():
        raise ApplicationError("comment_required", "不采纳修改须说明理由。", field="comment")
    if approve and change.kind == DatasetChange.Kind.RESOURCE:
        resource = _resource_from_proposal(actor, dataset, change)
        change.data = {**change.data, "resource_id": resource.pk}
    elif approve:
        edited = _edited_since_proposal(dataset, change)
        if edited:
            labels = "、".join(selectors.field_label(n) for n in edited)
            raise ApplicationError(
                "stale_change",
                f"提出这项修改之后，数据集的以下内容已被改过：{labels}。为免覆盖后来的修改，不能采纳；"
                "请不采纳并说明理由，由提议人按现在的内容重新提交。",
            )
        data = _data_from_json(change.data)
        errors = _validate(data, creating=False, instance=dataset)
        if errors:
            raise DatasetInvalid(errors)
        _apply(dataset, data)
        dataset.save()
        _set_tags(dataset, data.tags)
    if (
        change.resource_file
    ):  # the proposal's copy is not kept once decided (an applied file lives on as a resource)
        stored = change.resource_file
        transaction.on_commit(lambda: stored.storage.delete(stored.name))
        change.resource_file = ""  # type: ignore[assignment]
    change.status = DatasetChange.Status.APPLIED if approve else DatasetChange.Status.REJECTED
    change.comment = comment.strip()
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save()
    audit_log(
        actor=actor,
        action="dataset.change_apply" if approve else "dataset.change_reject",
        obj=dataset,
        org_code=dataset.org.code,
        from_state=DatasetChange.Status.PENDING,
        to_state=change.status,
        comment=change.comment,
        data={"change": change.pk, "kind": change.kind, "fields": sorted(change.data)},
    )
    return change


@transaction.atomic
def resource_propose(
    *,
    actor: Any,
    dataset: Dataset,
    name: str,
    format: str = "",
    upload_name: str = "",
    data: bytes | None = None,
    url: str = "",
) -> DatasetChange:
    """Staff who are not the data publisher propose a new resource for a published (or withdrawn) dataset: the file
    (checked now, as an upload is) or link waits, invisible to the public, until the agency's data publisher applies
    the proposal (`dataset_change_decide`, which creates the resource) or rejects it. Several may wait at once."""
    dataset = Dataset.objects.select_for_update().select_related("org").get(pk=dataset.pk)
    _check_may_propose(actor, dataset, "该数据集可以直接添加资源，无需提交审核。")
    change = DatasetChange(dataset=dataset, kind=DatasetChange.Kind.RESOURCE, proposed_by=actor)
    if data is not None:
        fmt = _check_file(upload_name or name, data, format)
        filename = _clean_name(upload_name or name)
        change.data = {"name": (name or filename).strip()[:200], "format": fmt, "filename": filename}
        change.resource_file.save(filename, ContentFile(data), save=False)
    elif url:
        change.data = {
            "name": (name or url).strip()[:200],
            "format": (format or "").strip().upper()[:16],
            "url": _check_url(url),
        }
    else:
        raise ApplicationError("missing_file", "请上传文件或填写链接。", field="upload")
    change.save()
    audit_log(
        actor=actor,
        action="dataset.resource_propose",
        obj=dataset,
        org_code=dataset.org.code,
        to_state=change.status,
        data={"change": change.pk, **change.data},
    )
    return change


def _resource_from_proposal(actor: Any, dataset: Dataset, change: DatasetChange) -> Resource:
    proposed = change.data
    if change.resource_file:
        try:
            with change.resource_file.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            raise ApplicationError(
                "missing_file", "所提交资源的文件已不存在，请不采纳并请提交人重新提交。"
            ) from None
        return resource_create(
            actor=actor,
            dataset=dataset,
            name=proposed.get("name", ""),
            format=proposed.get("format", ""),
            upload_name=proposed.get("filename", ""),
            data=content,
        )
    return resource_create(
        actor=actor,
        dataset=dataset,
        name=proposed.get("name", ""),
        format=proposed.get("format", ""),
        url=proposed.get("url", ""),
    )


@transaction.atomic
def dataset_transition(*, actor: Any, dataset: Dataset, action: str, comment: str = "") -> Dataset:
    """The only way a dataset's status changes (the table is `rules.MACHINE`)."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    transition = rules.TRANSITIONS.get(action)
    if transition is None:
        raise ApplicationError("unknown_action", "未知的操作。")
    if dataset.status not in transition.sources:
        raise ApplicationError(
            "bad_state", f"数据集当前状态为“{rules.STATUS_LABELS[dataset.status]}”，不能{transition.label}。"
        )
    if transition.roles.isdisjoint(roles_of(actor, dataset.org)):
        raise PermissionDenied(
            "只有本单位的数据发布人可以执行此操作。"
            if rules.PUBLISHER in transition.roles
            else "您不是该单位的工作人员。"
        )
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise ApplicationError("comment_required", f"{transition.label}须填写理由。", field="comment")
    before = dataset.status
    dataset.status = transition.target
    if transition.target == rules.PUBLISHED:
        dataset.published_at = dataset.published_at or timezone.now()
    if comment:
        dataset.review_comment = comment
    dataset.save()
    audit_log(
        actor=actor,
        action=f"dataset.{action}",
        obj=dataset,
        org_code=dataset.org.code,
        from_state=before,
        to_state=dataset.status,
        comment=comment,
    )
    return dataset


# ---------------------------------------------------------------- resources


def _clean_name(name: str) -> str:
    """The file name of an upload, without any client-side folder."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "resource"


def _check_file(name: str, data: bytes, fmt: str) -> str:
    """Refuse a file whose content is not the declared format; the normalized format."""
    clean = _clean_name(name)
    if len(data) > conf.max_resource_bytes():
        raise ApplicationError(
            "file_too_large",
            f"文件“{clean}”超过大小限制（最大 {conf.max_resource_bytes() // (1024 * 1024)} MB）。",
        )
    if not data:
        raise ApplicationError("empty_file", f"文件“{clean}”是空文件。")
    ext = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if not fmt:
        fmt = next((f for f, exts in rules.FORMATS.items() if ext in exts), "")
    fmt = fmt.upper()
    if fmt not in rules.FORMATS:
        raise ApplicationError(
            "bad_format", f"不支持“{fmt or ext}”格式。可上传 CSV、XLSX、JSON、XML、PDF 或 SHP（zip 压缩包）。"
        )
    kind = sniff(data)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    ok = {
        "PDF": kind == "pdf",
        "XLSX": kind == "xlsx",
        "SHP": kind == "zip" and _zip_has_shp(data),
        # CSV may be GB18030, which sniff() calls "unknown"; it must not be binary or markup.
        "CSV": kind in {"text", "unknown"} and b"\x00" not in data[:65536],
        "JSON": kind == "text" and head[:1] in {b"{", b"["},
        "XML": kind in {"text", "html"} and head[:1] == b"<" and b"<script" not in data[:65536].lower(),
    }[fmt]
    if not ok:
        raise ApplicationError("disguised_file", f"文件“{clean}”的内容不是 {fmt} 格式，已拒绝上传。")
    return fmt


def _zip_has_shp(data: bytes) -> bool:
    import zipfile
    from io import BytesIO

    with zipfile.ZipFile(BytesIO(data)) as zf:
        return any(n.lower().endswith(".shp") for n in zf.namelist())


def _store_file(resource: Resource, name: str, data: bytes, fmt: str) -> None:
    fmt = _check_file(name, data, fmt)
    resource.format = fmt
    resource.sha256 = hashlib.sha256(data).hexdigest()
    resource.size = len(data)
    resource.url = ""
    clean = _clean_name(name)
    resource.file.save(clean, ContentFile(data), save=False)


def _check_url(url: str) -> str:
    url = url.strip()
    if not re.match(r"^https?://[^\s/]+", url) or len(url) > 1000:
        raise ApplicationError("bad_url", "链接须以 http:// 或 https:// 开头。", field="url")
    return url


PENDING_MESSAGE = "文件较大，已排队等待后台解析。"


def _datastore_parse(resource: Resource) -> DatastoreTable | None:
    """(Re)build the parsed table of a CSV/XLSX upload: at once for a file up to `conf.parse_inline_bytes()`,
    otherwise a `pending` table that the tick job `opendata_parse` fills (`datastore_parse_pending`). A file that
    cannot be read gets a table in state `failed` with the reason; the upload itself stays."""
    DatastoreTable.objects.filter(resource=resource).delete()
    if not resource.file or resource.format not in rules.TABULAR:
        return None
    table = DatastoreTable.objects.create(
        resource=resource, status=DatastoreTable.Status.PENDING, message=PENDING_MESSAGE
    )
    if resource.size <= conf.parse_inline_bytes():
        _datastore_fill(table, resource)
    return table


def _datastore_fill(table: DatastoreTable, resource: Resource) -> None:
    """Parse the resource's file into `table` (two streaming passes, tables.py) and set its final status."""
    path = Path(resource.file.path)
    try:
        scan = tables.scan_table(path, resource.format, row_cap=conf.datastore_row_cap())
    except tables.TableError as exc:
        table.status, table.message, table.issues = DatastoreTable.Status.FAILED, exc.message, []
        table.save()
        return
    table.status = DatastoreTable.Status.TRUNCATED if scan.truncated else DatastoreTable.Status.OK
    table.message = scan.summary()
    table.encoding = scan.encoding
    table.fields = scan.fields
    table.row_count = scan.row_count
    table.issues = scan.issues
    table.save()
    try:
        _write_rows(table, tables.iter_records(path, resource.format, scan))
    except (tables.TableError, ValueError) as exc:
        DatastoreRow.objects.filter(table=table).delete()
        table.status = DatastoreTable.Status.FAILED
        table.message = getattr(exc, "message", "") or f"第二次读取文件时出错：{exc}"
        table.row_count = 0
        table.save()


def datastore_parse_pending(*, limit: int | None = None) -> int:
    """Parse queued tables (oldest first), each in its own transaction under a row lock that other runs skip.
    Every outcome is final and visible: parsed, truncated, or failed with the reason — an unexpected error too,
    so that one bad file never blocks the queue. Returns how many were handled."""
    handled = 0
    for _ in range(limit if limit is not None else conf.parse_per_tick()):
        with transaction.atomic():
            table = (
                DatastoreTable.objects.select_for_update(skip_locked=True)
                .filter(status=DatastoreTable.Status.PENDING)
                .select_related("resource__dataset__org")
                .order_by("id")
                .first()
            )
            if table is None:
                break
            resource = table.resource
            try:
                with transaction.atomic():
                    _datastore_fill(table, resource)
            except Exception as exc:  # any failure is recorded on the table, never raised
                # The fill's writes were rolled back, but the object in memory still holds what it set (columns,
                # encoding, issues): start again from the stored row so that none of it is saved with `failed`.
                DatastoreRow.objects.filter(table=table).delete()
                table = DatastoreTable.objects.get(pk=table.pk)
                table.status = DatastoreTable.Status.FAILED
                table.message = f"后台解析时出错：{type(exc).__name__}。请重新上传文件，或联系平台管理员。"
                table.row_count = 0
                table.save()
            audit_log(
                actor=None,
                action="datastore.parse",
                obj=table,
                org_code=resource.dataset.org.code,
                to_state=table.status,
                data={"resource": resource.pk, "rows": table.row_count},
            )
            handled += 1
    return handled


def _write_rows(table: DatastoreTable, records: Any) -> None:
    batch: list[DatastoreRow] = []
    for n, record in enumerate(records, start=1):
        text = " ".join(str(v) for v in record.values() if v is not None)
        batch.append(DatastoreRow(table=table, rownum=n, data=record, text=text))
        if len(batch) >= ROW_BATCH:
            DatastoreRow.objects.bulk_create(batch)
            batch = []
    if batch:
        DatastoreRow.objects.bulk_create(batch)


@transaction.atomic
def resource_create(
    *,
    actor: Any,
    dataset: Dataset,
    name: str,
    description: str = "",
    format: str = "",
    upload_name: str = "",
    data: bytes | None = None,
    url: str = "",
) -> Resource:
    """An uploaded file (checked from its content, SHA-256 kept, CSV/XLSX parsed) or a link."""
    _check_editable(actor, dataset)
    resource = Resource(
        dataset=dataset,
        name=(name or upload_name or url).strip()[:200] or "资源",
        description=description.strip(),
        position=dataset.resources.count(),
    )
    if data is not None:
        _store_file(resource, upload_name or name, data, format)
    elif url:
        resource.url = _check_url(url)
        resource.format = (format or "").strip().upper()[:16]
    else:
        raise ApplicationError("missing_file", "请上传文件或填写链接。", field="upload")
    resource.save()
    table = _datastore_parse(resource)
    Dataset.objects.filter(pk=dataset.pk).update(modified_at=timezone.now())
    audit_log(
        actor=actor,
        action="resource.create",
        obj=resource,
        org_code=dataset.org.code,
        data={"dataset": dataset.name, "sha256": resource.sha256, "datastore": table.status if table else ""},
    )
    return resource


@transaction.atomic
def resource_update(
    *,
    actor: Any,
    resource: Resource,
    name: str | None = None,
    description: str | None = None,
    format: str | None = None,
    upload_name: str = "",
    data: bytes | None = None,
    url: str | None = None,
) -> Resource:
    """Change a resource's description, or replace its file or link (a new file is parsed again)."""
    dataset = resource.dataset
    _check_editable(actor, dataset)
    if name is not None:
        if not name.strip():
            raise ApplicationError("invalid", "资源名称不能为空。", field="name")
        resource.name = name.strip()[:200]
    if description is not None:
        resource.description = description.strip()
    replaced = False
    if data is not None:
        _store_file(resource, upload_name or resource.name, data, format or "")
        replaced = True
    elif url:
        resource.url = _check_url(url)
        resource.file = None  # type: ignore[assignment]
        resource.sha256, resource.size = "", 0
        resource.format = (format or resource.format).strip().upper()[:16]
        replaced = True
    elif format is not None and not resource.file:
        resource.format = format.strip().upper()[:16]
    resource.save()
    if replaced:
        _datastore_parse(resource)
        Dataset.objects.filter(pk=dataset.pk).update(modified_at=timezone.now())
    audit_log(
        actor=actor,
        action="resource.update",
        obj=resource,
        org_code=dataset.org.code,
        data={"dataset": dataset.name, "replaced": replaced, "sha256": resource.sha256},
    )
    return resource


def resource_download_count(*, resource: Resource) -> None:
    """Count one download (buffered, opendata/usage.py; `Resource.download_count` follows at the flush)."""
    usage.record(usage.DOWNLOAD, dataset_id=resource.dataset_id, resource_id=resource.pk)


def usage_count(kind: str, *, dataset_id: int | None = None, resource_id: int | None = None) -> None:
    """Count one page view or API call (buffered, opendata/usage.py)."""
    usage.record(kind, dataset_id=dataset_id, resource_id=resource_id)


@transaction.atomic
def usage_flush(batch: dict[usage.Key, int]) -> None:
    """Add buffered counts to the day rows (one UPDATE … count + n per key, an INSERT for a new key) and downloads
    to `Resource.download_count`. Counters, not decisions: deliberately no audit entry (it would flood the log).
    A resource counted without its dataset gets it here; a deleted dataset or resource is skipped."""
    resource_ids = {k[3] for k in batch if k[3] is not None}
    dataset_of = dict(Resource.objects.filter(pk__in=resource_ids).values_list("pk", "dataset_id"))
    datasets = set(
        Dataset.objects.filter(
            pk__in={k[2] for k in batch if k[2] is not None} | set(dataset_of.values())
        ).values_list("pk", flat=True)
    )
    downloads: Counter[int] = Counter()
    # Keys in one fixed order, so that two flushes lock the same rows in the same order (no deadlock).
    for (day, kind, dataset_id, resource_id), n in sorted(
        batch.items(), key=lambda kv: _usage_sort_key(kv[0])
    ):
        if resource_id is not None:
            if resource_id not in dataset_of:
                continue
            dataset_id = dataset_of[resource_id]
        if dataset_id is not None and dataset_id not in datasets:
            continue
        _usage_add(day, kind, dataset_id, resource_id, n)
        if kind == usage.DOWNLOAD and resource_id is not None:
            downloads[resource_id] += n
    for resource_id, n in downloads.items():
        Resource.objects.filter(pk=resource_id).update(download_count=F("download_count") + n)


def _usage_sort_key(key: usage.Key) -> tuple[date, str, int, int]:
    day, kind, dataset_id, resource_id = key
    return (day, kind, dataset_id or 0, resource_id or 0)


def _usage_add(day: date, kind: str, dataset_id: int | None, resource_id: int | None, n: int) -> None:
    """Add `n` to the day row of one key, creating it when missing. Another process may create the same row at the
    same moment: the unique constraint `uniq_usage_day_key` refuses the second INSERT (its savepoint is rolled
    back) and the UPDATE is retried, now seeing the other process's committed row — never two rows for one key."""
    rows = UsageDay.objects.filter(
        Q(dataset_id=dataset_id) if dataset_id is not None else Q(dataset__isnull=True),
        Q(resource_id=resource_id) if resource_id is not None else Q(resource__isnull=True),
        day=day,
        kind=kind,
    )
    if rows.update(count=F("count") + n):
        return
    try:
        with transaction.atomic():
            UsageDay.objects.create(
                day=day, kind=kind, dataset_id=dataset_id, resource_id=resource_id, count=n
            )
    except IntegrityError:
        rows.update(count=F("count") + n)


@transaction.atomic
def datastore_field_type_set(
    *, actor: Any, table: DatastoreTable, column: str, column_type: str
) -> DatastoreTable:
    """Correct a guessed column type; every stored value is converted again (refused if one does not fit)."""
    table = (
        DatastoreTable.objects.select_for_update().select_related("resource__dataset__org").get(pk=table.pk)
    )
    dataset = table.resource.dataset
    _check_editable(actor, dataset)
    if column_type not in rules.COLUMN_TYPES:
        raise ApplicationError("invalid", "未知的列类型。", field="type")
    if not table.is_ready:
        raise ApplicationError("not_parsed", "该表格尚未解析完成或未能解析，不能修改列类型。", field="type")
    ids = [f["id"] for f in table.fields]
    if column not in ids:
        raise ApplicationError("invalid", f"没有名为“{column}”的列。", field="column")
    changed: list[DatastoreRow] = []
    for row in (
        DatastoreRow.objects.filter(table=table).only("id", "rownum", "data").iterator(chunk_size=2000)
    ):
        value = row.data.get(column)
        text = "" if value is None else str(value)
        if column_type == "text" or text == "" or rules.fits(text, column_type):
            row.data[column] = rules.convert(text, column_type) if text else None
            changed.append(row)
        else:
            raise ApplicationError(
                "type_mismatch",
                f"第 {row.rownum} 行的值“{text}”不是{rules.COLUMN_TYPES[column_type]}，不能改为该类型。",
            )
    DatastoreRow.objects.bulk_update(changed, ["data"], batch_size=ROW_BATCH)
    before = next(f["type"] for f in table.fields if f["id"] == column)
    table.fields = [{**f, "type": column_type} if f["id"] == column else f for f in table.fields]
    table.save()
    audit_log(
        actor=actor,
        action="datastore.field_type",
        obj=table,
        org_code=dataset.org.code,
        from_state=before,
        to_state=column_type,
        data={"column": column, "resource": table.resource_id},
    )
    return table


# ---------------------------------------------------------------- API tokens

TOKEN_PREFIX = "gk_"  # noqa: S105 - a visible prefix, not a secret


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, actor: Any, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; the raw token is returned once and only its hash is stored."""
    if actor is not None and actor != user and not is_platform_admin(actor):
        raise PermissionDenied("只能为自己创建令牌。")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=raw[:10], token_hash=token_hash(raw)
    )
    audit_log(
        actor=actor, action="token.create", obj=token, data={"user": user.username, "prefix": token.prefix}
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if actor is not None and actor != token.user and not is_platform_admin(actor):
        raise PermissionDenied("只能吊销自己的令牌。")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    audit_log(actor=actor, action="token.revoke", obj=token, data={"user": token.user.username})
    return token


def token_authenticate(*, raw: str) -> User | None:
    """The active user a token belongs to, or None. Records when it was last used (no audit entry)."""
    raw = raw.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw), revoked_at=None).first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# ---------------------------------------------------------------- 有条件开放: access applications

ACCESS_VALID_DAYS = 366


@transaction.atomic
def access_apply(
    *, dataset: Dataset, applicant_name: str, applicant_org: str, phone: str, email: str, purpose: str
) -> tuple[AccessApplication, str]:
    """A member of the public applies for a conditional dataset; the code is returned once (only its hash kept)."""
    if dataset.status != rules.PUBLISHED or dataset.open_type != "conditional":
        raise ApplicationError("not_conditional", "该数据集无需申请，可直接下载。")
    errors = {}
    if not applicant_name.strip():
        errors["applicant_name"] = "请填写申请人。"
    if not phone.strip():
        errors["phone"] = "请填写联系电话。"
    if len(purpose.strip()) < 5:
        errors["purpose"] = "请说明数据用途（至少 5 个字）。"
    if errors:
        raise DatasetInvalid(errors)
    code = secrets.token_urlsafe(12)
    application = AccessApplication.objects.create(
        dataset=dataset,
        applicant_name=applicant_name.strip()[:100],
        applicant_org=applicant_org.strip()[:200],
        phone=phone.strip()[:50],
        email=email.strip()[:254],
        purpose=purpose.strip(),
        code_prefix=code[:6],
        code_hash=token_hash(code),
    )
    audit_log(
        actor=None, action="access.apply", obj=application, org_code=dataset.org.code, to_state="pending"
    )
    return application, code


@transaction.atomic
def access_decide(
    *, actor: Any, application: AccessApplication, approve: bool, reply: str = ""
) -> AccessApplication:
    """The dataset's data publisher approves (valid for a year) or rejects (a reason is required)."""
    application = (
        AccessApplication.objects.select_for_update().select_related("dataset__org").get(pk=application.pk)
    )
    if not may_publish(actor, application.dataset.org):
        raise PermissionDenied("只有本单位的数据发布人可以审核数据申请。")
    if application.status != AccessApplication.Status.PENDING:
        raise ApplicationError("bad_state", "该申请已经处理。")
    if not approve and not reply.strip():
        raise ApplicationError("comment_required", "不同意申请须说明理由。", field="reply")
    before = application.status
    application.status = AccessApplication.Status.APPROVED if approve else AccessApplication.Status.REJECTED
    application.reply = reply.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    if approve:
        application.valid_until = timezone.localdate() + timedelta(days=ACCESS_VALID_DAYS)
    application.save()
    audit_log(
        actor=actor,
        action="access.approve" if approve else "access.reject",
        obj=application,
        org_code=application.dataset.org.code,
        from_state=before,
        to_state=application.status,
        comment=application.reply,
    )
    return application


@transaction.atomic
def access_revoke(*, actor: Any, application: AccessApplication, reason: str) -> AccessApplication:
    """The dataset's data publisher withdraws an approval (misuse, end of the project …): the applicant's session
    access and every signed download link issued under it stop working at once. A reason is required."""
    application = (
        AccessApplication.objects.select_for_update().select_related("dataset__org").get(pk=application.pk)
    )
    if not may_publish(actor, application.dataset.org):
        raise PermissionDenied("只有本单位的数据发布人可以撤销数据申请。")
    if application.status != AccessApplication.Status.APPROVED:
        raise ApplicationError("bad_state", "只有已同意的申请可以撤销。")
    if not reason.strip():
        raise ApplicationError("comment_required", "撤销申请须说明理由。", field="reply")
    before = application.status
    application.status = AccessApplication.Status.REVOKED
    application.api_key_hash = None  # the API key dies with the approval (it is also refused by status)
    application.reply = reason.strip()
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    audit_log(
        actor=actor,
        action="access.revoke",
        obj=application,
        org_code=application.dataset.org.code,
        from_state=before,
        to_state=application.status,
        comment=application.reply,
    )
    return application


ACCESS_KEY_PREFIX = "gka_"  # an applicant's API key, told apart from staff tokens (`gk_`) by its prefix


def is_access_key(raw: str) -> bool:
    return raw.strip().startswith(ACCESS_KEY_PREFIX)


@transaction.atomic
def access_api_key_issue(*, application: AccessApplication, address: str) -> tuple[AccessApplication, str]:
    """An approved applicant (who proved the code in this browser) takes a CKAN API key: shown once, stored hashed,
    valid while the approval holds. Issuing again replaces the previous key (it stops working)."""
    application = (
        AccessApplication.objects.select_for_update().select_related("dataset__org").get(pk=application.pk)
    )
    if application.status != AccessApplication.Status.APPROVED or (
        application.valid_until is None or application.valid_until < timezone.localdate()
    ):
        raise ApplicationError("bad_state", "只有已获同意且在有效期内的申请可以获取 API 密钥。")
    raw = ACCESS_KEY_PREFIX + secrets.token_urlsafe(32)
    replaced = bool(application.api_key_hash)
    application.api_key_prefix = raw[:12]
    application.api_key_hash = token_hash(raw)
    application.api_key_issued_at = timezone.now()
    application.save(update_fields=["api_key_prefix", "api_key_hash", "api_key_issued_at"])
    audit_log(
        actor=None,
        action="access.api_key",
        obj=application,
        org_code=application.dataset.org.code,
        data={"prefix": application.api_key_prefix, "replaced": replaced, "address": address},
    )
    return application, raw


def access_api_log(*, application: AccessApplication, resource: Resource) -> None:
    """An applicant read a 有条件开放 table through the CKAN API with the application's key: logged and counted."""
    audit_log(
        actor=None,
        action="access.api",
        obj=application,
        org_code=application.dataset.org.code,
        data={"resource_id": resource.pk, "resource": resource.name},
    )


def access_open_log(*, application: AccessApplication, address: str) -> None:
    """An approved applicant entered the code: the dataset's files are open to that browser session (logged)."""
    audit_log(
        actor=None,
        action="access.open",
        obj=application,
        org_code=application.dataset.org.code,
        data={"dataset": application.dataset.name, "address": address},
    )


def access_download_log(*, application: AccessApplication, resource: Resource, address: str) -> None:
    """A 有条件开放 file fetched through a signed link: logged (who under which approval, which file, from where)
    and counted."""
    audit_log(
        actor=None,
        action="access.download",
        obj=application,
        org_code=application.dataset.org.code,
        data={"resource_id": resource.pk, "resource": resource.name, "address": address},
    )
    resource_download_count(resource=resource)


# ---------------------------------------------------------------- 数据需求


@transaction.atomic
def data_request_create(
    *, org: Organization | None, title: str, description: str, requester_name: str, contact: str
) -> DataRequest:
    errors = {}
    if not title.strip():
        errors["title"] = "请填写需求名称。"
    if len(description.strip()) < 5:
        errors["description"] = "请说明需要什么数据（至少 5 个字）。"
    if not requester_name.strip():
        errors["requester_name"] = "请填写提出人。"
    if not contact.strip():
        errors["contact"] = "请填写联系方式。"
    if errors:
        raise DatasetInvalid(errors)
    request = DataRequest.objects.create(
        org=org,
        title=title.strip()[:200],
        description=description.strip(),
        requester_name=requester_name.strip()[:100],
        contact=contact.strip()[:100],
    )
    audit_log(actor=None, action="data_request.create", obj=request, org_code=org.code if org else "")
    return request


@transaction.atomic
def data_request_reply(
    *, actor: Any, request: DataRequest, reply: str, dataset: Dataset | None = None
) -> DataRequest:
    """The addressed agency's data publisher (the 政务公开办 — a platform admin — for a request to no agency)
    replies, optionally naming the dataset that answers it."""
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if request.org is not None and not may_publish(actor, request.org):
        raise PermissionDenied("只有该单位的数据发布人可以答复此需求。")
    if request.org is None and not is_platform_admin(actor):
        raise PermissionDenied("未指定单位的数据需求由政务公开办答复。")
    if not reply.strip():
        raise ApplicationError("comment_required", "请填写答复。", field="reply")
    before = request.status
    request.status = DataRequest.Status.ANSWERED
    request.reply = reply.strip()
    request.dataset = dataset
    request.replied_by = actor
    request.replied_at = timezone.now()
    request.save()
    audit_log(
        actor=actor,
        action="data_request.reply",
        obj=request,
        org_code=request.org.code if request.org else "",
        from_state=before,
        to_state=request.status,
    )
    return request
