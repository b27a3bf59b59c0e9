"""Import and export of the policy records as JSONL (docs/formats.md, "Policy records"): 建议提案办理结果 (`proposals`),
办事指南 with their versions (`guides`), 权责清单 versions (`powers`), 政策问答 with their citations (`policy-qa`) and
政府公报 issues (`gazette`).

The file loop, the line rules and the small parsers are those of `publishing.importers` (one line, one transaction;
a bad line is reported as `line N: CODE 中文说明` and nothing of it is stored; the summary `导入 N 条，跳过 M 条`).
A line is a published record: importing it publishes it, and the export writes the published records only. Re-importing
a file is idempotent: replies, guides and answers are keyed on `external_id`, 权责清单 versions on (`org`, `version`),
公报 issues on (`org`, `year`, `number`); a record is written again (with an audit entry) only when something changed.
Published 权责清单 versions and 公报 tables of contents are immutable: a line that would change one is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError
from gongkai.orgs.codes import normalize_org_code
from gongkai.orgs.models import Organization
from gongkai.policy import rules, selectors, services
from gongkai.policy.models import (
    GuideVersion,
    PolicyQA,
    PowerEntry,
    PowerListVersion,
    ProposalReply,
    QACitation,
    ServiceGuide,
)
from gongkai.policy.selectors import local_pk
from gongkai.publishing import importers as publishing_importers
from gongkai.publishing import services as publishing_services
from gongkai.publishing.importers import (
    SHANGHAI,
    ImportResult,
    JsonlFile,
    _is_blank,
    _OrgCache,
    _str,
    _str_list,
    parse_date,
    parse_datetime,
    run_jsonl,
)
from gongkai.publishing.models import GazetteEntry, GazetteIssue, InfoItem

# ---------------------------------------------------------------- small helpers


def _object(obj: Any) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ApplicationError("bad_json", "每行应为一个 JSON 对象。")
    return obj


def _external_id(obj: dict[str, Any]) -> str:
    value = _str(obj, "external_id", max_length=200)
    if not value:
        raise ApplicationError("missing_field", "缺少外部编号（external_id）。", field="external_id")
    return value


def _org(obj: dict[str, Any], orgs: _OrgCache) -> Organization:
    code = _str(obj, "org")
    if not code:
        raise ApplicationError("missing_field", "缺少机构代码（org）。", field="org")
    return orgs.get(code, "org")


def _int(obj: dict[str, Any], name: str, label: str, *, low: int = 1, high: int = 999999) -> int:
    value = obj.get(name)
    if _is_blank(value):
        raise ApplicationError("missing_field", f"缺少{label}（{name}）。", field=name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ApplicationError("bad_field", f"{label}（{name}）应为整数。", field=name)
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ApplicationError(
            "bad_field", f"{label}（{name}）应为整数，收到 {value!r}。", field=name
        ) from exc
    if not low <= number <= high:
        raise ApplicationError("bad_field", f"{label}（{name}）应在 {low} 到 {high} 之间。", field=name)
    return number


def _list(obj: dict[str, Any], name: str) -> list[Any]:
    value = obj.get(name)
    if _is_blank(value):
        return []
    if not isinstance(value, list):
        raise ApplicationError("bad_field", f"字段 {name} 应为列表。", field=name)
    return value


def _published_at(obj: dict[str, Any]) -> datetime | None:
    return parse_datetime(obj.get("published_at"), "published_at")


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value, SHANGHAI).isoformat() if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _ext(obj: Any) -> str:
    return obj.external_id or f"pk:{obj.pk}"


def _outcome(created: bool, changed: bool) -> str:
    return "created" if created else ("updated" if changed else "unchanged")


def _mark_published(record: Any, published_at: datetime | None) -> None:
    """A line is a published record: status, publication time (the file's, else the stored one, else now)."""
    record.status = rules.PUBLISHED
    if hasattr(record, "published_at"):
        record.published_at = published_at or record.published_at or timezone.now()
    record.withdrawn_reason = ""


Warn = Callable[[str, str], None]  # (code, message): a warning about the line being stored


def _withdrawn_on_platform(record: Any, warn: Warn | None) -> bool:
    """A record that staff withdrew on the platform stays withdrawn: a re-import of the same file must not publish it
    again behind their back. The line is reported (warning `withdrawn_on_platform`) and the record left alone."""
    if record is None or record.status != rules.WITHDRAWN:
        return False
    if warn is not None:
        reason = record.withdrawn_reason or "未注明原因"
        warn(
            "withdrawn_on_platform",
            f"该记录已在平台上撤回（{reason}），导入未改动它；如需重新发布，请在平台上操作。",
        )
    return True


def _audit_import(actor: Any, action: str, obj: Any, org: Organization, **data: Any) -> None:
    audit_log(actor=actor, action=action, obj=obj, org_code=org.code, to_state=rules.PUBLISHED, data=data)


def _write_lines(out: TextIO, records: Iterable[dict[str, Any]]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _export_org(org_code: str | None) -> Organization | None:
    if not org_code:
        return None
    org = Organization.objects.filter(code=normalize_org_code(org_code)).first()
    if org is None:
        raise ApplicationError("unknown_org", f"机构代码 {org_code} 不存在。", field="org")
    return org


# ---------------------------------------------------------------- 建议提案办理结果 (R-INT-3)

_PROPOSAL_STATE = (
    "org_id",
    "kind",
    "number",
    "session",
    "proposer_type",
    "proposer",
    "subject",
    "title",
    "reply_type",
    "reply_date",
    "body",
    "status",
    "published_at",
)


def _state(obj: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in names)


def _proposal_number(obj: dict[str, Any]) -> int:
    value = obj.get("number")
    if isinstance(value, str):
        number = rules.proposal_number_parse(value)
        if number is None:
            raise ApplicationError(
                "bad_number", f"编号（number）应为正整数或“第123号”，收到 {value!r}。", field="number"
            )
        return number
    return _int(obj, "number", "编号")


def _store_proposal(obj: Any, orgs: _OrgCache, actor: Any, warn: Warn | None = None) -> str:
    obj = _object(obj)
    external_id = _external_id(obj)
    org = _org(obj, orgs)
    data = services.ProposalData(
        kind=_str(obj, "kind"),
        number=_proposal_number(obj),
        session=_str(obj, "session"),
        proposer_type=_str(obj, "proposer_type"),
        proposer=_str(obj, "proposer"),
        subject=_str(obj, "subject"),
        title=_str(obj, "title"),
        reply_type=_str(obj, "reply_type"),
        reply_date=parse_date(obj.get("reply_date"), "reply_date"),
        body=_str(obj, "body"),
        co_handlers=[
            orgs.get(code, "co_handlers") for code in _str_list(obj.get("co_handlers"), "co_handlers")
        ],
    )
    published_at = _published_at(obj)
    with transaction.atomic():
        reply = _by_external_id(ProposalReply, external_id)
        if _withdrawn_on_platform(reply, warn):
            return "unchanged"
        # The same checks as the editor, R-INT-3 (the title states the subject) included.
        data = services.proposal_data_check(org=org, data=data, exclude_pk=reply.pk if reply else None)
        created = reply is None
        if reply is None:
            reply = ProposalReply(external_id=external_id)
            before: tuple[Any, ...] = ()
            co_before: set[int] = set()
        else:
            before = _state(reply, _PROPOSAL_STATE)
            co_before = set(reply.co_handlers.values_list("pk", flat=True))
        services._apply_proposal(reply, data)
        reply.org = org
        _mark_published(reply, published_at)
        co_after = {o.pk for o in data.co_handlers}
        changed = created or before != _state(reply, _PROPOSAL_STATE) or co_before != co_after
        if changed:
            reply.save()
            reply.co_handlers.set(data.co_handlers)
            _audit_import(actor, "proposal.import", reply, org, external_id=external_id, created=created)
    return _outcome(created, changed)


def proposal_record(reply: ProposalReply) -> dict[str, Any]:
    """One published reply in the import format (co-handlers prefetched)."""
    return {
        "external_id": _ext(reply),
        "org": reply.org.code,
        "kind": reply.kind,
        "number": reply.number,
        "session": reply.session,
        "proposer_type": reply.proposer_type,
        "proposer": reply.proposer,
        "subject": reply.subject,
        "title": reply.title,
        "reply_type": reply.reply_type,
        "reply_date": _iso(reply.reply_date),
        "body": reply.body,
        "co_handlers": sorted(o.code for o in reply.co_handlers.all()),
        "published_at": _when(reply.published_at),
    }


def export_proposals(out: TextIO, *, org_code: str | None = None) -> int:
    qs = ProposalReply.objects.filter(status=rules.PUBLISHED)
    org = _export_org(org_code)
    if org is not None:
        qs = qs.filter(org=org)
    qs = qs.select_related("org").prefetch_related("co_handlers").order_by("pk")
    return _write_lines(out, (proposal_record(r) for r in qs.iterator(chunk_size=500)))


# ---------------------------------------------------------------- 办事指南 (R-WEB-4) with their versions


def _guide_version_parse(raw: Any, position: int) -> tuple[int, dict[str, str], str, datetime | None]:
    label = f"第 {position} 个版本"
    if not isinstance(raw, dict):
        raise ApplicationError("bad_field", f"versions 的{label}应为 JSON 对象。", field="versions")
    number = _int(raw, "number", f"{label}的版本号")
    elements = raw.get("elements")
    if not isinstance(elements, dict):
        raise ApplicationError("bad_field", f"{label}缺少要素（elements）对象。", field="versions")
    checked = services.guide_data_check(
        data=services.GuideData(**{k: _str(elements, k) for k, _ in rules.GUIDE_ELEMENTS})
    )
    note = _str(raw, "note", max_length=500)
    return number, vars(checked), note, parse_datetime(raw.get("published_at"), "published_at")


def _store_guide(obj: Any, orgs: _OrgCache, actor: Any, warn: Warn | None = None) -> str:
    obj = _object(obj)
    external_id = _external_id(obj)
    org = _org(obj, orgs)
    raw_versions = _list(obj, "versions")
    if not raw_versions:
        raise ApplicationError(
            "missing_field", "缺少版本（versions）：至少要有当前发布的版本。", field="versions"
        )
    versions = sorted(
        (_guide_version_parse(v, i) for i, v in enumerate(raw_versions, start=1)), key=lambda v: v[0]
    )
    numbers = [v[0] for v in versions]
    if len(set(numbers)) != len(numbers):
        raise ApplicationError("duplicate_version", "versions 中有重复的版本号。", field="versions")
    current = versions[-1][1]
    # R-WEB-4: what is published now must have every key element; earlier versions are history as it was.
    message = rules.guide_missing_message(rules.guide_missing_elements(current))
    if message:
        raise ApplicationError("missing_elements", message, field="versions")
    with transaction.atomic():
        guide = _by_external_id(ServiceGuide, external_id)
        if _withdrawn_on_platform(guide, warn):
            return "unchanged"
        created = guide is None
        stored: dict[int, dict[str, Any]] = {}
        if guide is None:
            guide = ServiceGuide(external_id=external_id)
        else:
            stored = {v.number: v.snapshot for v in guide.versions.all()}
        for number, snapshot, _note, _at in versions:
            if number in stored and stored[number] != snapshot:
                raise ApplicationError(
                    "immutable", f"已发布的第 {number} 版内容不同；已发布的版本不能修改。", field="versions"
                )
        new_versions = [v for v in versions if v[0] not in stored]
        changed = created or bool(new_versions) or guide.org_id != org.pk or guide.status != rules.PUBLISHED
        if changed:
            guide.org = org
            _mark_published(guide, None)
            if created or new_versions:
                # The working copy becomes the newest version (the file's or the platform's, whichever is newer).
                latest = {**stored, **{n: snap for n, snap, _note, _at in versions}}
                guide.version = max(latest)
                for key, value in latest[guide.version].items():
                    setattr(guide, key, value)
            guide.save()
            GuideVersion.objects.bulk_create(
                [
                    GuideVersion(
                        guide=guide, number=n, snapshot=snap, note=note, published_at=at or timezone.now()
                    )
                    for n, snap, note, at in new_versions
                ]
            )
            new_numbers = [v[0] for v in new_versions]
            _audit_import(
                actor,
                "guide.import",
                guide,
                org,
                external_id=external_id,
                created=created,
                versions=new_numbers,
            )
    return _outcome(created, changed)


def guide_record(guide: ServiceGuide) -> dict[str, Any]:
    """One published guide with every published version (versions prefetched)."""
    return {
        "external_id": _ext(guide),
        "org": guide.org.code,
        "versions": [
            {
                "number": v.number,
                "published_at": _when(v.published_at),
                "note": v.note,
                "elements": {key: str(v.snapshot.get(key, "")) for key, _ in rules.GUIDE_ELEMENTS},
            }
            for v in sorted(guide.versions.all(), key=lambda v: v.number)
        ],
    }


def export_guides(out: TextIO, *, org_code: str | None = None) -> int:
    """The published guides (a withdrawn one is not on the public pages, so it is not exported)."""
    qs = ServiceGuide.objects.filter(status=rules.PUBLISHED, version__gt=0)
    org = _export_org(org_code)
    if org is not None:
        qs = qs.filter(org=org)
    qs = qs.select_related("org").prefetch_related("versions").order_by("pk")
    return _write_lines(out, (guide_record(g) for g in qs.iterator(chunk_size=500)))


# ---------------------------------------------------------------- 权责清单 versions

_CATEGORY_BY_LABEL = {label: code for code, label in rules.POWER_CATEGORIES}
_ENTRY_STATE = ("key", "position", "name", "category", "basis", "responsible_id", "remarks")


def _entry_key(name: str) -> str:
    """The key of an entry given without one: derived from its name, so that the same item matches across the
    versions of a file (a renamed entry then reads as one removed and one added)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:32]


def _power_entries_parse(obj: dict[str, Any], org: Organization, orgs: _OrgCache) -> list[dict[str, Any]]:
    raw_entries = _list(obj, "entries")
    if not raw_entries:
        raise ApplicationError("empty_list", "权责清单没有事项（entries），不能发布。", field="entries")
    entries: list[dict[str, Any]] = []
    keys: set[str] = set()
    for position, raw in enumerate(raw_entries, start=1):
        if not isinstance(raw, dict):
            raise ApplicationError(
                "bad_field", f"entries 的第 {position} 项应为 JSON 对象。", field="entries"
            )
        category = _str(raw, "category")
        category = _CATEGORY_BY_LABEL.get(category, category)
        responsible_code = _str(raw, "responsible")
        data = services.power_entry_check(
            data=services.PowerEntryData(
                name=_str(raw, "name"),
                category=category,
                basis=_str(raw, "basis"),
                responsible=orgs.get(responsible_code, "entries") if responsible_code else org,
                remarks=_str(raw, "remarks"),
            )
        )
        key = _str(raw, "key", max_length=32) or _entry_key(data.name)
        if key in keys:
            raise ApplicationError(
                "duplicate_key", f"entries 的第 {position} 项与前面的事项重复（key {key}）。", field="entries"
            )
        keys.add(key)
        assert data.responsible is not None
        entries.append(
            {
                "key": key,
                "position": position,
                "name": data.name,
                "category": data.category,
                "basis": data.basis,
                "responsible_id": data.responsible.pk,
                "remarks": data.remarks,
            }
        )
    return entries


def _store_power_version(obj: Any, orgs: _OrgCache, actor: Any) -> str:
    obj = _object(obj)
    org = _org(obj, orgs)
    number = _int(obj, "version", "版本号")
    note = services._text(_str(obj, "note"), label="变更说明", name="note", max_len=2000)
    published_at = _published_at(obj)
    entries = _power_entries_parse(obj, org, orgs)
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=org.pk)  # one writer per agency's list
        version = PowerListVersion.objects.filter(org=org, number=number, status=rules.PUBLISHED).first()
        if version is not None:
            stored = [
                dict(zip(_ENTRY_STATE, row, strict=True))
                for row in version.entries.order_by("position", "id").values_list(*_ENTRY_STATE)
            ]
            if stored != entries or version.note != note:
                raise ApplicationError(
                    "immutable",
                    f"第 {number} 版已发布且内容不同；已发布的权责清单版本不能修改。",
                    field="version",
                )
            return "unchanged"
        version = PowerListVersion.objects.create(
            org=org,
            number=number,
            status=rules.PUBLISHED,
            note=note,
            published_at=published_at or timezone.now(),
        )
        PowerEntry.objects.bulk_create([PowerEntry(version=version, **e) for e in entries])
        _audit_import(actor, "power.import", version, org, version=number, entries=len(entries))
    return "created"


def power_record(version: PowerListVersion) -> dict[str, Any]:
    """One published version (entries with their responsible agency prefetched)."""
    return {
        "org": version.org.code,
        "version": version.number,
        "note": version.note,
        "published_at": _when(version.published_at),
        "entries": [
            {
                "key": e.key,
                "name": e.name,
                "category": e.category,
                "basis": e.basis,
                "responsible": e.responsible.code,
                "remarks": e.remarks,
            }
            for e in sorted(version.entries.all(), key=lambda e: (e.position, e.pk))
        ],
    }


def export_powers(out: TextIO, *, org_code: str | None = None) -> int:
    """Every published version, oldest first within each agency (so that a re-import rebuilds the history)."""
    qs = PowerListVersion.objects.filter(status=rules.PUBLISHED)
    org = _export_org(org_code)
    if org is not None:
        qs = qs.filter(org=org)
    qs = qs.select_related("org").prefetch_related("entries__responsible").order_by("org__code", "number")
    return _write_lines(out, (power_record(v) for v in qs.iterator(chunk_size=100)))


# ---------------------------------------------------------------- 政策问答 with citations


def _by_external_id(model: Any, external_id: str) -> Any:
    """The record a line names, as exports name it: its `external_id`, or `pk:N` for a record made on this platform
    (which has none). An imported record keeps the name it came with, `pk:N` included."""
    qs = model.objects.all()
    if model is not InfoItem:
        qs = qs.select_for_update()
    found = qs.filter(external_id=external_id).first()
    pk = local_pk(external_id)
    if found is None and pk is not None:
        found = qs.filter(pk=pk, external_id__isnull=True).first()
    return found


def _item_by_external_id(target: str) -> InfoItem | None:
    item: InfoItem | None = _by_external_id(InfoItem, target)
    return item


@dataclass(frozen=True)
class _Citation:
    target: str  # the cited document's external id, as exports name items
    item: InfoItem | None  # None: not on the platform yet; the citation waits for it (pending)
    ref: str

    @property
    def key(self) -> tuple[int | None, str, str]:
        """What is compared with the stored citations: the document, or the name it waits under."""
        return (self.item.pk if self.item else None, "" if self.item else self.target, self.ref)


def _citations_parse(obj: dict[str, Any]) -> list[_Citation]:
    """The line's citations, in order. A document not on the platform yet does not reject the line: the citation is
    stored pending and linked when the document is imported (`services.qa_citations_resolve`), as item relations
    wait for their target."""
    citations: list[_Citation] = []
    seen_items: set[int] = set()
    seen_targets: set[str] = set()
    for position, raw in enumerate(_list(obj, "citations"), start=1):
        if not isinstance(raw, dict):
            raise ApplicationError(
                "bad_citation", f'citations 的第 {position} 项应为 {{"target", "ref"}}。', field="citations"
            )
        target = _str(raw, "target", max_length=200)
        if not target:
            raise ApplicationError(
                "bad_citation",
                f"citations 的第 {position} 项缺少所引文件的外部编号（target）。",
                field="citations",
            )
        item = _item_by_external_id(target)
        if target in seen_targets or (item is not None and item.pk in seen_items):
            raise ApplicationError("duplicate", f"重复引用文件 {target}。", field="citations")
        seen_targets.add(target)
        ref = _str(raw, "ref", max_length=100)
        if item is not None:
            seen_items.add(item.pk)
            if not ref and item.is_public:
                # A draft or a document not proactively disclosed is never named by its 文号 or title: the
                # citation is shown by the name the line gave (cited_as), as the staff path refuses it outright.
                ref = rules.citation_default_ref(item.doc_no, item.index_no, item.title)
        citations.append(_Citation(target=target, item=item, ref=ref))
    return citations


def _store_qa(
    obj: Any,
    orgs: _OrgCache,
    actor: Any,
    warn: Warn | None = None,
    pending: Callable[[str], None] | None = None,
) -> str:
    """One answer; `pending(target)` is told of each cited document not on the platform yet."""
    obj = _object(obj)
    external_id = _external_id(obj)
    org = _org(obj, orgs)
    data = services.qa_data_check(
        data=services.QAData(
            title=_str(obj, "title"), question=_str(obj, "question"), answer=_str(obj, "answer")
        )
    )
    published_at = _published_at(obj)
    citations = _citations_parse(obj)
    with transaction.atomic():
        qa = _by_external_id(PolicyQA, external_id)
        if _withdrawn_on_platform(qa, warn):
            return "unchanged"
        created = qa is None
        names = ("org_id", "title", "question", "answer", "status", "published_at")
        if qa is None:
            qa = PolicyQA(external_id=external_id)
            before: tuple[Any, ...] = ()
            cites_before: list[tuple[int | None, str, str]] = []
        else:
            before = _state(qa, names)
            cites_before = [
                (item_id, "" if item_id else target, ref)
                for item_id, target, ref in qa.citations.order_by("position", "id").values_list(
                    "item_id", "target_external_id", "ref"
                )
            ]
        qa.org = org
        qa.title, qa.question, qa.answer = data.title, data.question, data.answer
        _mark_published(qa, published_at)
        changed = created or before != _state(qa, names) or cites_before != [c.key for c in citations]
        if changed:
            qa.save()
            qa.citations.all().delete()
            QACitation.objects.bulk_create(
                [
                    QACitation(qa=qa, item=c.item, target_external_id=c.target, ref=c.ref, position=i)
                    for i, c in enumerate(citations, 1)
                ]
            )
            _audit_import(actor, "qa.import", qa, org, external_id=external_id, created=created)
    if pending is not None:
        for c in citations:
            if c.item is None:
                pending(c.target)
    return _outcome(created, changed)


def _qa_pending_warnings(waiting: list[tuple[int, str]], actor: Any) -> list[tuple[int, str, str]]:
    """After a Q&A file: link what can be linked now (a writer beside this import may have added a document), then
    one warning per citation still waiting, as `gongkai import items` reports relations waiting for their target."""
    services.qa_citations_resolve(actor=actor)
    present = selectors.items_by_external_id(target for _, target in waiting)
    return [
        (
            line_no,
            "pending_target",
            f"所引用的文件 {target} 尚不在平台上；问答已导入，该文件导入后自动关联。",
        )
        for line_no, target in waiting
        if target not in present
    ]


def qa_record(qa: PolicyQA) -> dict[str, Any]:
    """One published answer (citations with their items prefetched)."""
    return {
        "external_id": _ext(qa),
        "org": qa.org.code,
        "title": qa.title,
        "question": qa.question,
        "answer": qa.answer,
        "published_at": _when(qa.published_at),
        "citations": [
            {"target": _ext(c.item) if c.item else c.target_external_id, "ref": c.ref}
            for c in sorted(qa.citations.all(), key=lambda c: (c.position, c.pk))
        ],
    }


def export_qas(out: TextIO, *, org_code: str | None = None) -> int:
    qs = PolicyQA.objects.filter(status=rules.PUBLISHED)
    org = _export_org(org_code)
    if org is not None:
        qs = qs.filter(org=org)
    qs = qs.select_related("org").prefetch_related("citations__item").order_by("pk")
    return _write_lines(out, (qa_record(q) for q in qs.iterator(chunk_size=500)))


# ---------------------------------------------------------------- 政府公报 issues


def _store_gazette(obj: Any, orgs: _OrgCache, actor: Any) -> str:
    """A published issue and its table of contents (items by external_id, in order), through publishing's services.
    The PDF of the printed issue is not carried by the file."""
    obj = _object(obj)
    org = _org(obj, orgs)
    year = _int(obj, "year", "年份", low=1949, high=2200)
    number = _int(obj, "number", "期号", high=999)
    title = _str(obj, "title", max_length=100)
    published_on = parse_date(obj.get("published_on"), "published_on")
    targets = _str_list(obj.get("items"), "items")
    if not targets:
        raise ApplicationError("empty_issue", "目录（items）为空的公报不能发布。", field="items")
    items: list[InfoItem] = []
    for target in targets:
        item = _item_by_external_id(target)
        if item is None or not item.is_public:
            raise ApplicationError(
                "unknown_target", f"目录中的信息 {target} 不在平台上或未公开，请先导入该信息。", field="items"
            )
        if item in items:
            raise ApplicationError("duplicate", f"目录中重复收录 {target}。", field="items")
        items.append(item)
    with transaction.atomic():
        issue = GazetteIssue.objects.filter(org=org, year=year, number=number).first()
        if issue is not None:
            stored = list(
                GazetteEntry.objects.filter(issue=issue)
                .order_by("position", "id")
                .values_list("item_id", flat=True)
            )
            same = stored == [i.pk for i in items] and (not title or issue.title == title)
            if issue.status == GazetteIssue.Status.PUBLISHED:
                if not same or (published_on and issue.published_on != published_on):
                    raise ApplicationError(
                        "immutable",
                        f"{year}年第{number}期已发布且内容不同；已发布的公报目录不能修改。",
                        field="items",
                    )
                return "unchanged"
            raise ApplicationError(
                "duplicate", f"{year}年第{number}期正在平台上编辑，不能导入覆盖。", field="number"
            )
        issue = publishing_services.gazette_issue_create(
            actor=actor, org=org, year=year, number=number, title=title
        )
        for item in items:
            publishing_services.gazette_entry_add(actor=actor, issue=issue, item=item)
        publishing_services.gazette_issue_publish(actor=actor, issue=issue, published_on=published_on)
    return "created"


def gazette_record(issue: GazetteIssue) -> dict[str, Any]:
    return {
        "org": issue.org.code,
        "year": issue.year,
        "number": issue.number,
        "title": issue.title,
        "published_on": _iso(issue.published_on),
        "items": [_ext(e.item) for e in sorted(issue.entries.all(), key=lambda e: (e.position, e.pk))],
    }


def export_gazette(out: TextIO, *, org_code: str | None = None) -> int:
    qs = GazetteIssue.objects.filter(status=GazetteIssue.Status.PUBLISHED)
    org = _export_org(org_code)
    if org is not None:
        qs = qs.filter(org=org)
    qs = qs.select_related("org").prefetch_related("entries__item").order_by("org__code", "year", "number")
    return _write_lines(out, (gazette_record(i) for i in qs.iterator(chunk_size=100)))


# ---------------------------------------------------------------- the commands' entry points

Store = Callable[[Any, _OrgCache, Any], str]

KINDS: dict[str, tuple[str, Store, Callable[..., int]]] = {
    "proposals": ("建议提案办理结果", _store_proposal, export_proposals),
    "guides": ("办事指南", _store_guide, export_guides),
    "powers": ("权责清单", _store_power_version, export_powers),
    "policy-qa": ("政策问答", _store_qa, export_qas),
    "gazette": ("政府公报", _store_gazette, export_gazette),
}


def import_records(kind: str, path: Path, *, err: TextIO, actor: Any = None) -> ImportResult:
    """`gongkai import <kind> FILE` for one of `KINDS`."""
    label, store, _export = KINDS[kind]
    source = JsonlFile(path)
    orgs = _OrgCache()
    waiting: list[tuple[int, str]] = []  # (line, document) of Q&A citations stored pending
    notes: list[
        tuple[int, str, str]
    ] = []  # warnings about lines stored (or left alone), e.g. withdrawn_on_platform

    def handle(line_no: int, obj: Any) -> str:
        def warn(code: str, message: str) -> None:
            notes.append((line_no, code, message))

        if store is _store_qa:
            return _store_qa(
                obj, orgs, actor, warn=warn, pending=lambda target: waiting.append((line_no, target))
            )
        if store is _store_proposal:
            return _store_proposal(obj, orgs, actor, warn=warn)
        if store is _store_guide:
            return _store_guide(obj, orgs, actor, warn=warn)
        return store(obj, orgs, actor)

    def finish() -> list[tuple[int, str, str]]:
        pending = _qa_pending_warnings(waiting, actor) if store is _store_qa else []
        return sorted(notes + pending)

    return run_jsonl(source, err=err, desc=f"导入{label}", handle=handle, finish=finish)


def import_items_linking_citations(
    path: Path, *, err: TextIO, actor: Any = None, **options: Any
) -> ImportResult:
    """`gongkai import items`: publishing's item import, then the Q&A citations that were waiting for one of the
    imported documents are linked (`services.qa_citations_resolve`)."""
    result = publishing_importers.import_items(path, err=err, actor=actor, **options)
    linked = services.qa_citations_resolve(actor=actor)
    if linked:
        err.write(f"政策问答中等待这些信息的引用已关联 {linked} 处。\n")
    return result


def export_records(kind: str, out: TextIO, *, org_code: str | None = None) -> int:
    """`gongkai export <kind>` for one of `KINDS`: the published records in the import format."""
    return KINDS[kind][2](out, org_code=org_code)


def importer_for(kind: str) -> Callable[..., ImportResult]:
    def run(path: Path, *, err: TextIO, actor: Any = None) -> ImportResult:
        return import_records(kind, path, err=err, actor=actor)

    return run


def exporter_for(kind: str) -> Callable[..., int]:
    def run(out: TextIO, *, org_code: str | None = None) -> int:
        return export_records(kind, out, org_code=org_code)

    return run
