"""Every write of the policy app. Keyword-only, typed, one transaction, one audit entry each (DESIGN.md).

Permission is checked here: drafts are written by the agency's drafters, publishers and administrators; publishing,
withdrawing and releasing a new 权责清单 version need the agency's publisher or administrator (`rules.PUBLISHER_ROLES`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.core.audit import audit_log, audit_log_many
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import may_admin_org, user_roles
from gongkai.policy import rules
from gongkai.policy.models import (
    GuideVersion,
    PolicyQA,
    PowerEntry,
    PowerListVersion,
    ProposalReply,
    QACitation,
    ServiceGuide,
)
from gongkai.publishing import selectors as publishing_selectors

TEXT_MAX = 20000  # characters of one long text field (a reply, an answer, one guide element)


# ---------------------------------------------------------------- helpers


def roles_of(actor: Any, org: Organization) -> set[str]:
    """The actor's roles in the agency; platform administrators (and the system, actor None) act as org_admin."""
    roles = user_roles(actor, org) if actor is not None else set()
    if may_admin_org(actor, org):
        roles.add("org_admin")
    return roles


def may_edit(actor: Any, org: Organization) -> bool:
    return bool(roles_of(actor, org) & rules.EDITOR_ROLES)


def may_publish(actor: Any, org: Organization) -> bool:
    return bool(roles_of(actor, org) & rules.PUBLISHER_ROLES)


def _require_edit(actor: Any, org: Organization) -> None:
    if not may_edit(actor, org):
        raise PermissionDenied("只有本单位的拟稿人、发布人或管理员可以编辑。")


def _require_publish(actor: Any, org: Organization) -> None:
    if not may_publish(actor, org):
        raise PermissionDenied("只有本单位的发布人或管理员可以发布。")


def _text(value: str | None, *, label: str, name: str, required: bool = True, max_len: int = TEXT_MAX) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise ApplicationError("missing_field", f"{label}不能为空。", field=name)
    if len(value) > max_len:
        raise ApplicationError(
            "too_long", f"{label}不能超过 {max_len} 个字（当前 {len(value)} 个字）。", field=name
        )
    return value


def _transition(
    table: rules.StateMachine[rules.Transition], *, actor: Any, obj: Any, action: str, comment: str
) -> tuple[rules.Transition, str]:
    transition = rules.transition_for(table, action, obj.status)
    if transition is None:
        label = rules.STATUS_LABELS.get(obj.status, obj.status)
        raise ApplicationError("bad_transition", f"当前状态为“{label}”，不能执行该操作。")
    if not transition.roles & roles_of(actor, obj.org):
        raise PermissionDenied("只有本单位的发布人或管理员可以发布或撤回。")
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise ApplicationError("missing_comment", "请填写撤回原因。", field="comment")
    if len(comment) > 500:
        raise ApplicationError("too_long", "原因不能超过 500 个字。", field="comment")
    return transition, comment


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------- 建议提案办理结果 (R-INT-3)


@dataclass
class ProposalData:
    kind: str
    number: int | None
    session: str
    proposer_type: str
    proposer: str
    subject: str
    reply_type: str
    reply_date: date | None
    body: str
    title: str = ""
    co_handlers: list[Organization] = field(default_factory=list)


