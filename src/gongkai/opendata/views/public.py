"""Public open-data pages: the portal, dataset pages, downloads, the table preview, DCAT."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.ratelimit import over_limit
from gongkai.core.throttle import client_address
from gongkai.opendata import charts, ckan, conf, dcat, exports, rules, selectors, services, usage
from gongkai.opendata.forms import usage_period
from gongkai.opendata.models import Dataset, DatastoreTable, Resource

PAGE_SIZE = 20
PREVIEW_ROWS = 50


@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """Search with facets: 机构, 主题, 领域, 标签, 格式, 开放类型."""
    qs = selectors.datasets_public()
    q = request.GET.get("q", "").strip()[:100]
    qs = ckan.apply_q(qs, " ".join(t for t in q.split() if ":" not in t))
    chosen: dict[str, str] = {}
    for key, lookup in (
        ("org", "org__code"),
        ("subject", "subject"),
        ("domain", "domain"),
        ("tag", "tags__name"),
        ("format", "resources__format"),
        ("open_type", "open_type"),
    ):
        value = request.GET.get(key, "").strip()
        if value:
            chosen[key] = value
            qs = qs.filter(pk__in=Dataset.objects.filter(**{lookup: value}).values("pk"))
    ids = qs.values("pk")

    def facet(column: str, label_column: str | None = None) -> list[dict[str, Any]]:
        values = [column] + ([label_column] if label_column else [])
        rows = (
            Dataset.objects.filter(pk__in=ids)
            .exclude(**{column: ""})
            .exclude(**{f"{column}__isnull": True})
            .values(*values)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", column)[:20]
        )
        return [
            {"value": r[column], "label": r[label_column] if label_column else r[column], "count": r["n"]}
            for r in rows
        ]

    facets = [
        ("org", "发布机构", facet("org__code", "org__name")),
        ("subject", "主题分类", facet("subject")),
        ("domain", "数据领域", facet("domain")),
        ("tag", "标签", facet("tags__name")),
        ("format", "格式", facet("resources__format")),
        (
            "open_type",
            "开放类型",
            [{**f, "label": rules.OPEN_TYPES.get(f["value"], f["value"])} for f in facet("open_type")],
        ),
    ]
    page = Paginator(qs.order_by("-modified_at", "name").prefetch_related("tags"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = {k: v for k, v in request.GET.items() if k != "page"}
    for key, _, items in facets:
        for f in items:
            f["link"] = "?" + urlencode({**params, key: f["value"]})
    return render(
        request,
        "opendata/portal.html",
        {
            "q": q,
            "page": page,
            "facets": facets,
            "chosen": chosen,
            "query_string": urlencode(params),
            "clear_links": {
                key: "?" + urlencode({k: v for k, v in params.items() if k != key}) for key in chosen
            },
        },
    )


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/api_docs.html", {"base": request.build_absolute_uri("/").rstrip("/")})


@require_GET
def dataset_page(request: HttpRequest, name: str) -> HttpResponse:
    dataset = selectors.dataset_public(name)
    resources = list(selectors.resources_of(dataset))
    services.usage_count(usage.VIEW, dataset_id=dataset.pk)
    application = selectors.approved_application(dataset, _granted(request))
    tokens = selectors.download_links(application, resources)
    for resource in resources:
        resource.signed_token = tokens.get(resource.pk, "")  # type: ignore[attr-defined]
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": dataset,
            "resources": resources,
            "application": application,
            "link_hours": max(conf.download_link_seconds() // 3600, 1),
            "frequency": rules.FREQUENCIES[dataset.update_frequency][0],
            "open_type": rules.OPEN_TYPES[dataset.open_type],
            "may_access": _may_access(request, dataset),
        },
    )


def access_apply(request: HttpRequest, name: str) -> HttpResponse:
    """有条件开放: the application form; on success the applicant's code is shown once."""
    dataset = selectors.dataset_public(name)
    if dataset.open_type != "conditional":
        return redirect("opendata:dataset", name=dataset.name)
    values = {
        k: request.POST.get(k, "") for k in ("applicant_name", "applicant_org", "phone", "email", "purpose")
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if over_limit(f"od-apply:{request.META.get('REMOTE_ADDR', '')}", limit=10, window_seconds=3600):
            errors = {"": "提交过于频繁，请稍后再试。"}
            status = 429
        else:
            try:
                application, code = services.access_apply(dataset=dataset, **values)
            except services.DatasetInvalid as exc:
                errors, status = exc.errors, 400
            except ApplicationError as exc:
                errors, status = {"": exc.message}, 400
            else:
                return render(
                    request,
                    "opendata/apply_done.html",
                    {"dataset": dataset, "application": application, "code": code},
                )
    return render(
        request,
        "opendata/apply.html",
        {"dataset": dataset, "values": values, "errors": errors},
        status=status,
    )


@require_POST
def access_enter(request: HttpRequest, name: str) -> HttpResponse:
    """An applicant enters the code: an approved application opens the files for this browser session."""
    dataset = selectors.dataset_public(name)
    if over_limit(f"od-code:{request.META.get('REMOTE_ADDR', '')}", limit=20, window_seconds=900):
        messages.error(request, "尝试次数过多，请稍后再试。")
        return redirect("opendata:dataset", name=dataset.name)
    application = selectors.application_by_code(dataset, request.POST.get("code", ""))
    if application is None:
        messages.error(request, "申请码不正确。")
    elif application.status == "pending":
        messages.info(request, "您的申请正在审核中。")
    elif application.status == "rejected":
        messages.error(request, f"您的申请未获同意：{application.reply}")
    elif not selectors.may_access_data(None, dataset, [application.pk]):
        messages.error(request, "您的申请已过有效期，请重新申请。")
    else:
        request.session[ACCESS_SESSION_KEY] = sorted({*_granted(request), application.pk})
        services.access_open_log(application=application, address=client_address(request.META))  # type: ignore[arg-type]
        messages.success(request, "申请已获同意，现在可以下载本数据集的资源。")
    return redirect("opendata:dataset", name=dataset.name)


@require_POST
def access_api_key(request: HttpRequest, name: str) -> HttpResponse:
    """An approved applicant (code proved in this browser) takes a CKAN API key for the dataset, shown once."""
    dataset = selectors.dataset_public(name)
    application = selectors.approved_application(dataset, _granted(request))
    if application is None:
        return _conditional_refusal(request, dataset)
    try:
        application, key = services.access_api_key_issue(
            application=application,
            address=client_address(request.META),  # type: ignore[arg-type]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("opendata:dataset", name=dataset.name)
    return render(
        request,
        "opendata/api_key.html",
        {
            "dataset": dataset,
            "application": application,
            "key": key,
            "base": request.build_absolute_uri("/").rstrip("/"),
            "resources": selectors.resources_of(dataset),
        },
    )


ACCESS_SESSION_KEY = "opendata_access"


def _granted(request: HttpRequest) -> list[int]:
    return [int(x) for x in request.session.get(ACCESS_SESSION_KEY, []) if str(x).isdigit()]


def _may_access(request: HttpRequest, dataset: Dataset) -> bool:
    return selectors.may_access_data(request.user, dataset, _granted(request))


def _conditional_refusal(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    return render(request, "opendata/conditional.html", {"dataset": dataset}, status=403)


@require_GET
def download(request: HttpRequest, name: str, pk: int, filename: str) -> HttpResponseBase:
    dataset = selectors.dataset_public(name)
    if not _may_access(request, dataset):
        return _conditional_refusal(request, dataset)
    resource = selectors.resource_public(dataset, pk)
    _count_download(request, resource)
    return _file_response(resource)


@require_GET
def signed_download(request: HttpRequest, name: str, pk: int) -> HttpResponseBase:
    """有条件开放: a file through the signed, expiring link issued to an approved applicant (no session needed,
    so it works from a download manager or a script). A bad, expired or revoked link gets a Chinese page."""
    dataset = selectors.dataset_public(name)
    resource = selectors.resource_public(dataset, pk)
    try:
        application = selectors.application_for_link(dataset, resource, request.GET.get("token", ""))
    except ApplicationError as exc:
        return render(
            request,
            "opendata/link_refused.html",
            {"dataset": dataset, "message": exc.message, "code": exc.code},
            status=410 if exc.code == "link_expired" else 403,
        )
    address = client_address(request.META)  # type: ignore[arg-type]
    services.access_download_log(application=application, resource=resource, address=address)
    return _file_response(resource)


def _count_download(request: HttpRequest, resource: Resource) -> None:
    """Count a download; an applicant's download of a 有条件开放 file (through the session) is also logged."""
    dataset = resource.dataset
    if dataset.open_type == "conditional" and not selectors.may_access_data(request.user, dataset):
        application = selectors.approved_application(dataset, _granted(request))
        if application is not None:
            address = client_address(request.META)  # type: ignore[arg-type]
            services.access_download_log(application=application, resource=resource, address=address)
            return
    services.resource_download_count(resource=resource)


def _file_response(resource: Resource) -> HttpResponseBase:
    if not resource.file:
        return HttpResponseRedirect(resource.url)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=resource.file.name.rsplit("/", 1)[-1])


def _table(name: str, pk: int) -> tuple[Any, DatastoreTable]:
    resource = selectors.resource_public(selectors.dataset_public(name), pk)
    table = selectors.table_of(resource)
    if table is None:
        raise Http404("该资源没有可预览的表格。")
    return resource, table


@require_GET
def preview(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    resource, table = _table(name, pk)
    if not _may_access(request, resource.dataset):
        return _conditional_refusal(request, resource.dataset)
    columns = [f["id"] for f in table.fields]
    q = request.GET.get("q", "").strip()[:100]
    column = request.GET.get("column", "")
    value = request.GET.get("value", "").strip()[:200]
    filters = {column: value} if column in columns and value else {}
    try:
        page_no = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_no = 1
    services.usage_count(usage.VIEW, dataset_id=resource.dataset_id, resource_id=resource.pk)
    rows = None
    if table.is_ready:
        rows = selectors.datastore_rows(
            table, q=q, filters=filters, limit=PREVIEW_ROWS, offset=(page_no - 1) * PREVIEW_ROWS
        )
    pages = (rows.total + PREVIEW_ROWS - 1) // PREVIEW_ROWS if rows else 0
    params = {k: v for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        "opendata/preview.html",
        {
            "resource": resource,
            "dataset": resource.dataset,
            "table": table,
            "columns": columns,
            "rows": [[r.get(c) for c in ["_id", *columns]] for r in rows.records] if rows else [],
            "total": rows.total if rows else 0,
            "page_no": page_no,
            "pages": pages,
            "q": q,
            "column": column,
            "value": value,
            "prev_link": "?" + urlencode({**params, "page": page_no - 1}) if page_no > 1 else "",
            "next_link": "?" + urlencode({**params, "page": page_no + 1}) if page_no < pages else "",
            "type_labels": rules.COLUMN_TYPES,
            "numeric_columns": charts.numeric_columns(table.fields),
            "chart_column": request.GET.get("chart", ""),
            "chart": charts.chart_option(table.fields, rows.records, request.GET.get("chart", ""))
            if rows
            else None,
        },
    )


def _csv_lines(table: DatastoreTable) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = [f["id"] for f in table.fields]
    yield "\ufeff"
    writer.writerow([rules.neutralize(c) for c in columns])
    for data in selectors.datastore_all_rows(table):
        writer.writerow([rules.neutralize("" if data.get(c) is None else str(data.get(c))) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _json_chunks(table: DatastoreTable) -> Iterator[str]:
    yield '{"fields": ' + json.dumps(table.fields, ensure_ascii=False) + ', "records": ['
    first = True
    for data in selectors.datastore_all_rows(table):
        yield ("" if first else ",\n") + json.dumps(data, ensure_ascii=False)
        first = False
    yield "]}"


@require_GET
def table_download(request: HttpRequest, name: str, pk: int, fmt: str) -> HttpResponseBase:
    resource, table = _table(name, pk)
    if not _may_access(request, resource.dataset):
        return _conditional_refusal(request, resource.dataset)
    if not table.is_ready:
        raise Http404("该表格尚未解析完成或未能解析。")
    _count_download(request, resource)
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            _csv_lines(table), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(_json_chunks(table), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resource-{resource.pk}.{fmt}"'
    return response


@require_GET
def catalog(request: HttpRequest, fmt: str) -> HttpResponse:
    datasets = selectors.datasets_public().prefetch_related("tags", "resources").order_by("name")
    data, content_type = dcat.serialize(dcat.catalog_graph(datasets), fmt)
    return HttpResponse(data, content_type=f"{content_type}; charset=utf-8")


@require_GET
def dataset_rdf(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    dataset = selectors.dataset_public(name)
    data, content_type = dcat.serialize(dcat.dataset_graph(dataset), fmt)
    return HttpResponse(data, content_type=f"{content_type}; charset=utf-8")


@require_GET
def usage_page(request: HttpRequest) -> HttpResponse:
    """使用统计 of the published datasets: per agency, per dataset and per day (views, downloads, API calls)."""
    period, problem = usage_period(request.GET, timezone.localdate())
    data = selectors.usage_report(selectors.datasets_public(), period, with_platform=True)
    return render(
        request,
        "opendata/usage.html",
        {
            **data,
            "by_dataset": data["by_dataset"][:100],
            "period": period,
            "problem": problem,
            "query": request.GET.urlencode(),
        },
        status=400 if problem else 200,
    )


@require_GET
def usage_export(request: HttpRequest) -> HttpResponse:
    period, _ = usage_period(request.GET, timezone.localdate())
    data = selectors.usage_report(selectors.datasets_public(), period, with_platform=True)
    response = HttpResponse(
        exports.usage_workbook(period_label=period.label, **data), content_type=exports.XLSX
    )
    response["Content-Disposition"] = 'attachment; filename="opendata-usage.xlsx"'
    return response


def data_requests(request: HttpRequest) -> HttpResponse:
    """数据需求: the list of requests with their replies, and the form to make one."""
    fields = ("org", "title", "description", "requester_name", "contact")
    values = {k: request.POST.get(k, "").strip() for k in fields}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        org = selectors.org_by_ckan_name(values["org"]) if values["org"] else None
        if over_limit(f"od-request:{request.META.get('REMOTE_ADDR', '')}", limit=10, window_seconds=3600):
            errors, status = {"": "提交过于频繁，请稍后再试。"}, 429
        elif values["org"] and org is None:
            errors, status = {"org": "请选择有效的单位。"}, 400
        else:
            try:
                services.data_request_create(
                    org=org,
                    title=values["title"],
                    description=values["description"],
                    requester_name=values["requester_name"],
                    contact=values["contact"],
                )
            except services.DatasetInvalid as exc:
                errors, status = exc.errors, 400
            else:
                messages.success(request, "数据需求已提交，有关单位答复后将在本页公开。")
                return redirect("opendata:requests")
    page = Paginator(selectors.data_requests_public(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "opendata/requests.html",
        {
            "page": page,
            "values": values,
            "errors": errors,
            "orgs": selectors.orgs_with_datasets().order_by("code"),
        },
        status=status,
    )
