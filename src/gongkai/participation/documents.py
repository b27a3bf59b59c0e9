"""The 采纳情况 report of a consultation (R-INT-1, 第三十二条) as a Word document (python-docx)."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.participation import consultation_rules
from gongkai.participation.models import Comment, Consultation

_FONT = "仿宋"


def adoption_report_title(consultation: Consultation) -> str:
    return f"关于《{consultation.title}》公开征求意见采纳情况的说明"


def adoption_report_docx(consultation: Consultation, comments: list[Comment]) -> bytes:
    """Title, the period, the tally sentence, then a table: 序号, 意见内容, 处理结果, 理由. Commenters are not named."""
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(14)
    style.font.name = _FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(adoption_report_title(consultation))
    run.bold = True
    run.font.size = Pt(18)
    days = consultation_rules.period_days(consultation.opens_on, consultation.closes_on)
    period = (
        f"{consultation.org.name}于{consultation.opens_on:%Y年%m月%d日}至{consultation.closes_on:%Y年%m月%d日}"
        f"（共 {days} 天）公开征求意见。"
    )
    if consultation.short_reason:
        period += f"征求意见期限少于 30 天的理由：{consultation.short_reason}"
    document.add_paragraph(period)
    tally = consultation_rules.tally(c.decision for c in comments)
    document.add_paragraph(tally.sentence())
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "意见内容", "处理结果", "理由"), strict=True):
        cell.text = text
    for i, comment in enumerate(comments, start=1):
        cells = table.add_row().cells
        cells[0].text = str(i)
        cells[1].text = comment.body
        cells[2].text = consultation_rules.DECISION_LABELS.get(comment.decision, "尚未处理")
        cells[3].text = comment.reason
    out = BytesIO()
    document.save(out)
    return out.getvalue()
