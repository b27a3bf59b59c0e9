"""Staff pages under /staff/opendata/: datasets (review queue, transitions, resources) and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.opendata import conf, exports, rules, selectors, services
from gongkai.opendata.forms import DatasetForm, usage_period
from gongkai.opendata.models import Dataset
from gongkai.orgs.models import User
from gongkai.orgs.selectors import is_platform_admin, orgs_for_staff


@login_required
def index(request: HttpRequest) -> HttpResponse:
    datasets = selectors.datasets_for_staff(request.user).order_by("status", "-modified_at")
    return render(
        request,
        "opendata/staff/index.html",
        {
            "datasets": datasets[:200],
            "stale": [s for s in selectors.stale_datasets() if s.dataset in datasets],
            "labels": rules.STATUS_LABELS,
        },
    )


def _form_error(form: DatasetForm, exc: ApplicationError) -> int:
    errors = getattr(exc, "errors", None) or {exc.field or "": exc.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)
    return 403 if isinstance(exc, PermissionDenied) else 400


@login_required
def dataset_new(request: HttpRequest) -> HttpResponse:
    orgs = [(o.code, o.name) for o in orgs_for_staff(request.user)]
    form = DatasetForm(request.POST or None, orgs=orgs, initial={"license_id": conf.default_license()})
    status = 200
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs_for_staff(request.user) if o.code == form.cleaned_data["org"])
        try:
            dataset = services.dataset_create(actor=request.user, org=org, data=form.to_data())
        except ApplicationError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, "数据集草稿已保存，可添加资源后提交审核或发布。")
            return redirect("opendata_staff:dataset", pk=dataset.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "opendata/staff/dataset_form.html", {"form": form, "dataset": None}, status=status)


@login_required
def dataset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = selectors.get_dataset_for_staff(request.user, pk)
    initial = {f: getattr(dataset, f) for f in DatasetForm.base_fields if hasattr(Dataset, f) and f != "org"}
    initial["tags"] = ", ".join(dataset.tags.values_list("name", flat=True))
    form = DatasetForm(request.POST or None, orgs=[], editing=True, initial=initial)
    status = 200
    propose = dataset.status not in rules.EDITABLE and rules.PUBLISHER not in services.roles_of(
        request.user, dataset.org
    )
    if request.method == "POST" and form.is_valid():
        try:
            if propose:  # a published dataset: the change waits for the agency's data publisher
                services.dataset_change_propose(actor=request.user, dataset=dataset, data=form.to_data())
            else:
                services.dataset_update(actor=request.user, dataset=dataset, data=form.to_data())
        except ApplicationError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, "修改已提交，待本单位数据发布人审核后生效。" if propose else "已保存。")
            return redirect("opendata_staff:dataset", pk=dataset.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request, "opendata/staff/dataset_form.html", {"form": form, "dataset": dataset}, status=status
    )


@login_required
@require_POST
def field_type(request: HttpRequest, pk: int, resource_pk: int) -> HttpResponse:
    dataset = selectors.get_dataset_for_staff(request.user, pk)
    resource = selectors.resources_of(dataset).filter(pk=resource_pk).first()
    table = selectors.table_of(resource) if resource else None
    if table is None:
        raise Http404("没有找到该表格。")
    try:
        services.datastore_field_type_set(
            actor=request.user,
            table=table,
            column=request.POST.get("column", ""),
            column_type=request.POST.get("type", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "列类型已修改。")
    return redirect("opendata_staff:dataset", pk=dataset.pk)


@login_required
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = selectors.get_dataset_for_staff(request.user, pk)
    roles = services.roles_of(request.user, dataset.org)
    # A published dataset: a resource from staff who are not its data publisher waits for review.
    propose = rules.PUBLISHER not in roles and dataset.status not in rules.EDITABLE
    status = 200
    if request.method == "POST":
        try:
            upload = request.FILES.get("upload")
            if upload is not None and (upload.size or 0) > conf.max_resource_bytes():
                raise ApplicationError("file_too_large", "文件超过大小限制。")
            (services.resource_propose if propose else services.resource_create)(
                actor=request.user,
                dataset=dataset,
                name=request.POST.get("name", ""),
                format=request.POST.get("format", ""),
                upload_name=(upload.name or "") if upload else "",
                data=upload.read() if upload else None,
                url=request.POST.get("url", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = 403 if isinstance(exc, PermissionDenied) else 400
        else:
            messages.success(
                request, "资源已提交，待本单位数据发布人审核后发布。" if propose else "资源已添加。"
            )
            return redirect("opendata_staff:dataset", pk=dataset.pk)
    return render(
        request,
        "opendata/staff/dataset.html",
        {
            "dataset": dataset,
            "resources": selectors.resources_of(dataset),
            "actions": rules.available_actions(dataset.status, roles),
            "status_label": rules.STATUS_LABELS[dataset.status],
            "column_types": rules.COLUMN_TYPES,
            "changes": selectors.dataset_changes(dataset),
            "may_publish": rules.PUBLISHER in roles,
            "resource_needs_review": propose,
        },
        status=status,
    )


@login_required
@require_POST
def dataset_change_decide(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    dataset = selectors.get_dataset_for_staff(request.user, pk)
    change = dataset.changes.filter(pk=change_pk).first()
    if change is None:
        raise Http404("没有找到该修改。")
    return _post_action(
        request,
        lambda: services.dataset_change_decide(
            actor=request.user,
            change=change,
            approve=request.POST.get("decision") == "apply",
            comment=request.POST.get("comment", ""),
        ),
        "已处理。",
        redirect("opendata_staff:dataset", pk=dataset.pk),
    )


def _post_action(
    request: HttpRequest, call: Callable[[], Any], done: str, then: HttpResponse
) -> HttpResponse:
    """Run a service for a POST form: its refusal or `done` as the page message, then the redirect `then`."""
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return then


@login_required
@require_POST
def dataset_transition(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = selectors.get_dataset_for_staff(request.user, pk)
    return _post_action(
        request,
        lambda: services.dataset_transition(
            actor=request.user,
            dataset=dataset,
            action=request.POST.get("action", ""),
            comment=request.POST.get("comment", ""),
        ),
        "操作成功。",
        redirect("opendata_staff:dataset", pk=dataset.pk),
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    new_token = ""
    if request.method == "POST":
        user = request.user
        assert isinstance(user, User)
        _, new_token = services.token_create(actor=user, user=user, name=request.POST.get("name", ""))
    return render(
        request,
        "opendata/staff/tokens.html",
        {"tokens": selectors.tokens_for_user(request.user), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_for_user(request.user, pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"令牌 {token.prefix}… 已吊销。")
    return redirect("opendata_staff:tokens")


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/staff/applications.html",
        {
            "applications": selectors.applications_for_staff(request.user).order_by("status", "-created_at")[
                :200
            ]
        },
    )


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for_staff(request.user, pk)
    return _post_action(
        request,
        lambda: services.access_decide(
            actor=request.user,
            application=application,
            approve=request.POST.get("decision") == "approve",
            reply=request.POST.get("reply", ""),
        ),
        "已处理。",
        redirect("opendata_staff:applications"),
    )


@login_required
@require_POST
def application_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for_staff(request.user, pk)
    return _post_action(
        request,
        lambda: services.access_revoke(
            actor=request.user, application=application, reason=request.POST.get("reply", "")
        ),
        "已撤销，该申请人的下载链接随即失效。",
        redirect("opendata_staff:applications"),
    )


@login_required
def data_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/staff/requests.html",
        {"requests": selectors.data_requests_for_staff(request.user).order_by("status", "-created_at")[:200]},
    )


@login_required
@require_POST
def data_request_reply(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = selectors.get_data_request_for_staff(request.user, pk)
    dataset = None
    name = request.POST.get("dataset", "").strip()
    if name:
        dataset = selectors.datasets_public().filter(name=name).first()
        if dataset is None:
            messages.error(request, f"没有已发布的数据集“{name}”。")
            return redirect("opendata_staff:requests")
    try:
        services.data_request_reply(
            actor=request.user, request=data_request, reply=request.POST.get("reply", ""), dataset=dataset
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已答复。")
    return redirect("opendata_staff:requests")


@login_required
def usage(request: HttpRequest) -> HttpResponse:
    period, problem = usage_period(request.GET, timezone.localdate())
    data = selectors.usage_report(
        selectors.datasets_for_staff(request.user), period, with_platform=is_platform_admin(request.user)
    )
    return render(
        request,
        "opendata/staff/usage.html",
        {
            **data,
            "by_dataset": data["by_dataset"][:100],
            "by_resource": data["by_resource"][:100],
            "period": period,
            "problem": problem,
            "query": request.GET.urlencode(),
        },
        status=400 if problem else 200,
    )


@login_required
def usage_export(request: HttpRequest) -> HttpResponse:
    """The same statistics as an Excel workbook (every dataset and resource, not only the first 100)."""
    period, _ = usage_period(request.GET, timezone.localdate())
    data = selectors.usage_report(
        selectors.datasets_for_staff(request.user), period, with_platform=is_platform_admin(request.user)
    )
    body = exports.usage_workbook(period_label=period.label, **data)
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="opendata-usage.xlsx"'
    return response
