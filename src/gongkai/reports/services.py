"""Every write of the reports app. Keyword-only, one transaction, one audit entry each (DESIGN.md).

Who: the agency's org_admin, foi_head or publisher (or a platform admin) prepares and publishes its report; the
agencies a government's report aggregates are designated by its org_admin or a platform admin.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.orgs.models import Organization
from gongkai.reports import rules, selectors, workflow
from gongkai.reports.models import AnnualReport, CarryBaseline

TEXT_FIELDS = {"overview": "text_overview", "problems": "text_problems", "other": "text_other"}
MAX_TEXT = 50_000
MAX_COUNT = 10**9


def _check_year(year: int) -> str:
    try:
        return rules.format_for_year(year)
    except ValueError as exc:
        raise ApplicationError("bad_year", str(exc), field="year") from exc


def _require_staff(actor: Any, org: Organization) -> None:
    if not selectors.may_prepare(actor, org):
        raise PermissionDenied("只有本机关的单位管理员、政府信息公开工作机构负责人或发布人可以编制年度报告。")


def _lock(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update(of=("self",)).select_related("org").get(pk=report.pk)


@transaction.atomic
def report_open(*, actor: Any, org: Organization, year: int) -> AnnualReport:
    """The agency's report for `year`, created as a draft (一、总体情况 starts from a draft made from the numbers)."""
    _require_staff(actor, org)
    _check_year(year)
    report = AnnualReport.objects.filter(org=org, year=year).first()
    if report is not None:
        return report
    report = AnnualReport.objects.create(org=org, year=year)
    report.text_overview = selectors.report_data(org, year, report=report).overview
    report.save(update_fields=["text_overview"])
    audit_log(actor=actor, action="report.create", obj=report, org_code=org.code, to_state=report.status)
    return report


@transaction.atomic
def report_texts_update(*, actor: Any, report: AnnualReport, texts: Mapping[str, str]) -> AnnualReport:
    """Edit sections 一、五、六 (keys `overview`, `problems`, `other`)."""
    report = _lock(report)
    _require_staff(actor, report.org)
    changed = []
    for key, value in texts.items():
        if key not in TEXT_FIELDS:
            raise ApplicationError("bad_field", f"没有“{key}”这一部分。")
        value = (value or "").replace("\r\n", "\n").strip()
        if len(value) > MAX_TEXT:
            raise ApplicationError("too_long", "正文过长。", field=key)
        if getattr(report, TEXT_FIELDS[key]) != value:
            setattr(report, TEXT_FIELDS[key], value)
            changed.append(key)
    report.save()
    audit_log(
        actor=actor, action="report.texts", obj=report, org_code=report.org.code, data={"fields": changed}
    )
    return report


@transaction.atomic
def report_table2_update(
    *, actor: Any, report: AnnualReport, values: Mapping[str, Mapping[str, Any]]
) -> AnnualReport:
    """Table 二 cells entered by staff. An empty value for a computed cell goes back to the computed figure."""
    report = _lock(report)
    _require_staff(actor, report.org)
    fmt = rules.format_for_year(report.year)
    kinds = {(r, c): k for r, c, k in rules.table2_cells(fmt)}
    manual: dict[str, dict[str, str]] = {r: dict(c) for r, c in (report.table2_manual or {}).items()}
    for row, cols in values.items():
        for col, raw in cols.items():
            if (row, col) not in kinds:
                raise ApplicationError("bad_cell", f"表二没有“{row}/{col}”这一格。")
            text = "" if raw is None else str(raw).strip()
            if text == "":
                manual.get(row, {}).pop(col, None)
                continue
            try:
                value = rules.table2_value(text, kinds[(row, col)])
            except ValueError as exc:
                raise ApplicationError(
                    "bad_value", f"表二“{_t2_label(fmt, row, col)}”：{exc}", field=f"{row}.{col}"
                ) from exc
            manual.setdefault(row, {})[col] = str(value)
    report.table2_manual = {r: c for r, c in manual.items() if c}
    report.save()
    audit_log(
        actor=actor,
        action="report.table2",
        obj=report,
        org_code=report.org.code,
        data={"cells": report.table2_manual},
    )
    return report


