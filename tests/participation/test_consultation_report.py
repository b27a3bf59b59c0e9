"""The 意见收集和采纳情况 published beside the consultation (R-INT-1, 第三十二条): refused until the consultation is closed
and every comment moderated and decided; then the public page shows the counts and each comment's decision and reason,
and the Word report is downloadable by anyone (read back here) without a withheld comment's text or any name."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.participation import consultation_rules as rules
from gongkai.participation import services
from gongkai.participation.models import Consultation
from gongkai.participation.services import CommentData, ConsultationData
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

ADOPTED_TEXT = "建议第二条明确公示期限为十五日。"
REJECTED_TEXT = "建议取消收费。"
WITHHELD_TEXT = "本公司代办各类手续，电话一三九。"
BASIS = "《中华人民共和国价格法》《某省定价目录》"
CHANGES = "第二条增加“公示期限不少于十五日”。"


@pytest.fixture
def setup(agency, publisher):
    today = timezone.localdate()
    c = services.consultation_open(
        actor=publisher,
        org=agency.org,
        data=ConsultationData(
            title="某市停车收费管理办法（草案）",
            draft_text="第一条 为了规范停车收费，制定本办法。\n第二条 收费标准应当公示。",
            explanation="起草说明。",
            basis=BASIS,
            opens_on=today,
            closes_on=today + timedelta(days=30),
        ),
    )
    comments = [
        services.comment_submit(
            consultation=c,
            address=f"192.0.2.{i}",
            data=CommentData(body=body, article=article, name="王意见人", phone="13912345678"),
        )
        for i, (body, article) in enumerate(
            ((ADOPTED_TEXT, 2), (REJECTED_TEXT, None), (WITHHELD_TEXT, None)), start=1
        )
    ]
    return c, comments


def _refused(publisher, c) -> str:
    with pytest.raises(ApplicationError) as exc:
        services.consultation_report_publish(actor=publisher, consultation=c)
    assert exc.value.code == "report_not_ready"
    return exc.value.message


def test_rule_order():
    assert "征集结束后" in rules.report_problem(closed=False, pending=0, undecided=0)
    assert "尚未审核" in rules.report_problem(closed=True, pending=1, undecided=3)
    assert "尚未处理" in rules.report_problem(closed=True, pending=0, undecided=1)
    assert rules.report_problem(closed=True, pending=0, undecided=0) == ""


def test_refused_until_closed_moderated_and_decided_then_published(setup, publisher, agency):
    c, (adopted, rejected, withheld) = setup
    assert "征集结束后" in _refused(publisher, c)
    services.consultation_close(actor=publisher, consultation=c)
    assert "3 条意见尚未审核" in _refused(publisher, c)
    services.comment_moderate(actor=publisher, comment=adopted, action="publish")
    services.comment_moderate(actor=publisher, comment=rejected, action="publish")
    services.comment_moderate(actor=publisher, comment=withheld, action="withhold", reason="advertising")
    services.comment_decide(actor=publisher, comment=adopted, decision=rules.ADOPTED, changes=CHANGES)
    assert "2 条意见尚未处理" in _refused(publisher, c)
    services.comment_decide(
        actor=publisher, comment=rejected, decision=rules.NOT_ADOPTED, reason="与上位法不符。"
    )
    services.comment_decide(actor=publisher, comment=withheld, decision=rules.OUT_OF_SCOPE)
    with pytest.raises(PermissionDenied):
        services.consultation_report_publish(actor=agency.handler, consultation=c)
    services.consultation_report_publish(actor=publisher, consultation=c)
    c.refresh_from_db()
    assert c.report_published_at is not None
    entry = AuditEntry.objects.get(action="consultation.report_publish")
    assert entry.data["comments"] == 3
    with pytest.raises(ApplicationError) as exc:
        services.consultation_report_publish(actor=publisher, consultation=c)
    assert exc.value.code == "bad_transition"


def test_public_page_and_word_report_once_published(setup, publisher, client):
    c, (adopted, rejected, withheld) = setup
    assert client.get(f"/consultations/{c.pk}/report.docx").status_code == 404
    services.consultation_close(actor=publisher, consultation=c)
    for comment in (adopted, rejected):
        services.comment_moderate(actor=publisher, comment=comment, action="publish")
    services.comment_moderate(actor=publisher, comment=withheld, action="withhold", reason="advertising")
    services.comment_decide(actor=publisher, comment=adopted, decision=rules.ADOPTED, changes=CHANGES)
    services.comment_decide(
        actor=publisher, comment=rejected, decision=rules.NOT_ADOPTED, reason="与上位法不符。"
    )
    services.comment_decide(actor=publisher, comment=withheld, decision=rules.OUT_OF_SCOPE)
    page = client.get(f"/consultations/{c.pk}/").content.decode()
    assert "意见收集和采纳情况" not in page and "处理结果：" not in page
    staff = Client()
    assert staff.login(username="a_pub", password=PASSWORD)
    r = staff.post(f"/staff/participation/consultations/{c.pk}/report/publish/")
    assert r.status_code == 302
    assert Consultation.objects.get(pk=c.pk).report_published_at is not None

    page = client.get(f"/consultations/{c.pk}/").content.decode()
    assert "意见收集和采纳情况" in page
    assert "共收到意见 3 条，其中采纳 1 条，部分采纳 0 条，未采纳 1 条，不属于征求范围 1 条。" in page
    assert "处理结果：未采纳。理由：与上位法不符。" in page and "处理结果：采纳" in page
    # R-INT-1: the basis of the draft and the change an adopted comment made are published with the report.
    assert "起草依据" in page and "《中华人民共和国价格法》" in page
    assert "处理结果：采纳。修改情况：第二条增加“公示期限不少于十五日”。" in page
    assert WITHHELD_TEXT not in page and "王意见人" not in page and "13912345678" not in page

    r = client.get(f"/consultations/{c.pk}/report.docx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert "采纳情况" in text and "共收到意见 3 条" in text
    assert ADOPTED_TEXT in cells and "第二条" in cells and "与上位法不符。" in cells
    assert f"起草依据：{BASIS}" in text
    header = [cell.text for cell in doc.tables[0].rows[0].cells]
    assert header == ["序号", "条款", "意见内容", "处理结果", "修改情况", "理由"]
    adopted_row = next(
        [cell.text for cell in row.cells] for row in doc.tables[0].rows if row.cells[2].text == ADOPTED_TEXT
    )
    assert adopted_row[3:] == ["采纳", CHANGES, ""]
    everything = text + "".join(cells)
    assert WITHHELD_TEXT not in everything and "王意见人" not in everything


def test_staff_page_explains_a_refusal(setup, publisher):
    c, _comments = setup
    services.consultation_close(actor=publisher, consultation=c)
    staff = Client()
    assert staff.login(username="a_pub", password=PASSWORD)
    r = staff.post(f"/staff/participation/consultations/{c.pk}/report/publish/")
    assert r.status_code == 400 and "3 条意见尚未审核" in r.content.decode()
    assert Consultation.objects.get(pk=c.pk).report_published_at is None
