"""主动公开基本目录 and 政府信息公开指南 generated from the data (R-PUB-4, R-CAT), and their exports.

Nothing here is typed by hand: the catalog is the agency's published proactive items, the guide is the agency's
contact data and its 专栏 tree, so neither can drift from what is actually published.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gongkai.core.textsafety import safe_cell
from gongkai.orgs.models import Organization
from gongkai.publishing import selectors
from gongkai.publishing.models import InfoItem

CATALOG_HEADER = [
    "索引号",
    "名称",
    "内容概述",
    "生成日期",
    "发布日期",
    "文号",
    "主题分类",
    "有效性",
    "所属栏目",
    "网址",
]
SUMMARY_CHARS = 120


@dataclass(frozen=True)
class CatalogRow:
    index_no: str
    title: str
    summary: str
    formed_on: date | None
    published_on: date | None
    doc_no: str
    subject: str
    validity: str
    columns: str
    url: str

    def values(self) -> list[Any]:
        return [
            self.index_no,
            self.title,
            self.summary,
            self.formed_on,
            self.published_on,
            self.doc_no,
            self.subject,
            self.validity,
            self.columns,
            self.url,
        ]


def catalog_items(org: Organization) -> QuerySet[InfoItem]:
    """R-PUB-4: the agency's 目录 — every published, proactively disclosed item, newest first."""
    return (
        selectors.items_public().filter(org=org).order_by("-published_at", "-id").prefetch_related("columns")
    )


def summary_of(item: InfoItem) -> str:
    text = " ".join(item.body_text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def catalog_rows(org: Organization, *, base_url: str = "", today: date | None = None) -> list[CatalogRow]:
    today = today or timezone.localdate()
    rows = []
    for item in catalog_items(org).iterator(chunk_size=500):
        rows.append(
            CatalogRow(
                index_no=item.index_no or "",
                title=item.title,
                summary=summary_of(item),
                # 生成日期: when the information was formed (成文日期 when no formation date was recorded).
                formed_on=item.formed_on or item.written_on,
                published_on=timezone.localdate(item.published_at) if item.published_at else None,
                doc_no=item.doc_no_norm or item.doc_no,
                subject=item.subject,
                validity=selectors.VALIDITY_LABELS[selectors.effective_validity(item, today)],
                columns="；".join(c.name for c in item.columns.all()),
                url=f"{base_url}/items/{item.pk}/",
            )
        )
    return rows


def export_csv(rows: list[CatalogRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CATALOG_HEADER)
    for row in rows:
        writer.writerow(
            [
                "" if v is None else (v.isoformat() if isinstance(v, date) else safe_cell(v))
                for v in row.values()
            ]
        )
    # UTF-8 with BOM so that Excel opens the Chinese text correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(org: Organization, rows: list[CatalogRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "主动公开基本目录"
    ws.append(CATALOG_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row.values()])
    for col, width in zip("ABCDEFGHIJ", (26, 48, 60, 12, 12, 22, 20, 10, 24, 40), strict=True):
        ws.column_dimensions[col].width = width
    for r in range(2, len(rows) + 2):
        for c in ("D", "E"):
            ws[f"{c}{r}"].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    wb.properties.title = f"{org.name}主动公开基本目录"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_docx(org: Organization, rows: list[CatalogRow]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(f"{org.name}主动公开基本目录", level=1)
    doc.add_paragraph(f"生成时间：{timezone.localtime():%Y年%m月%d日 %H:%M}　共 {len(rows)} 条")
    columns = ["索引号", "名称", "内容概述", "生成日期"]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        cells[0].text = row.index_no
        cells[1].text = row.title
        cells[2].text = row.summary
        cells[3].text = row.formed_on.isoformat() if row.formed_on else ""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


EXPORTERS = {"csv", "xlsx", "docx"}


def export_catalog(org: Organization, fmt: str, *, base_url: str = "") -> bytes:
    rows = catalog_rows(org, base_url=base_url)
    if fmt == "csv":
        return export_csv(rows)
    if fmt == "xlsx":
        return export_xlsx(org, rows)
    if fmt == "docx":
        return export_docx(org, rows)
    raise ValueError(fmt)


def guide_context(org: Organization) -> dict[str, Any]:
    """R-PUB-4: the 政府信息公开指南 — 分类、编排体系、获取方式、工作机构、地址、时间、电话、传真、网上联系方式."""
    return {
        "org": org,
        "tree": selectors.column_tree(org),
        "catalog_count": catalog_items(org).count(),
        "generated": timezone.localtime(),
    }
