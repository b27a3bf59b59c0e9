"""Every write of the publishing app: columns, items, the workflow, revisions, attachments.

Each public function is keyword-only, runs in one transaction and writes one audit entry (DESIGN.md).
Permission is checked here, so the views, the CLI and the tests all pass the same gate.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongkai.core import textextract
from gongkai.core.audit import audit_log
from gongkai.core.docno import normalize_doc_no
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.html import html_to_text, sanitize_html, text_to_html
from gongkai.core.uploads import check_upload
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import (
    effective_level,
    is_platform_admin,
    may_admin_org,
    user_has_role,
    user_roles,
)
from gongkai.publishing import index_no as index_rules
from gongkai.publishing import workflow
from gongkai.publishing.metadata import GENRES, dates_error, subject_error
from gongkai.publishing.models import (
    Attachment,
    BudgetDisclosure,
    CleanupBatch,
    CleanupDecision,
    Column,
    GazetteEntry,
    GazetteIssue,
    IndexNoSequence,
    InfoItem,
    ItemRelation,
    ItemRevision,
    StandardCatalogEntry,
)
from gongkai.publishing.selectors import in_force_on, items_public
from gongkai.publishing.statutory import skeleton
from gongkai.search import indexing as search_indexing

# ---------------------------------------------------------------- agencies and columns


@transaction.atomic
def column_skeleton_ensure(*, actor: Any, org: Organization) -> int:
    """Give an agency the standard 专栏 (issue 2 §4; R-PUB-1/R-PUB-2 sub-columns). Idempotent; returns how many were made."""
    made = 0
    level = effective_level(org)
    for order, (section, name, children) in enumerate(skeleton(org.kind, level)):
        root, created = Column.objects.get_or_create(
            org=org,
            parent=None,
            name=name,
            defaults={
                "section": section,
                "is_system": True,
                "sort_order": order * 10,
                "first_level": True,
                "update_class": Column.UpdateClass.STATIC
                if section != "statutory"
                else Column.UpdateClass.NOTICE,
            },
        )
        made += int(created)
        for child_order, (code, child_name) in enumerate(children):
            _, created = Column.objects.get_or_create(
                org=org,
                parent=root,
                name=child_name,
                defaults={
                    "section": section,
                    "statutory_code": code,
                    "is_system": True,
                    "sort_order": child_order,
                    "update_class": Column.UpdateClass.NOTICE,
                },
            )
            made += int(created)
    if made:
        audit_log(
            actor=actor,
            action="column.skeleton",
            object_type="orgs.organization",
            object_id=str(org.pk),
            org_code=org.code,
            data={"created": made},
        )
    return made


@transaction.atomic
def org_setup(
    *, actor: Any, code: str, parent_code: str | None = None, **fields: Any
) -> tuple[Organization, bool]:
    """Create or update an agency and make sure it has its 专栏 skeleton."""
    org, created = org_services.org_upsert(actor=actor, code=code, parent_code=parent_code, **fields)
    column_skeleton_ensure(actor=actor, org=org)
    return org, created


def _check_structure(structure: str) -> str:
    from gongkai.publishing.structures import STRUCTURES

    if structure and structure not in STRUCTURES:
        raise ApplicationError("bad_structure", "结构化信息类型无效。", field="structure")
    return structure


def _check_column_fields(name: str, update_class: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError("missing_field", "栏目名称不能为空。", field="name")
    if len(name) > 100:
        raise ApplicationError("too_long", "栏目名称不能超过 100 个字。", field="name")
    if "/" in name:
        raise ApplicationError("bad_name", "栏目名称不能包含“/”。", field="name")
    if update_class not in Column.UpdateClass.values:
        raise ApplicationError("bad_update_class", "更新类别无效。", field="update_class")
    return name


@transaction.atomic
def column_create(
    *,
    actor: Any,
    org: Organization,
    name: str,
    parent: Column | None = None,
    update_class: str = Column.UpdateClass.NOTICE,
    responsible: str = "",
    first_level: bool | None = None,
    sort_order: int = 0,
    structure: str = "",
) -> Column:
    if not may_admin_org(actor, org):
        raise PermissionDenied()
    name = _check_column_fields(name, update_class)
    if parent is not None and parent.org_id != org.pk:
        raise ApplicationError("bad_parent", "上级栏目不属于本单位。", field="parent")
    if Column.objects.filter(org=org, parent=parent, name=name).exists():
        raise ApplicationError("duplicate", f"同一上级下已有名为“{name}”的栏目。", field="name")
    column = Column.objects.create(
        org=org,
        parent=parent,
        name=name,
        update_class=update_class,
        responsible=responsible.strip()[:100],
        first_level=parent is None if first_level is None else first_level,
        sort_order=sort_order,
        section=parent.section if parent else "",
        structure=_check_structure(structure),
    )
    audit_log(actor=actor, action="column.create", obj=column, org_code=org.code, data={"name": name})
    return column


@transaction.atomic
def column_update(
    *,
    actor: Any,
    column: Column,
    name: str,
    update_class: str,
    responsible: str = "",
    first_level: bool = False,
    sort_order: int = 0,
    structure: str | None = None,
) -> Column:
    if not may_admin_org(actor, column.org):
        raise PermissionDenied()
    name = _check_column_fields(name, update_class)
    if structure is not None:
        column.structure = _check_structure(structure)
    if column.is_system and name != column.name:
        raise ApplicationError("system_column", "标准专栏栏目不能改名。", field="name")
    if Column.objects.filter(org=column.org, parent=column.parent, name=name).exclude(pk=column.pk).exists():
        raise ApplicationError("duplicate", f"同一上级下已有名为“{name}”的栏目。", field="name")
    column.name, column.update_class = name, update_class
    column.responsible, column.first_level, column.sort_order = (
        responsible.strip()[:100],
        first_level,
        sort_order,
    )
    column.save()
    audit_log(actor=actor, action="column.update", obj=column, org_code=column.org.code)
    return column


@transaction.atomic
def column_delete(*, actor: Any, column: Column) -> None:
    if not may_admin_org(actor, column.org):
        raise PermissionDenied()
    if column.is_system:
        raise ApplicationError("system_column", "标准专栏栏目不能删除。")
    if column.children.exists() or column.items.exists():
        raise ApplicationError("column_not_empty", "栏目下还有子栏目或信息，不能删除。")
    audit_log(
        actor=actor, action="column.delete", obj=column, org_code=column.org.code, data={"name": column.name}
    )
    column.delete()


def column_by_path(*, org: Organization, path: str, create: bool = False, actor: Any = None) -> Column | None:
    """The column at `a/b/c` under the agency's tree (created on the way when `create`)."""
    parts = [p.strip() for p in path.split("/") if p.strip()]
    if not parts:
        return None
    parent: Column | None = None
    for part in parts:
        found = Column.objects.filter(org=org, parent=parent, name=part).first()
        if found is None:
            if not create:
                return None
            found = column_create(actor=actor, org=org, name=part, parent=parent)
        parent = found
    return parent


