"""Public read API `/api/v1/` (issue 7 §11): organizations, columns, items. Read-only, no login, rate-limited.

Errors are JSON `{"error": {"code", "message"}}` with a 4xx status; lists are `{"count", "next", "previous",
"results"}`.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from gongkai.core.ratelimit import over_limit
from gongkai.core.throttle import client_address
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import org_list_public
from gongkai.publishing import selectors
from gongkai.publishing.models import Column, GazetteEntry, InfoItem

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
RATE_LIMIT_PER_MINUTE = 600


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def client_key(request: HttpRequest) -> str:
    return client_address(request.META)


def rate_limited(request: HttpRequest) -> bool:
    """A fixed one-minute window per client, counted in the shared cache (never per process)."""
    return over_limit(f"api:{client_key(request)}", limit=RATE_LIMIT_PER_MINUTE, window_seconds=60)


def api_view(func: Any) -> Any:
    """Wrap a read view: GET only, rate limit, ApiError → JSON error, JSON encoding with Chinese kept."""

    @require_GET
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if rate_limited(request):
            return error_response(429, "rate_limited", "请求过于频繁，请稍后再试。")
        try:
            data = func(request, *args, **kwargs)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message)
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(400, "bad_parameter", f"参数 {name} 应为整数。") from exc
    if not low <= value <= high:
        raise ApiError(400, "bad_parameter", f"参数 {name} 应在 {low} 到 {high} 之间。")
    return value


def _date_param(request: HttpRequest, name: str) -> date | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ApiError(400, "bad_date", f"参数 {name} 应为 YYYY-MM-DD 格式的日期。") from exc


def paginate(request: HttpRequest, qs: QuerySet[Any], render: Any) -> dict[str, Any]:
    page = _int_param(request, "page", 1, 1, 1_000_000)
    size = _int_param(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    count = qs.count()
    start = (page - 1) * size
    rows = list(qs[start : start + size])
    params = request.GET.copy()

    def link(n: int) -> str:
        params["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.items()))}")

    return {
        "count": count,
        "next": link(page + 1) if start + size < count else None,
        "previous": link(page - 1) if page > 1 and start - size < count else None,
        "results": [render(request, row) for row in rows],
    }


def org_json(request: HttpRequest, org: Organization) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "level": org.level,
        "parent_code": org.parent.code if org.parent_id and org.parent else None,
        "doc_prefix": org.doc_prefix,
        "address": org.address,
        "postcode": org.postcode,
        "phone": org.phone,
        "fax": org.fax,
        "email": org.email,
        "office_hours": org.office_hours,
        "website": org.website,
        "url": request.build_absolute_uri(f"/orgs/{org.code}/"),
    }


def column_json(request: HttpRequest, column: Column) -> dict[str, Any]:
    return {
        "id": column.pk,
        "org": column.org.code,
        "name": column.name,
        "path": getattr(column, "path", None) or selectors.column_path_string(column),
        "parent_id": column.parent_id,
        "update_class": column.update_class,
        "statutory_code": column.statutory_code,
        "url": request.build_absolute_uri(f"/orgs/{column.org.code}/columns/{column.pk}/"),
    }


def _relation_json(request: HttpRequest, rel_type: str, direction: str, other: InfoItem) -> dict[str, Any]:
    return {
        "type": rel_type,
        "direction": direction,
        "external_id": other.external_id or f"pk:{other.pk}",
        "index_no": other.index_no,
        "title": other.title,
        "url": request.build_absolute_uri(f"/items/{other.pk}/"),
    }


def item_json(request: HttpRequest, item: InfoItem, *, relations: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.pk,
        "external_id": item.external_id or f"pk:{item.pk}",
        "index_no": item.index_no,
        "title": item.title,
        "org": {"code": item.org.code, "name": item.org.name},
        "doc_no": item.doc_no_norm or item.doc_no,
        "written_on": item.written_on.isoformat() if item.written_on else None,
        "published_at": timezone.localtime(item.published_at).isoformat() if item.published_at else None,
        "subject": item.subject,
        "genre": item.genre,
        "kind": item.kind,
        "validity": selectors.effective_validity(item),
        "effective_on": item.effective_on.isoformat() if item.effective_on else None,
        "valid_until": item.valid_until.isoformat() if item.valid_until else None,
        "url": request.build_absolute_uri(f"/items/{item.pk}/"),
    }
    if relations:
        rels = selectors.item_relations(item)
        data["relations"] = [_relation_json(request, t, "out", o) for t, o in rels["out"]] + [
            _relation_json(request, t, "in", o) for t, o in rels["in"]
        ]
    return data


@api_view
def org_list(request: HttpRequest) -> dict[str, Any]:
    return paginate(request, org_list_public().order_by("sort_order", "code"), org_json)


@api_view
def org_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    org = org_list_public().filter(code=code.upper()).first()
    if org is None:
        raise ApiError(404, "not_found", "机关不存在。")
    return org_json(request, org)


@api_view
def column_list(request: HttpRequest) -> dict[str, Any]:
    qs = (
        Column.objects.select_related("org")
        .filter(org__is_active=True)
        .order_by("org__code", "sort_order", "id")
    )
    org = request.GET.get("org")
    if org:
        qs = qs.filter(org__code=org.upper())

    def render(request: HttpRequest, column: Column) -> dict[str, Any]:
        column.path = paths.get(column.pk, "")  # type: ignore[attr-defined]
        return column_json(request, column)

    paths = selectors.column_paths(qs.values("org_id").distinct())
    return paginate(request, qs, render)


ITEM_FILTERS = (
    "org",
    "column",
    "subject",
    "kind",
    "validity",
    "published_after",
    "published_before",
    "external_id",
)


def items_filtered(request: HttpRequest) -> QuerySet[InfoItem]:
    qs = selectors.items_public()
    g = request.GET
    if g.get("org"):
        qs = qs.filter(org__code=g["org"].upper())
    if g.get("column"):
        column_id = _int_param(request, "column", 0, 1, 2**62)
        column = Column.objects.filter(pk=column_id).first()
        if column is None:
            raise ApiError(400, "unknown_column", "栏目不存在。")
        qs = qs.filter(columns__in=selectors.column_subtree_ids(column)).distinct()
    if g.get("subject"):
        qs = qs.filter(selectors.subject_q(g["subject"]))
    if g.get("kind"):
        if g["kind"] not in InfoItem.Kind.values:
            raise ApiError(400, "bad_kind", "kind 应为 rule、normative 或 other。")
        qs = qs.filter(kind=g["kind"])
    if g.get("validity"):
        if g["validity"] not in InfoItem.Validity.values:
            raise ApiError(400, "bad_validity", "validity 取值无效。")
        qs = qs.filter(selectors.effective_validity_q(g["validity"]))
    after, before = _date_param(request, "published_after"), _date_param(request, "published_before")
    if after:
        qs = qs.filter(published_at__date__gte=after)
    if before:
        qs = qs.filter(published_at__date__lte=before)
    if g.get("external_id"):
        ext = g["external_id"]
        # Items made on the platform are named `pk:N` (as in exports and relations).
        if ext.startswith("pk:") and ext[3:].isascii() and ext[3:].isdigit() and len(ext) <= 22:
            qs = qs.filter(pk=int(ext[3:]), external_id__isnull=True)
        else:
            qs = qs.filter(external_id=ext)
    return qs.order_by("-published_at", "-id")


@api_view
def item_list(request: HttpRequest) -> dict[str, Any]:
    return paginate(request, items_filtered(request), lambda r, i: item_json(r, i, relations=False))


@api_view
def item_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    item = selectors.items_public().filter(pk=pk).first()
    if item is None:
        raise ApiError(404, "not_found", "信息不存在或未公开。")
    return item_json(request, item)


def gazette_json(request: HttpRequest, issue: Any) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "org": {"code": issue.org.code, "name": issue.org.name},
        "year": issue.year,
        "number": issue.number,
        "title": issue.title,
        "published_on": issue.published_on.isoformat() if issue.published_on else None,
        "pdf_url": request.build_absolute_uri(f"/attachments/{issue.pdf_id}/") if issue.pdf_id else None,
        "url": request.build_absolute_uri(f"/gazette/issues/{issue.pk}/"),
        "items": [item_json(request, i, relations=False) for i in _gazette_toc(issue)],
    }


GAZETTE_TOC = "api_toc"


def gazette_toc_prefetch() -> Prefetch[Any]:
    """The tables of contents of a page of issues in one query (items and their agencies joined), kept on each issue
    as `GAZETTE_TOC`; `gazette_json` uses it when present instead of one query per issue."""
    entries = GazetteEntry.objects.select_related("item", "item__org").order_by("position", "id")
    return Prefetch("entries", queryset=entries, to_attr=GAZETTE_TOC)


def _gazette_toc(issue: Any) -> list[InfoItem]:
    entries = getattr(issue, GAZETTE_TOC, None)
    if entries is None:
        return selectors.gazette_entries_public(issue)
    return [e.item for e in entries if e.item.is_public]  # the same rule as selectors.gazette_entries_public


@api_view
def gazette_list(request: HttpRequest) -> dict[str, Any]:
    qs = (
        selectors.gazette_issues_public()
        .prefetch_related(gazette_toc_prefetch())
        .order_by("-year", "-number", "org__code")
    )
    if request.GET.get("year"):
        qs = qs.filter(year=_int_param(request, "year", 0, 1949, 2200))
    if request.GET.get("org"):
        qs = qs.filter(org__code=request.GET["org"].upper())
    return paginate(request, qs, gazette_json)


@api_view
def catalog(request: HttpRequest, code: str) -> dict[str, Any]:
    """The agency's 主动公开基本目录 (R-PUB-4) as JSON."""
    from gongkai.publishing.catalog import catalog_items, summary_of

    org = org_list_public().filter(code=code.upper()).first()
    if org is None:
        raise ApiError(404, "not_found", "机关不存在。")

    def row(request: HttpRequest, item: InfoItem) -> dict[str, Any]:
        formed = item.formed_on or item.written_on
        return {
            "index_no": item.index_no,
            "title": item.title,
            "summary": summary_of(item),
            "formed_on": formed.isoformat() if formed else None,
            "url": request.build_absolute_uri(f"/items/{item.pk}/"),
        }

    return paginate(request, catalog_items(org), row)
