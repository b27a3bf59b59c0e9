"""The JSON of a search (contracts.md): `/api/v1/search` and `gongkai search --json` give the same shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from gongkai.search.selectors import SearchHit, SearchPage


def hit_json(hit: SearchHit, absolute: Callable[[str], str]) -> dict[str, Any]:
    item = hit.item
    return {
        "external_id": item.external_id or f"pk:{item.pk}",
        "index_no": item.index_no,
        "title": item.title,
        "doc_no": item.doc_no_norm or item.doc_no,
        "org": {"code": item.org.code, "name": item.org.name},
        "published_at": timezone.localtime(item.published_at).isoformat() if item.published_at else None,
        "url": absolute(hit.url),
        "score": hit.score,
        "snippet": hit.snippet,
        "validity": hit.validity,
    }


def page_json(
    page: SearchPage,
    absolute: Callable[[str], str] = lambda path: path,
    link: Callable[[int], str] | None = None,
) -> dict[str, Any]:
    """`absolute` turns a path into the URL to show; `link(n)` is the URL of result page n (API only)."""
    return {
        "query": page.query,
        "within": page.within,
        "total": page.total,
        "page": page.page,
        "page_size": page.params.page_size,
        "pages": page.pages if page.searched else 0,
        "next": link(page.page + 1) if link and page.searched and page.has_next else None,
        "previous": link(page.page - 1) if link and page.searched and page.has_previous else None,
        "exact": page.exact or None,
        "truncated": page.truncated,
        "message": page.message or None,
        "results": [hit_json(hit, absolute) for hit in page.hits],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values
            ]
            for name, values in page.facets.items()
        },
    }
