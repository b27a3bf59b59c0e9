"""The 通报 as a Word document (python-docx), drawn from `Bulletin.data` exactly as the page is."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.core.textsafety import safe_cell

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_FONT = "仿宋"


def score_text(value: Any) -> str:
    if value is None:
        return "未检查"
    return f"{float(value):g}"


def bulletin_docx(bulletin: Any) -> bytes:
    """Title, the introduction, the ranking table (名次, 单位, indicators…, 总分, 结论), then each agency's problems
    with the deadline to fix."""
    data = bulletin.data
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)  # type: ignore[attr-defined]
    style.font.name = _FONT  # type: ignore[attr-defined]
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    heading = document.add_heading(bulletin.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(data.get("intro", ""))

    document.add_heading("一、排名情况", level=2)
    columns = ["名次", "单位", *data.get("columns", []), "总分" if data.get("columns") else "得分", "结论"]
    rows = data.get("rows", [])
    table = document.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    cells = [list(r.cells) for r in table.rows]  # fetched once: table.cell() re-reads the table every call
    for c, text in enumerate(columns):
        cells[0][c].text = text
        for run in cells[0][c].paragraphs[0].runs:
            run.bold = True
    for r, row in enumerate(rows, start=1):
        values = [
            str(row["rank"]) if row.get("rank") else "—",
            row["name"],
            *[score_text(v) for v in row.get("scores", [])],
            score_text(row.get("total")),
            row.get("conclusion", ""),
        ]
        for c, text in enumerate(values):
            cells[r][c].text = text

    # Setting a style by name looks up the default style among all styles every time (seconds for 60 agencies):
    # resolve the bullet style once and write its id into each paragraph.
    bullet_id = document.styles["List Bullet"].style_id

    def bullet(text: str) -> None:
        document.add_paragraph(text)._p.get_or_add_pPr().style = bullet_id

    document.add_heading("二、存在问题及整改要求", level=2)
    document.add_paragraph(f"请各单位于{data.get('fix_by_text', '')}前完成整改，并将整改情况报送政务公开办。")
    for row in rows:
        problems = row.get("problems", [])
        if not problems and not row.get("vetoes"):
            continue
        document.add_heading(row["name"], level=3)
        for veto in row.get("vetoes", []):
            bullet(f"单项否决：{veto}")
        for p in problems:
            bullet(f"{p['label']}：{p['detail']}（{p['since']} 发现）")
        if row.get("more"):
            document.add_paragraph(f"另有 {row['more']} 个问题，详见网站检查页面。")
    document.core_properties.title = bulletin.title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEDGER_HEADERS = (
    "序号",
    "类别",
    "任务",
    "责任单位",
    "牵头/配合",
    "完成时限",
    "进展状态",
    "进展情况",
    "佐证材料",
    "是否逾期",
    "回头看结论",
    "复核意见",
)


def _evidence_text(unit: Any) -> str:
    parts = []
    for e in unit.evidence.all():
        if e.item is not None:
            parts.append(f"《{e.item.title}》{e.item.index_no}")
        if e.url:
            parts.append(e.url)
        if e.note:
            parts.append(e.note)
    return "\n".join(parts)


def ledger_xlsx(plan: Any, units: list[Any]) -> bytes:
    """The task ledger (台账) as a workbook: one row per task and responsible unit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "工作要点台账"
    ws.append([safe_cell(plan.title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(LEDGER_HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for u in units:
        t = u.task
        # Every cell through safe_cell: no control character (openpyxl refuses them) and no formula (CSV/formula
        # injection — a task title or evidence note "=HYPERLINK(…)" stays text).
        ws.append(
            [
                safe_cell(value)
                for value in (
                    t.number,
                    t.category,
                    t.title,
                    u.org.name,
                    "牵头" if u.lead else "配合",
                    t.deadline if t.deadline else (t.deadline_text or "长期"),
                    u.get_status_display(),
                    u.progress,
                    _evidence_text(u),
                    "是" if getattr(u, "overdue", False) else "否",
                    u.get_review_display() if u.review else "",
                    u.review_note,
                )
            ]
        )
    for col, width in zip("ABCDEFGHIJKL", (6, 16, 50, 18, 8, 12, 8, 40, 40, 8, 10, 30), strict=True):
        ws.column_dimensions[col].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
        row[5].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