def proposal_data_check(
    *, org: Organization, data: ProposalData, exclude_pk: int | None = None
) -> ProposalData:
    """Validate and clean; raises ApplicationError naming the field, with a Chinese message."""
    if data.kind not in ProposalReply.Kind.values:
        raise ApplicationError("bad_kind", "请选择类别（建议或提案）。", field="kind")
    if data.number is None or not 1 <= data.number <= 999999:
        raise ApplicationError("bad_number", "编号须为正整数，如“第123号”。", field="number")
    session = _text(data.session, label="届次", name="session", max_len=50)
    if data.proposer_type not in ProposalReply.ProposerType.values:
        raise ApplicationError("bad_proposer_type", "请选择提出者类型。", field="proposer_type")
    proposer = _text(data.proposer, label="提出者", name="proposer", max_len=200)
    subject = _text(data.subject, label="主题", name="subject", max_len=200).strip("《》")
    title = (data.title or "").strip() or rules.proposal_default_title(subject)
    title = _text(title, label="公开标题", name="title", max_len=300)
    error = rules.proposal_title_error(title, subject)
    if error:
        raise ApplicationError("title_missing_subject", error, field="title")
    if data.reply_type not in ProposalReply.ReplyType.values:
        raise ApplicationError("bad_reply_type", "请选择答复类型（A、B 或 C 类）。", field="reply_type")
    if data.reply_date is None:
        raise ApplicationError("missing_field", "答复日期不能为空。", field="reply_date")
    if data.reply_date > timezone.localdate():
        raise ApplicationError("bad_date", "答复日期不能晚于今天。", field="reply_date")
    body = _text(data.body, label="答复全文", name="body")
    duplicate = ProposalReply.objects.filter(org=org, kind=data.kind, session=session, number=data.number)
    if exclude_pk:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        kind_label = ProposalReply.Kind(data.kind).label
        raise ApplicationError(
            "duplicate", f"本单位已有{session}第{data.number}号{kind_label}的答复。", field="number"
        )
    return ProposalData(
        kind=data.kind,
        number=data.number,
        session=session,
        proposer_type=data.proposer_type,
        proposer=proposer,
        subject=subject,
        reply_type=data.reply_type,
        reply_date=data.reply_date,
        body=body,
        title=title,
        co_handlers=[o for o in data.co_handlers if o.pk != org.pk],
    )


def _apply_proposal(reply: ProposalReply, data: ProposalData) -> None:
    assert data.number is not None and data.reply_date is not None
    reply.kind, reply.number, reply.session = data.kind, data.number, data.session
    reply.proposer_type, reply.proposer, reply.subject = data.proposer_type, data.proposer, data.subject
    reply.title, reply.reply_type, reply.reply_date = data.title, data.reply_type, data.reply_date
    reply.body = data.body


@transaction.atomic
def proposal_create(*, actor: Any, org: Organization, data: ProposalData) -> ProposalReply:
    _require_edit(actor, org)
    data = proposal_data_check(org=org, data=data)
    reply = ProposalReply(org=org, drafter=_user_or_none(actor), status=rules.DRAFT)
    _apply_proposal(reply, data)
    reply.save()
    reply.co_handlers.set(data.co_handlers)
    audit_log(actor=actor, action="proposal.create", obj=reply, org_code=org.code, to_state=reply.status)
    return reply


@transaction.atomic
def proposal_update(*, actor: Any, reply: ProposalReply, data: ProposalData) -> ProposalReply:
    reply = ProposalReply.objects.select_for_update(of=("self",)).select_related("org").get(pk=reply.pk)
    _require_edit(actor, reply.org)
    if reply.status not in rules.RECORD_EDITABLE:
        raise ApplicationError("not_editable", "已发布的答复不能修改；请先撤回。")
    data = proposal_data_check(org=reply.org, data=data, exclude_pk=reply.pk)
    _apply_proposal(reply, data)
    reply.save()
    reply.co_handlers.set(data.co_handlers)
    audit_log(actor=actor, action="proposal.update", obj=reply, org_code=reply.org.code)
    return reply


def _record_transition(
    model: Any,
    *,
    actor: Any,
    obj: Any,
    action: str,
    comment: str,
    audit_prefix: str,
    before_publish: Any = None,
) -> Any:
    """publish (draft/withdrawn → published) or withdraw (with a reason) a 建议提案答复 or 政策问答 (RECORD_TRANSITIONS):
    the only code that changes their status. `before_publish(obj)` may refuse the publication."""
    obj = model.objects.select_for_update(of=("self",)).select_related("org").get(pk=obj.pk)
    transition, comment = _transition(
        rules.RECORD_TRANSITIONS, actor=actor, obj=obj, action=action, comment=comment
    )
    before = obj.status
    if action == "publish":
        if before_publish is not None:
            before_publish(obj)
        obj.publisher = _user_or_none(actor)
        obj.published_at = obj.published_at or timezone.now()
        obj.withdrawn_reason = ""
    else:
        obj.withdrawn_reason = comment
    obj.status = transition.target
    obj.save()
    audit_log(
        actor=actor,
        action=f"{audit_prefix}.{action}",
        obj=obj,
        org_code=obj.org.code,
        from_state=before,
        to_state=obj.status,
        comment=comment,
    )
    return obj


