"""The 12345 yearly work figures (issue 8 item 7): a public page with charts and tables, and the Excel workbook.
Aggregates only: no message text and no personal data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gongkai.participation import selectors
from gongkai.participation.documents import figures_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(raw: str) -> int:
    """A four-digit year between 2000 and next year; anything else falls back to this year."""
    this_year = timezone.localdate().year
    if raw.isascii() and raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= this_year + 1:
        return int(raw)
    return this_year


@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    year = _year(request.GET.get("year", ""))
    figures = selectors.yearly_figures(year)
    return render(
        request,
        "participation/public/figures.html",
        {
            "f": figures,
            "years": selectors.figure_years(),
            "chart": selectors.figures_chart(figures),
            "pie": selectors.satisfaction_chart(figures),
        },
    )


@require_GET
def figures_download(request: HttpRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404
    response = HttpResponse(figures_xlsx(selectors.yearly_figures(year)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="12345-figures-{year}.xlsx"'
    return response
