"""The public search page (/search/) and the search API (/api/v1/search)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongkai.core.errors import ApplicationError
from gongkai.publishing.api import ApiError, api_view
from gongkai.publishing.models import InfoItem
from gongkai.search.params import FACET_PARAMS, SORTS, SearchParams, parse_params
from gongkai.search.selectors import FACET_LABELS, GUIDANCE, SearchPage, search
from gongkai.search.serializers import page_json


def _href(query: dict[str, str]) -> str:
    return "?" + urlencode(query) if query else "?"


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    raw = {k: request.GET.get(k, "") for k in request.GET}
    error = ""
    status = 200
    result: SearchPage | None = None
    try:
        params = parse_params(request.GET, lenient_page=True)
        result = search(params, clamp_page=True)
        params = result.params
    except ApplicationError as exc:
        error, status = exc.message, 400
        params = SearchParams(q=raw.get("q", "")[:200], within=raw.get("within", "")[:200])
    context: dict[str, Any] = {
        "params": params,
        "raw": raw,
        "result": result,
        "error": error,
        "guidance": GUIDANCE,
        "sorts": SORTS.items(),
        "validities": InfoItem.Validity.choices,
    }
    if result is not None and result.searched:
        context["facet_groups"] = [
            {
                "name": name,
                "label": FACET_LABELS[name],
                "values": [
                    {
                        "value": v,
                        "href": _href(params.to_query(**{name: None, "page": None}))
                        if v.selected
                        else _href(params.to_query(**{name: _typed(name, v.value), "page": None})),
                    }
                    for v in result.facets.get(name, [])
                ],
            }
            for name in FACET_PARAMS
            if result.facets.get(name)
        ]
        context["selected"] = [
            {
                "label": FACET_LABELS[name],
                "value": _selected_label(result, name),
                "href": _href(params.to_query(**{name: None, "page": None})),
            }
            for name in FACET_PARAMS
            if getattr(params, name) not in (None, "")
        ]
        dates = [
            (label, value, _href(params.to_query(**{name: None, "page": None})))
            for name, label, value in (
                ("published_after", "发布日期起", params.published_after),
                ("published_before", "发布日期止", params.published_before),
            )
            if value
        ]
        context["selected"] += [
            {"label": label, "value": value.isoformat(), "href": href} for label, value, href in dates
        ]
        context["hidden"] = [
            (k, v) for k, v in params.to_query(page=None, within=None).items() if k not in {"q"}
        ]
        context["filter_hidden"] = [
            (k, v)
            for k, v in params.to_query(page=None).items()
            if k not in {"sort", "published_after", "published_before"}
        ]
        context["previous_href"] = _href(params.to_query(page=params.page - 1)) if result.has_previous else ""
        context["next_href"] = _href(params.to_query(page=params.page + 1)) if result.has_next else ""
        context["relevance_href"] = _href(params.to_query(sort=None, page=None))
        context["date_href"] = _href(params.to_query(sort="date", page=None))
    return render(request, "search/search.html", context, status=status)


def _typed(name: str, value: str) -> Any:
    return int(value) if name in {"year", "column"} else value


def _selected_label(result: SearchPage, name: str) -> str:
    for value in result.facets.get(name, []):
        if value.selected:
            return value.label
    current = getattr(result.params, name)
    return str(current.isoformat() if isinstance(current, date) else current)


@api_view
def search_api(request: HttpRequest) -> dict[str, Any]:
    """`/api/v1/search`: the JSON of contracts.md; 400 with {"error": {"code", "message"}} for a bad parameter."""
    try:
        params = parse_params(request.GET)
        page = search(params)
    except ApplicationError as exc:
        raise ApiError(400, exc.code, exc.message) from exc

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")

    return page_json(page, request.build_absolute_uri, link)