def _proposal_publishable(reply: ProposalReply) -> None:
    # R-INT-3 is checked again: a record imported or edited elsewhere never goes out without its subject.
    error = rules.proposal_title_error(reply.title, reply.subject)
    if error:
        raise ApplicationError("title_missing_subject", error, field="title")


@transaction.atomic
def proposal_transition(*, actor: Any, reply: ProposalReply, action: str, comment: str = "") -> ProposalReply:
    """The only way a reply's status changes: publish (draft/withdrawn → published), withdraw (with a reason)."""
    published: ProposalReply = _record_transition(
        ProposalReply,
        actor=actor,
        obj=reply,
        action=action,
        comment=comment,
        audit_prefix="proposal",
        before_publish=_proposal_publishable,
    )
    return published


# ---------------------------------------------------------------- 办事指南 (R-WEB-4)


@dataclass
class GuideData:
    name: str
    basis: str = ""
    conditions: str = ""
    materials: str = ""
    location: str = ""
    handling_org: str = ""
    fees: str = ""
    hours: str = ""
    phone: str = ""
    process: str = ""


SHORT_GUIDE_FIELDS = {"name": 200, "handling_org": 200, "phone": 200}


def guide_data_check(*, data: GuideData) -> GuideData:
    """A draft may miss elements (R-WEB-4 is checked at publication); only the name is required now."""
    values: dict[str, str] = {}
    for key, label in rules.GUIDE_ELEMENTS:
        values[key] = _text(
            getattr(data, key),
            label=label,
            name=key,
            required=key == "name",
            max_len=SHORT_GUIDE_FIELDS.get(key, TEXT_MAX),
        )
    return GuideData(**values)


def guide_snapshot(guide: ServiceGuide) -> dict[str, str]:
    return {key: getattr(guide, key) for key, _ in rules.GUIDE_ELEMENTS}


@transaction.atomic
def guide_create(*, actor: Any, org: Organization, data: GuideData) -> ServiceGuide:
    _require_edit(actor, org)
    data = guide_data_check(data=data)
    guide = ServiceGuide(org=org, status=rules.DRAFT, **vars(data))
    guide.save()
    audit_log(actor=actor, action="guide.create", obj=guide, org_code=org.code, to_state=guide.status)
    return guide


@transaction.atomic
def guide_update(*, actor: Any, guide: ServiceGuide, data: GuideData) -> ServiceGuide:
    """Edit the working copy; the public keeps seeing the last published version until the next publication."""
    guide = ServiceGuide.objects.select_for_update(of=("self",)).select_related("org").get(pk=guide.pk)
    _require_edit(actor, guide.org)
    data = guide_data_check(data=data)
    for key, value in vars(data).items():
        setattr(guide, key, value)
    guide.save()
    audit_log(actor=actor, action="guide.update", obj=guide, org_code=guide.org.code)
    return guide


@transaction.atomic
def guide_transition(*, actor: Any, guide: ServiceGuide, action: str, comment: str = "") -> ServiceGuide:
    """publish: R-WEB-4 — refused while a key element is empty; each publication keeps a new version.
    withdraw: the guide leaves the public pages (its versions stay in the record)."""
    guide = ServiceGuide.objects.select_for_update(of=("self",)).select_related("org").get(pk=guide.pk)
    if action == "publish":
        comment = comment.strip()
    transition, comment = _transition(
        rules.GUIDE_TRANSITIONS, actor=actor, obj=guide, action=action, comment=comment
    )
    before = guide.status
    version_number = None
    if action == "publish":
        snapshot = guide_snapshot(guide)
        message = rules.guide_missing_message(rules.guide_missing_elements(snapshot))
        if message:
            raise ApplicationError("missing_elements", message)
        latest = guide.versions.order_by("-number").first()
        if latest is not None and latest.snapshot == snapshot and guide.status == rules.PUBLISHED:
            raise ApplicationError("unchanged", "内容与当前发布的版本相同，无需重新发布。")
        guide.version += 1
        version_number = guide.version
        GuideVersion.objects.create(
            guide=guide,
            number=guide.version,
            snapshot=snapshot,
            note=comment or ("首次发布" if guide.version == 1 else ""),
            published_at=timezone.now(),
            published_by=_user_or_none(actor),
        )
        guide.withdrawn_reason = ""
    else:
        guide.withdrawn_reason = comment
    guide.status = transition.target
    guide.save()
    audit_log(
        actor=actor,
        action=f"guide.{action}",
        obj=guide,
        org_code=guide.org.code,
        from_state=before,
        to_state=guide.status,
        comment=comment,
        data={"version": version_number} if version_number else None,
    )
    return guide


