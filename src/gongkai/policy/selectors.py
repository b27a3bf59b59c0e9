"""Reads of the policy app, already filtered by what the asking user may see.

Every restricted object has one permission-checking road (`get_<thing>_for_staff`): another agency's record is a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import ExtractYear
from django.http import Http404

from gongkai.core.docno import normalize_doc_no
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import orgs_for_staff
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
from gongkai.publishing.models import InfoItem, ItemRelation

# ---------------------------------------------------------------- staff: one road to each object


def _check_org(user: Any, org_id: int) -> None:
    if not orgs_for_staff(user).filter(pk=org_id).exists():
        raise Http404


def get_org_for_staff(user: Any, code: str) -> Organization:
    org = orgs_for_staff(user).filter(code=(code or "").strip().upper()).first()
    if org is None:
        raise Http404
    return org


def _one_for_staff(user: Any, qs: QuerySet[Any], pk: int, org_id_of: Any) -> Any:
    """The object `pk` of `qs` when it belongs to one of the user's agencies; otherwise a 404 (never a 403)."""
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    _check_org(user, org_id_of(obj))
    return obj


def get_proposal_for_staff(user: Any, pk: int) -> ProposalReply:
    qs = ProposalReply.objects.select_related("org", "drafter", "publisher")
    reply: ProposalReply = _one_for_staff(user, qs, pk, lambda r: r.org_id)
    return reply


def get_guide_for_staff(user: Any, pk: int) -> ServiceGuide:
    guide: ServiceGuide = _one_for_staff(
        user, ServiceGuide.objects.select_related("org"), pk, lambda g: g.org_id
    )
    return guide


def get_power_entry_for_staff(user: Any, pk: int) -> PowerEntry:
    qs = PowerEntry.objects.select_related("version", "version__org", "responsible")
    entry: PowerEntry = _one_for_staff(user, qs, pk, lambda e: e.version.org_id)
    return entry


def get_qa_for_staff(user: Any, pk: int) -> PolicyQA:
    qs = PolicyQA.objects.select_related("org", "drafter", "publisher")
    qa: PolicyQA = _one_for_staff(user, qs, pk, lambda q: q.org_id)
    return qa


def get_citation_for_staff(user: Any, pk: int) -> QACitation:
    qs = QACitation.objects.select_related("qa", "qa__org", "item")
    citation: QACitation = _one_for_staff(user, qs, pk, lambda c: c.qa.org_id)
    return citation


def proposals_for_staff(user: Any) -> QuerySet[ProposalReply]:
    return ProposalReply.objects.filter(org__in=orgs_for_staff(user)).select_related("org")


def guides_for_staff(user: Any) -> QuerySet[ServiceGuide]:
    return ServiceGuide.objects.filter(org__in=orgs_for_staff(user)).select_related("org")


def qas_for_staff(user: Any) -> QuerySet[PolicyQA]:
    return PolicyQA.objects.filter(org__in=orgs_for_staff(user)).select_related("org")


# ---------------------------------------------------------------- 建议提案办理结果


def proposals_public() -> QuerySet[ProposalReply]:
    return ProposalReply.objects.filter(status=rules.PUBLISHED).select_related("org")


def proposal_public(pk: int) -> ProposalReply:
    reply = proposals_public().prefetch_related("co_handlers").filter(pk=pk).first()
    if reply is None:
        raise Http404
    return reply


def proposals_filtered(
    qs: QuerySet[ProposalReply],
    *,
    year: int | None = None,
    kind: str = "",
    reply_type: str = "",
    org: Organization | None = None,
) -> QuerySet[ProposalReply]:
    if year:
        qs = qs.filter(reply_date__year=year)
    if kind in ProposalReply.Kind.values:
        qs = qs.filter(kind=kind)
    if reply_type in ProposalReply.ReplyType.values:
        qs = qs.filter(reply_type=reply_type)
    if org is not None:
        qs = qs.filter(Q(org=org) | Q(co_handlers=org)).distinct()
    return qs.order_by("-reply_date", "-id")


def proposal_years() -> list[int]:
    years = proposals_public().annotate(y=ExtractYear("reply_date")).values_list("y", flat=True).distinct()
    return sorted({int(y) for y in years if y}, reverse=True)


@dataclass
class StatsRow:
    org: Organization
    counts: dict[str, dict[str, int]]  # kind → reply type (A/B/C) and "total" → count

    @property
    def total(self) -> int:
        return sum(c["total"] for c in self.counts.values())


def _empty_counts() -> dict[str, dict[str, int]]:
    return {k: {t: 0 for t in [*ProposalReply.ReplyType.values, "total"]} for k in ProposalReply.Kind.values}


