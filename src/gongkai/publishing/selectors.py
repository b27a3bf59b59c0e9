"""Reads of the publishing app, already filtered by what the asking user may see.

`get_item_for_staff` is the one road to an item in the back office: someone else's item is a 404.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongkai.core.errors import CalendarNotLoaded
from gongkai.core.workdays import add_working_days
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, orgs_for_staff, orgs_with_role
from gongkai.publishing.models import Attachment, Column, InfoItem, ItemRelation

# ---------------------------------------------------------------- public


def items_public() -> QuerySet[InfoItem]:
    """Items any visitor may read: published and proactively disclosed."""
    return InfoItem.objects.filter(
        status=InfoItem.Status.PUBLISHED, disclosure=InfoItem.Disclosure.PROACTIVE
    ).select_related("org")


def item_public(pk: int) -> InfoItem:
    try:
        return (
            items_public()
            .prefetch_related(
                "columns",
                "issuers",
                Prefetch("attachments", queryset=Attachment.objects.order_by("sort_order", "id")),
            )
            .get(pk=pk)
        )
    except InfoItem.DoesNotExist as exc:
        raise Http404 from exc


def column_items_public(column: Column) -> QuerySet[InfoItem]:
    """A column's items and those of its sub-columns, newest first."""
    ids = column_subtree_ids(column)
    return items_public().filter(columns__in=ids).distinct().order_by("-published_at", "-id")


