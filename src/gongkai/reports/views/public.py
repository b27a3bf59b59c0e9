"""Public pages of published annual reports, in the agency's 政府信息公开年报 column."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import org_by_code
from gongkai.reports import exports, selectors

DOWNLOADS = ("docx", "xlsx", "json")


def _org(code: str) -> Organization:
    org = org_by_code(code)
    if org is None or not org.is_active:
        raise Http404
    return org


@require_GET
def report_list(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(code)
    return render(
        request,
        "reports/public/list.html",
        {"org": org, "reports": selectors.reports_public(org), "column": selectors.annual_report_column(org)},
    )


@require_GET
def report_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    org = _org(code)
    report = selectors.report_public(org, year)
    data = selectors.published_data(report)
    context = exports.context(data)
    context.update({"org": org, "report": report, "column": selectors.annual_report_column(org)})
    return render(request, "reports/public/report.html", context)


@require_GET
def report_download(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404
    report = selectors.report_public(_org(code), year)
    data = selectors.published_data(report)
    response = HttpResponse(exports.export(data, fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(data, fmt)}"'
    return response