# ---------------------------------------------------------------- 权责清单


@dataclass
class PowerEntryData:
    name: str
    category: str
    basis: str
    responsible: Organization | None
    remarks: str = ""


def power_entry_check(*, data: PowerEntryData) -> PowerEntryData:
    name = _text(data.name, label="事项名称", name="name", max_len=300)
    if data.category not in rules.POWER_CATEGORY_LABELS:
        raise ApplicationError("bad_category", "请选择类别。", field="category")
    basis = _text(data.basis, label="依据", name="basis")
    if data.responsible is None:
        raise ApplicationError("missing_field", "请选择责任主体。", field="responsible")
    remarks = _text(data.remarks, label="备注", name="remarks", required=False, max_len=2000)
    return PowerEntryData(
        name=name, category=data.category, basis=basis, responsible=data.responsible, remarks=remarks
    )


def _working_copy(org: Organization) -> PowerListVersion:
    """The agency's working copy, made on first edit from the current published version (entries keep their keys)."""
    org = Organization.objects.select_for_update().get(
        pk=org.pk
    )  # one working copy per agency, even under races
    draft = PowerListVersion.objects.filter(org=org, status=rules.DRAFT).first()
    if draft is not None:
        return draft
    draft = PowerListVersion.objects.create(org=org, status=rules.DRAFT)
    current = PowerListVersion.objects.filter(org=org, status=rules.PUBLISHED).order_by("-number").first()
    if current is not None:
        PowerEntry.objects.bulk_create(
            [
                PowerEntry(
                    version=draft,
                    key=e.key,
                    position=e.position,
                    name=e.name,
                    category=e.category,
                    basis=e.basis,
                    responsible_id=e.responsible_id,
                    remarks=e.remarks,
                )
                for e in current.entries.all()
            ]
        )
    return draft


def _entry_in_working_copy(entry: PowerEntry) -> PowerEntry:
    entry = (
        PowerEntry.objects.select_for_update(of=("self",))
        .select_related("version", "version__org")
        .get(pk=entry.pk)
    )
    if entry.version.status != rules.DRAFT:
        raise ApplicationError("immutable", "已发布的权责清单版本不能修改；请在工作稿中修改后发布新版本。")
    return entry


@transaction.atomic
def power_entry_add(*, actor: Any, org: Organization, data: PowerEntryData) -> PowerEntry:
    _require_edit(actor, org)
    data = power_entry_check(data=data)
    draft = _working_copy(org)
    assert data.responsible is not None
    position = (draft.entries.aggregate(m=Max("position"))["m"] or 0) + 1
    entry = PowerEntry.objects.create(
        version=draft,
        key=uuid.uuid4().hex,
        position=position,
        name=data.name,
        category=data.category,
        basis=data.basis,
        responsible=data.responsible,
        remarks=data.remarks,
    )
    audit_log(actor=actor, action="power.entry_add", obj=entry, org_code=org.code, data={"name": entry.name})
    return entry


@transaction.atomic
def power_entry_update(*, actor: Any, entry: PowerEntry, data: PowerEntryData) -> PowerEntry:
    entry = _entry_in_working_copy(entry)
    _require_edit(actor, entry.version.org)
    data = power_entry_check(data=data)
    entry.name, entry.category, entry.basis = data.name, data.category, data.basis
    assert data.responsible is not None
    entry.responsible, entry.remarks = data.responsible, data.remarks
    entry.save()
    audit_log(actor=actor, action="power.entry_update", obj=entry, org_code=entry.version.org.code)
    return entry


@transaction.atomic
def power_entry_remove(*, actor: Any, entry: PowerEntry) -> None:
    entry = _entry_in_working_copy(entry)
    _require_edit(actor, entry.version.org)
    audit_log(
        actor=actor,
        action="power.entry_remove",
        obj=entry,
        org_code=entry.version.org.code,
        data={"name": entry.name},
    )
    entry.delete()