def proposal_stats(year: int, org: Organization | None = None) -> tuple[list[StatsRow], StatsRow | None]:
    """Published replies of `year` (by reply date) per handling unit, by kind and reply type, plus a total row."""
    qs = proposals_public().filter(reply_date__year=year)
    if org is not None:
        qs = qs.filter(org=org)
    rows: dict[int, StatsRow] = {}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=qs.values("org_id"))}
    for rec in qs.values("org_id", "kind", "reply_type").annotate(n=Count("id")).order_by():
        row = rows.setdefault(rec["org_id"], StatsRow(org=orgs[rec["org_id"]], counts=_empty_counts()))
        row.counts[rec["kind"]][rec["reply_type"]] += rec["n"]
        row.counts[rec["kind"]]["total"] += rec["n"]
    ordered = sorted(rows.values(), key=lambda r: (r.org.sort_order, r.org.code))
    if not ordered:
        return [], None
    total = StatsRow(org=Organization(name="合计"), counts=_empty_counts())
    for row in ordered:
        for kind, counts in row.counts.items():
            for key, n in counts.items():
                total.counts[kind][key] += n
    return ordered, total


# ---------------------------------------------------------------- 办事指南


def guides_public(org: Organization | None = None) -> QuerySet[ServiceGuide]:
    qs = ServiceGuide.objects.filter(status=rules.PUBLISHED, version__gt=0).select_related("org")
    return qs.filter(org=org) if org is not None else qs


def guide_public(pk: int) -> ServiceGuide:
    guide = guides_public().filter(pk=pk).first()
    if guide is None:
        raise Http404
    return guide


def guide_version(guide: ServiceGuide, number: int | None = None) -> GuideVersion:
    """A published version of the guide (the latest when `number` is None)."""
    qs = guide.versions.select_related("published_by")
    version = qs.filter(number=number).first() if number is not None else qs.order_by("-number").first()
    if version is None:
        raise Http404
    return version


def guide_elements(version: GuideVersion) -> list[tuple[str, str]]:
    """(label, text) of each key element of a version, in statutory order."""
    return [(label, str(version.snapshot.get(key, ""))) for key, label in rules.GUIDE_ELEMENTS]


# ---------------------------------------------------------------- 权责清单


def power_versions_public(org: Organization) -> QuerySet[PowerListVersion]:
    return PowerListVersion.objects.filter(org=org, status=rules.PUBLISHED).order_by("-number")


def power_version_public(org: Organization, number: int | None = None) -> PowerListVersion | None:
    qs = power_versions_public(org)
    return qs.filter(number=number).first() if number is not None else qs.first()


def power_working_copy(org: Organization) -> PowerListVersion | None:
    return PowerListVersion.objects.filter(org=org, status=rules.DRAFT).first()


def power_entries(version: PowerListVersion) -> QuerySet[PowerEntry]:
    return version.entries.select_related("responsible").order_by("position", "id")


def _entry_dicts(version: PowerListVersion) -> list[dict[str, Any]]:
    return [
        {
            "key": e.key,
            "name": e.name,
            "category": rules.POWER_CATEGORY_LABELS.get(e.category, e.category),
            "basis": e.basis,
            "responsible": e.responsible.name,
            "remarks": e.remarks,
        }
        for e in power_entries(version)
    ]


def power_version_diff(before: PowerListVersion | None, after: PowerListVersion) -> rules.ListDiff:
    """Added / removed / changed entries from `before` (None: an empty list) to `after`."""
    return rules.power_list_diff(_entry_dicts(before) if before is not None else [], _entry_dicts(after))


def power_previous_version(version: PowerListVersion) -> PowerListVersion | None:
    qs = PowerListVersion.objects.filter(org_id=version.org_id, status=rules.PUBLISHED)
    if version.number is not None:
        qs = qs.filter(number__lt=version.number)
    return qs.order_by("-number").first()


def power_orgs_public() -> QuerySet[Organization]:
    return Organization.objects.filter(power_lists__status=rules.PUBLISHED).distinct()


# ---------------------------------------------------------------- 政策问答库


def qas_public(q: str = "", org: Organization | None = None) -> QuerySet[PolicyQA]:
    """Published answers; `q` is a plain substring filter on the title and on question and answer as they are shown
    (`search_text`, personal numbers masked: a raw match would confirm a masked number digit by digit), or matches what the answer
    cites (`_citations_matching`); the search engine integration comes later."""
    qs = (
        PolicyQA.objects.filter(status=rules.PUBLISHED)
        .select_related("org")
        .annotate(
            cites_invalid=Exists(
                QACitation.objects.filter(qa=OuterRef("pk"), item__in=_items_not_valid_now())
            )
        )
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(search_text__icontains=q)  # masked question and answer, as shown (R-PII-1..3)
            | Exists(_citations_matching(q))
        )
    if org is not None:
        qs = qs.filter(org=org)
    return qs.order_by("-published_at", "-id")


