"""The CKAN Action API at `/api/3/action/<name>` and `/api/action/<name>` (issue 9 §3).

Follows CKAN's envelope — `{"help", "success", "result"}`, errors `{"help", "success": false, "error": {"__type",
"message", …}}` — and its status codes: 400 bad request, 403 Authorization Error, 404 Not Found Error, 409
Validation Error / Search Query Error, 429 too many requests. Writes are authenticated by an API token in the
`Authorization` header (or `X-CKAN-API-Key`); the services decide who may publish at once and whose writes wait
for review. An approved 有条件开放 applicant's API key (`gka_…`, see `services.access_api_key_issue`) in the same
header opens that dataset's tables (`datastore_search`) and gives signed, expiring file URLs in `resource_show` and
`package_show`; everyone else gets the metadata only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.ratelimit import over_limit
from gongkai.core.throttle import client_address
from gongkai.opendata import conf, rules, selectors, services, usage
from gongkai.opendata.models import AccessApplication, Dataset, DatastoreTable, Resource
from gongkai.orgs.models import Organization

CKAN_VERSION = "2.10.4"
MAX_ROWS = 1000
DATASTORE_MAX_LIMIT = 32000


class CkanError(Exception):
    def __init__(self, status: int, type_: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.type, self.message, self.extra = status, type_, message, extra


def not_found(message: str = "未找到") -> CkanError:
    return CkanError(404, "Not Found Error", message)


def validation(errors: dict[str, str]) -> CkanError:
    return CkanError(
        409, "Validation Error", "；".join(errors.values()), **{k: [v] for k, v in errors.items()}
    )


def forbidden(message: str) -> CkanError:
    return CkanError(403, "Authorization Error", message)


def _envelope(request: HttpRequest, action: str, body: dict[str, Any], status: int) -> JsonResponse:
    help_url = request.build_absolute_uri(f"/api/3/action/help_show?name={action}")
    return JsonResponse({"help": help_url, **body}, status=status, json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------- parameters


def _params(request: HttpRequest) -> tuple[dict[str, Any], Any]:
    """The data dict and the uploaded file (if any) of a call."""
    if request.method == "GET":
        data: dict[str, Any] = {}
        for key in request.GET:
            values = request.GET.getlist(key)
            data[key] = values[0] if len(values) == 1 else values
        return data, None
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data") or content_type.startswith(
        "application/x-www-form-urlencoded"
    ):
        return {k: request.POST.get(k) for k in request.POST}, request.FILES.get("upload")
    if not request.body:
        return {}, None
    try:
        parsed = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CkanError(
            400, "Bad Request", f"Bad request - JSON Error: 请求体不是有效的 JSON（{exc}）。"
        ) from exc
    if not isinstance(parsed, dict):
        raise CkanError(400, "Bad Request", "Bad request - JSON Error: 请求体应为 JSON 对象。")
    return parsed, None


def _str(data: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise validation({key: "缺少必填参数。"})
        return None if value is None else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise validation({key: "应为字符串。"})
    return value


def _int(data: dict[str, Any], key: str, default: int, maximum: int) -> int:
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise validation({key: "应为非负整数。"}) from None
    if number < 0:
        raise validation({key: "应为非负整数。"})
    return min(number, maximum)


def _bool(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "on"}
    return bool(value)


def _json_value(data: dict[str, Any], key: str) -> Any:
    """A parameter that may arrive JSON-encoded (GET) or as JSON (POST)."""
    value = data.get(key)
    if isinstance(value, str) and value.strip()[:1] in {"[", "{", '"'}:
        try:
            return json.loads(value)
        except ValueError:
            raise validation({key: "不是有效的 JSON。"}) from None
    return value


def _list(data: dict[str, Any], key: str) -> list[str]:
    value = _json_value(data, key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise validation({key: "应为字符串列表。"})


# ---------------------------------------------------------------- dictionaries


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def org_dict(org: Organization, package_count: int | None = None) -> dict[str, Any]:
    name = org.code.lower()
    return {
        "id": name,
        "name": name,
        "title": org.name,
        "display_name": org.name,
        "description": "",
        "type": "organization",
        "is_organization": True,
        "state": "active" if org.is_active else "deleted",
        "approval_status": "approved",
        "image_url": "",
        "created": _iso(org.created_at),
        "package_count": package_count if package_count is not None else getattr(org, "package_count", 0),
    }


def resource_dict(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    table: DatastoreTable | None = getattr(resource, "datastore", None) if _has_table(resource) else None
    application = _granted(request, resource.dataset)
    if resource.file and application is not None and application.decided_at is not None:
        # An approved applicant calling with the application's API key gets a working, signed, expiring link.
        token = selectors.download_links(application, [resource])[resource.pk]
        path = reverse("opendata:signed_download", kwargs={"name": resource.dataset.name, "pk": resource.pk})
        url = request.build_absolute_uri(f"{path}?{urlencode({'token': token})}")
    elif resource.file:
        filename = resource.file.name.rsplit("/", 1)[-1]
        url = request.build_absolute_uri(
            reverse(
                "opendata:download",
                kwargs={"name": resource.dataset.name, "pk": resource.pk, "filename": filename},
            )
        )
    elif resource.dataset.open_type == "conditional":
        # A 有条件开放 dataset's links are given only to approved applicants, on the platform's own page.
        url = request.build_absolute_uri(reverse("opendata:dataset", kwargs={"name": resource.dataset.name}))
    else:
        url = resource.url
    return {
        "id": str(resource.pk),
        "package_id": str(resource.dataset_id),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "url": url,
        "url_type": "upload" if resource.file else None,
        "size": resource.size or None,
        "hash": resource.sha256,
        "mimetype": None,
        "position": resource.position,
        "created": _iso(resource.created_at),
        "last_modified": _iso(resource.modified_at),
        "metadata_modified": _iso(resource.modified_at),
        "state": "active",
        "download_count": resource.download_count,
        "datastore_active": bool(table and table.is_ready),
        "datastore_status": table.status if table else None,
        "datastore_message": table.message if table else None,
    }


def _has_table(resource: Resource) -> bool:
    try:
        resource.datastore  # noqa: B018
    except DatastoreTable.DoesNotExist:
        return False
    return True


def package_dict(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    tags = sorted(t.name for t in dataset.tags.all())
    resources = [resource_dict(request, r) for r in dataset.resources.select_related("datastore", "dataset")]
    frequency_word = rules.FREQUENCIES[dataset.update_frequency][0]
    extras = {
        "subject": dataset.subject,
        "domain": dataset.domain,
        "update_frequency": dataset.update_frequency,
        "temporal_start": _iso(dataset.temporal_start),
        "temporal_end": _iso(dataset.temporal_end),
        "spatial": dataset.spatial,
        "contact_phone": dataset.contact_phone,
        "open_type": dataset.open_type,
    }
    return {
        "id": str(dataset.pk),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.description,
        "type": "dataset",
        "state": "active" if dataset.status == rules.PUBLISHED else "draft",
        "private": dataset.status != rules.PUBLISHED,
        "review_status": dataset.status,
        "owner_org": dataset.org.code.lower(),
        "organization": org_dict(dataset.org, package_count=0),
        "license_id": dataset.license_id,
        "license_title": dataset.license_id,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "author": dataset.org.name,
        "author_email": None,
        "url": request.build_absolute_uri(reverse("opendata:dataset", kwargs={"name": dataset.name})),
        "version": None,
        "metadata_created": _iso(dataset.created_at),
        "metadata_modified": _iso(dataset.modified_at),
        "published_at": _iso(dataset.published_at),
        "tags": [
            {"id": t, "name": t, "display_name": t, "state": "active", "vocabulary_id": None} for t in tags
        ],
        "num_tags": len(tags),
        "groups": [{"name": dataset.subject, "title": dataset.subject, "display_name": dataset.subject}]
        if dataset.subject
        else [],
        "resources": resources,
        "num_resources": len(resources),
        **extras,
        "update_frequency_label": frequency_word,
        "open_type_label": rules.OPEN_TYPES[dataset.open_type],
        "extras": [{"key": k, "value": v or ""} for k, v in extras.items()],
    }


# ---------------------------------------------------------------- reads


def status_show(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    from django.conf import settings

    return {
        "site_title": getattr(settings, "GONGKAI_SITE_NAME", "政务公开平台"),
        "site_url": request.build_absolute_uri("/").rstrip("/"),
        "site_description": "政府数据开放",
        "ckan_version": CKAN_VERSION,
        "locale_default": "zh_Hans_CN",
        "error_emails_to": None,
        "extensions": ["datastore", "dcat"],
    }


def package_list(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    limit = _int(data, "limit", 1000, 1000)
    offset = _int(data, "offset", 0, 10**9)
    qs = selectors.datasets_public().order_by("name").values_list("name", flat=True)
    return list(qs[offset : offset + limit])


def _dataset(user: Any, data: dict[str, Any], key: str = "id") -> Dataset:
    ident = _str(data, key, required=True) or ""
    dataset = selectors.dataset_by_name_or_id(user, ident)
    if dataset is None:
        raise not_found(f"没有找到数据集“{ident}”。")
    return dataset


def package_show(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    if not data.get("id") and data.get("name_or_id"):
        data["id"] = data["name_or_id"]
    return package_dict(request, _dataset(user, data))


FQ_TERM = re.compile(r'([+-]?)([A-Za-z_]+):(?:"([^"]*)"|(\S+))')
FQ_FIELDS = {
    "organization": "org__code__iexact",
    "owner_org": "org__code__iexact",
    "tags": "tags__name",
    "res_format": "resources__format__iexact",
    "groups": "subject",
    "subject": "subject",
    "domain": "domain",
    "name": "name",
    "license_id": "license_id",
    "update_frequency": "update_frequency",
    "open_type": "open_type",
}
SORT_FIELDS = {
    "name": "name",
    "title": "title",
    "metadata_modified": "modified_at",
    "metadata_created": "created_at",
    "title_string": "title",
}
FACET_FIELDS = {
    "organization": "org__code",
    "tags": "tags__name",
    "res_format": "resources__format",
    "groups": "subject",
    "license_id": "license_id",
    "update_frequency": "update_frequency",
    "open_type": "open_type",
    "domain": "domain",
}


def apply_fq(qs: QuerySet[Dataset], fq: str) -> QuerySet[Dataset]:
    """CKAN/Solr `fq` terms `field:value` or `field:"a value"` (+ required, - excluded), joined by spaces."""
    pos = 0
    fq = fq.strip()
    while pos < len(fq):
        if fq[pos].isspace():
            pos += 1
            continue
        if fq.startswith(("AND ", "&& "), pos):
            pos += 3
            continue
        m = FQ_TERM.match(fq, pos)
        if m is None:
            raise CkanError(409, "Search Query Error", f"无法解析的过滤条件：{fq[pos:][:50]}")
        sign, field_name, quoted, bare = m.groups()
        lookup = FQ_FIELDS.get(field_name)
        if lookup is None:
            raise CkanError(409, "Search Query Error", f"不支持按“{field_name}”过滤。")
        value = quoted if quoted is not None else bare
        cond = Q(**{lookup: value})
        if sign == "-":
            qs = qs.exclude(pk__in=Dataset.objects.filter(cond).values("pk"))
        else:
            qs = qs.filter(pk__in=Dataset.objects.filter(cond).values("pk"))
        pos = m.end()
    return qs


def apply_q(qs: QuerySet[Dataset], q: str) -> QuerySet[Dataset]:
    q = q.strip()
    if not q or q in {"*:*", "*"}:
        return qs
    rest = []
    for token in re.findall(r'[A-Za-z_]+:"[^"]*"|\S+', q):
        if FQ_TERM.fullmatch(token) and token.split(":", 1)[0] in FQ_FIELDS:
            qs = apply_fq(qs, token)
        else:
            rest.append(token)
    for term in (word for token in rest for word in query_words(token)):
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(description__icontains=term)
            | Q(name__icontains=term)
            | Q(subject__icontains=term)
            | Q(domain__icontains=term)
            | Q(pk__in=Dataset.objects.filter(tags__name__icontains=term).values("pk"))
        )
    return qs


CJK = re.compile(r"[\u3400-\u9fff]")


def query_words(token: str) -> list[str]:
    """The words a query token must all match: a Chinese run is segmented as the search app segments (its
    dictionary: 线路公交 finds 公交线路), keeping words of two characters or more; other tokens stand as given."""
    if not CJK.search(token) or len(token) <= 2:
        return [token]
    from gongkai.search.dictionary import segmenter

    words = [w for w in segmenter().words_of(token) if len(w) >= 2 and w.strip()]
    return words or [token]


def parse_sort(sort: str) -> list[str]:
    order = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in {"asc", "desc"}):
            raise CkanError(409, "Search Query Error", f"无法解析的排序：{part.strip()}")
        if words[0] == "score":
            continue
        column = SORT_FIELDS.get(words[0])
        if column is None:
            raise CkanError(409, "Search Query Error", f"不支持按“{words[0]}”排序。")
        order.append(("-" if len(words) == 2 and words[1].lower() == "desc" else "") + column)
    return order


def package_search(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    rows = _int(data, "rows", 10, MAX_ROWS)
    start = _int(data, "start", 0, 10**9)
    qs = selectors.datasets_public()
    if _bool(data, "include_private") and getattr(user, "is_authenticated", False):
        qs = selectors.datasets_visible(user)
    qs = apply_q(qs, _str(data, "q") or "")
    qs = apply_fq(qs, _str(data, "fq") or "")
    sort = _str(data, "sort") or "score desc, metadata_modified desc"
    qs = qs.order_by(*parse_sort(sort), "-modified_at", "name")
    facet_fields = _list(data, "facet.field")
    for name in facet_fields:
        if name not in FACET_FIELDS:
            raise CkanError(409, "Search Query Error", f"不支持按“{name}”分面。")
    facet_limit = _int(data, "facet.limit", 50, 1000)
    ids = qs.values("pk")
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for name in facet_fields:
        column = FACET_FIELDS[name]
        counts = (
            Dataset.objects.filter(pk__in=ids)
            .exclude(**{f"{column}__isnull": True})
            .exclude(**{column: ""})
            .values(column)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", column)[:facet_limit]
        )
        items = {str(c[column]).lower() if name == "organization" else str(c[column]): c["n"] for c in counts}
        facets[name] = items
        search_facets[name] = {
            "title": name,
            "items": [{"name": k, "display_name": k, "count": v} for k, v in items.items()],
        }
    total = qs.count()
    page = list(qs[start : start + rows].prefetch_related("tags"))
    return {
        "count": total,
        "sort": sort,
        "results": [package_dict(request, d) for d in page],
        "facets": facets,
        "search_facets": search_facets,
    }


def organization_list(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    limit = _int(data, "limit", 1000, 1000)
    offset = _int(data, "offset", 0, 10**9)
    qs = selectors.orgs_with_datasets().order_by("code")
    wanted = _list(data, "organizations")
    if wanted:
        qs = qs.filter(code__in=[w.upper() for w in wanted])
    orgs = list(qs[offset : offset + limit])
    if _bool(data, "all_fields"):
        return [org_dict(o) for o in orgs]
    return [o.code.lower() for o in orgs]


def organization_show(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    ident = _str(data, "id", required=True) or ""
    org = selectors.org_by_ckan_name(ident)
    if org is None:
        raise not_found(f"没有找到机构“{ident}”。")
    datasets = selectors.datasets_public().filter(org=org)
    result = org_dict(org, package_count=datasets.count())
    if _bool(data, "include_datasets"):
        result["packages"] = [package_dict(request, d) for d in datasets.order_by("name")[:1000]]
    return result


def group_list(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    counts = Counter(selectors.datasets_public().exclude(subject="").values_list("subject", flat=True))
    names = sorted(counts)
    if _bool(data, "all_fields"):
        return [
            {"id": n, "name": n, "title": n, "display_name": n, "package_count": counts[n], "type": "group"}
            for n in names
        ]
    return names


def tag_list(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    qs = selectors.tags_public()
    query = _str(data, "query") or _str(data, "q")
    if query:
        qs = qs.filter(name__icontains=query)
    if _bool(data, "all_fields"):
        return [{"id": t.name, "name": t.name, "display_name": t.name, "vocabulary_id": None} for t in qs]
    return [t.name for t in qs]


def _resource(user: Any, data: dict[str, Any], key: str = "id") -> Resource:
    ident = _str(data, key, required=True) or ""
    resource = selectors.resource_visible(user, ident)
    if resource is None:
        raise not_found(f"没有找到资源“{ident}”。")
    return resource


def resource_show(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    return resource_dict(request, _resource(user, data))


def _sort_spec(value: Any) -> list[tuple[str, bool]]:
    if value is None or value == "":
        return []
    parts = value if isinstance(value, list) else str(value).split(",")
    spec = []
    for part in parts:
        words = str(part).strip().rsplit(" ", 1)
        if len(words) == 2 and words[1].lower() in {"asc", "desc"}:
            spec.append((words[0].strip().strip('"'), words[1].lower() == "desc"))
        else:
            spec.append((str(part).strip().strip('"'), False))
    return spec


def datastore_search(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    resource = _resource(user, data, "resource_id")
    application = _granted(request, resource.dataset)
    if not selectors.may_access_data(user, resource.dataset, [application.pk] if application else None):
        raise forbidden(
            "该数据集为有条件开放，请在数据集页面提交申请；已获同意的，请在 Authorization 请求头中提供申请的 API 密钥。"
        )
    table = selectors.table_of(resource)
    if table is None:
        raise not_found(f"资源“{resource.pk}”没有解析为数据表（只有 CSV 和 XLSX 文件会被解析）。")
    if table.status == DatastoreTable.Status.FAILED:
        raise not_found(f"资源“{resource.pk}”的表格未能解析：{table.message}")
    if not table.is_ready:
        raise validation({"resource_id": f"资源“{resource.pk}”的表格正在排队等待后台解析，请稍后再试。"})
    limit = _int(data, "limit", 100, DATASTORE_MAX_LIMIT)
    offset = _int(data, "offset", 0, 10**9)
    filters = _json_value(data, "filters") or {}
    if not isinstance(filters, dict):
        raise validation({"filters": '应为 JSON 对象，如 {"列名": "值"}。'})
    q = _json_value(data, "q") or ""
    if isinstance(q, dict):
        q = " ".join(str(v) for v in q.values())
    if not isinstance(q, str):
        raise validation({"q": "应为字符串。"})
    try:
        page = selectors.datastore_rows(
            table,
            q=q,
            filters=filters,
            fields=_list(data, "fields") or None,
            sort=_sort_spec(_json_value(data, "sort")),
            limit=limit,
            offset=offset,
        )
    except KeyError as exc:
        raise validation({"fields": f"没有名为“{exc.args[0]}”的列。"}) from None
    if application is not None and not selectors.may_access_data(user, resource.dataset):
        services.access_api_log(application=application, resource=resource)
    base = reverse("opendata:ckan_action", kwargs={"action": "datastore_search"})
    return {
        "resource_id": str(resource.pk),
        "fields": page.fields,
        "records": page.records,
        "total": page.total,
        "total_was_estimated": False,
        "limit": limit,
        "offset": offset,
        "include_total": True,
        "records_format": "objects",
        "_links": {
            "start": f"{base}?resource_id={resource.pk}",
            "next": f"{base}?resource_id={resource.pk}&offset={offset + limit}",
        },
    }


# ---------------------------------------------------------------- writes

TEXT_FIELDS = {
    "title": "title",
    "notes": "description",
    "subject": "subject",
    "domain": "domain",
    "license_id": "license_id",
    "update_frequency": "update_frequency",
    "spatial": "spatial",
    "maintainer": "contact_name",
    "maintainer_email": "contact_email",
    "contact_phone": "contact_phone",
    "open_type": "open_type",
}
DATE_FIELDS = {"temporal_start": "temporal_start", "temporal_end": "temporal_end"}


def _flatten_extras(data: dict[str, Any]) -> dict[str, Any]:
    extras = _json_value(data, "extras")
    merged = dict(data)
    if isinstance(extras, list):
        for extra in extras:
            if isinstance(extra, dict) and isinstance(extra.get("key"), str) and extra["key"] not in data:
                merged[extra["key"]] = extra.get("value")
    if "groups" in data and "subject" not in data:
        groups = _json_value(data, "groups")
        if isinstance(groups, list) and groups and isinstance(groups[0], dict):
            merged["subject"] = groups[0].get("name") or ""
    return merged


def _tags(data: dict[str, Any]) -> list[str] | None:
    if "tags" not in data and "tag_string" not in data:
        return None
    if "tag_string" in data and "tags" not in data:
        return [t.strip() for t in (_str(data, "tag_string") or "").split(",") if t.strip()]
    raw = _json_value(data, "tags")
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [t.strip() for t in raw.split(",") if t.strip()]
    if not isinstance(raw, list):
        raise validation({"tags": "应为标签列表。"})
    names = []
    for tag in raw:
        name = tag.get("name") if isinstance(tag, dict) else tag
        if not isinstance(name, str) or not name.strip():
            raise validation({"tags": "每个标签须有名称。"})
        names.append(name.strip())
    return names


def _dataset_data(data: dict[str, Any], *, replace: bool) -> services.DatasetData:
    """The CKAN package dict as DatasetData. With `replace` (package_update), absent optional fields are
    cleared, as in CKAN; otherwise (create, patch) they are left alone."""
    data = _flatten_extras(data)
    out = services.DatasetData()
    if "name" in data:
        out.name = _str(data, "name") or ""
    for key, attr in TEXT_FIELDS.items():
        if key in data:
            setattr(out, attr, _str(data, key) or "")
        elif replace and key not in {"title", "license_id", "update_frequency", "open_type"}:
            setattr(out, attr, "")
    for key, attr in DATE_FIELDS.items():
        value = _str(data, key) if key in data else None
        if value:
            try:
                setattr(out, attr, date.fromisoformat(value[:10]))
            except ValueError:
                raise validation({key: "日期应为 YYYY-MM-DD 格式。"}) from None
    out.tags = _tags(data)
    if replace and out.tags is None:
        out.tags = []
    return out


def _run(func: Any, **kwargs: Any) -> Any:
    try:
        return func(**kwargs)
    except services.DatasetInvalid as exc:
        raise validation(exc.errors) from None
    except PermissionDenied as exc:
        raise forbidden(exc.message) from None
    except ApplicationError as exc:
        raise validation({exc.field or exc.code: exc.message}) from None


def _require_user(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        raise forbidden("写操作需要在 Authorization 请求头中提供有效的 API 令牌。")
    return user


def package_create(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    _require_user(user)
    owner = _str(data, "owner_org")
    if not owner:
        raise validation({"owner_org": "请指定所属机构（owner_org，机构代码的小写形式）。"})
    org = selectors.org_by_ckan_name(owner)
    if org is None:
        raise validation({"owner_org": f"没有代码为“{owner}”的机构。"})
    if not services.roles_of(user, org):
        raise forbidden(f"您不是机构“{org.name}”的工作人员，不能为它创建数据集。")
    fields = _dataset_data(data, replace=False)
    resources = _json_value(data, "resources") or []
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise validation({"resources": "应为资源对象的列表。"})
    with transaction.atomic():
        dataset = _run(services.dataset_create, actor=user, org=org, data=fields, publish=True)
        for res in resources:
            _run(
                services.resource_create,
                actor=user,
                dataset=dataset,
                name=str(res.get("name") or ""),
                description=str(res.get("description") or ""),
                format=str(res.get("format") or ""),
                url=str(res.get("url") or ""),
            )
    return package_dict(request, dataset)


def package_update(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    return _package_write(request, user, data, replace=True)


def package_patch(request: HttpRequest, user: Any, data: dict[str, Any]) -> Any:
    return _package_write(request, user, data, replace=False)


def _package_write(request: HttpRequest, user: Any, data: dict[str, Any], *, replace: bool) -> Any:
    _require_user(user)
    if not data.get("id") and data.get("name"):
        data = {**data, "id": data["name"]}
    dataset = _dataset(user, data)
    fields = _dataset_data(data, replace=replace)
    if _proposal_needed(user, dataset):
        change = _run(services.dataset_change_propose, actor=user, dataset=dataset, data=fields)
        return _pending(request, dataset, change)
    dataset = _run(services.dataset_update, actor=user, dataset=dataset, data=fields, submit=True)
    return package_dict(request, dataset)


def _proposal_needed(user: Any, dataset: Dataset) -> bool:
    """As in /staff/: the agency's staff without the data-publisher role do not edit a published (or withdrawn)
    dataset; their API write becomes a proposal that waits for the data publisher's review (contracts: others'
    writes wait for review). Platform admins and data publishers write at once."""
    roles = services.roles_of(user, dataset.org)
    return bool(roles) and rules.PUBLISHER not in roles and dataset.status not in rules.EDITABLE


def _pending(request: HttpRequest, dataset: Dataset, change: Any) -> dict[str, Any]:
    """The unchanged published dataset, with the id of the proposal now waiting for review."""
    out = package_dict(request, Dataset.objects.get(pk=dataset.pk))
    out["gongkai_pending_change"] = change.pk
    out["gongkai_note"] = "您不是本单位的数据发布人：修改已作为待审核的提议提交，经数据发布人同意后生效。"
    return out


def _upload(upload: Any) -> tuple[str, bytes | None]:
    if upload is None:
        return "", None
    if upload.size > conf.max_resource_bytes():
        raise validation(
            {"upload": f"文件超过大小限制（最大 {conf.max_resource_bytes() // (1024 * 1024)} MB）。"}
        )
    return upload.name, upload.read()


def resource_create(request: HttpRequest, user: Any, data: dict[str, Any], upload: Any) -> Any:
    _require_user(user)
    dataset = _dataset(user, data, "package_id")
    upload_name, content = _upload(upload)
    given: dict[str, Any] = {
        "actor": user,
        "dataset": dataset,
        "name": _str(data, "name") or "",
        "format": _str(data, "format") or "",
        "upload_name": upload_name,
        "data": content,
        "url": "" if content is not None else (_str(data, "url") or ""),
    }
    if _proposal_needed(user, dataset):
        return _pending(request, dataset, _run(services.resource_propose, **given))
    resource = _run(services.resource_create, description=_str(data, "description") or "", **given)
    return resource_dict(request, Resource.objects.select_related("dataset").get(pk=resource.pk))


def resource_update(request: HttpRequest, user: Any, data: dict[str, Any], upload: Any) -> Any:
    _require_user(user)
    resource = _resource(user, data)
    upload_name, content = _upload(upload)
    url = _str(data, "url") if content is None else None
    if url and resource.file and url == resource_dict(request, resource)["url"]:
        url = None  # the client sent back the download URL it was given: no change
    resource = _run(
        services.resource_update,
        actor=user,
        resource=resource,
        name=_str(data, "name"),
        description=_str(data, "description"),
        format=_str(data, "format"),
        upload_name=upload_name,
        data=content,
        url=url,
    )
    return resource_dict(request, Resource.objects.select_related("dataset").get(pk=resource.pk))


READS = {
    "status_show": status_show,
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "tag_list": tag_list,
    "resource_show": resource_show,
    "datastore_search": datastore_search,
}
WRITES = {
    "package_create": package_create,
    "package_update": package_update,
    "package_patch": package_patch,
}
UPLOAD_WRITES = {"resource_create": resource_create, "resource_update": resource_update}


def _token(request: HttpRequest) -> str | None:
    return request.META.get("HTTP_AUTHORIZATION") or request.META.get("HTTP_X_CKAN_API_KEY")


GRANT_KEY = "gongkai.opendata.application"


def _granted(request: HttpRequest, dataset: Dataset) -> AccessApplication | None:
    """The approved application whose API key this call carries, if it is for `dataset` (有条件开放)."""
    application = request.META.get(GRANT_KEY)
    return application if application is not None and application.dataset_id == dataset.pk else None


def _authenticate(request: HttpRequest) -> Any:
    """The user of a staff API token, or None for anonymous calls and for an applicant's API key (`gka_…`), which
    is remembered on the request for `_granted`. A key or token that does not (or no longer) work is refused."""
    raw = (_token(request) or "").strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw:
        return None
    if services.is_access_key(raw):
        application = selectors.application_for_api_key(raw)
        if application is None:
            raise forbidden("API 密钥无效，或数据使用申请已被撤销、已过有效期。")
        request.META[GRANT_KEY] = application
        return None
    user = services.token_authenticate(raw=raw)
    if user is None:
        raise forbidden("API 令牌无效或已吊销。")
    return user


def client_key(request: HttpRequest) -> str:
    return client_address(request.META)


@csrf_exempt
def action(request: HttpRequest, action: str) -> JsonResponse:
    """One CKAN action. Never answers 500 for bad input: every refusal is an envelope with a 4xx status."""
    try:
        if request.method not in {"GET", "POST"}:
            raise CkanError(405, "Bad Request", "只支持 GET 和 POST。")
        if over_limit(f"ckan:{client_key(request)}", limit=conf.api_rate_per_minute(), window_seconds=60):
            raise CkanError(429, "Rate Limit", "请求过于频繁，请稍后再试。")
        user = _authenticate(request)
        if action not in READS and action not in WRITES and action not in UPLOAD_WRITES:
            raise CkanError(400, "Bad Request", f"Bad request - Action name not known: {action}")
        if action not in READS and request.method != "POST":
            raise CkanError(400, "Bad Request", f"Bad request - {action} 只能用 POST 调用。")
        data, upload = _params(request)
        if action in UPLOAD_WRITES:
            result = UPLOAD_WRITES[action](request, user, data, upload)
        elif action in WRITES:
            result = WRITES[action](request, user, data)
        else:
            result = READS[action](request, user, data)
    except CkanError as exc:
        error = {"__type": exc.type, "message": exc.message, **exc.extra}
        return _envelope(request, action, {"success": False, "error": error}, exc.status)
    _count_call(action, result)
    return _envelope(request, action, {"success": True, "result": result}, 200)


DATASET_ACTIONS = frozenset({"package_show", "package_create", "package_update", "package_patch"})
RESOURCE_ACTIONS = frozenset({"resource_show", "resource_create", "resource_update"})


def _count_call(action: str, result: Any) -> None:
    """Count a successful call: for its dataset (package_*), its resource (resource_*, datastore_search), or —
    searches, lists, status — for the platform."""
    dataset_id = resource_id = None
    if isinstance(result, dict):
        if action in DATASET_ACTIONS:
            dataset_id = _int_or_none(result.get("id"))
        elif action in RESOURCE_ACTIONS:
            resource_id, dataset_id = _int_or_none(result.get("id")), _int_or_none(result.get("package_id"))
        elif action == "datastore_search":
            resource_id = _int_or_none(result.get("resource_id"))
    services.usage_count(usage.API, dataset_id=dataset_id, resource_id=resource_id)


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, str | int) and str(value).isdigit() else None