@transaction.atomic
def power_working_copy_start(*, actor: Any, org: Organization) -> PowerListVersion:
    """Open the working copy explicitly (a copy of the current version), e.g. before editing an entry of it."""
    _require_edit(actor, org)
    existed = PowerListVersion.objects.filter(org=org, status=rules.DRAFT).exists()
    draft = _working_copy(org)
    if not existed:
        audit_log(actor=actor, action="power.working_copy", obj=draft, org_code=org.code)
    return draft


@transaction.atomic
def power_list_discard(*, actor: Any, org: Organization) -> None:
    """Throw the working copy away (the published versions are untouched)."""
    _require_edit(actor, org)
    draft = PowerListVersion.objects.select_for_update().filter(org=org, status=rules.DRAFT).first()
    if draft is None:
        raise ApplicationError("no_working_copy", "没有未发布的工作稿。")
    audit_log(actor=actor, action="power.discard", obj=draft, org_code=org.code)
    draft.delete()


@transaction.atomic
def power_list_publish(*, actor: Any, org: Organization, note: str) -> PowerListVersion:
    """Release the working copy as the next version, with a required note on what changed. Published versions are
    never edited again (services refuse); the diff to the previous version is computed, not typed."""
    from gongkai.policy.selectors import power_version_diff

    _require_publish(actor, org)
    note = _text(note, label="变更说明", name="note", max_len=2000)
    draft = PowerListVersion.objects.select_for_update().filter(org=org, status=rules.DRAFT).first()
    if draft is None:
        raise ApplicationError("no_working_copy", "没有待发布的工作稿；请先修改清单。")
    if not draft.entries.exists():
        raise ApplicationError("empty_list", "权责清单为空，不能发布。")
    previous = PowerListVersion.objects.filter(org=org, status=rules.PUBLISHED).order_by("-number").first()
    if previous is not None and power_version_diff(previous, draft).empty:
        raise ApplicationError("unchanged", "工作稿与当前版本相同，无需发布新版本。")
    last = PowerListVersion.objects.filter(org=org, number__isnull=False).aggregate(m=Max("number"))["m"] or 0
    draft.number = last + 1
    draft.status = rules.PUBLISHED
    draft.note = note
    draft.published_at = timezone.now()
    draft.published_by = _user_or_none(actor)
    draft.save()
    audit_log(
        actor=actor,
        action="power.publish",
        obj=draft,
        org_code=org.code,
        from_state=rules.DRAFT,
        to_state=rules.PUBLISHED,
        comment=note,
        data={"version": draft.number},
    )
    return draft


# ---------------------------------------------------------------- 政策问答库


@dataclass
class QAData:
    title: str
    question: str
    answer: str


def qa_data_check(*, data: QAData) -> QAData:
    return QAData(
        title=_text(data.title, label="标题", name="title", max_len=200),
        question=_text(data.question, label="问题", name="question"),
        answer=_text(data.answer, label="答复", name="answer"),
    )


@transaction.atomic
def qa_create(*, actor: Any, org: Organization, data: QAData) -> PolicyQA:
    _require_edit(actor, org)
    data = qa_data_check(data=data)
    qa = PolicyQA.objects.create(org=org, drafter=_user_or_none(actor), status=rules.DRAFT, **vars(data))
    audit_log(actor=actor, action="qa.create", obj=qa, org_code=org.code, to_state=qa.status)
    return qa


def _qa_for_edit(qa: PolicyQA, actor: Any) -> PolicyQA:
    qa = PolicyQA.objects.select_for_update(of=("self",)).select_related("org").get(pk=qa.pk)
    _require_edit(actor, qa.org)
    if qa.status not in rules.RECORD_EDITABLE:
        raise ApplicationError("not_editable", "已发布的问答不能修改；请先撤回。")
    return qa


@transaction.atomic
def qa_update(*, actor: Any, qa: PolicyQA, data: QAData) -> PolicyQA:
    qa = _qa_for_edit(qa, actor)
    data = qa_data_check(data=data)
    qa.title, qa.question, qa.answer = data.title, data.question, data.answer
    qa.save()
    audit_log(actor=actor, action="qa.update", obj=qa, org_code=qa.org.code)
    return qa