# ---------------------------------------------------------------- items


ITEM_TEXT_FIELDS = ("title", "subject", "genre", "keywords", "disclosure_reason", "source", "doc_no")
FIELD_LABELS = {"kind": "文件类别", "disclosure": "公开属性", "validity": "有效性"}
ITEM_CHOICE_FIELDS = {
    "kind": InfoItem.Kind.values,
    "disclosure": InfoItem.Disclosure.values,
    "validity": InfoItem.Validity.values,
}
ITEM_DATE_FIELDS = ("written_on", "formed_on", "effective_on", "valid_until", "validity_changed_on")


@dataclass
class ItemData:
    """The editable content of an item, already typed (forms and the importer build it)."""

    title: str
    body_html: str = ""
    doc_no: str = ""
    subject: str = ""
    genre: str = ""
    keywords: str = ""
    kind: str = InfoItem.Kind.OTHER
    disclosure: str = InfoItem.Disclosure.PROACTIVE
    disclosure_reason: str = ""
    validity: str = InfoItem.Validity.VALID
    validity_changed_on: date | None = None
    effective_on: date | None = None
    valid_until: date | None = None
    written_on: date | None = None
    formed_on: date | None = None
    source: str = ""
    columns: list[Column] = field(default_factory=list)
    issuers: list[Organization] = field(default_factory=list)
    interpretation_exemption: str = ""  # R-PUB-8: why a rule or normative document has no interpretation
    body_text: str | None = None  # plain text given instead of HTML (imports)


def item_data_check(
    *, org: Organization, data: ItemData, strict_genre: bool = True, published_on: date | None = None
) -> None:
    """Validate an item's fields; raises ApplicationError naming the field, with a Chinese message."""
    if not data.title.strip():
        raise ApplicationError("missing_field", "标题不能为空。", field="title")
    if len(data.title) > 500:
        raise ApplicationError("too_long", "标题不能超过 500 个字。", field="title")
    for name in ITEM_CHOICE_FIELDS:
        if getattr(data, name) not in ITEM_CHOICE_FIELDS[name]:
            raise ApplicationError(f"bad_{name}", f"{FIELD_LABELS[name]}的取值无效。", field=name)
    # R-PUB-7: a reason is required when an item is not disclosed proactively.
    if data.disclosure != InfoItem.Disclosure.PROACTIVE and not data.disclosure_reason.strip():
        raise ApplicationError(
            "missing_reason", "公开属性为依申请公开或不予公开时，必须说明理由。", field="disclosure_reason"
        )
    error = subject_error(data.subject)
    if error:
        raise ApplicationError("bad_subject", error, field="subject")
    if data.genre and strict_genre and data.genre not in GENRES:
        raise ApplicationError("bad_genre", f"公文种类“{data.genre}”无效。", field="genre")
    if len(data.genre) > 20:
        raise ApplicationError("bad_genre", "公文种类过长。", field="genre")
    if len(data.doc_no) > 100:
        raise ApplicationError("too_long", "文号过长。", field="doc_no")
    problem = dates_error(
        written_on=data.written_on,
        effective_on=data.effective_on,
        valid_until=data.valid_until,
        published_on=published_on,
    )
    if problem:
        raise ApplicationError("bad_date", problem[1], field=problem[0])
    for column in data.columns:
        if column.org_id != org.pk:
            raise ApplicationError("bad_column", f"栏目“{column.name}”不属于本单位。", field="columns")


ITEM_DATA_SCALARS = (
    "title",
    "doc_no",
    "subject",
    "genre",
    "keywords",
    "kind",
    "disclosure",
    "disclosure_reason",
    "validity",
    "validity_changed_on",
    "effective_on",
    "valid_until",
    "written_on",
    "formed_on",
    "source",
    "interpretation_exemption",
)


def apply_item_data(item: InfoItem, data: ItemData) -> None:
    for name in ITEM_DATA_SCALARS:
        value = getattr(data, name)
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.doc_no_norm = normalize_doc_no(item.doc_no) if item.doc_no else ""
    if data.body_text is not None and not data.body_html:
        item.body_html = sanitize_html(text_to_html(data.body_text))
    else:
        item.body_html = sanitize_html(data.body_html)
    item.body_text = html_to_text(item.body_html)


def set_item_relations(item: InfoItem, data: ItemData) -> None:
    item.columns.set(data.columns)
    item.issuers.set([o for o in data.issuers if o.pk != item.org_id])


@transaction.atomic
def item_create(*, actor: Any, org: Organization, data: ItemData) -> InfoItem:
    """A drafter creates a draft (R-PUB-9: the drafter is recorded)."""
    if not user_has_role(actor, org, Role.DRAFTER):
        raise PermissionDenied("只有本单位的拟稿人可以起草信息。")
    item_data_check(org=org, data=data)
    item = InfoItem(org=org, drafter=actor, status=InfoItem.Status.DRAFT)
    apply_item_data(item, data)
    item.save()
    set_item_relations(item, data)
    audit_log(actor=actor, action="item.create", obj=item, org_code=org.code, to_state=item.status)
    return item


@transaction.atomic
def item_update(*, actor: Any, item: InfoItem, data: ItemData) -> InfoItem:
    """Edit a draft or a returned item (drafters of the agency)."""
    item = InfoItem.objects.select_for_update().get(pk=item.pk)
    if not user_has_role(actor, item.org, Role.DRAFTER):
        raise PermissionDenied("只有本单位的拟稿人可以修改草稿。")
    if item.status not in workflow.EDITABLE:
        raise ApplicationError("not_editable", "只有草稿或已退回的信息可以修改；已发布信息请使用“更正”。")
    item_data_check(org=item.org, data=data)
    apply_item_data(item, data)
    item.save()
    set_item_relations(item, data)
    audit_log(actor=actor, action="item.update", obj=item, org_code=item.org.code)
    return item


def index_no_allocate(*, org: Organization, on: date) -> str:
    """Next 索引号 for `org` (R-PUB-10): unique and never reused, safe under concurrent publishing.

    The counter row of the scope is locked with SELECT … FOR UPDATE (PostgreSQL); SQLite serializes writers.
    Must run inside the publishing transaction.
    """
    pattern = settings.GONGKAI_INDEX_NO_PATTERN
    scope = index_rules.scope_of(pattern, org_code=org.code, on=on)
    IndexNoSequence.objects.bulk_create([IndexNoSequence(scope=scope, last=0)], ignore_conflicts=True)
    # UPDATE … SET last = last + 1 takes the row lock until commit: concurrent publishers queue here.
    IndexNoSequence.objects.filter(scope=scope).update(last=F("last") + 1)
    seq = IndexNoSequence.objects.get(scope=scope).last
    candidate = index_rules.format_index_no(pattern, org_code=org.code, on=on, seq=seq)
    # An imported item may already hold a number of this form: skip it, never reuse it.
    while InfoItem.objects.filter(index_no=candidate).exists():
        IndexNoSequence.objects.filter(scope=scope).update(last=F("last") + 1)
        seq = IndexNoSequence.objects.get(scope=scope).last
        candidate = index_rules.format_index_no(pattern, org_code=org.code, on=on, seq=seq)
    return candidate


