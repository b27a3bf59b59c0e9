"""Review findings (issue 8): large article numbers, control characters, masked Open311, import safety."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from gongkai.core.errors import ApplicationError
from gongkai.participation import consultation_rules as rules
from gongkai.participation import selectors, services
from gongkai.participation.documents import figures_xlsx
from gongkai.participation.models import Comment, Consultation, Message
from gongkai.participation.services import CommentData, ConsultationData
from tests.factories import PASSWORD
from tests.participation.factories import make_message

BIG_DRAFT = "\n".join(f"第{rules.article_label(n)[1:-1]}条 内容{n}。" for n in range(1, 1003))


def _open(org, publisher, draft: str = "第一条 为了规范养犬行为，制定本规定。") -> Consultation:
    today = timezone.localdate()
    return services.consultation_open(
        actor=publisher,
        org=org,
        data=ConsultationData(
            title="某市养犬管理规定（草案）",
            draft_text=draft,
            explanation="起草说明。",
            opens_on=today,
            closes_on=today + timedelta(days=29),
            short_reason="",
        ),
    )


def _import(tmp_path: Path, rows: list) -> tuple[int, str]:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    err = io.StringIO()
    try:
        call_command("consultations", "import", str(path), stdout=io.StringIO(), stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, err.getvalue()


def _line(org, **kw) -> dict:
    base = {
        "external_id": "ZJ-2025-009",
        "org": org.code,
        "title": "某市养犬管理规定（草案）",
        "draft_text": "第一条 为了规范养犬行为，制定本规定。\n第二条 本规定自公布之日起施行。",
        "explanation": "起草说明。",
        "opens_on": "2025-03-01",
        "closes_on": "2025-03-30",
        "status": "closed",
        "questions": [{"text": "您是否养犬？", "kind": "multiple", "choices": ["是", "否"]}],
        "comments": [{"external_id": "c1", "body": "建议放宽遛狗时间。", "article": 1}],
    }
    base.update(kw)
    return base


# ---------------------------------------------------------------- P2: 第1000条 and beyond


def test_article_numerals_round_trip_past_a_thousand():
    for n in range(1, 10000):
        label = rules.article_label(n)
        assert rules.chinese_number(label[1:-1]) == n, label
    assert rules.article_label(1000) == "第一千条"
    assert rules.article_label(1010) == "第一千零一十条"
    assert rules.article_label(2305) == "第二千三百零五条"
    assert rules.article_label(12000) == "第12000条"
    assert rules.article_label(0) == "第0条"


def test_parse_articles_ignores_absurd_numbers():
    articles = rules.parse_articles(BIG_DRAFT + "\n第99999条 引用。")
    assert len(articles) == 1002
    assert articles[-1].label == "第一千零二条" and "第99999条" in articles[-1].text


@pytest.mark.django_db
def test_a_draft_past_article_1000_can_be_read_commented_and_imported(agency, publisher, client, tmp_path):
    c = _open(agency.org, publisher, BIG_DRAFT)
    page = reverse("participation:consultation", args=[c.pk])
    r = client.get(page)
    assert r.status_code == 200 and "第一千零一条" in r.content.decode()
    assert services.comment_problems(c, CommentData(body="建议修改。", article=1001)) == {}
    comment = services.comment_submit(
        consultation=c, data=CommentData(body="建议修改。", article=1001), address="x"
    )
    assert comment.article_label == "第一千零一条"
    status, err = _import(
        tmp_path, [_line(agency.org, draft_text=BIG_DRAFT, comments=[{"body": "好", "article": 1000}])]
    )
    assert status == 0, err
    assert Comment.objects.get(consultation__external_id="ZJ-2025-009").article == 1000


# ---------------------------------------------------------------- P3: control characters


def test_control_characters_are_refused_with_a_chinese_message():
    problems = services.text_problems(subject="噪音\x01", body="夜间施工\x0b很吵。")
    assert "控制字符" in problems["subject"] and "控制字符" in problems["body"]
    assert "空字符" in services.text_problems(subject="噪音", body="很吵\x00。")["body"]
    assert services.text_problems(subject="噪音", body="第一行\n第二行\t制表") == {}
    assert "控制字符" in rules.answer_problems(kind="text", choices=[], required=False, answer="是\x07")
    assert "控制字符" in rules.question_problems(text="您是否养犬？", kind="single", choices=["是\x01", "否"])


@pytest.mark.django_db
def test_a_comment_with_a_control_character_is_refused(agency, publisher, client):
    c = _open(agency.org, publisher)
    problems = services.comment_problems(c, CommentData(body="建议\x0b修改。", name="周\x01八"))
    assert "控制字符" in problems["body"] and "控制字符" in problems["name"]
    with pytest.raises(ApplicationError) as exc:
        services.comment_submit(consultation=c, data=CommentData(body="建议\x0b修改。"), address="x")
    assert exc.value.code == "bad_text"
    r = client.post(reverse("participation:consultation", args=[c.pk]), {"body": "建议\x0b修改。"})
    assert r.status_code == 400 and "控制字符" in r.content.decode()
    assert not c.comments.exists()


@pytest.mark.django_db
def test_imports_refuse_control_characters(agency, tmp_path):
    status, err = _import(tmp_path, [_line(agency.org, comments=[{"body": "建议\x0b放宽。"}])])
    assert status == 1 and "line 1: bad_text " in err and "控制字符" in err
    status, err = _import(tmp_path, [_line(agency.org, title="养犬\x01规定")])
    assert status == 1 and "line 1: bad_text " in err
    assert not Consultation.objects.exists()


@pytest.mark.django_db
def test_outputs_survive_a_control_character_stored_before_the_rule(agency, publisher, client):
    # Open311 XML: one consented message with \x01 must not make the feed ill-formed for everyone.
    m, _ = make_message(agency.org, category="咨询", received_on=date.today(), body="何时恢复？")
    Message.objects.filter(pk=m.pk).update(body="何时\x01恢复？", channel="=HYPERLINK(1)\x01")
    root = ET.fromstring(client.get("/open311/v2/requests.xml").content)
    assert [r.findtext("description") for r in root.findall("request")] == ["何时恢复？"]
    # The adoption report (DOCX) with a comment holding \x0b.
    c = _open(agency.org, publisher)
    comment = services.comment_submit(
        consultation=c, data=CommentData(body="建议放宽遛狗时间。"), address="x"
    )
    Comment.objects.filter(pk=comment.pk).update(body="建议放宽\x0b遛狗时间。")
    doc = Document(BytesIO(selectors.adoption_report(c)))
    assert doc.tables[0].rows[1].cells[2].text == "建议放宽遛狗时间。"
    # The yearly figures (XLSX) with an imported channel holding a control character and a formula.
    wb = load_workbook(BytesIO(figures_xlsx(selectors.yearly_figures(date.today().year))))
    labels = [row[0] for row in wb["按渠道"].iter_rows(min_row=3, values_only=True)]
    assert "'=HYPERLINK(1)" in labels


# ---------------------------------------------------------------- P1: the public report masks as the public page does


@pytest.mark.django_db
def test_adoption_report_masks_personal_numbers_in_comments(agency, publisher):
    c = _open(agency.org, publisher)
    services.comment_submit(
        consultation=c, data=CommentData(body="建议放宽。有事请打13511112222联系我。"), address="x"
    )
    doc = Document(BytesIO(selectors.adoption_report(c)))
    cell = doc.tables[0].rows[1].cells[2].text
    assert cell.startswith("建议放宽。有事请打135") and "13511112222" not in cell


# ---------------------------------------------------------------- P6: re-import keeps comments


@pytest.mark.django_db
def test_reimport_upserts_comments_and_keeps_those_of_the_platform(agency, tmp_path):
    assert _import(tmp_path, [_line(agency.org)])[0] == 0
    c = Consultation.objects.get()
    first = c.comments.get()
    platform = Comment.objects.create(
        consultation=c, body="平台上提交的意见。", body_hash=rules.group_key("x")
    )
    changed = _line(
        agency.org,
        comments=[
            {
                "external_id": "c1",
                "body": "建议放宽遛狗时间至晚十点。",
                "article": 1,
                "answers": {"1": ["是"]},
            },
            {"external_id": "c2", "body": "新增一条。"},
        ],
    )
    status, err = _import(tmp_path, [changed])
    assert status == 0, err
    assert set(c.comments.values_list("body", flat=True)) == {
        "建议放宽遛狗时间至晚十点。",
        "新增一条。",
        "平台上提交的意见。",
    }
    assert Comment.objects.get(external_id="c1").pk == first.pk
    assert Comment.objects.filter(pk=platform.pk).exists()
    # The same changed line again changes nothing more.
    assert _import(tmp_path, [changed])[0] == 0
    assert c.comments.count() == 3


# ---------------------------------------------------------------- P8: e-mail length matches the column

LONG_EMAIL = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "cn"


@pytest.mark.django_db
def test_a_long_email_is_refused_not_cut_or_crashing(agency, publisher, client):
    assert len(LONG_EMAIL) > 254
    c = _open(agency.org, publisher)
    r = client.post(
        reverse("participation:consultation", args=[c.pk]), {"body": "建议修改。", "email": LONG_EMAIL}
    )
    assert r.status_code == 400 and "电子邮箱不能超过 254 个字符" in r.content.decode()
    assert not c.comments.exists()
    with pytest.raises(ApplicationError) as exc:
        services.message_create_record(
            org=agency.org,
            channel="网站",
            category="咨询",
            subject="公交",
            body="何时恢复？",
            received_on=date.today(),
            public_consent=False,
            writer={"name": "李", "email": LONG_EMAIL},
        )
    assert exc.value.code == "bad_email"


# ---------------------------------------------------------------- P9: an unknown agency code is never another agency


@pytest.mark.django_db
def test_opening_with_an_unknown_org_code(agency, other, publisher, office):
    today = timezone.localdate()
    form = {
        "org": "nope",
        "title": "草案",
        "draft_text": "第一条 内容。",
        "explanation": "说明",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=29)).isoformat(),
    }
    admin = Client()
    assert admin.login(username=office.username, password=PASSWORD)
    r = admin.post(reverse("participation_staff:consultations"), form)
    assert r.status_code == 400 and "请选择单位" in r.content.decode()
    assert not Consultation.objects.exists()
    one = Client()  # a publisher of one agency only: nothing to choose
    assert one.login(username=publisher.username, password=PASSWORD)
    assert one.post(reverse("participation_staff:consultations"), form).status_code == 302
    assert Consultation.objects.get().org == agency.org


# ---------------------------------------------------------------- P12: decisions are fixed once the report is published


@pytest.mark.django_db
def test_no_decision_change_after_the_report_is_published(agency, publisher):
    c = _open(agency.org, publisher)
    comment = services.comment_submit(consultation=c, data=CommentData(body="建议放宽。"), address="x")
    services.comment_moderate(actor=publisher, comment=comment, action="publish")
    services.comment_decide(actor=publisher, comment=comment, decision="adopted", changes="第一条放宽。")
    services.consultation_close(actor=publisher, consultation=c)
    services.consultation_report_publish(actor=publisher, consultation=c)
    comment.refresh_from_db()
    with pytest.raises(ApplicationError) as exc:
        services.comment_decide(actor=publisher, comment=comment, decision="not_adopted", reason="不采纳。")
    assert exc.value.code == "report_published" and "已经公布" in exc.value.message
    comment.refresh_from_db()
    assert comment.decision == "adopted"
    staff = Client()
    assert staff.login(username=publisher.username, password=PASSWORD)
    decide = reverse("participation_staff:comment_decide", args=[c.pk, comment.pk])
    r = staff.post(decide, {f"c{comment.pk}-decision": "out_of_scope"})
    assert r.status_code == 400
    comment.refresh_from_db()
    assert comment.decision == "adopted"


# ---------------------------------------------------------------- P13: one grouping for the staff page and the report


@pytest.mark.django_db
def test_staff_groups_and_report_rows_come_from_one_grouping(agency, publisher):
    c = _open(agency.org, publisher)
    for body in ("建议 放宽。", "建议放宽。", "另一条。", ""):
        Comment.objects.create(consultation=c, body=body, body_hash=rules.group_key(body) if body else "")
    Comment.objects.create(consultation=c, body="", body_hash="")
    groups = selectors.consultation_comment_groups(c)
    assert [g.size for g in groups] == [2, 1, 1, 1]
    rows = Document(BytesIO(selectors.adoption_report(c))).tables[0].rows[1:]
    assert len(rows) == len(groups) and rows[0].cells[2].text.endswith("（相同意见 2 条）")