@transaction.atomic
def qa_citation_add(*, actor: Any, qa: PolicyQA, ref: str) -> QACitation:
    """Cite a published document by its 索引号 or 文号 (any bracket style)."""
    qa = _qa_for_edit(qa, actor)
    ref = _text(ref, label="索引号或文号", name="ref", max_len=100)
    item = publishing_selectors.relation_target_lookup(qa.org, ref)
    if item is None or not item.is_public:
        raise ApplicationError("not_found", f"找不到索引号或文号为“{ref}”的已公开文件。", field="ref")
    if QACitation.objects.filter(qa=qa, item=item).exists():
        raise ApplicationError("duplicate", f"已引用《{item.title}》。", field="ref")
    position = (qa.citations.aggregate(m=Max("position"))["m"] or 0) + 1
    citation = QACitation.objects.create(qa=qa, item=item, ref=ref, position=position)
    audit_log(actor=actor, action="qa.cite", obj=qa, org_code=qa.org.code, data={"item": item.pk, "ref": ref})
    return citation


@transaction.atomic
def qa_citation_remove(*, actor: Any, citation: QACitation) -> None:
    qa = _qa_for_edit(citation.qa, actor)
    audit_log(
        actor=actor,
        action="qa.uncite",
        obj=qa,
        org_code=qa.org.code,
        data={"item": citation.item_id, "target": citation.target_external_id},
    )
    citation.delete()


def qa_citations_resolve(*, actor: Any = None) -> int:
    """Link every pending citation (imported before its document) whose document is on the platform now, by external
    id as the item import stores it (or `pk:N`, an item made on the platform), and name it by the document's 文号 when
    the importing line gave no reference (`rules.citation_default_ref`) and the document is public — a draft or a
    document not proactively disclosed is never named by its title or 文号 (it stays shown by its external id). Returns the number linked; one audit
    entry `qa.cite_resolved` per answer. Run after `gongkai import items`, at the end of a Q&A import and by the tick
    (`policy.jobs`), as publishing resolves a pending `ItemRelation` when its target arrives."""
    from gongkai.policy.selectors import items_by_external_id

    waiting = set(
        QACitation.objects.filter(item__isnull=True)
        .exclude(target_external_id="")
        .values_list("target_external_id", flat=True)
        .distinct()
    )
    found = items_by_external_id(waiting)
    if not found:
        return 0
    with transaction.atomic():
        rows = list(
            QACitation.objects.select_for_update(of=("self",))
            .filter(item__isnull=True, target_external_id__in=list(found))
            .select_related("qa__org")
            .order_by("qa_id", "position", "id")
        )
        taken = set(
            QACitation.objects.filter(
                qa_id__in={r.qa_id for r in rows}, item_id__in={found[r.target_external_id] for r in rows}
            ).values_list("qa_id", "item_id")
        )
        linked: list[QACitation] = []
        by_qa: dict[int, tuple[PolicyQA, dict[str, list[str]]]] = {}
        for row in rows:
            row.item_id = found[row.target_external_id]
            note = by_qa.setdefault(row.qa_id, (row.qa, {"targets": [], "merged": []}))[1]
            if (row.qa_id, row.item_id) in taken:
                row.delete()  # the answer already cites that document under another name
                note["merged"].append(row.target_external_id)
                continue
            taken.add((row.qa_id, row.item_id))
            linked.append(row)
            note["targets"].append(row.target_external_id)
        named = {
            pk: rules.citation_default_ref(doc_no, index_no, title)
            for pk, doc_no, index_no, title in publishing_selectors.items_public()
            .filter(pk__in={r.item_id for r in linked if not r.ref})
            .values_list("pk", "doc_no", "index_no", "title")
        }
        for row in linked:
            row.ref = row.ref or named.get(row.item_id or 0, "")
        QACitation.objects.bulk_update(linked, ["item", "ref"], batch_size=500)
        audit_log_many(
            actor=actor,
            action="qa.cite_resolved",
            entries=[(qa, qa.org.code, "", data) for qa, data in by_qa.values()],
        )
    return len(linked)


@transaction.atomic
def qa_transition(*, actor: Any, qa: PolicyQA, action: str, comment: str = "") -> PolicyQA:
    published: PolicyQA = _record_transition(
        PolicyQA, actor=actor, obj=qa, action=action, comment=comment, audit_prefix="qa"
    )
    return published
