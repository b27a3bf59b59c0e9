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


# ---------------------------------------------------------------- 精准推送 (issue 7 §10)


def _subscribe_context(request: HttpRequest, values: dict[str, str], error: str = "") -> dict[str, object]:
    from gongkai.publishing.metadata import SUBJECTS

    return {"values": values, "error": error, "orgs": org_list_public(), "subjects": SUBJECTS}


def subscribe(request: HttpRequest) -> HttpResponse:
    from gongkai.core.errors import ApplicationError
    from gongkai.core.ratelimit import over_limit
    from gongkai.publishing import subscriptions

    if request.method == "POST":
        values = {
            k: request.POST.get(k, "").replace("\x00", "").strip()[:200]
            for k in ("email", "org", "column", "subject", "keyword")
        }
        address = request.META.get("REMOTE_ADDR", "") or "unknown"
        if over_limit(f"subscribe:{address}", limit=10, window_seconds=3600):
            ctx = _subscribe_context(request, values, "提交过于频繁，请稍后再试。")
            return render(request, "publishing/public/subscribe.html", ctx, status=429)
        try:
            filters = subscriptions.filters_from_query(values)
            subscriptions.subscription_create(
                email=values["email"], filters=filters, base_url=request.build_absolute_uri("/").rstrip("/")
            )
        except ApplicationError as exc:
            return render(
                request, "publishing/public/subscribe.html", _subscribe_context(request, values, exc.message)
            )
        return render(request, "publishing/public/subscribe_done.html", {"email": values["email"]})
    values = {k: request.GET.get(k, "")[:200] for k in ("email", "org", "column", "subject", "keyword")}
    return render(request, "publishing/public/subscribe.html", _subscribe_context(request, values))


@require_GET
def subscribe_confirm(request: HttpRequest, token: str) -> HttpResponse:
    from gongkai.core.errors import ApplicationError
    from gongkai.publishing import subscriptions

    try:
        sub = subscriptions.subscription_confirm(token=token)
    except ApplicationError as exc:
        return render(
            request, "publishing/public/subscribe_result.html", {"message": exc.message}, status=404
        )
    return render(
        request,
        "publishing/public/subscribe_result.html",
        {"message": f"订阅已确认：{subscriptions.filters_of(sub).describe()}。每天最多发送一封更新邮件。"},
    )


@require_GET
def subscribe_cancel(request: HttpRequest, token: str) -> HttpResponse:
    from gongkai.core.errors import ApplicationError
    from gongkai.publishing import subscriptions

    try:
        subscriptions.subscription_cancel(token=token)
    except ApplicationError as exc:
        return render(
            request, "publishing/public/subscribe_result.html", {"message": exc.message}, status=404
        )
    return render(
        request, "publishing/public/subscribe_result.html", {"message": "已退订，不会再收到该订阅的邮件。"}
    )


def filtered_feed(request: HttpRequest, fmt: str) -> HttpResponse:
    """RSS/Atom for the same filters a subscription uses (?org=&column=&subject=&keyword=)."""
    from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

    from gongkai.core.errors import ApplicationError
    from gongkai.publishing import subscriptions

    try:
        filters = subscriptions.filters_from_query(request.GET)
        if filters.subject:
            subscriptions.check_filters(filters)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    feed_class = Atom1Feed if fmt == "atom" else Rss201rev2Feed
    feed = feed_class(
        title=f"政府信息更新（{filters.describe()}）",
        link=request.build_absolute_uri("/"),
        description=f"按条件订阅：{filters.describe()}",
        language="zh-cn",
    )
    for item in subscriptions.matching_items(filters)[:50]:
        feed.add_item(
            title=item.title,
            link=request.build_absolute_uri(f"/items/{item.pk}/"),
            description=item.body_text[:300],
            pubdate=item.published_at,
            unique_id=item.index_no or str(item.pk),
        )
    return HttpResponse(feed.writeString("utf-8"), content_type=f"{feed.content_type}")


@require_GET
def cleanup_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The published result list of a 清理 batch, grouped by decision."""
    from gongkai.publishing import selectors
    from gongkai.publishing.models import CleanupDecision

    batch = get_object_or_404(selectors.cleanup_batches_public(), pk=pk)
    groups = [
        (
            label,
            # Only documents the public may still read (one withdrawn since the batch opened is left out).
            [
                d
                for d in batch.decisions.filter(decision=value).select_related("item", "item__org")
                if d.item.is_public
            ],
        )
        for value, label in CleanupDecision.Decision.choices
    ]
    return render(request, "publishing/public/cleanup.html", {"batch": batch, "groups": groups})


@require_GET
def budget_table(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """Who has and has not published the year's budgets, final accounts and 三公经费 (R-PUB-13)."""
    from django.utils import timezone

    from gongkai.publishing import selectors

    year = year or timezone.localdate().year
    if not 2000 <= year <= 2200:
        raise Http404
    return render(request, "publishing/public/budgets.html", selectors.budget_table(year))


@require_GET
def standard_catalog_page(request: HttpRequest, code: str) -> HttpResponse:
    from gongkai.publishing import selectors

    org = get_object_or_404(org_list_public(), code=code.upper())
    rows = selectors.standard_catalog_status(org)
    return render(request, "publishing/public/standard_catalog.html", {"org": org, "rows": rows})
