"""Public pages of 建议提案办理结果, 办事指南, 权责清单 and 政策问答库 (thin: parse, call a selector, render)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import org_list_public
from gongkai.policy import exports, rules, selectors
from gongkai.policy.models import ProposalReply

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _org(code: str) -> Organization:
    return get_object_or_404(org_list_public(), code=code.upper())


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 1900 <= number <= 2200 else None


# ---------------------------------------------------------------- 建议提案办理结果


@require_GET
def proposal_list(request: HttpRequest, code: str | None = None) -> HttpResponse:
    org = _org(code) if code else None
    if org is None and request.GET.get("org"):
        org = org_list_public().filter(code=request.GET["org"].strip().upper()[:18]).first()
    year = _int(request.GET.get("year"))
    kind = request.GET.get("kind", "")
    reply_type = request.GET.get("reply_type", "")
    qs = selectors.proposals_filtered(
        selectors.proposals_public(), year=year, kind=kind, reply_type=reply_type, org=org
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "policy/public/proposal_list.html",
        {
            "org": org,
            "fixed_org": bool(code),
            "page": page,
            "year": year,
            "kind": kind,
            "reply_type": reply_type,
            "years": selectors.proposal_years(),
            "kinds": ProposalReply.Kind.choices,
            "reply_types": ProposalReply.ReplyType.choices,
            "orgs": org_list_public().filter(proposal_replies__status=rules.PUBLISHED).distinct(),
            "query": query.urlencode(),
        },
    )


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reply = selectors.proposal_public(pk)
    return render(
        request,
        "policy/public/proposal_detail.html",
        {"reply": reply, "co_handlers": reply.co_handlers.all()},
    )


def _stats_year(request: HttpRequest) -> int:
    years = selectors.proposal_years()
    return _int(request.GET.get("year")) or (years[0] if years else timezone.localdate().year)


@require_GET
def proposal_stats(request: HttpRequest, code: str | None = None) -> HttpResponse:
    org = _org(code) if code else None
    year = _stats_year(request)
    rows, total = selectors.proposal_stats(year, org)
    return render(
        request,
        "policy/public/proposal_stats.html",
        {
            "org": org,
            "year": year,
            "years": selectors.proposal_years(),
            "header": exports.stats_header(),
            "rows": [exports.stats_values(r) for r in rows],
            "total": exports.stats_values(total) if total else None,
        },
    )


@require_GET
def proposal_stats_xlsx(request: HttpRequest, code: str | None = None) -> HttpResponse:
    org = _org(code) if code else None
    year = _stats_year(request)
    rows, total = selectors.proposal_stats(year, org)
    title = f"{org.name if org else '全市'}{year}年建议提案办理情况统计"
    response = HttpResponse(exports.proposal_stats_xlsx(year, rows, total, title), content_type=XLSX)
    name = f"proposal-stats-{org.code if org else 'all'}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---------------------------------------------------------------- 办事指南


@require_GET
def guide_list(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(code)
    return render(
        request,
        "policy/public/guide_list.html",
        {"org": org, "guides": selectors.guides_public_listing(org).order_by("published_name", "id")},
    )


@require_GET
def guide_detail(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    guide = selectors.guide_public(pk)
    version = selectors.guide_version(guide, number)
    return render(
        request,
        "policy/public/guide_detail.html",
        {
            "guide": guide,
            "version": version,
            "elements": selectors.guide_elements(version),
            "versions": guide.versions.order_by("-number"),
            "is_current": version.number == guide.version,
        },
    )


# ---------------------------------------------------------------- 权责清单


@require_GET
def power_index(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/public/power_index.html", {"orgs": selectors.power_orgs_public()})


@require_GET
def power_page(request: HttpRequest, code: str, number: int | None = None) -> HttpResponse:
    org = _org(code)
    version = selectors.power_version_public(org, number)
    if version is None and number is not None:
        raise Http404
    versions = list(selectors.power_versions_public(org))
    return render(
        request,
        "policy/public/power_page.html",
        {
            "org": org,
            "version": version,
            "entries": selectors.power_entries(version) if version else [],
            "versions": versions,
            "is_current": bool(version and versions and version.pk == versions[0].pk),
        },
    )


@require_GET
def power_changes(request: HttpRequest, code: str, number: int) -> HttpResponse:
    org = _org(code)
    version = selectors.power_version_public(org, number)
    if version is None:
        raise Http404
    previous = selectors.power_previous_version(version)
    return render(
        request,
        "policy/public/power_changes.html",
        {
            "org": org,
            "version": version,
            "previous": previous,
            "diff": selectors.power_version_diff(previous, version),
        },
    )


# ---------------------------------------------------------------- 政策问答库


@require_GET
def qa_list(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The 政策问答库 of every agency, or of one (`/orgs/<code>/policy-qa/`, linked from the agency home page)."""
    org = _org(code) if code else None
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.qas_public(q, org=org), 30).get_page(request.GET.get("page"))
    return render(request, "policy/public/qa_list.html", {"page": page, "q": q, "org": org})


@require_GET
def qa_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qa = selectors.qa_public(pk)
    citations = selectors.qa_citations(qa)
    return render(
        request,
        "policy/public/qa_detail.html",
        {
            "qa": qa,
            "citations": citations,
            "warnings": [c.warning for c in citations if c.warning and not c.pending],
        },
    )
