"""The annual report as JSON, a Word document (python-docx), an Excel workbook (openpyxl) and an HTML page.

All four are made from one `ReportData` and the grids of `layout.py`, so their cells are the same numbers.
The workbook also carries a 数据 sheet (表格, 行, 列, 数值 as codes): the platform reads table 二 back from it.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from gongkai.core.textsafety import safe_cell
from gongkai.reports import layout
from gongkai.reports.selectors import ReportData

FORMATS = ("json", "docx", "xlsx", "html")
CONTENT_TYPES = {
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
SECTION_TITLES = {
    "overview": "一、总体情况",
    "table2": "二、主动公开政府信息情况",
    "table3": "三、收到和处理政府信息公开申请情况",
    "table4": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def other_section(data: ReportData) -> str:
    """六: the 信息处理费 summary from the fee records, then what staff wrote."""
    return "\n".join(p for p in (data.fee_text, data.other) if p)


def context(data: ReportData) -> dict[str, Any]:
    return {
        "data": data,
        "titles": SECTION_TITLES,
        "table3_note": TABLE3_NOTE,
        "table2_grids": layout.table2_grids(data.format_version, data.table2),
        "table3_grid": layout.table3_grid(data.format_version, data.table3),
        "table4_grid": layout.table4_grid(data.table4),
        "overview_paragraphs": _paragraphs(data.overview),
        "problems_paragraphs": _paragraphs(data.problems),
        "other_paragraphs": _paragraphs(other_section(data)),
    }


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def export_json(data: ReportData) -> bytes:
    return (json.dumps(data.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_html(data: ReportData) -> bytes:
    return render_to_string("reports/standalone.html", context(data)).encode("utf-8")


def _typed(cell: layout.Cell) -> Any:
    if not cell.key:
        return safe_cell(cell.text)
    try:
        return int(cell.text)
    except ValueError:
        return Decimal(cell.text)


def export_xlsx(data: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)

    def write_grid(ws: Any, grid: layout.Grid, top: int) -> int:
        placed, _ = layout.place(grid)
        for r, c, cell in placed:
            row, col = top + r, 1 + c
            target = ws.cell(row=row, column=col, value=_typed(cell))
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if cell.header:
                target.font = Font(bold=True)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=row,
                    start_column=col,
                    end_row=row + cell.rowspan - 1,
                    end_column=col + cell.colspan - 1,
                )
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(row=row + dr, column=col + dc).border = border
        return top + len(grid)

    ws = wb.create_sheet("表二")
    ws["A1"] = _typed(layout.Cell(f"{data.title} {SECTION_TITLES['table2']}"))
    ws["A1"].font = Font(bold=True)
    top = 3
    for grid in layout.table2_grids(data.format_version, data.table2):
        top = write_grid(ws, grid, top) + 1
    ws.column_dimensions["A"].width = 24
    for col in "BCD":
        ws.column_dimensions[col].width = 20

    ws = wb.create_sheet("表三")
    ws["A1"] = _typed(layout.Cell(f"{data.title} {SECTION_TITLES['table3']}"))
    ws["A1"].font = Font(bold=True)
    write_grid(ws, layout.table3_grid(data.format_version, data.table3), TABLE3_TOP)
    for col, width in zip("ABCDEFGHIJ", (10, 18, 40, 10, 10, 10, 12, 12, 8, 8), strict=True):
        ws.column_dimensions[col].width = width

    ws = wb.create_sheet("表四")
    ws["A1"] = _typed(layout.Cell(f"{data.title} {SECTION_TITLES['table4']}"))
    ws["A1"].font = Font(bold=True)
    write_grid(ws, layout.table4_grid(data.table4), TABLE4_TOP)

    ws = wb.create_sheet("校验")
    ws.append(["编号", "结果", "说明"])
    for check in data.checks:
        ws.append([check.id, "通过" if check.ok else "未通过", check.message])
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["C"].width = 100

    ws = wb.create_sheet("数据")
    ws.append(["表格", "行", "列", "数值"])
    ws.append(["meta", "org", data.org_code, data.year])
    ws.append(["meta", "format_version", data.format_version, int(data.format_version)])
    for row, cols in data.table2.items():
        for col, value in cols.items():
            ws.append(["table2", row, col, value])
    for row, cols3 in data.table3.items():
        for col, n in cols3.items():
            ws.append(["table3", row, col, n])
    for kind, results in data.table4.items():
        for result, n in results.items():
            ws.append(["table4", kind, result, n])

    wb.properties.title = data.title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TABLE3_TOP = 3  # the grid's first row in the 表三 and 表四 sheets (row 1: title)
TABLE4_TOP = 3


def export_docx(data: ReportData) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)  # type: ignore[attr-defined]
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), "仿宋")

    heading = doc.add_heading(data.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        f"本报告根据《中华人民共和国政府信息公开条例》编制，所列数据统计期限为{data.year}年1月1日至{data.year}年12月31日。"
    )

    def add_text(title: str, text: str) -> None:
        doc.add_heading(title, level=2)
        for paragraph in _paragraphs(text) or ["无。"]:
            doc.add_paragraph(paragraph)

    def add_grid(grid: layout.Grid) -> None:
        placed, width = layout.place(grid)
        table = doc.add_table(rows=len(grid), cols=width)
        table.style = "Table Grid"
        # Fetch the cells once (table.cell() re-reads the whole table each call), write the texts, then merge:
        # a merge keeps the anchor's text and drops the empty covered cells.
        cells = [list(row.cells) for row in table.rows]
        for r, c, cell in placed:
            target = cells[r][c]
            target.text = cell.text
            if cell.header:
                for run in target.paragraphs[0].runs:
                    run.bold = True
        for r, c, cell in placed:
            if cell.rowspan > 1 or cell.colspan > 1:
                cells[r][c].merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])

    add_text(SECTION_TITLES["overview"], data.overview)
    doc.add_heading(SECTION_TITLES["table2"], level=2)
    for grid in layout.table2_grids(data.format_version, data.table2):
        add_grid(grid)
        doc.add_paragraph()
    doc.add_heading(SECTION_TITLES["table3"], level=2)
    doc.add_paragraph(TABLE3_NOTE)
    add_grid(layout.table3_grid(data.format_version, data.table3))
    doc.add_heading(SECTION_TITLES["table4"], level=2)
    add_grid(layout.table4_grid(data.table4))
    add_text(SECTION_TITLES["problems"], data.problems)
    add_text(SECTION_TITLES["other"], other_section(data))
    doc.core_properties.title = data.title
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def export(data: ReportData, fmt: str) -> bytes:
    if fmt == "json":
        return export_json(data)
    if fmt == "docx":
        return export_docx(data)
    if fmt == "xlsx":
        return export_xlsx(data)
    if fmt == "html":
        return export_html(data)
    raise ValueError(fmt)


def filename(data: ReportData, fmt: str) -> str:
    return f"{data.org_code}-{data.year}-annual-report.{fmt}"
