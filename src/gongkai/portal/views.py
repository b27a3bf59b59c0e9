"""Public pages: home, agencies, each agency's 政府信息公开专栏, column listings, item pages, feeds, sitemap."""

from __future__ import annotations

import mimetypes

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import org_list_public
from gongkai.policy import selectors as policy_selectors
from gongkai.publishing import selectors
from gongkai.publishing.models import Attachment, Column, InfoItem

PAGE_SIZE = 20


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: this must render even when the database is down.
    from django.template import loader

    return HttpResponse(loader.get_template("portal/500.html").render({}), status=500)


def _org(code: str) -> Organization:
    return get_object_or_404(org_list_public(), code=code.upper())


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest = selectors.items_public().order_by("-published_at", "-id")[:15]
    governments = org_list_public().filter(kind=Organization.Kind.GOVERNMENT)
    departments = org_list_public().exclude(kind=Organization.Kind.GOVERNMENT)[:60]
    return render(
        request,
        "portal/home.html",
        {
            "latest": latest,
            "governments": governments,
            "departments": departments,
        },
    )


@require_GET
def org_list(request: HttpRequest) -> HttpResponse:
    orgs = list(org_list_public())
    children: dict[int | None, list[Organization]] = {}
    for o in orgs:
        children.setdefault(o.parent_id, []).append(o)
    rows: list[tuple[int, Organization]] = []

    def walk(parent: int | None, depth: int) -> None:
        for o in children.get(parent, []):
            rows.append((depth, o))
            walk(o.pk, depth + 1)

    walk(None, 0)
    known = {o.pk for _, o in rows}
    rows += [(0, o) for o in orgs if o.pk not in known]
    return render(request, "portal/org_list.html", {"rows": rows})


@require_GET
def org_home(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(code)
    tree = selectors.column_tree(org)
    latest = selectors.items_public().filter(org=org).order_by("-published_at", "-id")[:10]
    return render(request, "portal/org_home.html", {"org": org, "tree": tree, "latest": latest})


@require_GET
def column_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    org = _org(code)
    column = selectors.column_public(org, pk)
    structure = None
    applied: dict[str, str] = {}
    rows: list[tuple[InfoItem, list[str]]] = []
    if column.structure:
        # 重点领域 structured columns (issue 7 §9): a table of the typed fields, filterable by them.
        from gongkai.publishing.structures import STRUCTURES

        structure = STRUCTURES.get(column.structure)
    if structure is not None:
        items, applied = selectors.structured_listing(column, request.GET)
    else:
        items = selectors.column_items_public(column)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    if structure is not None:
        rows = [
            (item, [item.structured.get(structure.code, {}).get(f.key, "") for f in structure.fields])
            for item in page.object_list
        ]
    return render(
        request,
        "portal/column.html",
        {
            "org": org,
            "column": column,
            "path": selectors.column_path(column),
            "page": page,
            "children": column.children.all(),
            "structure": structure,
            "applied": applied,
            "rows": rows,
        },
    )


@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_public(pk)
    validity = selectors.effective_validity(item)
    replacing = selectors.replacing_item(item) if validity != InfoItem.Validity.VALID else None
    if replacing is not None and not replacing.is_public:
        replacing = None  # never name or link a document the public may not see
    return render(
        request,
        "portal/item.html",
        {
            "item": item,
            "validity": validity,
            "validity_label": selectors.VALIDITY_LABELS[validity],
            "replacing": replacing,
            "relations": selectors.item_relations(item),
            "columns": item.columns.all(),
            "issuers": item.issuers.all(),
            "attachments": item.attachments.all(),
            "gazette_issues": selectors.gazette_issues_of_item(item),
            "citing_qas": policy_selectors.qas_public_citing(item),
        },
    )


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = Attachment.objects.select_related("item").filter(pk=pk).first()
    if attachment is None or not attachment.file or not selectors.attachment_is_public(attachment):
        raise Http404
    content_type = (
        attachment.content_type or mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    )
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def large_text(request: HttpRequest) -> HttpResponse:
    """Toggle the large-text (适老化) mode with a cookie; works without JavaScript."""
    nxt = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
        nxt = "/"
    response = HttpResponseRedirect(nxt)
    if request.COOKIES.get("gk_large") == "1":
        response.delete_cookie("gk_large")
    else:
        response.set_cookie("gk_large", "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


class ColumnRssFeed(Feed):
    feed_type: type[Rss201rev2Feed] | type[Atom1Feed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, code: str, pk: int) -> Column:  # type: ignore[override]
        return selectors.column_public(_org(code), pk)

    def title(self, obj: Column) -> str:
        return f"{obj.org.name} · {obj.name}"

    def link(self, obj: Column) -> str:
        return reverse("portal:column", args=[obj.org.code, obj.pk])

    def description(self, obj: Column) -> str:
        return f"{obj.org.name}“{obj.name}”栏目最新信息"

    def items(self, obj: Column) -> list[InfoItem]:
        return list(selectors.column_items_public(obj)[:50])

    def item_title(self, item: InfoItem) -> str:
        return item.title

    def item_description(self, item: InfoItem) -> str:
        return item.body_text[:300]

    def item_link(self, item: InfoItem) -> str:
        return reverse("portal:item", args=[item.pk])

    def item_pubdate(self, item: InfoItem):  # type: ignore[no-untyped-def]
        return item.published_at

    def item_guid(self, item: InfoItem) -> str:
        return item.index_no or str(item.pk)

    item_guid_is_permalink = False


class ColumnAtomFeed(ColumnRssFeed):
    feed_type = Atom1Feed
    subtitle = ColumnRssFeed.description