def index_nos_allocate(
    requests: list[tuple[Organization, date]], *, reserved: Collection[str] = ()
) -> list[str]:
    """Bulk form of `index_no_allocate` (imports): the next 索引号 for each (agency, date), in order (R-PUB-10).

    One counter update per scope reserves the whole run of numbers; numbers already held by items, or
    `reserved` (claimed by lines not stored yet), are skipped, never reused. Must run inside the importing
    transaction."""
    pattern = settings.GONGKAI_INDEX_NO_PATTERN
    scopes: dict[str, list[int]] = {}
    for position, (org, on) in enumerate(requests):
        scopes.setdefault(index_rules.scope_of(pattern, org_code=org.code, on=on), []).append(position)
    result = [""] * len(requests)
    IndexNoSequence.objects.bulk_create(
        [IndexNoSequence(scope=scope, last=0) for scope in scopes], ignore_conflicts=True
    )
    for scope, positions in scopes.items():
        waiting = list(positions)
        while waiting:
            count = len(waiting)
            IndexNoSequence.objects.filter(scope=scope).update(last=F("last") + count)
            last = IndexNoSequence.objects.get(scope=scope).last
            candidates = {}
            for seq, position in zip(range(last - count + 1, last + 1), waiting, strict=True):
                org, on = requests[position]
                candidates[index_rules.format_index_no(pattern, org_code=org.code, on=on, seq=seq)] = position
            taken = set(
                InfoItem.objects.filter(index_no__in=list(candidates)).values_list("index_no", flat=True)
            )
            waiting = []
            for candidate, position in candidates.items():
                if candidate in taken or candidate in reserved:
                    waiting.append(position)
                else:
                    result[position] = candidate
    return result


def item_snapshot(
    item: InfoItem,
    *,
    column_ids: list[int] | None = None,
    attachments: list[Attachment] | None = None,
) -> dict[str, Any]:
    """What a revision keeps: metadata, body and attachment hashes. A caller that holds the item's column
    ids and attachments (a bulk import) passes them instead of letting the snapshot query them."""
    if column_ids is None:
        column_ids = list(item.columns.values_list("pk", flat=True))
    if attachments is None:
        attachments = list(item.attachments.all())
    return {
        "title": item.title,
        "index_no": item.index_no,
        "doc_no": item.doc_no,
        "subject": item.subject,
        "genre": item.genre,
        "keywords": item.keywords,
        "kind": item.kind,
        "disclosure": item.disclosure,
        "validity": item.validity,
        "validity_changed_on": item.validity_changed_on.isoformat() if item.validity_changed_on else None,
        "effective_on": item.effective_on.isoformat() if item.effective_on else None,
        "valid_until": item.valid_until.isoformat() if item.valid_until else None,
        "written_on": item.written_on.isoformat() if item.written_on else None,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "org": item.org.code,
        "columns": sorted(column_ids),
        "body_html": item.body_html,
        "attachments": [{"name": a.name, "sha256": a.sha256, "url": a.url} for a in attachments],
    }