def _citations_matching(q: str) -> QuerySet[QACitation]:
    """An answer is found by what it cites, too: the reference as cited, or a cited public document's title, 索引号 or
    文号 (any bracket style) — a reader looking up a document finds the answers that rely on it."""
    public_item = Q(item__status=InfoItem.Status.PUBLISHED, item__disclosure=InfoItem.Disclosure.PROACTIVE)
    about_item = Q(item__title__icontains=q) | Q(item__index_no=q) | Q(item__doc_no_norm=normalize_doc_no(q))
    return QACitation.objects.filter(qa=OuterRef("pk")).filter(
        Q(ref__icontains=q) | (public_item & about_item)
    )


QAS_CITING_SHOWN = 10  # answers listed under a document on its public page


def qas_public_citing(item: InfoItem, limit: int = QAS_CITING_SHOWN) -> list[PolicyQA]:
    """The published answers citing a document, newest first (the first `limit`), for the document's public page
    (引用本文件的政策问答); one query."""
    cites = QACitation.objects.filter(qa=OuterRef("pk"), item=item)
    return list(
        PolicyQA.objects.filter(Exists(cites), status=rules.PUBLISHED)
        .only("pk", "title", "published_at")
        .order_by("-published_at", "-id")[:limit]
    )


def qa_public(pk: int) -> PolicyQA:
    qa = qas_public().filter(pk=pk).first()
    if qa is None:
        raise Http404
    return qa


def _items_not_valid_now() -> QuerySet[InfoItem, Any]:
    """The documents an answer should no longer rely on today: not 有效 (by date too) or no longer public."""
    valid_now = publishing_selectors.effective_validity_q(InfoItem.Validity.VALID)
    return InfoItem.objects.exclude(
        valid_now & Q(status=InfoItem.Status.PUBLISHED, disclosure=InfoItem.Disclosure.PROACTIVE)
    ).values("pk")


def local_pk(name: str) -> int | None:
    """The pk in `pk:N`, the name exports give a record made on this platform (it has no external_id)."""
    tail = name[3:]
    if name.startswith("pk:") and tail.isascii() and tail.isdigit() and len(tail) <= 18:
        return int(tail)
    return None


def items_by_external_id(names: Iterable[str]) -> dict[str, int]:
    """The items named by external id as exports name them (`external_id`, or `pk:N` for an item made on the
    platform, which has none): name → pk, for the names found."""
    wanted = sorted(set(names))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = InfoItem.objects.filter(external_id__in=chunk).values_list("external_id", "pk")
        found.update((name, pk) for name, pk in rows if name)
    local = {pk: name for name in wanted if name not in found and (pk := local_pk(name)) is not None}
    keys = sorted(local)
    for start in range(0, len(keys), 500):
        pks = InfoItem.objects.filter(pk__in=keys[start : start + 500], external_id__isnull=True)
        found.update({local[pk]: pk for pk in pks.values_list("pk", flat=True)})
    return found


@dataclass
class CitationView:
    citation: QACitation
    item: InfoItem | None  # None: imported before the cited document, which is not on the platform yet
    visible: bool  # on the platform, still published and proactively disclosed
    validity: str
    validity_label: str
    replacing: InfoItem | None

    @property
    def pending(self) -> bool:
        return self.item is None

    @property
    def valid(self) -> bool:
        return self.visible and self.validity == InfoItem.Validity.VALID

    @property
    def warning(self) -> str:
        """The visible warning shown with the answer ('' when the cited document is still valid)."""
        if self.item is None:
            return f"所引用的文件（{self.citation.cited_as}）尚未在本平台发布。"
        if not self.visible:
            return f"所引用的文件（{self.citation.cited_as}）已不再公开，本答复可能已不适用。"
        if self.validity == InfoItem.Validity.VALID:
            return ""
        if self.validity == InfoItem.Validity.NOT_YET_EFFECTIVE:
            return f"所引用的《{self.item.title}》尚未生效，请留意其施行日期。"
        return f"所引用的《{self.item.title}》{self.validity_label}，本答复可能已不适用。"


def qa_citations(qa: PolicyQA) -> list[CitationView]:
    """Each cited document with its validity as it is today (publishing.selectors.effective_validity); a pending
    citation (its document not imported yet) has no item and no validity. Two queries."""
    citations = list(qa.citations.select_related("item", "item__org").order_by("position", "id"))
    return _citation_views(citations, _replacing_items(citations))


_REPLACING_TYPES = (ItemRelation.Type.AMENDS, ItemRelation.Type.REPEALS, ItemRelation.Type.REPLACES)