def _t2_label(fmt: str, row: str, col: str) -> str:
    for g in rules.table2_groups(fmt):
        rows, cols = dict(g.rows), {c: label for c, label, _ in g.columns}
        if row in rows and col in cols:
            return f"{rows[row]}·{cols[col]}"
    return f"{row}/{col}"


@transaction.atomic
def report_extra_set(
    *, actor: Any, report: AnnualReport, table: str, row: str, col: str, value: int, reason: str = ""
) -> AnnualReport:
    """A figure handled outside the platform (e.g. before it went live), added to a cell of table 三 or 四."""
    report = _lock(report)
    _require_staff(actor, report.org)
    fmt = rules.format_for_year(report.year)
    if table == "table3":
        if row not in rules.table3_rows(fmt) or row == rules.TOTAL or col not in rules.COLUMNS:
            raise ApplicationError(
                "bad_cell", "表三只能在各申请人类型列的数量行填写平台外数量（总计自动计算）。"
            )
        store = report.table3_extra or {}
    elif table == "table4":
        if row not in rules.KINDS or col not in rules.RESULTS:
            raise ApplicationError("bad_cell", "表四只能在四种结果中填写平台外数量（总计自动计算）。")
        store = report.table4_extra or {}
    else:
        raise ApplicationError("bad_cell", "表格无效。")
    if not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ApplicationError("bad_value", "数量应为不小于 0 的整数。", field="value")
    cols = dict(store.get(row, {}))
    before = int(cols.get(col, 0))
    if value:
        cols[col] = value
    else:
        cols.pop(col, None)
    store = {**store, row: cols}
    store = {r: c for r, c in store.items() if c}
    if table == "table3":
        report.table3_extra = store
    else:
        report.table4_extra = store
    report.save()
    audit_log(
        actor=actor,
        action="report.extra",
        obj=report,
        org_code=report.org.code,
        comment=reason.strip(),
        data={"table": table, "row": row, "col": col, "before": before, "after": value},
    )
    return report


@transaction.atomic
def report_designate(*, actor: Any, report: AnnualReport, orgs: Iterable[Organization]) -> AnnualReport:
    """A government's report (第五十条): the agencies whose records it aggregates with its own."""
    report = _lock(report)
    if not selectors.may_designate(actor, report.org):
        raise PermissionDenied("只有本机关的单位管理员或政务公开办管理员可以指定汇总的机关。")
    chosen = [o for o in orgs if o.pk != report.org_id]
    if chosen and report.org.kind != Organization.Kind.GOVERNMENT:
        raise ApplicationError("not_government", "只有人民政府的年度报告可以汇总其他机关的数据。")
    from gongkai.orgs.selectors import org_descendants

    below = {o.pk for o in org_descendants(report.org)}
    outside = [o.name for o in chosen if o.pk not in below]
    if outside:
        # Only the government's own departments and lower agencies: never another government's records.
        raise ApplicationError(
            "bad_org", f"只能汇总本级政府所属机关的数据：{'、'.join(outside[:5])}不属于本级政府。"
        )
    report.included_orgs.set(chosen)
    report.save(update_fields=["updated_at"])
    audit_log(
        actor=actor,
        action="report.designate",
        obj=report,
        org_code=report.org.code,
        data={"orgs": sorted(o.code for o in chosen)},
    )
    return report


@transaction.atomic
def baseline_set(
    *, actor: Any, org: Organization, year: int, counts: Mapping[str, Any], note: str = ""
) -> CarryBaseline:
    """Before the platform: the agency's 结转下年度继续办理 of `year` per applicant column (its own last report),
    used as 上年结转 of year + 1."""
    _require_staff(actor, org)
    if not 2000 <= year <= rules.LAST_YEAR:
        raise ApplicationError("bad_year", "年度无效。", field="year")
    clean: dict[str, int] = {}
    for col in rules.COLUMNS:
        raw = counts.get(col, 0)
        try:
            n = int(str(raw).strip() or 0)
        except ValueError as exc:
            raise ApplicationError("bad_value", f"“{rules.COLUMN_LABELS[col]}”应为整数。", field=col) from exc
        if not 0 <= n <= MAX_COUNT:
            raise ApplicationError("bad_value", f"“{rules.COLUMN_LABELS[col]}”不能为负数。", field=col)
        clean[col] = n
    baseline, created = CarryBaseline.objects.update_or_create(
        org=org, year=year, defaults={"counts": clean, "note": note.strip()[:500], "entered_by": actor}
    )
    audit_log(
        actor=actor,
        action="report.baseline",
        obj=baseline,
        org_code=org.code,
        data={"year": year, "counts": clean, "created": created},
    )
    return baseline


