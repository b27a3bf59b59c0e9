"""The usage statistics as an Excel workbook (openpyxl): one sheet per view of the same numbers."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from gongkai.core.textsafety import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNTS = ("浏览次数", "下载次数", "API 调用次数")
KEYS = ("views", "downloads", "api")


def _sheet(
    wb: Workbook, title: str, header: list[str], rows: list[list[Any]], *, first: bool = False
) -> None:
    ws = wb.active if first else wb.create_sheet()
    assert ws is not None
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Titles and file names are typed by agency staff (or come from an uploaded file's name): never formulas.
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for index in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 14 if index == 1 else 24


def usage_workbook(
    *,
    period_label: str,
    by_org: list[dict[str, Any]],
    by_dataset: list[dict[str, Any]],
    by_resource: list[dict[str, Any]],
    by_day: list[dict[str, Any]],
    platform_api: int | None,
) -> bytes:
    """按单位, 按数据集, 按资源, 按日 — the same sums as the page `/staff/opendata/usage/`."""
    wb = Workbook()
    org_rows = [
        [r["org__code"], r["org__name"], r["datasets"], r["published"], r["views"], r["downloads"], r["api"]]
        for r in by_org
    ]
    if platform_api is not None:
        org_rows.append(
            ["", "平台（检索、列表等未指向数据集的 API 调用）", None, None, None, None, platform_api]
        )
    _sheet(wb, "按单位", ["单位代码", "单位", "数据集", "已发布", *COUNTS], org_rows, first=True)
    _sheet(
        wb,
        "按数据集",
        ["标识", "数据集", "单位", "资源数", *COUNTS],
        [
            [
                r["dataset"].name,
                r["dataset"].title,
                r["dataset"].org.name,
                r["resources"],
                *(r[k] for k in KEYS),
            ]
            for r in by_dataset
        ],
    )
    _sheet(
        wb,
        "按资源",
        ["资源编号", "资源", "格式", "数据集", "单位", *COUNTS, "累计下载"],
        [
            [
                r["resource"].pk,
                r["resource"].name,
                r["resource"].format,
                r["dataset"].title,
                r["dataset"].org.name,
                *(r[k] for k in KEYS),
                r["resource"].download_count,
            ]
            for r in by_resource
        ],
    )
    _sheet(wb, "按日", ["日期", *COUNTS], [[r["day"], r["views"], r["downloads"], r["api"]] for r in by_day])
    info = wb.create_sheet("说明")
    info.append(["统计期间", period_label])
    info.append(
        ["口径", "浏览：数据集页面和表格预览的访问；下载：文件和表格下载；API 调用：成功的 CKAN API 调用。"]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
