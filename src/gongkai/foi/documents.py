"""Word documents (python-docx) of the letters built by `letters.py`."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.foi.letters import Letter

_FONT = "仿宋"


def _east_asian(run: object, font: str) -> None:
    r_pr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def letter_docx(letter: Letter) -> bytes:
    """The letter as a .docx: a centred title, then the paragraphs; the last two (agency, date) right-aligned."""
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(16)  # 三号
    style.font.name = _FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(letter.title)
    run.bold = True
    run.font.size = Pt(22)  # 二号
    _east_asian(run, "宋体")
    number = document.add_paragraph(f"（申请编号：{letter.tracking_no}）")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    count = len(letter.paragraphs)
    for i, text in enumerate(letter.paragraphs):
        paragraph = document.add_paragraph(text)
        if i == 0:
            continue  # the salutation: flush left
        if i >= count - 2:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.paragraph_format.first_line_indent = Pt(32)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