@transaction.atomic
def baseline_delete(*, actor: Any, org: Organization, year: int) -> None:
    _require_staff(actor, org)
    deleted, _ = CarryBaseline.objects.filter(org=org, year=year).delete()
    audit_log(
        actor=actor,
        action="report.baseline_delete",
        org_code=org.code,
        data={"year": year, "deleted": deleted},
    )


@transaction.atomic
def report_transition(*, actor: Any, report: AnnualReport, action: str, comment: str = "") -> AnnualReport:
    """The only way a report's status changes. Publishing (and revising) is refused while an R-RPT-4 check fails;
    it freezes the whole report (figures, texts) as the published version."""
    report = _lock(report)
    _require_staff(actor, report.org)
    transition = workflow.transition_for(action, report.status)
    if transition is None:
        raise ApplicationError(
            "bad_transition", f"当前状态为“{report.get_status_display()}”，不能执行该操作。"
        )
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise ApplicationError("missing_comment", "请填写原因。", field="comment")
    before = report.status
    data: dict[str, Any] = {}
    if transition.needs_checks:
        figures = selectors.report_data(report.org, report.year, report=report)
        failed = figures.failing_checks
        if failed:
            raise ApplicationError(
                "checks_failed",
                "年度报告未通过勾稽关系校验，不能发布：" + "；".join(c.message for c in failed),
            )
        report.revision += 1
        now = timezone.now()
        figures.revision = report.revision
        figures.published_on = timezone.localdate(now).isoformat()
        report.snapshot = figures.as_snapshot()
        report.published_at, report.published_by = now, actor if getattr(actor, "pk", None) else None
        report.withdrawn_reason = ""
        data = {"revision": report.revision, "table3_total": figures.table3[rules.TOTAL][rules.TOTAL]}
    if action == "withdraw":
        report.withdrawn_reason = comment[:500]
    report.status = transition.target
    report.save()
    audit_log(
        actor=actor,
        action=f"report.{action}",
        obj=report,
        org_code=report.org.code,
        from_state=before,
        to_state=report.status,
        comment=comment,
        data=data,
    )
    return report


@transaction.atomic
def report_import_xlsx(*, actor: Any, report: AnnualReport, data: bytes) -> int:
    """Table 二 from a workbook this platform exported (its 数据 sheet: 表格, 行, 列, 数值). Returns cells read."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any unreadable upload
        raise ApplicationError("bad_file", "无法读取该文件：请上传本平台导出的年度报告 Excel 文件。") from exc
    if "数据" not in wb.sheetnames:
        raise ApplicationError("bad_file", "该文件没有“数据”工作表：请上传本平台导出的年度报告 Excel 文件。")
    fmt = rules.format_for_year(report.year)
    # Computed cells (第（一）项) stay computed: the workbook brings what staff entered.
    cells = {(r, c) for r, c, _ in rules.table2_cells(fmt)} - rules.COMPUTED_TABLE2[fmt]
    values: dict[str, dict[str, Any]] = {}
    for row in wb["数据"].iter_rows(min_row=2, values_only=True):
        if len(row) < 4 or row[0] != "table2":
            continue
        key = (str(row[1]), str(row[2]))
        if key in cells and row[3] is not None:
            values.setdefault(key[0], {})[key[1]] = row[3]
    if not values:
        raise ApplicationError("bad_file", f"文件中没有{report.year}年格式的表二数据。")
    report_table2_update(actor=actor, report=report, values=values)
    return sum(len(c) for c in values.values())
