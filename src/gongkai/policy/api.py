"""Public read API for the policy records under `/api/v1/` (issue 7 §11): 建议提案办理结果, 办事指南, 权责清单, 政策问答
and the detail of a 政府公报 issue.

Same conventions as `publishing/api.py` (whose helpers are reused): GET only, no login, rate-limited per client, lists
`{"count", "next", "previous", "results"}`, errors `{"error": {"code", "message"}}` with a stable code. Only published
records are shown, and nothing about who drafted or published them (no user names, no withdrawal reasons); free text
written by or about members of the public goes out with personal numbers masked (R-PII-1..3), as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from gongkai.core.pii import mask_text
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import org_list_public
from gongkai.policy import rules, selectors
from gongkai.policy.models import GuideVersion, PolicyQA, PowerListVersion, ProposalReply, ServiceGuide
from gongkai.publishing import selectors as publishing_selectors
from gongkai.publishing.api import (
    ApiError,
    _int_param,
    api_view,
    gazette_json,
    gazette_toc_prefetch,
    paginate,
)

YEAR_MIN, YEAR_MAX = 1949, 2200
Q_MAX = 100  # characters of a Q&A text filter


def _org_ref(org: Organization) -> dict[str, str]:
    return {"code": org.code, "name": org.name}


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _year(request: HttpRequest) -> int | None:
    if not request.GET.get("year"):
        return None
    return _int_param(request, "year", 0, YEAR_MIN, YEAR_MAX)


def _org_code(request: HttpRequest) -> str:
    return (request.GET.get("org") or "").strip().upper()


def _by_org_and_year(request: HttpRequest, qs: QuerySet[Any], year_field: str) -> QuerySet[Any]:
    """The `org` (agency code) and `year` filters of a list; a bad year is a 400 `bad_parameter`."""
    code = _org_code(request)
    if code:
        qs = qs.filter(org__code=code)
    year = _year(request)
    if year:
        qs = qs.filter(**{f"{year_field}__year": year})
    return qs


def _choice(request: HttpRequest, name: str, values: list[str], code: str) -> str:
    value = request.GET.get(name) or ""
    if value and value not in values:
        raise ApiError(400, code, f"参数 {name} 应为 {'、'.join(values)} 之一。")
    return value


def _public_org(code: str) -> Organization:
    org = org_list_public().filter(code=code.upper()).first()
    if org is None:
        raise ApiError(404, "not_found", "机关不存在。")
    return org


# ---------------------------------------------------------------- 建议提案办理结果 (R-INT-3)


def proposal_json(request: HttpRequest, reply: ProposalReply, *, body: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": reply.pk,
        "external_id": reply.external_id or f"pk:{reply.pk}",
        "org": _org_ref(reply.org),
        "co_handlers": [_org_ref(o) for o in reply.co_handlers.all()],
        "kind": reply.kind,
        "number": reply.number,
        "session": reply.session,
        "proposer_type": reply.proposer_type,
        "proposer": reply.proposer,
        "subject": reply.subject,
        "title": reply.title,
        "reply_type": reply.reply_type,
        "reply_date": reply.reply_date.isoformat(),
        "published_at": _when(reply.published_at),
        "url": request.build_absolute_uri(f"/proposals/{reply.pk}/"),
    }
    if body:
        data["body"] = mask_text(reply.body)
    return data


@api_view
def proposal_list(request: HttpRequest) -> dict[str, Any]:
    """Replies handled or co-handled by `org`, of the reply year `year`, of a kind and a reply type."""
    kind = _choice(request, "kind", list(ProposalReply.Kind.values), "bad_kind")
    reply_type = _choice(request, "reply_type", list(ProposalReply.ReplyType.values), "bad_reply_type")
    year = _year(request)
    qs = selectors.proposals_public()
    code = _org_code(request)
    if code:
        qs = qs.filter(org__code=code) | qs.filter(co_handlers__code=code)
    qs = selectors.proposals_filtered(qs, year=year, kind=kind, reply_type=reply_type).distinct()
    return paginate(request, qs.prefetch_related("co_handlers"), proposal_json)


@api_view
def proposal_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    reply = selectors.proposals_public().prefetch_related("co_handlers").filter(pk=pk).first()
    if reply is None:
        raise ApiError(404, "not_found", "答复不存在或未公开。")
    return proposal_json(request, reply, body=True)


def _stats_counts(row: selectors.StatsRow) -> dict[str, Any]:
    return {**{kind: dict(counts) for kind, counts in row.counts.items()}, "total": row.total}


@api_view
def proposal_stats(request: HttpRequest) -> dict[str, Any]:
    """Published replies of a reply year per handling unit, by kind and reply type A/B/C (as the stats page); the
    year defaults to the latest year with a reply."""
    year = _year(request)
    if year is None:
        years = selectors.proposal_years()
        year = years[0] if years else timezone.localdate().year
    org = None
    code = _org_code(request)
    if code:
        org = org_list_public().filter(code=code).first()
        if org is None:
            raise ApiError(400, "unknown_org", "参数 org 不是平台上的机关代码。")
    rows, total = selectors.proposal_stats(year, org)
    return {
        "year": year,
        "rows": [{"org": _org_ref(r.org), **_stats_counts(r)} for r in rows],
        "total": _stats_counts(total) if total is not None else None,
    }


# ---------------------------------------------------------------- 办事指南 (R-WEB-4)


def _elements(snapshot: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"key": key, "label": label, "text": str(snapshot.get(key, ""))}
        for key, label in rules.GUIDE_ELEMENTS
    ]


def _version_ref(request: HttpRequest, guide: ServiceGuide, version: GuideVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "note": version.note,
        "published_at": _when(version.published_at),
        "url": request.build_absolute_uri(f"/service-guides/{guide.pk}/versions/{version.number}/"),
    }


def guide_json(request: HttpRequest, guide: ServiceGuide) -> dict[str, Any]:
    """A guide in a list: what it is and its current version (the elements are in the detail)."""
    return {
        "id": guide.pk,
        "external_id": guide.external_id or f"pk:{guide.pk}",
        "org": _org_ref(guide.org),
        "name": guide.published_name,  # type: ignore[attr-defined]
        "version": guide.version,
        "published_at": _when(guide.published_on_at),  # type: ignore[attr-defined]
        "url": request.build_absolute_uri(f"/service-guides/{guide.pk}/"),
    }


def guide_version_json(request: HttpRequest, guide: ServiceGuide, version: GuideVersion) -> dict[str, Any]:
    versions = list(guide.versions.order_by("-number"))
    return {
        "id": guide.pk,
        "external_id": guide.external_id or f"pk:{guide.pk}",
        "org": _org_ref(guide.org),
        "name": str(version.snapshot.get("name", guide.name)),
        "version": version.number,
        "current_version": guide.version,
        "note": version.note,
        "published_at": _when(version.published_at),
        "elements": _elements(version.snapshot),
        "versions": [_version_ref(request, guide, v) for v in versions],
        "url": request.build_absolute_uri(
            f"/service-guides/{guide.pk}/"
            if version.number == guide.version
            else f"/service-guides/{guide.pk}/versions/{version.number}/"
        ),
    }


@api_view
def guide_list(request: HttpRequest) -> dict[str, Any]:
    qs = selectors.guides_public_listing().order_by("org__code", "published_name", "id")
    return paginate(request, _by_org_and_year(request, qs, "published_on_at"), guide_json)


def _guide(pk: int) -> ServiceGuide:
    guide = selectors.guides_public().filter(pk=pk).first()
    if guide is None:
        raise ApiError(404, "not_found", "办事指南不存在或未公开。")
    return guide


@api_view
def guide_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    guide = _guide(pk)
    version = guide.versions.order_by("-number").first()
    if version is None:
        raise ApiError(404, "not_found", "办事指南不存在或未公开。")
    return guide_version_json(request, guide, version)


@api_view
def guide_version_detail(request: HttpRequest, pk: int, number: int) -> dict[str, Any]:
    guide = _guide(pk)
    version = guide.versions.filter(number=number).first()
    if version is None:
        raise ApiError(404, "not_found", "该版本不存在。")
    return guide_version_json(request, guide, version)


# ---------------------------------------------------------------- 权责清单


def _power_url(request: HttpRequest, version: PowerListVersion) -> str:
    return request.build_absolute_uri(f"/orgs/{version.org.code}/powers/v{version.number}/")


def power_version_json(request: HttpRequest, version: PowerListVersion) -> dict[str, Any]:
    return {
        "org": _org_ref(version.org),
        "version": version.number,
        "note": version.note,
        "published_at": _when(version.published_at),
        "entry_count": getattr(version, "entry_count", None),
        "url": _power_url(request, version),
    }


def _entry_json(entry: Any) -> dict[str, Any]:
    return {
        "key": entry.key,
        "name": entry.name,
        "category": entry.category,
        "category_label": rules.POWER_CATEGORY_LABELS.get(entry.category, entry.category),
        "basis": entry.basis,
        "responsible": _org_ref(entry.responsible),
        "remarks": entry.remarks,
    }


def power_version_detail_json(request: HttpRequest, version: PowerListVersion) -> dict[str, Any]:
    entries = [_entry_json(e) for e in selectors.power_entries(version)]
    previous = selectors.power_previous_version(version)
    diff = selectors.power_version_diff(previous, version)
    data = power_version_json(request, version)
    data["entry_count"] = len(entries)
    data["previous_version"] = previous.number if previous is not None else None
    data["entries"] = entries
    data["changes"] = {
        "added": [e["key"] for e in diff.added],
        "removed": [e["key"] for e in diff.removed],
        "changed": [
            {
                "key": c.key,
                "name": c.name,
                "fields": [{"field": label, "before": b, "after": a} for label, b, a in c.fields],
            }
            for c in diff.changed
        ],
    }
    return data


@api_view
def power_list(request: HttpRequest) -> dict[str, Any]:
    """Every published version (newest first within each agency); filters `org` and `year` of publication."""
    qs = _by_org_and_year(request, selectors.power_versions_listing(), "published_at")
    return paginate(request, qs, power_version_json)


@api_view
def power_current(request: HttpRequest, code: str) -> dict[str, Any]:
    org = _public_org(code)
    version = selectors.power_version_public(org)
    if version is None:
        raise ApiError(404, "not_found", "该机关尚未公布权责清单。")
    return power_version_detail_json(request, version)


@api_view
def power_version(request: HttpRequest, code: str, number: int) -> dict[str, Any]:
    org = _public_org(code)
    version = selectors.power_version_public(org, number)
    if version is None:
        raise ApiError(404, "not_found", "该版本不存在。")
    return power_version_detail_json(request, version)


# ---------------------------------------------------------------- 政策问答库


def qa_json(request: HttpRequest, qa: PolicyQA, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": qa.pk,
        "external_id": qa.external_id or f"pk:{qa.pk}",
        "org": _org_ref(qa.org),
        "title": qa.title,
        "question": mask_text(qa.question),
        # Whether a cited document is no longer 有效 today (or no longer public): the answer may not apply.
        "cites_invalid": bool(getattr(qa, "cites_invalid", False)),
        "published_at": _when(qa.published_at),
        "url": request.build_absolute_uri(f"/policy-qa/{qa.pk}/"),
    }
    if full:
        data["answer"] = mask_text(qa.answer)
        data["citations"] = [_citation_json(request, c) for c in selectors.qa_citations(qa)]
    return data


def _citation_json(request: HttpRequest, view: selectors.CitationView) -> dict[str, Any]:
    """A cited document with its validity today; one no longer public (or not imported yet) is named only by the
    reference cited."""
    if view.item is None or not view.visible:
        return {
            "ref": view.citation.cited_as,
            "public": False,
            "validity": None,
            "item": None,
            "warning": view.warning,
        }
    item = view.item
    replacing = view.replacing
    return {
        "ref": view.citation.ref,
        "public": True,
        "validity": view.validity,
        "item": {
            "external_id": item.external_id or f"pk:{item.pk}",
            "index_no": item.index_no,
            "title": item.title,
            "url": request.build_absolute_uri(f"/items/{item.pk}/"),
        },
        "replaced_by": (
            {
                "external_id": replacing.external_id or f"pk:{replacing.pk}",
                "title": replacing.title,
                "url": request.build_absolute_uri(f"/items/{replacing.pk}/"),
            }
            if replacing is not None
            else None
        ),
        "warning": view.warning,
    }


@api_view
def qa_list(request: HttpRequest) -> dict[str, Any]:
    q = (request.GET.get("q") or "").strip()
    if len(q) > Q_MAX:
        raise ApiError(400, "bad_parameter", f"参数 q 不能超过 {Q_MAX} 个字。")
    return paginate(request, _by_org_and_year(request, selectors.qas_public(q=q), "published_at"), qa_json)


@api_view
def qa_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    qa = selectors.qas_public().filter(pk=pk).first()
    if qa is None:
        raise ApiError(404, "not_found", "问答不存在或未公开。")
    return qa_json(request, qa, full=True)


# ---------------------------------------------------------------- 政府公报: one issue


@api_view
def gazette_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    issue = (
        publishing_selectors.gazette_issues_public()
        .prefetch_related(gazette_toc_prefetch())
        .filter(pk=pk)
        .first()
    )
    if issue is None:
        raise ApiError(404, "not_found", "该期公报不存在或未发布。")
    return gazette_json(request, issue)
