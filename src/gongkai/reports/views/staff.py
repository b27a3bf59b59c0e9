"""Staff pages for annual reports (/staff/reports/): thin views over services and selectors.

Only the agency's org_admin, foi_head or publisher (and platform admins) see these pages; anyone else gets a 404.
A refused change re-renders the page with the Chinese message and what the user typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import org_descendants
from gongkai.reports import exports, rules, selectors, services, workflow
from gongkai.reports.models import AnnualReport

TABLE3_EXTRA_ROWS_HELP = (
    "平台外数量：本平台上线前或未在平台登记办理的申请，按实际办理情况填入对应格，系统自动计入总计。"
)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    orgs = selectors.report_orgs_for_staff(request.user)
    if not orgs.exists():
        raise Http404
    return render(
        request,
        "reports/staff/list.html",
        {"orgs": orgs, "reports": selectors.reports_for_staff(request.user).order_by("-year", "org__code")},
    )


@login_required
@require_POST
def report_open(request: HttpRequest) -> HttpResponse:
    org = selectors.report_orgs_for_staff(request.user).filter(pk=_int(request.POST.get("org")) or 0).first()
    if org is None:
        raise Http404
    year = _int(request.POST.get("year"))
    try:
        report = services.report_open(actor=request.user, org=org, year=year or 0)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reports_staff:list")
    return redirect("reports_staff:detail", pk=report.pk)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _detail(
    request: HttpRequest,
    report: AnnualReport,
    *,
    error: str = "",
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    data = selectors.report_data(report.org, report.year, report=report)
    fmt = data.format_version
    posted = posted or {}
    manual = report.table2_manual or {}
    table2_rows = []
    for group in rules.table2_groups(fmt):
        for row, label in group.rows:
            cells = []
            for col, col_label, kind in group.columns:
                name = f"t2.{row}.{col}"
                computed = (row, col) in rules.COMPUTED_TABLE2[fmt]
                cells.append(
                    {
                        "name": name,
                        "label": f"{label}·{col_label}",
                        "value": posted.get(name, manual.get(row, {}).get(col, "")),
                        "current": data.table2[row][col],
                        "computed": computed,
                        "kind": kind,
                    }
                )
            table2_rows.append({"heading": group.heading, "label": label, "cells": cells})
    baseline = selectors.baseline_for(report.org, report.year - 1)
    context = exports.context(data)
    context.update(
        {
            "report": report,
            "error": error,
            "posted": posted,
            "actions": workflow.available_actions(report.status),
            "table2_rows": table2_rows,
            "texts": {
                "overview": posted.get("overview", report.text_overview or data.overview),
                "problems": posted.get("problems", report.text_problems),
                "other": posted.get("other", report.text_other),
            },
            "extra_rows": [(r, rules.row_short_label(r)) for r in rules.table3_rows(fmt) if r != rules.TOTAL],
            "columns": [(c, rules.COLUMN_LABELS[c]) for c in rules.COLUMNS],
            "kinds": [(k, rules.KIND_LABELS[k]) for k in rules.KINDS],
            "results": [(r, rules.RESULT_LABELS[r]) for r in rules.RESULTS],
            "extras3": _extra_list(report.table3_extra, "table3"),
            "extras4": _extra_list(report.table4_extra, "table4"),
            "extra_help": TABLE3_EXTRA_ROWS_HELP,
            "baseline": baseline,
            "baseline_counts": [
                (
                    c,
                    rules.COLUMN_LABELS[c],
                    posted.get(f"b.{c}", (baseline.counts.get(c, 0) if baseline else "")),
                )
                for c in rules.COLUMNS
            ],
            "may_designate": selectors.may_designate(request.user, report.org)
            and report.org.kind == Organization.Kind.GOVERNMENT,
            # The government's own subtree (its departments, townships …).
            "designation_candidates": org_descendants(report.org)
            if report.org.kind == Organization.Kind.GOVERNMENT
            else [],
            "designated": set(report.included_orgs.values_list("pk", flat=True)),
            "formats": ("docx", "xlsx", "json", "html"),
        }
    )
    return render(request, "reports/staff/detail.html", context, status=status)


def _extra_list(store: Any, table: str) -> list[tuple[str, str, int]]:
    out = []
    for row, cols in (store or {}).items():
        for col, n in cols.items():
            if table == "table3":
                out.append((rules.row_short_label(row), rules.COLUMN_LABELS.get(col, col), int(n)))
            else:
                out.append((rules.KIND_LABELS.get(row, row), rules.RESULT_LABELS.get(col, col), int(n)))
    return out


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_report_for_staff(request.user, pk))


def _done(request: HttpRequest, report: AnnualReport, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("reports_staff:detail", pk=report.pk)


@login_required
@require_POST
def report_texts(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, pk)
    texts = {k: request.POST.get(k, "") for k in services.TEXT_FIELDS if k in request.POST}
    try:
        services.report_texts_update(actor=request.user, report=report, texts=texts)
    except ApplicationError as exc:
        return _detail(request, report, error=exc.message, posted=texts, status=400)
    return _done(request, report, "已保存报告正文。")


@login_required
@require_POST
def report_table2(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, pk)
    values: dict[str, dict[str, str]] = {}
    posted: dict[str, str] = {}
    for key in request.POST:
        if key.startswith("t2."):
            _, row, col = [*key.split(".", 2), "", ""][:3]
            value = request.POST.get(key, "")
            values.setdefault(row, {})[col] = value
            posted[key] = value
    try:
        services.report_table2_update(actor=request.user, report=report, values=values)
    except ApplicationError as exc:
        return _detail(request, report, error=exc.message, posted=posted, status=400)
    return _done(request, report, "已保存表二数据。")


@login_required
@require_POST
def report_extra(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, pk)
    value = _int(request.POST.get("value"))
    try:
        if value is None:
            raise ApplicationError("bad_value", "数量应为不小于 0 的整数。", field="value")
        services.report_extra_set(
            actor=request.user,
            report=report,
            table=request.POST.get("table", ""),
            row=request.POST.get("row", ""),
            col=request.POST.get("col", ""),
            value=value,
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as exc:
        return _detail(request, report, error=exc.message, status=400)
    return _done(request, report, "已保存平台外数量。")


@login_required
@require_POST
def report_baseline(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, pk)
    counts = {c: request.POST.get(f"b.{c}", "") for c in rules.COLUMNS}
    try:
        services.baseline_set(
            actor=request.user,
            org=report.org,
            year=report.year - 1,
            counts=counts,
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        return _detail(
            request, report, error=exc.message, posted={f"b.{c}": v for c, v in counts.items()}, status=400
        )
    return _done(request, report, f"已保存{report.year - 1}年结转下年度数量。")


@login_required
@require_POST
def report_designate(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, pk)
    ids = [i for i in (_int(v) for v in request.POST.getlist("orgs")) if i is not None]
    try:
        services.report_designate(
            actor=request.user, report=report, orgs=list(Organization.objects.filter(pk__in=ids))
        )
    except ApplicationError as exc:
        return _detail(request, report, error=exc.message, status=400)
    return _done(request, report, "已更新汇总的机关。")


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, pk)
    action = request.POST.get("action", "")
    try:
        services.report_transition(
            actor=request.user, report=report, action=action, comment=request.POST.get("comment", "")
        )
    except ApplicationError as exc:
        return _detail(request, report, error=exc.message, status=400)
    transition = workflow.TRANSITIONS.get(action)
    return _done(request, report, f"已{transition.label if transition else '完成'}。")


@login_required
@require_POST
def report_import(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ApplicationError("missing_file", "请选择要导入的 Excel 文件。", field="file")
        if upload.size is not None and upload.size > 10 * 1024 * 1024:
            raise ApplicationError("too_large", "文件过大（上限 10 MB）。", field="file")
        n = services.report_import_xlsx(actor=request.user, report=report, data=upload.read())
    except ApplicationError as exc:
        return _detail(request, report, error=exc.message, status=400)
    return _done(request, report, f"已从 Excel 文件导入表二数据 {n} 项。")


@login_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = selectors.get_report_for_staff(request.user, pk)
    if fmt not in exports.FORMATS:
        raise Http404
    data = selectors.report_data(report.org, report.year, report=report)
    response = HttpResponse(exports.export(data, fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(data, fmt)}"'
    return response
