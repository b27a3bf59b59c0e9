"""Excel export of a survey's results for the agency (openpyxl): the figures per option, and the text answers.

Every text cell goes through `core.textsafety.safe_cell`: formula-like text is neutralized (shown as text, not run) and the control
characters an OOXML cell cannot hold are removed, so that a row stored before input refused them still exports."""

from __future__ import annotations

import io

from gongkai.core.textsafety import safe_cell, strip_control
from gongkai.outreach import rules
from gongkai.outreach.models import Survey
from gongkai.outreach.selectors import QuestionResult


def survey_results_xlsx(survey: Survey, total: int, results: list[QuestionResult]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "结果汇总"
    ws.append([safe_cell(survey.title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        [f"调查时间：{survey.opens_on.isoformat()} 至 {survey.closes_on.isoformat()}", f"答卷 {total} 份"]
    )
    for r in results:
        ws.append([])
        ws.append(
            [
                safe_cell(
                    f"{r.question.position}. {r.question.text}（{rules.QUESTION_KINDS[r.question.kind]}）"
                ),
                f"{r.respondents} 人作答",
            ]
        )
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        if r.question.kind == rules.TEXT:
            ws.append(["文字回答见“文字回答”工作表"])
            continue
        ws.append(["选项", "人数", "比例（%）"])
        for o in r.options:
            ws.append([safe_cell(o.label), o.count, o.percent])
    ws.column_dimensions["A"].width = 50
    texts = wb.create_sheet("文字回答")
    texts.append(["题目", "回答"])
    for r in results:
        question = safe_cell(r.question.text)
        for text in r.texts:
            texts.append([question, safe_cell(text)])
    texts.column_dimensions["A"].width = 40
    texts.column_dimensions["B"].width = 80
    wb.properties.title = strip_control(survey.title)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