def column_subtree_ids(column: Column) -> list[int]:
    ids = [column.pk]
    frontier = [column.pk]
    while frontier:
        frontier = list(Column.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def column_tree(org: Organization) -> list[tuple[Column, list[Column]]]:
    """Root columns with their direct children, in order."""
    columns = list(Column.objects.filter(org=org).order_by("sort_order", "id"))
    children: dict[int | None, list[Column]] = {}
    for c in columns:
        children.setdefault(c.parent_id, []).append(c)
    return [(root, children.get(root.pk, [])) for root in children.get(None, [])]


def column_path(column: Column) -> list[Column]:
    path = [column]
    node = column
    seen = {column.pk}
    while node.parent_id and node.parent_id not in seen:
        node = Column.objects.get(pk=node.parent_id)
        seen.add(node.pk)
        path.append(node)
    return list(reversed(path))


def column_path_string(column: Column) -> str:
    return "/".join(c.name for c in column_path(column))


def column_paths(org_ids: Any = None) -> dict[int, str]:
    """`a/b/c` for every column (of the given agencies), in one query — for listings and exports, where calling
    `column_path_string` per column would cost a query per level per column."""
    qs = Column.objects.all() if org_ids is None else Column.objects.filter(org_id__in=org_ids)
    rows = {pk: (parent_id, name) for pk, parent_id, name in qs.values_list("pk", "parent_id", "name")}
    paths: dict[int, str] = {}
    for pk in rows:
        parts = []
        node: int | None = pk
        seen = set()
        while node is not None and node in rows and node not in seen:
            seen.add(node)
            parent_id, name = rows[node]
            parts.append(name)
            node = parent_id
        paths[pk] = "/".join(reversed(parts))
    return paths


def subject_q(subject: str) -> Q:
    """主题分类 filter: `父\\子` exactly, or a top-level category together with its sub-categories."""
    if "\\" in subject:
        return Q(subject=subject)
    return Q(subject=subject) | Q(subject__startswith=subject + "\\")


def column_public(org: Organization, pk: int) -> Column:
    column = Column.objects.filter(org=org, pk=pk).first()
    if column is None:
        raise Http404
    return column


def item_relations(item: InfoItem) -> dict[str, list[tuple[str, InfoItem]]]:
    """Relations shown on both sides: ('out'|'in', type, other item) for visible others."""
    visible = items_public()
    out = [
        (r.type, r.target)
        for r in ItemRelation.objects.filter(source=item, target__in=visible).select_related("target")
        if r.target is not None
    ]
    inc = [
        (r.type, r.source)
        for r in ItemRelation.objects.filter(target=item, source__in=visible).select_related("source")
    ]
    return {"out": out, "in": inc}


def replacing_item(item: InfoItem) -> InfoItem | None:
    """For a document not in force: the published document that amended, repealed or replaced it (R-PUB-6)."""
    rel = (
        ItemRelation.objects.filter(
            target=item,
            type__in=[ItemRelation.Type.AMENDS, ItemRelation.Type.REPEALS, ItemRelation.Type.REPLACES],
            source__status=InfoItem.Status.PUBLISHED,
        )
        .select_related("source")
        .order_by("-id")
        .first()
    )
    return rel.source if rel else None


def effective_validity(item: InfoItem, today: date | None = None) -> str:
    """The validity to show today: a stored state, or derived from the dates (never wrong on any page)."""
    today = today or timezone.localdate()
    if item.validity == InfoItem.Validity.VALID:
        if item.valid_until and item.valid_until < today:
            return InfoItem.Validity.EXPIRED
        if item.effective_on and item.effective_on > today:
            return InfoItem.Validity.NOT_YET_EFFECTIVE
    return item.validity


VALIDITY_LABELS = dict(InfoItem.Validity.choices)


# ---------------------------------------------------------------- staff


def get_item_for_staff(user: Any, pk: int) -> InfoItem:
    """The one permission-checking road to an item in the back office (404 for another agency's item)."""
    item = InfoItem.objects.select_related("org", "drafter", "reviewer", "publisher").filter(pk=pk).first()
    if item is None:
        raise Http404
    if not (is_platform_admin(user) or orgs_for_staff(user).filter(pk=item.org_id).exists()):
        raise Http404
    return item


def get_column_for_staff(user: Any, pk: int) -> Column:
    column = Column.objects.select_related("org").filter(pk=pk).first()
    if column is None or not orgs_for_staff(user).filter(pk=column.org_id).exists():
        raise Http404
    return column


def items_for_staff(user: Any) -> QuerySet[InfoItem]:
    return InfoItem.objects.filter(org__in=orgs_for_staff(user)).select_related("org", "drafter")


def staff_tasks(user: Any) -> dict[str, Any]:
    """My tasks: my drafts and returned items, items awaiting my review or publication."""
    drafts = InfoItem.objects.filter(
        drafter=user, status__in=[InfoItem.Status.DRAFT, InfoItem.Status.RETURNED]
    ).select_related("org")
    review = InfoItem.objects.filter(
        org__in=orgs_with_role(user, Role.REVIEWER), status=InfoItem.Status.SUBMITTED
    ).select_related("org", "drafter")
    if settings.GONGKAI_FORBID_SELF_APPROVAL:
        review = review.exclude(drafter=user)
    publish = InfoItem.objects.filter(
        org__in=orgs_with_role(user, Role.PUBLISHER), status=InfoItem.Status.APPROVED
    ).select_related("org", "reviewer")
    return {"drafts": drafts, "review": review, "publish": publish}


def publication_deadlines(user: Any, today: date | None = None) -> list[dict[str, Any]]:
    """R-PUB-3: unpublished items with a formation date whose 20-working-day deadline is near or past."""
    today = today or timezone.localdate()
    n = settings.GONGKAI_PUBLISH_DEADLINE_WORKING_DAYS
    warn = settings.GONGKAI_PUBLISH_WARNING_WORKING_DAYS
    rows: list[dict[str, Any]] = []
    qs = (
        InfoItem.objects.filter(org__in=orgs_for_staff(user), formed_on__isnull=False, is_historical=False)
        .exclude(status__in=[InfoItem.Status.PUBLISHED, InfoItem.Status.WITHDRAWN])
        .exclude(disclosure__in=[InfoItem.Disclosure.ON_REQUEST, InfoItem.Disclosure.WITHHELD])
        .select_related("org")
        .order_by("formed_on")
    )
    for item in qs[:500]:
        assert item.formed_on is not None
        try:
            due = add_working_days(item.formed_on, n)
            soon = add_working_days(today, warn) >= due
        except CalendarNotLoaded as exc:
            rows.append({"item": item, "due": None, "state": "unknown", "message": exc.message})
            continue
        if due < today:
            rows.append({"item": item, "due": due, "state": "late", "message": "已超过法定公开期限"})
        elif soon:
            rows.append({"item": item, "due": due, "state": "soon", "message": "即将到期"})
    return rows


def staff_item_search(user: Any, q: str = "", status: str = "", org_code: str = "") -> QuerySet[InfoItem]:
    qs = items_for_staff(user)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_no__icontains=q) | Q(index_no__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if org_code:
        qs = qs.filter(org__code=org_code)
    return qs.order_by("-updated_at", "-id")


def relation_target_lookup(org: Organization, ref: str) -> InfoItem | None:
    """An item named by 索引号 or 文号 (any bracket style) that `org` may link to: its own or any public item."""
    from gongkai.core.docno import normalize_doc_no

    ref = ref.strip()
    if not ref:
        return None
    visible = InfoItem.objects.filter(
        Q(org=org) | Q(status=InfoItem.Status.PUBLISHED, disclosure=InfoItem.Disclosure.PROACTIVE)
    )
    return (
        visible.filter(Q(index_no=ref) | Q(doc_no_norm=normalize_doc_no(ref)))
        .select_related("org")
        .order_by("-published_at", "-id")
        .first()
    )


def item_relations_staff(item: InfoItem) -> list[ItemRelation]:
    """Outgoing relations with their targets (pending ones have no target yet)."""
    return list(ItemRelation.objects.filter(source=item).select_related("target", "target__org"))


def effective_validity_q(validity: str, today: date | None = None) -> Q:
    """A filter on the validity shown today (see `effective_validity`), computed in the database."""
    today = today or timezone.localdate()
    stored_valid = Q(validity=InfoItem.Validity.VALID)
    expired_by_date = stored_valid & Q(valid_until__lt=today)
    future = stored_valid & Q(effective_on__gt=today) & ~Q(valid_until__lt=today)
    if validity == InfoItem.Validity.EXPIRED:
        return Q(validity=InfoItem.Validity.EXPIRED) | expired_by_date
    if validity == InfoItem.Validity.NOT_YET_EFFECTIVE:
        return Q(validity=InfoItem.Validity.NOT_YET_EFFECTIVE) | future
    if validity == InfoItem.Validity.VALID:
        return stored_valid & ~Q(valid_until__lt=today) & ~Q(effective_on__gt=today)
    return Q(validity=validity)


def missing_interpretations(user: Any, today: date | None = None) -> list[dict[str, Any]]:
    """R-PUB-8: published rules and normative documents of the user's agencies without a published interpretation
    more than GONGKAI_INTERPRETATION_GRACE_WORKING_DAYS working days after publication (and no accepted reason)."""
    today = today or timezone.localdate()
    grace = settings.GONGKAI_INTERPRETATION_GRACE_WORKING_DAYS
    interpreted = ItemRelation.objects.filter(
        type=ItemRelation.Type.INTERPRETS, source__status=InfoItem.Status.PUBLISHED
    ).values("target_id")
    qs = (
        items_public()
        .filter(
            org__in=orgs_for_staff(user),
            kind__in=[InfoItem.Kind.RULE, InfoItem.Kind.NORMATIVE],
            is_historical=False,
            interpretation_exemption="",
        )
        .exclude(pk__in=interpreted)
        .order_by("published_at")
    )
    rows: list[dict[str, Any]] = []
    for item in qs[:500]:
        assert item.published_at is not None
        published_on = timezone.localdate(item.published_at)
        try:
            due = add_working_days(published_on, grace) if grace > 0 else published_on
        except CalendarNotLoaded as exc:
            rows.append({"item": item, "due": None, "message": exc.message})
            continue
        if due < today:
            rows.append({"item": item, "due": due, "message": "缺少政策解读（三同步）"})
    return rows


IN_FORCE = (InfoItem.Validity.VALID, InfoItem.Validity.AMENDED, InfoItem.Validity.PARTIALLY_INVALID)


def in_force_on(item: InfoItem, day: date) -> bool:
    """R-PUB-6 现行有效 = valid + amended + partially invalid, on `day` (dates decide expiry and entry into force;
    a stored repeal or expiry counts from its change date, or always when that date is unknown)."""
    if item.validity == InfoItem.Validity.NOT_YET_EFFECTIVE:
        return False
    if item.validity in (InfoItem.Validity.REPEALED, InfoItem.Validity.EXPIRED):
        changed = item.validity_changed_on
        if changed is None or changed <= day:
            return False
    if item.valid_until and item.valid_until < day:
        return False
    if item.effective_on and item.effective_on > day:
        return False
    return item.published_at is not None and timezone.localdate(item.published_at) <= day


def policies_in_force(org: Organization, day: date | None = None) -> list[InfoItem]:
    """The agency's 现行有效 规章 and 行政规范性文件 (issue 7 §3), newest first."""
    day = day or timezone.localdate()
    qs = items_public().filter(org=org, kind__in=[InfoItem.Kind.RULE, InfoItem.Kind.NORMATIVE])
    return [i for i in qs.order_by("kind", "-published_at", "-id") if in_force_on(i, day)]


def policy_counts(org: Organization, year: int) -> dict[str, dict[str, int]]:
    """Annual report table 二, 第二十条第(一)项 (R-RPT-3): per kind, made (published in the year), repealed (repealed
    or expired in the year) and in force on 31 December."""
    end = date(year, 12, 31)
    result: dict[str, dict[str, int]] = {
        str(k): {"made": 0, "repealed": 0, "in_force": 0}
        for k in (InfoItem.Kind.RULE, InfoItem.Kind.NORMATIVE)
    }
    qs = items_public().filter(org=org, kind__in=list(result), published_at__isnull=False)
    for item in qs:
        counts = result[item.kind]
        assert item.published_at is not None
        if timezone.localdate(item.published_at).year == year:
            counts["made"] += 1
        ended_on = None
        if (
            item.validity in (InfoItem.Validity.REPEALED, InfoItem.Validity.EXPIRED)
            and item.validity_changed_on
        ):
            ended_on = item.validity_changed_on
        elif item.valid_until:
            ended_on = item.valid_until + timedelta(days=1)
        if ended_on and ended_on.year == year:
            counts["repealed"] += 1
        if in_force_on(item, end):
            counts["in_force"] += 1
    return result


def attachment_is_public(attachment: Attachment) -> bool:
    """A file anyone may download: an attachment of a public item, or the PDF of a published gazette issue."""
    from gongkai.publishing.models import GazetteIssue

    if attachment.item_id is not None:
        return attachment.item is not None and attachment.item.is_public
    return GazetteIssue.objects.filter(pdf=attachment, status=GazetteIssue.Status.PUBLISHED).exists()


def gazette_issues_public(org: Organization | None = None) -> QuerySet[Any]:
    from gongkai.publishing.models import GazetteIssue

    qs = GazetteIssue.objects.filter(status=GazetteIssue.Status.PUBLISHED).select_related("org")
    return qs.filter(org=org) if org else qs


def gazette_entries_public(issue: Any) -> list[InfoItem]:
    """The issue's table of contents, in order, as far as the items are public."""
    return [
        e.item
        for e in issue.entries.select_related("item", "item__org").order_by("position", "id")
        if e.item.is_public
    ]


def gazette_issues_of_item(item: InfoItem) -> QuerySet[Any]:
    return gazette_issues_public().filter(entries__item=item).distinct()


def get_gazette_issue_for_staff(user: Any, pk: int) -> Any:
    from gongkai.publishing.models import GazetteIssue

    issue = GazetteIssue.objects.select_related("org").filter(pk=pk).first()
    if issue is None or not orgs_for_staff(user).filter(pk=issue.org_id).exists():
        raise Http404
    return issue


def cleanup_decisions_for_staff(user: Any, batch: Any) -> QuerySet[Any]:
    """The decisions of a batch the user's agencies must make (all of them for the 政务公开办)."""
    qs = batch.decisions.select_related("item", "item__org", "decided_by")
    if is_platform_admin(user):
        return qs
    return qs.filter(item__org__in=orgs_for_staff(user))


def cleanup_batches_public() -> QuerySet[Any]:
    from gongkai.publishing.models import CleanupBatch

    return CleanupBatch.objects.filter(status=CleanupBatch.Status.PUBLISHED)


def budget_table(year: int, today: date | None = None) -> dict[str, Any]:
    """City-wide table of who has and has not published their budget disclosures for `year` (R-PUB-13)."""
    from gongkai.orgs.models import Organization as Org
    from gongkai.publishing.budget_rules import budget_state
    from gongkai.publishing.models import BudgetDisclosure

    today = today or timezone.localdate()
    kinds = [
        BudgetDisclosure.Kind.BUDGET,
        BudgetDisclosure.Kind.FINAL_ACCOUNTS,
        BudgetDisclosure.Kind.THREE_PUBLIC,
    ]
    records = {
        (r.org_id, r.kind): r for r in BudgetDisclosure.objects.filter(year=year).select_related("item")
    }
    rows = []
    for org in Org.objects.filter(is_active=True, kind__in=["government", "department"]).order_by(
        "sort_order", "code"
    ):
        cells = []
        for kind in kinds:
            record = records.get((org.pk, kind))
            published_on = (
                timezone.localdate(record.item.published_at)
                if record and record.item and record.item.published_at and record.item.is_public
                else None
            )
            state = budget_state(
                approved_on=record.approved_on if record else None, published_on=published_on, today=today
            )
            cells.append({"record": record, "state": state, "published_on": published_on})
        rows.append({"org": org, "cells": cells})
    return {"year": year, "kinds": [BudgetDisclosure.Kind(k).label for k in kinds], "rows": rows}


def standard_catalog_status(org: Organization, today: date | None = None) -> list[dict[str, Any]]:
    """Each 标准目录 entry with whether it is fulfilled: a linked column with a recent enough public item."""
    from gongkai.publishing.models import StandardCatalogEntry
    from gongkai.publishing.standard_catalog import parse_time_limit

    today = today or timezone.localdate()
    rows: list[dict[str, Any]] = []
    for entry in StandardCatalogEntry.objects.filter(org=org).select_related("column"):
        state, message = "ok", "已公开"
        if entry.column is None:
            state, message = "unlinked", "未对应栏目"
        else:
            newest = column_items_public(entry.column).values_list("published_at", flat=True).first()
            limit = parse_time_limit(entry.time_limit)
            if newest is None:
                state, message = "empty", "栏目无信息"
            elif limit is not None:
                last = timezone.localdate(newest)
                try:
                    due = (
                        add_working_days(last, limit.days)
                        if limit.kind == "working"
                        else last + timedelta(days=limit.days)
                    )
                except CalendarNotLoaded as exc:
                    state, message = "unknown", exc.message
                else:
                    if due < today:
                        state, message = "stale", f"最近一次公开为 {last.isoformat()}，已超过公开时限"
        rows.append({"entry": entry, "state": state, "message": message, "fulfilled": state == "ok"})
    return rows


def structured_listing(column: Column, params: Any) -> tuple[QuerySet[InfoItem], dict[str, str]]:
    """A structured column's public items filtered by its fields: choice = exact, text = contains, date and number
    = from/to ranges (`<key>_from`, `<key>_to`). Returns the queryset and the filter values that were applied."""
    from django.db.models import DecimalField, TextField
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    from gongkai.publishing.structures import STRUCTURES

    structure = STRUCTURES[column.structure]
    qs = column_items_public(column)
    applied: dict[str, str] = {}
    for f in structure.fields:
        if not f.filterable:
            continue
        path = f"structured__{structure.code}__{f.key}"
        if f.type in {"date", "number"}:
            for suffix, op in (("_from", "gte"), ("_to", "lte")):
                raw = str(params.get(f.key + suffix, "") or "").strip()[:40]
                if not raw:
                    continue
                if f.type == "date":
                    try:
                        value: Any = date.fromisoformat(raw).isoformat()
                    except ValueError:
                        continue
                    qs = qs.annotate(**{f"_f_{f.key}": Cast(KT(path), TextField())})
                    qs = qs.filter(**{f"_f_{f.key}__{op}": value})
                else:
                    try:
                        from decimal import Decimal

                        value = Decimal(raw)
                    except ArithmeticError:
                        continue
                    qs = qs.annotate(
                        **{f"_n_{f.key}": Cast(KT(path), DecimalField(max_digits=20, decimal_places=4))}
                    )
                    qs = qs.filter(**{f"_n_{f.key}__{op}": value})
                applied[f.key + suffix] = raw
        else:
            raw = str(params.get(f.key, "") or "").strip()[:100]
            if not raw:
                continue
            lookup = "exact" if f.type == "choice" else "icontains"
            # Cast to text: lookups on a key transform itself would compare JSON values, not strings.
            qs = qs.annotate(**{f"_t_{f.key}": Cast(KT(path), TextField())}).filter(
                **{f"_t_{f.key}__{lookup}": raw}
            )
            applied[f.key] = raw
    return qs, applied
