"""Public pages of the publishing app generated from data: an agency's 目录 and 指南 (R-PUB-4)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from gongkai.orgs.selectors import org_list_public
from gongkai.publishing import catalog

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@require_GET
def catalog_page(request: HttpRequest, code: str) -> HttpResponse:
    org = get_object_or_404(org_list_public(), code=code.upper())
    page = Paginator(catalog.catalog_items(org), 50).get_page(request.GET.get("page"))
    rows = [(item, catalog.summary_of(item)) for item in page.object_list]
    return render(request, "publishing/public/catalog.html", {"org": org, "page": page, "rows": rows})


@require_GET
def catalog_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    org = get_object_or_404(org_list_public(), code=code.upper())
    if fmt not in catalog.EXPORTERS:
        raise Http404
    data = catalog.export_catalog(org, fmt, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    filename = f"{org.code}-catalog.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def guide_page(request: HttpRequest, code: str) -> HttpResponse:
    org = get_object_or_404(org_list_public(), code=code.upper())
    return render(request, "publishing/public/guide.html", catalog.guide_context(org))


@require_GET
def policies_page(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's 现行有效 规章 and 行政规范性文件 (issue 7 §3)."""
    from gongkai.publishing import selectors

    org = get_object_or_404(org_list_public(), code=code.upper())
    items = selectors.policies_in_force(org)
    return render(request, "publishing/public/policies.html", {"org": org, "items": items})


@require_GET
def gazette_index(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """政府公报 by year (issue 7 §4)."""
    from gongkai.publishing import selectors

    issues = selectors.gazette_issues_public()
    years = sorted({i.year for i in issues}, reverse=True)
    if year is not None:
        if year not in years:
            raise Http404
        issues = issues.filter(year=year)
    elif years:
        issues = issues.filter(year=years[0])
        year = years[0]
    return render(
        request,
        "publishing/public/gazette_index.html",
        {"issues": issues.order_by("org__code", "-number"), "years": years, "year": year},
    )


@require_GET
def gazette_issue(request: HttpRequest, pk: int) -> HttpResponse:
    from gongkai.publishing import selectors

    issue = get_object_or_404(selectors.gazette_issues_public(), pk=pk)
    return render(
        request,
        "publishing/public/gazette_issue.html",
        {"issue": issue, "items": selectors.gazette_entries_public(issue)},
    )