def _replacing_items(citations: Iterable[QACitation]) -> dict[int, InfoItem]:
    """`publishing.selectors.replacing_item` for every cited public document not in force, in one query: the newest
    published document that amended, repealed or replaced it (R-PUB-6), when it is public itself."""
    stale = {
        c.item.pk
        for c in citations
        if c.item is not None
        and c.item.is_public
        and publishing_selectors.effective_validity(c.item) != InfoItem.Validity.VALID
    }
    if not stale:
        return {}
    found: dict[int, InfoItem] = {}
    relations = (
        ItemRelation.objects.filter(
            target_id__in=stale, type__in=_REPLACING_TYPES, source__status=InfoItem.Status.PUBLISHED
        )
        .select_related("source")
        .order_by("target_id", "-id")
    )
    for relation in relations:
        assert relation.target_id is not None
        if relation.target_id not in found:
            found[relation.target_id] = relation.source
    return {pk: item for pk, item in found.items() if item.is_public}


def _citation_views(citations: Iterable[QACitation], replacing: dict[int, InfoItem]) -> list[CitationView]:
    views: list[CitationView] = []
    for citation in citations:
        item = citation.item
        if item is None:
            views.append(CitationView(citation, None, False, "", "尚未发布", None))
            continue
        validity = publishing_selectors.effective_validity(item)
        views.append(
            CitationView(
                citation=citation,
                item=item,
                visible=item.is_public,
                validity=validity,
                validity_label=publishing_selectors.VALIDITY_LABELS[validity],
                replacing=replacing.get(item.pk),
            )
        )
    return views


def qas_citing_invalid_for_staff(user: Any) -> QuerySet[PolicyQA]:
    """Answers of the user's agencies (not withdrawn) that cite a document no longer valid today or no longer public."""
    return (
        qas_for_staff(user)
        .filter(Exists(QACitation.objects.filter(qa=OuterRef("pk"), item__in=_items_not_valid_now())))
        .exclude(status=rules.WITHDRAWN)
        .order_by("-published_at", "-id")
    )


def qas_citing_invalid(user: Any) -> list[tuple[PolicyQA, list[CitationView]]]:
    """`qas_citing_invalid_for_staff` (the first 500) with the citations that are not valid, in a fixed number of
    queries."""
    cites = QACitation.objects.select_related("item", "item__org").order_by("position", "id")
    qas = list(
        qas_citing_invalid_for_staff(user).prefetch_related(Prefetch("citations", queryset=cites))[:500]
    )
    every = [c for qa in qas for c in qa.citations.all()]
    replacing = _replacing_items(every)
    return [(qa, [v for v in _citation_views(qa.citations.all(), replacing) if not v.valid]) for qa in qas]


# ---------------------------------------------------------------- public read API (issue 7 §11)


def guides_public_listing(org: Organization | None = None) -> QuerySet[ServiceGuide]:
    """Published guides with the name and time of their current version (`published_name`, `published_on_at`),
    in one query. The working copy's name may hold unpublished edits, so public lists use these."""
    current = GuideVersion.objects.filter(guide=OuterRef("pk"), number=OuterRef("version"))
    return guides_public(org).annotate(
        published_name=Subquery(current.annotate(n=KT("snapshot__name")).values("n")[:1]),
        published_on_at=Subquery(current.values("published_at")[:1]),
    )


def power_versions_listing() -> QuerySet[PowerListVersion]:
    """Every published 权责清单 version of every agency, with its number of entries."""
    return (
        PowerListVersion.objects.filter(status=rules.PUBLISHED)
        .select_related("org")
        .annotate(entry_count=Count("entries"))
        .order_by("org__code", "-number")
    )


# ---------------------------------------------------------------- pickers of other agencies (责任主体, 协办单位)


def partner_orgs(orgs: Iterable[Organization], keep: Iterable[int] = ()) -> QuerySet[Organization]:
    """The agencies a record of `orgs` may name as 责任主体 or 协办单位: the active agencies of the same government
    tree (everything under the topmost ancestor of each), not every agency of the platform; `keep` (pks already
    chosen) stays listed. Two queries (the pairs agency → parent, then the list)."""
    parents = dict(Organization.objects.values_list("pk", "parent_id"))
    roots: set[int] = set()
    for org in orgs:
        pk: int | None = org.pk
        seen: set[int] = set()
        while pk is not None and parents.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = parents[pk]
        if pk is not None:
            roots.add(pk)
    children: dict[int, list[int]] = {}
    for pk, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    tree: set[int] = set()
    frontier = list(roots)
    while frontier:
        tree.update(frontier)
        frontier = [c for pk in frontier for c in children.get(pk, []) if c not in tree]
    return (
        Organization.objects.filter(Q(pk__in=tree, is_active=True) | Q(pk__in=list(keep)))
        .select_related("parent")
        .order_by("parent__name", "code")
    )
