"""The 采纳情况 report of a consultation (R-INT-1, 第三十二条) as a Word document (python-docx)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.core.pii import mask_text
from gongkai.core.textsafety import safe_cell, strip_control
from gongkai.participation import consultation_rules
from gongkai.participation.models import Comment, Consultation

_FONT = "仿宋"


def adoption_report_title(consultation: Consultation) -> str:
    return f"关于《{consultation.title}》公开征求意见采纳情况的说明"


def adoption_report_docx(consultation: Consultation, comments: list[Comment]) -> bytes:
    """Title, the period, the basis of the draft, the tally sentence, then a table: 序号, 条款, 意见内容, 处理结果,
    修改情况, 理由 — one row per group of identical comments. Commenters are not named; a withheld comment's text is replaced by its reason category."""
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(14)
    style.font.name = _FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(strip_control(adoption_report_title(consultation)))
    run.bold = True
    run.font.size = Pt(18)
    days = consultation_rules.period_days(consultation.opens_on, consultation.closes_on)
    period = (
        f"{consultation.org.name}于{consultation.opens_on:%Y年%m月%d日}至{consultation.closes_on:%Y年%m月%d日}"
        f"（共 {days} 天）公开征求意见。"
    )
    if consultation.short_reason:
        period += f"征求意见期限少于 30 天的理由：{consultation.short_reason}"
    document.add_paragraph(strip_control(period))
    if consultation.basis:
        document.add_paragraph(strip_control(f"起草依据：{consultation.basis}"))
    tally = consultation_rules.tally(c.decision for c in comments)
    document.add_paragraph(tally.sentence())
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("序号", "条款", "意见内容", "处理结果", "修改情况", "理由"), strict=True
    ):
        cell.text = text
    # Identical comments are one row (one decision for the group); a withheld comment's text is not published.
    for i, members in enumerate(consultation_rules.group_identical(comments), start=1):
        lead = members[0]
        cells = table.add_row().cells
        cells[0].text = str(i)
        cells[1].text = lead.article_label
        if lead.moderation == consultation_rules.WITHHELD:
            reason = consultation_rules.WITHHELD_REASONS.get(lead.withheld_reason, "")
            body = f"（该意见未予公开：{reason}）"
        else:
            body = lead.body or "（仅回答了征集问题）"
        # A public report: personal numbers masked as on the public page; control characters (stored before the input
        # rule) dropped, as XML cannot hold them.
        cells[2].text = strip_control(mask_text(body)) + (
            f"（相同意见 {len(members)} 条）" if len(members) > 1 else ""
        )
        cells[3].text = consultation_rules.DECISION_LABELS.get(lead.decision, "尚未处理")
        cells[4].text = strip_control(lead.changes)
        cells[5].text = strip_control(lead.reason)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


FIGURE_COLUMNS = (
    ("收到", "received"),
    ("不予受理", "not_accepted"),
    ("已答复", "replied"),
    ("按期答复", "on_time"),
    ("应答复", "due"),
    ("按期答复率（%）", "on_time_rate"),
    ("已评价", "rated"),
    ("满意", "satisfied"),
    ("基本满意", "basically_satisfied"),
    ("不满意", "unsatisfied"),
    ("满意率（%）", "satisfaction_rate"),
)


def figures_xlsx(figures: Any) -> bytes:
    """The 12345 yearly work figures (selectors.YearFigures) as a workbook: one sheet per breakdown."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for title, head, rows in (
        ("按类别", "类别", [*figures.by_category, figures.total]),
        ("按渠道", "渠道", [*figures.by_channel, figures.total]),
        ("按承办机关", "承办机关", [*figures.by_agency, figures.total]),
    ):
        ws = wb.create_sheet(title)
        ws.append([f"{figures.year}年政民互动（12345）工作数据（统计至{figures.as_of.isoformat()}）"])
        ws["A1"].font = Font(bold=True)
        ws.append([head, *(label for label, _ in FIGURE_COLUMNS)])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            # A channel is free text from other systems: no formula, no control character.
            ws.append([safe_cell(row.label), *(getattr(row, attr) for _, attr in FIGURE_COLUMNS)])
        ws.column_dimensions["A"].width = 28
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