def _record_revision(item: InfoItem, actor: Any, reason: str) -> ItemRevision:
    item.revision += 1
    item.save(update_fields=["revision", "updated_at"])
    return ItemRevision.objects.create(
        item=item,
        number=item.revision,
        snapshot=item_snapshot(item),
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


POLICY_KINDS = frozenset({InfoItem.Kind.RULE, InfoItem.Kind.NORMATIVE})
# R-PUB-8 三同步: the actions a policy's interpretations follow (drafted, approved, released together).
COMPANION_ACTIONS = frozenset({"submit", "recall", "return", "approve", "publish"})


def interpretations_of(item: InfoItem) -> list[InfoItem]:
    """The agency's own interpretations (解读) of a policy, any status."""
    return list(
        InfoItem.objects.filter(
            relations_out__type=ItemRelation.Type.INTERPRETS, relations_out__target=item, org_id=item.org_id
        ).distinct()
    )


def _check_three_sync(item: InfoItem) -> None:
    """R-PUB-8: a rule or normative document goes to review with its interpretation, or with a reason for none."""
    if item.kind not in POLICY_KINDS or item.is_historical:
        return
    if item.interpretation_exemption.strip():
        return
    if not interpretations_of(item):
        raise ApplicationError(
            "missing_interpretation",
            "规章和行政规范性文件须与政策解读一同报送审核（三同步），或填写不进行解读的理由。",
            field="interpretation_exemption",
        )


@transaction.atomic
def item_transition(*, actor: Any, item: InfoItem, action: str, comment: str = "") -> InfoItem:
    """The only way an item's status changes (R-PUB-9). Checks the table, the role, writes the audit entry.

    R-PUB-8: acting on a rule or normative document acts on its interpretations in the same transaction (each
    checked like a transition of its own), so policy and interpretation are reviewed and released together.
    """
    item = _transition_one(actor=actor, item=item, action=action, comment=comment)
    if item.kind in POLICY_KINDS and action in COMPANION_ACTIONS:
        for companion in interpretations_of(item):
            if workflow.transition_for(action, companion.status) is not None:
                _transition_one(actor=actor, item=companion, action=action, comment=comment)
    return item


def _transition_one(*, actor: Any, item: InfoItem, action: str, comment: str) -> InfoItem:
    item = InfoItem.objects.select_for_update(of=("self",)).select_related("org").get(pk=item.pk)
    transition = workflow.transition_for(action, item.status)
    if transition is None:
        raise ApplicationError("bad_transition", f"当前状态为“{item.get_status_display()}”，不能执行该操作。")
    roles = user_roles(actor, item.org)
    if not transition.roles & roles:
        raise PermissionDenied("您在本单位没有执行该操作的角色。")
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise ApplicationError("missing_comment", "请填写退回意见或撤回原因。", field="comment")
    if action == "approve" and settings.GONGKAI_FORBID_SELF_APPROVAL and item.drafter_id == actor.pk:
        raise PermissionDenied("不能审核自己起草的信息。")
    if action == "submit":
        _check_three_sync(item)
    now = timezone.now()
    before = item.status
    if action == "submit":
        item.submitted_at = now
        item.review_comment = ""
    elif action in {"approve", "return"}:
        if action == "approve" or "reviewer" in roles:
            item.reviewer = actor
        item.reviewed_at = now
        item.review_comment = comment
    elif action in {"publish", "republish"}:
        item.publisher = actor
        if not item.published_at:
            item.published_at = now
        if not item.index_no:
            item.index_no = index_no_allocate(org=item.org, on=timezone.localdate(item.published_at))
        item.withdrawn_at, item.withdrawn_reason = None, ""
    elif action == "withdraw":
        item.withdrawn_at, item.withdrawn_reason = now, comment
    item.status = transition.target
    item.save()
    if action in {"publish", "republish", "withdraw"}:
        search_indexing.item_changed(item)
    if action in {"publish", "republish"}:
        _record_revision(item, actor, "发布" if action == "publish" else "重新发布")
        _apply_relation_effects(item, actor)
    audit_log(
        actor=actor,
        action=f"item.{action}",
        obj=item,
        org_code=item.org.code,
        from_state=before,
        to_state=item.status,
        comment=comment,
    )
    return item


@transaction.atomic
def item_revise(*, actor: Any, item: InfoItem, data: ItemData, reason: str) -> InfoItem:
    """Correct a published item: a new revision; the earlier ones stay listable."""
    item = InfoItem.objects.select_for_update(of=("self",)).select_related("org").get(pk=item.pk)
    if not user_has_role(actor, item.org, Role.PUBLISHER):
        raise PermissionDenied("只有本单位的发布人可以更正已发布信息。")
    if item.status != InfoItem.Status.PUBLISHED:
        raise ApplicationError("not_published", "只有已发布的信息可以更正。")
    if not reason.strip():
        raise ApplicationError("missing_reason", "请填写更正原因。", field="reason")
    item_data_check(
        org=item.org,
        data=data,
        published_on=timezone.localdate(item.published_at) if item.published_at else None,
    )
    apply_item_data(item, data)
    item.save()
    set_item_relations(item, data)
    revision = _record_revision(item, actor, reason.strip())
    search_indexing.item_changed(item)
    audit_log(
        actor=actor,
        action="item.revise",
        obj=item,
        org_code=item.org.code,
        comment=reason.strip(),
        data={"revision": revision.number},
    )
    return item


@transaction.atomic
def item_validity_set(
    *, actor: Any, item: InfoItem, validity: str, changed_on: date | None, by_item: InfoItem | None = None
) -> InfoItem:
    """R-PUB-6: mark a published document amended / repealed / expired …, linking the document that did it."""
    item = InfoItem.objects.select_for_update(of=("self",)).select_related("org").get(pk=item.pk)
    if not user_has_role(actor, item.org, Role.PUBLISHER):
        raise PermissionDenied("只有本单位的发布人可以变更有效性。")
    if validity not in InfoItem.Validity.values:
        raise ApplicationError("bad_validity", "有效性取值无效。", field="validity")
    if validity in {InfoItem.Validity.AMENDED, InfoItem.Validity.REPEALED} and by_item is None:
        raise ApplicationError(
            "missing_target", "已修改或废止的文件须指明修改或废止它的文件。", field="by_item"
        )
    if by_item is not None and validity not in {
        InfoItem.Validity.AMENDED,
        InfoItem.Validity.REPEALED,
        InfoItem.Validity.PARTIALLY_INVALID,
    }:
        raise ApplicationError(
            "bad_target", "只有已修改、废止或部分失效的文件才能关联修改或废止它的文件。", field="by_item"
        )
    if by_item is not None and by_item.pk == item.pk:
        raise ApplicationError("self_relation", "文件不能修改或废止自身。", field="by_item")
    rel_type = ItemRelation.Type.REPEALS
    if by_item is not None:
        rel_type = (
            ItemRelation.Type.AMENDS if validity == InfoItem.Validity.AMENDED else ItemRelation.Type.REPEALS
        )
        if validity == InfoItem.Validity.PARTIALLY_INVALID:
            # 部分失效 names the document that caused it, as an amendment: never recorded as a repeal.
            rel_type = ItemRelation.Type.AMENDS
        # The linking document speaks for its own agency: the same authority as adding the relation there.
        if not _may_affect(by_item, item):
            raise ApplicationError(
                "bad_target", "修改或废止它的文件须为本机关或上级机关的文件。", field="by_item"
            )
        if relation_reaches(item, by_item):
            raise ApplicationError("relation_cycle", "关联会形成循环，不能建立。", field="by_item")
    before = item.validity
    item.validity = validity
    item.validity_changed_on = changed_on or timezone.localdate()
    item.save()
    if by_item is not None:
        ItemRelation.objects.get_or_create(
            source=by_item,
            type=rel_type,
            target_external_id=item.external_id or f"pk:{item.pk}",
            defaults={"target": item},
        )
    if item.status == InfoItem.Status.PUBLISHED:
        _record_revision(item, actor, f"有效性变更为{item.get_validity_display()}")
    search_indexing.item_changed(item)
    audit_log(
        actor=actor,
        action="item.validity",
        obj=item,
        org_code=item.org.code,
        from_state=before,
        to_state=validity,
        data={"by_item": by_item.pk if by_item else None},
    )
    return item


# ---------------------------------------------------------------- relations (R-PUB-6, R-PUB-8)

# R-PUB-6: what publishing a relation's source does to its target.
RELATION_EFFECTS = {
    ItemRelation.Type.AMENDS: InfoItem.Validity.AMENDED,
    ItemRelation.Type.REPEALS: InfoItem.Validity.REPEALED,
    ItemRelation.Type.REPLACES: InfoItem.Validity.REPEALED,
}


def _may_affect(source: InfoItem, target: InfoItem) -> bool:
    """R-PUB-6: a document may change the validity of its own agency's documents and those of the agencies under it."""
    if target.org_id == source.org_id:
        return True
    from gongkai.orgs.selectors import org_descendants

    return target.org_id in {o.pk for o in org_descendants(source.org)}


def _check_effect_authority(*, actor: Any, source: InfoItem, type: str, target: InfoItem) -> None:
    """A relation that changes the target's validity (修改/废止/替代, R-PUB-6) must be decided by someone entitled to.

    - It may reach only the source agency's own documents or those of the agencies under it (a government may repeal its
      departments' documents; a department may not repeal a sibling's).
    - On an already published source the effect is immediate, so only a publisher may add it; on a draft it takes effect
      when the source has passed review and is published.
    """
    if type not in RELATION_EFFECTS:
        return
    if not _may_affect(source, target):
        raise ApplicationError(
            "bad_target",
            "只能修改、废止本机关或下级机关的文件；其他机关的文件请由该机关处理。",
            field="target",
        )
    if source.status == InfoItem.Status.PUBLISHED and not user_has_role(actor, source.org, Role.PUBLISHER):
        raise PermissionDenied("已发布信息修改、废止其他文件会立即生效，只有发布人可以添加此类关联。")


def relation_key(item: InfoItem) -> str:
    """How a relation names its target: the external id, or `pk:N` for items made on the platform."""
    return item.external_id or f"pk:{item.pk}"


def relation_reaches(start: InfoItem, goal: InfoItem) -> bool:
    """Whether `goal` can be reached from `start` by following outgoing relations (any type)."""
    seen = {start.pk}
    frontier = [start.pk]
    while frontier:
        nxt = list(
            ItemRelation.objects.filter(source_id__in=frontier, target__isnull=False).values_list(
                "target_id", flat=True
            )
        )
        if goal.pk in nxt:
            return True
        frontier = [pk for pk in nxt if pk not in seen]
        seen.update(frontier)
    return False


@transaction.atomic
def item_relation_add(*, actor: Any, source: InfoItem, type: str, target: InfoItem) -> ItemRelation:
    """Link an item to another (解读 / 修改 / 废止 / 替代), stored once and shown on both sides.

    The target may belong to another agency on the platform. When the source is already published, the
    target's validity changes now (R-PUB-6); otherwise when the source is published.
    """
    if not user_has_role(actor, source.org, Role.DRAFTER, Role.PUBLISHER):
        raise PermissionDenied("只有本单位的拟稿人或发布人可以关联文件。")
    if type not in ItemRelation.Type.values:
        raise ApplicationError("bad_relation", "关联类型无效。", field="type")
    if source.pk == target.pk:
        raise ApplicationError("self_relation", "文件不能与自身建立关联。", field="target")
    if target.org_id != source.org_id and not (
        target.status == InfoItem.Status.PUBLISHED and target.disclosure == InfoItem.Disclosure.PROACTIVE
    ):
        raise ApplicationError("bad_target", "只能关联本单位的信息或其他单位已公开的信息。", field="target")
    _check_effect_authority(actor=actor, source=source, type=type, target=target)
    if ItemRelation.objects.filter(source=source, type=type, target=target).exists():
        raise ApplicationError("duplicate", "已存在相同的关联。", field="target")
    if relation_reaches(target, source):
        raise ApplicationError(
            "relation_cycle", "关联会形成循环（如甲修改乙、乙又修改甲），不能建立。", field="target"
        )
    relation = ItemRelation.objects.create(
        source=source, type=type, target=target, target_external_id=relation_key(target)
    )
    audit_log(
        actor=actor,
        action="item.relation_add",
        obj=source,
        org_code=source.org.code,
        data={"type": type, "target": target.pk},
    )
    if source.status == InfoItem.Status.PUBLISHED:
        _apply_relation_effects(source, actor)
    return relation


@transaction.atomic
def item_relation_remove(*, actor: Any, relation: ItemRelation) -> None:
    """Remove a relation of an item that is not yet published (a published link is history: keep it)."""
    source = InfoItem.objects.select_related("org").get(pk=relation.source_id)
    if not user_has_role(actor, source.org, Role.DRAFTER, Role.PUBLISHER):
        raise PermissionDenied("只有本单位的拟稿人或发布人可以取消关联。")
    if source.status == InfoItem.Status.PUBLISHED:
        raise ApplicationError("published", "已发布信息的关联不能取消；如需更正请变更有效性。")
    audit_log(
        actor=actor,
        action="item.relation_remove",
        obj=source,
        org_code=source.org.code,
        data={"type": relation.type, "target": relation.target_id},
    )
    relation.delete()


def _apply_relation_effects(source: InfoItem, actor: Any) -> None:
    """R-PUB-6: a published item that amends, repeals or replaces others changes their validity in the same
    transaction, as a system revision of each (the source's publisher is recorded in the audit entry)."""
    on = timezone.localdate(source.published_at) if source.published_at else timezone.localdate()
    for relation in ItemRelation.objects.filter(
        source=source, type__in=list(RELATION_EFFECTS), target__isnull=False
    ).select_related("target", "target__org"):
        target = relation.target
        assert target is not None
        new_validity = RELATION_EFFECTS[ItemRelation.Type(relation.type)]
        if target.validity == new_validity or target.validity == InfoItem.Validity.REPEALED:
            continue
        before = target.validity
        target.validity = new_validity
        target.validity_changed_on = on
        target.save(update_fields=["validity", "validity_changed_on", "updated_at"])
        if target.status == InfoItem.Status.PUBLISHED:
            _record_revision(
                target, None, f"因《{source.title}》发布，有效性变更为{target.get_validity_display()}"
            )
        search_indexing.item_changed(target)
        audit_log(
            actor=actor,
            action="item.validity",
            obj=target,
            org_code=target.org.code,
            from_state=before,
            to_state=new_validity,
            comment=f"由《{source.title}》{relation.get_type_display()}",
            data={"by_item": source.pk, "system": True},
        )


# ---------------------------------------------------------------- attachments


@transaction.atomic
def attachment_add(*, actor: Any, item: InfoItem, name: str, data: bytes) -> Attachment:
    """Attach a file: type checked from the content, size limited, SHA-256 kept."""
    if not user_has_role(actor, item.org, Role.DRAFTER, Role.PUBLISHER):
        raise PermissionDenied()
    if item.status not in workflow.EDITABLE:
        raise ApplicationError("not_editable", "只有草稿或已退回的信息可以增删附件。")
    checked = check_upload(name, data, max_bytes=settings.GONGKAI_ATTACHMENT_MAX_BYTES)
    attachment = Attachment(
        item=item,
        name=checked.name,
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        sort_order=item.attachments.count(),
    )
    if checked.size <= attachment_text_inline_bytes():
        _attachment_text_set(attachment, textextract.extract(checked.name, data))
    attachment.file.save(checked.name, ContentFile(data), save=False)
    attachment.save()
    audit_log(
        actor=actor,
        action="attachment.add",
        obj=attachment,
        org_code=item.org.code,
        data={
            "item": item.pk,
            "name": checked.name,
            "sha256": checked.sha256,
            "text_status": attachment.text_status,
        },
    )
    return attachment


# ---------------------------------------------------------------- attachment text (issue 4, read once)


def attachment_text_inline_bytes() -> int:
    """Files up to this size are read at upload; larger ones by the tick job `attachment_texts` (ADR 0007)."""
    return int(getattr(settings, "GONGKAI_ATTACHMENT_TEXT_INLINE_BYTES", 2 * 1024 * 1024))


def _attachment_text_set(attachment: Attachment, result: textextract.Extracted) -> None:
    attachment.text = result.text
    attachment.text_status = result.state
    attachment.text_reason = result.reason[:100]


def _attachment_text_read(attachment: Attachment) -> textextract.Extracted:
    """Extract the stored file's text; a file gone from storage is `unreadable`."""
    try:
        with attachment.file.open("rb") as fh:
            data = fh.read(textextract.MAX_INPUT_BYTES + 1)
    except (OSError, ValueError):
        return textextract.Extracted(textextract.UNREADABLE, reason="文件缺失，无法打开")
    return textextract.extract(attachment.name, data)


def attachment_text_fill(attachment: Attachment) -> Attachment:
    """Read a pending attachment's text now and store it; a public item's search entry is rebuilt. A link-only
    attachment has no file (`none`), unless text came with it (an import), which is then kept (`ok`)."""
    if not attachment.file:
        status = Attachment.TextStatus.OK if attachment.text else Attachment.TextStatus.NONE
        attachment.text_status, attachment.text_reason = status, ""
    else:
        _attachment_text_set(attachment, _attachment_text_read(attachment))
    attachment.save(update_fields=["text", "text_status", "text_reason"])
    item = attachment.item
    audit_log(
        actor=None,
        action="attachment.text",
        obj=attachment,
        org_code=item.org.code if item is not None else "",
        data={"status": attachment.text_status, "chars": len(attachment.text)},
    )
    if item is not None:
        search_indexing.item_changed(item)
    return attachment


def attachment_texts_pending(*, limit: int | None = None, items: Any = None) -> int:
    """Fill the text of pending attachments (oldest first; of `items` only, when given), each in its own
    transaction under a row lock that other runs skip; an unexpected error is recorded as `unreadable`, so one
    bad file never blocks the queue. Returns how many were handled."""
    handled = 0
    limit = limit if limit is not None else int(getattr(settings, "GONGKAI_ATTACHMENT_TEXT_PER_TICK", 200))
    for _ in range(limit):
        with transaction.atomic():
            qs = Attachment.objects.select_for_update(skip_locked=True).filter(
                text_status=Attachment.TextStatus.PENDING
            )
            if items is not None:
                qs = qs.filter(item__in=items)
            attachment = qs.order_by("id").first()
            if attachment is None:
                break
            try:
                with transaction.atomic():
                    attachment_text_fill(attachment)
            except Exception as exc:  # any failure is recorded on the attachment, never raised
                Attachment.objects.filter(pk=attachment.pk).update(
                    text_status=Attachment.TextStatus.UNREADABLE,
                    text_reason=f"读取失败：{type(exc).__name__}"[:100],
                )
        handled += 1
    return handled


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    item = attachment.item
    if item is None:
        raise ApplicationError("not_editable", "该文件不属于任何信息。")
    if not user_has_role(actor, item.org, Role.DRAFTER, Role.PUBLISHER):
        raise PermissionDenied()
    if item.status not in workflow.EDITABLE:
        raise ApplicationError("not_editable", "只有草稿或已退回的信息可以增删附件。")
    audit_log(
        actor=actor,
        action="attachment.remove",
        obj=attachment,
        org_code=item.org.code,
        data={"item": item.pk, "name": attachment.name},
    )
    attachment.delete()


def published_date(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


# ---------------------------------------------------------------- 政府公报 (issue 7 §4)


def _may_edit_gazette(actor: Any, org: Organization) -> bool:
    return may_admin_org(actor, org) or user_has_role(actor, org, Role.PUBLISHER)


@transaction.atomic
def gazette_issue_create(
    *, actor: Any, org: Organization, year: int, number: int, title: str = ""
) -> GazetteIssue:
    if not _may_edit_gazette(actor, org):
        raise PermissionDenied("只有本机关的发布人或管理员可以编辑政府公报。")
    if not 1949 <= year <= 2200 or not 1 <= number <= 999:
        raise ApplicationError("bad_number", "年份或期号无效。", field="number")
    if GazetteIssue.objects.filter(org=org, year=year, number=number).exists():
        raise ApplicationError("duplicate", f"{year}年第{number}期已存在。", field="number")
    issue = GazetteIssue.objects.create(
        org=org, year=year, number=number, title=(title.strip() or f"{org.name}公报")[:100]
    )
    audit_log(actor=actor, action="gazette.create", obj=issue, org_code=org.code)
    return issue


@transaction.atomic
def gazette_entry_add(*, actor: Any, issue: GazetteIssue, item: InfoItem) -> GazetteEntry:
    """Add a published item (of any agency on the platform) to the issue's table of contents, at the end."""
    if not _may_edit_gazette(actor, issue.org):
        raise PermissionDenied()
    if not item.is_public:
        raise ApplicationError("not_public", "只能收录已主动公开的信息。", field="item")
    if GazetteEntry.objects.filter(issue=issue, item=item).exists():
        raise ApplicationError("duplicate", "本期已收录该信息。", field="item")
    position = (issue.entries.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    entry = GazetteEntry.objects.create(issue=issue, item=item, position=position)
    audit_log(
        actor=actor, action="gazette.entry_add", obj=issue, org_code=issue.org.code, data={"item": item.pk}
    )
    return entry


@transaction.atomic
def gazette_entry_move(*, actor: Any, entry: GazetteEntry, offset: int) -> None:
    """Move an entry up (-1) or down (+1) in the table of contents."""
    issue = entry.issue
    if not _may_edit_gazette(actor, issue.org):
        raise PermissionDenied()
    entries = list(issue.entries.order_by("position", "id"))
    index = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
    other = index + offset
    if not 0 <= other < len(entries):
        return
    entries[index], entries[other] = entries[other], entries[index]
    for position, e in enumerate(entries, start=1):
        if e.position != position:
            GazetteEntry.objects.filter(pk=e.pk).update(position=position)
    audit_log(
        actor=actor,
        action="gazette.entry_move",
        obj=issue,
        org_code=issue.org.code,
        data={"item": entry.item_id, "offset": offset},
    )


@transaction.atomic
def gazette_entry_remove(*, actor: Any, entry: GazetteEntry) -> None:
    issue = entry.issue
    if not _may_edit_gazette(actor, issue.org):
        raise PermissionDenied()
    if issue.status == GazetteIssue.Status.PUBLISHED:
        raise ApplicationError("published", "已发布的公报目录不能删减。")
    audit_log(
        actor=actor,
        action="gazette.entry_remove",
        obj=issue,
        org_code=issue.org.code,
        data={"item": entry.item_id},
    )
    entry.delete()


@transaction.atomic
def gazette_pdf_set(*, actor: Any, issue: GazetteIssue, name: str, data: bytes) -> Attachment:
    """Attach the PDF of the printed issue (checked like any upload: PDF content, size limit, SHA-256)."""
    if not _may_edit_gazette(actor, issue.org):
        raise PermissionDenied()
    checked = check_upload(name, data, max_bytes=settings.GONGKAI_ATTACHMENT_MAX_BYTES)
    if checked.kind != "pdf":
        raise ApplicationError("bad_file_type", "公报印刷版须为 PDF 文件。", field="pdf")
    attachment = Attachment(
        item=None,
        name=checked.name,
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
    )
    attachment.file.save(checked.name, ContentFile(data), save=False)
    attachment.save()
    issue.pdf = attachment
    issue.save(update_fields=["pdf"])
    audit_log(
        actor=actor, action="gazette.pdf", obj=issue, org_code=issue.org.code, data={"sha256": checked.sha256}
    )
    return attachment


@transaction.atomic
def gazette_issue_publish(
    *, actor: Any, issue: GazetteIssue, published_on: date | None = None
) -> GazetteIssue:
    if not _may_edit_gazette(actor, issue.org):
        raise PermissionDenied()
    if issue.status == GazetteIssue.Status.PUBLISHED:
        raise ApplicationError("bad_transition", "本期已发布。")
    if not issue.entries.exists():
        raise ApplicationError("empty_issue", "目录为空的公报不能发布。")
    issue.status = GazetteIssue.Status.PUBLISHED
    issue.published_on = published_on or timezone.localdate()
    issue.save(update_fields=["status", "published_on"])
    audit_log(
        actor=actor,
        action="gazette.publish",
        obj=issue,
        org_code=issue.org.code,
        from_state="draft",
        to_state="published",
    )
    return issue


# ---------------------------------------------------------------- 清理 (issue 7 §3)

# What a cleanup decision does to the document's validity when the result is published (R-PUB-6).
CLEANUP_EFFECTS = {
    CleanupDecision.Decision.REPEAL: InfoItem.Validity.REPEALED,
    CleanupDecision.Decision.DECLARE_INVALID: InfoItem.Validity.EXPIRED,
}


@transaction.atomic
def cleanup_open(*, actor: Any, title: str, deadline: date | None = None) -> CleanupBatch:
    """The 政务公开办 opens a batch: every normative document and rule in force today is listed for a decision."""
    if not is_platform_admin(actor):
        raise PermissionDenied("只有政务公开办可以发起清理。")
    if not title.strip():
        raise ApplicationError("missing_field", "请填写清理名称。", field="title")
    batch = CleanupBatch.objects.create(title=title.strip()[:200], deadline=deadline)
    today = timezone.localdate()
    items = [i for i in items_public().filter(kind__in=list(POLICY_KINDS)) if in_force_on(i, today)]
    CleanupDecision.objects.bulk_create([CleanupDecision(batch=batch, item=i) for i in items])
    audit_log(actor=actor, action="cleanup.open", obj=batch, data={"items": len(items)})
    return batch


@transaction.atomic
def cleanup_decide(*, actor: Any, decision: CleanupDecision, value: str, note: str = "") -> CleanupDecision:
    """The owning agency (publisher or admin) marks one document 继续有效 / 修改 / 废止 / 宣布失效."""
    decision = CleanupDecision.objects.select_related("batch", "item", "item__org").get(pk=decision.pk)
    org = decision.item.org
    if not (may_admin_org(actor, org) or user_has_role(actor, org, Role.PUBLISHER)):
        raise PermissionDenied("只有文件所属机关的发布人或管理员可以作出清理决定。")
    if decision.batch.status != CleanupBatch.Status.OPEN:
        raise ApplicationError("closed", "本次清理结果已公布，不能再修改。")
    if value not in CleanupDecision.Decision.values:
        raise ApplicationError("bad_decision", "清理决定无效。", field="decision")
    if value != CleanupDecision.Decision.CONTINUE and not note.strip():
        raise ApplicationError("missing_note", "决定修改、废止或宣布失效的，请说明理由。", field="note")
    before = decision.decision
    decision.decision, decision.note = value, note.strip()[:500]
    decision.decided_at, decision.decided_by = timezone.now(), actor
    decision.save()
    audit_log(
        actor=actor,
        action="cleanup.decide",
        obj=decision.item,
        org_code=org.code,
        from_state=before,
        to_state=value,
        comment=decision.note,
        data={"batch": decision.batch_id},
    )
    return decision


@transaction.atomic
def cleanup_publish(*, actor: Any, batch: CleanupBatch) -> CleanupBatch:
    """Publish the result list; 废止 and 宣布失效 change the documents' validity in the same transaction."""
    if not is_platform_admin(actor):
        raise PermissionDenied("只有政务公开办可以公布清理结果。")
    batch = CleanupBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != CleanupBatch.Status.OPEN:
        raise ApplicationError("bad_transition", "清理结果已公布。")
    undecided = batch.decisions.filter(decision="").select_related("item__org")
    if undecided.exists():
        orgs = sorted({d.item.org.name for d in undecided})
        raise ApplicationError(
            "undecided", f"还有 {undecided.count()} 件文件未作决定（{'、'.join(orgs[:5])}）。"
        )
    today = timezone.localdate()
    for decision in batch.decisions.filter(decision__in=list(CLEANUP_EFFECTS)).select_related(
        "item", "item__org"
    ):
        item = InfoItem.objects.select_for_update(of=("self",)).get(pk=decision.item_id)
        before = item.validity
        item.validity = CLEANUP_EFFECTS[CleanupDecision.Decision(decision.decision)]
        item.validity_changed_on = today
        item.save(update_fields=["validity", "validity_changed_on", "updated_at"])
        _record_revision(item, actor, f"{batch.title}：{decision.get_decision_display()}")
        search_indexing.item_changed(item)
        audit_log(
            actor=actor,
            action="item.validity",
            obj=item,
            org_code=decision.item.org.code,
            from_state=before,
            to_state=item.validity,
            comment=batch.title,
            data={"cleanup": batch.pk},
        )
    batch.status, batch.published_on = CleanupBatch.Status.PUBLISHED, today
    batch.save(update_fields=["status", "published_on"])
    audit_log(actor=actor, action="cleanup.publish", obj=batch, from_state="open", to_state="published")
    return batch


# ---------------------------------------------------------------- 财政预决算 (issue 7 §9, R-PUB-13)


@transaction.atomic
def budget_record(
    *,
    actor: Any,
    org: Organization,
    year: int,
    kind: str,
    approved_on: date | None,
    item: InfoItem | None = None,
    three_public_amount_10k: Any = None,
) -> BudgetDisclosure:
    """Record (or update) an agency's approval date and the published item for one budget disclosure."""
    if not (may_admin_org(actor, org) or user_has_role(actor, org, Role.PUBLISHER)):
        raise PermissionDenied("只有本机关的发布人或管理员可以登记预决算公开情况。")
    if kind not in BudgetDisclosure.Kind.values:
        raise ApplicationError("bad_kind", "预决算类别无效。", field="kind")
    if not 2000 <= year <= 2200:
        raise ApplicationError("bad_year", "年度无效。", field="year")
    if item is not None and (item.org_id != org.pk or not item.is_public):
        raise ApplicationError("bad_item", "请选择本机关已主动公开的信息。", field="item")
    if (
        item is not None
        and approved_on
        and item.published_at
        and timezone.localdate(item.published_at) < approved_on
    ):
        raise ApplicationError("bad_date", "公开日期早于批复日期，请核对。", field="approved_on")
    record, created = BudgetDisclosure.objects.update_or_create(
        org=org,
        year=year,
        kind=kind,
        defaults={
            "approved_on": approved_on,
            "item": item,
            "three_public_amount_10k": three_public_amount_10k,
        },
    )
    audit_log(
        actor=actor,
        action="budget.record",
        obj=record,
        org_code=org.code,
        data={"year": year, "kind": kind, "item": item.pk if item else None, "created": created},
    )
    return record


# ---------------------------------------------------------------- 基层政务公开标准目录 (R-CAT)


def _norm_label(value: object) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"[\s（）()]", "", text)


@transaction.atomic
def standard_catalog_import(*, actor: Any, org: Organization, data: bytes) -> tuple[int, list[str]]:
    """Replace the agency's 标准目录 with the rows of an xlsx laid out in the R-CAT columns.

    Returns (entries stored, Chinese messages about skipped rows). Links to columns survive a re-import when the
    一级事项 and 二级事项 stay the same.
    """
    if not may_admin_org(actor, org):
        raise PermissionDenied("只有本机关的管理员或政务公开办可以导入标准目录。")
    from openpyxl import load_workbook

    from gongkai.publishing.standard_catalog import FIELDS, HEADERS, REQUIRED, row_values

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ApplicationError("bad_file", "无法读取该文件，请上传 Excel（.xlsx）文件。") from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    start = None
    for index, row in enumerate(rows[:20]):
        labels = [_norm_label(v) for v in row]
        if "序号" in labels:
            start = index + 1
            # A two-row header: 公开事项 over 一级事项 / 二级事项.
            if start < len(rows) and any("一级" in _norm_label(v) for v in rows[start]):
                start += 1
            break
    if start is None:
        raise ApplicationError("bad_header", "未找到表头（应包含“序号”“公开事项”“公开内容（要素）”等列）。")
    links = {(e.domain, e.matter): e.column_id for e in StandardCatalogEntry.objects.filter(org=org)}
    StandardCatalogEntry.objects.filter(org=org).delete()
    entries: list[StandardCatalogEntry] = []
    problems: list[str] = []
    last_domain = ""
    for offset, row in enumerate(rows[start:], start=start + 1):
        if not any(v not in (None, "") for v in row):
            continue
        values = row_values(list(row))
        # Merged cells: a blank 一级事项 continues the one above.
        values["domain"] = values["domain"] or last_domain
        last_domain = values["domain"]
        missing = [
            label
            for field, label in zip(FIELDS, HEADERS, strict=True)
            if field in REQUIRED and not values[field]
        ]
        if missing:
            problems.append(f"第 {offset} 行缺少{'、'.join(missing)}，已跳过。")
            continue
        entries.append(
            StandardCatalogEntry(
                org=org,
                position=len(entries),
                column_id=links.get((values["domain"], values["matter"][:200])),
                **{k: (v[:500] if k in {"channels"} else v) for k, v in values.items()},
            )
        )
    StandardCatalogEntry.objects.bulk_create(entries)
    audit_log(
        actor=actor,
        action="standard_catalog.import",
        object_type="orgs.organization",
        object_id=str(org.pk),
        org_code=org.code,
        data={"entries": len(entries), "skipped": len(problems)},
    )
    return len(entries), problems


@transaction.atomic
def standard_catalog_link(
    *, actor: Any, entry: StandardCatalogEntry, column: Column | None
) -> StandardCatalogEntry:
    if not may_admin_org(actor, entry.org):
        raise PermissionDenied()
    if column is not None and column.org_id != entry.org_id:
        raise ApplicationError("bad_column", "栏目不属于本机关。", field="column")
    entry.column = column
    entry.save(update_fields=["column"])
    audit_log(
        actor=actor,
        action="standard_catalog.link",
        obj=entry,
        org_code=entry.org.code,
        data={"column": column.pk if column else None},
    )
    return entry


# ---------------------------------------------------------------- structured columns (issue 7 §9)


@transaction.atomic
def item_structured_set(*, actor: Any, item: InfoItem, structure: str, values: dict[str, Any]) -> InfoItem:
    """Record the typed fields of a structured column (重大建设项目, 公共资源配置) on an item placed in it.

    Drafters while the item is editable; publishers on a published item (a new revision)."""
    from gongkai.publishing.structures import STRUCTURES, clean_values

    item = InfoItem.objects.select_for_update(of=("self",)).select_related("org").get(pk=item.pk)
    published = item.status == InfoItem.Status.PUBLISHED
    if published:
        if not user_has_role(actor, item.org, Role.PUBLISHER):
            raise PermissionDenied("只有本单位的发布人可以更正已发布信息。")
    elif item.status not in workflow.EDITABLE or not user_has_role(actor, item.org, Role.DRAFTER):
        raise PermissionDenied("只有本单位的拟稿人可以修改草稿。")
    if structure not in STRUCTURES or not item.columns.filter(structure=structure).exists():
        raise ApplicationError("bad_structure", "该信息不在此类结构化栏目中。", field="structure")
    cleaned, errors = clean_values(STRUCTURES[structure], values)
    if errors:
        key = next(iter(errors))
        raise ApplicationError("bad_field", "；".join(errors.values()), field=key)
    item.structured = {**item.structured, structure: cleaned}
    item.save(update_fields=["structured", "updated_at"])
    if published:
        _record_revision(item, actor, f"更正{STRUCTURES[structure].label}信息")
        search_indexing.item_changed(item)
    audit_log(
        actor=actor, action="item.structured", obj=item, org_code=item.org.code, data={"structure": structure}
    )
    return item


# States in which a reviewer or publisher may mask a value in the body (R-PUB-9 去标识化).
MASKABLE_BY_REVIEW = frozenset({workflow.SUBMITTED, workflow.APPROVED, workflow.PUBLISHED})


def may_mask_body(status: str, roles: set[str]) -> bool:
    return (status in workflow.EDITABLE and Role.DRAFTER in roles) or (
        status in MASKABLE_BY_REVIEW and bool({Role.REVIEWER, Role.PUBLISHER} & roles)
    )


@transaction.atomic
def item_body_mask(*, actor: Any, item: InfoItem, old: str, new: str, reason: str) -> InfoItem:
    """R-PUB-9 去标识化: replace every occurrence of `old` in the body with its masked form `new`.

    Recorded as a revision like a correction (the reason names what was masked, never the clear value). The
    drafter may mask while the item is editable; a reviewer or publisher of the agency once it is submitted."""
    item = InfoItem.objects.select_for_update(of=("self",)).select_related("org").get(pk=item.pk)
    if not may_mask_body(item.status, user_roles(actor, item.org)):
        raise PermissionDenied("您没有遮蔽本信息内容的权限。")
    if not old or old == new or old not in item.body_html:
        raise ApplicationError(
            "mask_not_found", "正文中未找到该内容（可能跨越了格式标记），请退回拟稿人修改。"
        )
    item.body_html = sanitize_html(item.body_html.replace(old, new))
    item.body_text = html_to_text(item.body_html)
    item.save()
    revision = _record_revision(item, actor, reason)
    if item.status == workflow.PUBLISHED:
        search_indexing.item_changed(item)
    audit_log(
        actor=actor,
        action="item.mask",
        obj=item,
        org_code=item.org.code,
        comment=reason,
        data={"revision": revision.number},
    )
    return item
