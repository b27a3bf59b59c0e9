"""意见征集 (issue 8 item 1): articles parsed from the draft, structured questions, moderation without silent deletion,
one decision for identical comments, the agency's and the city-wide lists, and bad input on the comment form."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role
from gongkai.participation import consultation_rules as rules
from gongkai.participation import selectors, services
from gongkai.participation.models import Comment
from gongkai.participation.services import CommentData, ConsultationData, QuestionData
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.usefixtures("fresh_cache")

DRAFT = (
    "某市养犬管理规定（草案）\n"
    "第一条 为了规范养犬行为，制定本规定。\n"
    "第二条 本规定适用于本市行政区域内的养犬活动。\n"
    "  依照第一条规定，养犬人应当登记。\n"
    "第十一条 违反本规定的，依法处理。\n"
)


@pytest.fixture
def consultation(agency, publisher):
    today = timezone.localdate()
    return services.consultation_open(
        actor=publisher,
        org=agency.org,
        data=ConsultationData(
            title="某市养犬管理规定（草案）",
            draft_text=DRAFT,
            explanation="起草说明……",
            opens_on=today,
            closes_on=today + timedelta(days=29),
            questions=(
                QuestionData("您是否养犬？", "single", ("是", "否"), required=True),
                QuestionData("您最关心哪些方面？", "multiple", ("登记", "遛狗时间", "犬只伤人")),
                QuestionData("其他建议"),
            ),
        ),
    )


def test_articles_parsed_with_chinese_numerals():
    articles = rules.parse_articles(DRAFT)
    assert [(a.number, a.label) for a in articles] == [(1, "第一条"), (2, "第二条"), (11, "第十一条")]
    # A reference inside an article stays part of that article.
    assert "依照第一条规定" in articles[1].text
    assert rules.chinese_number("一百零五") == 105 and rules.chinese_number("二十") == 20
    assert rules.chinese_number("x") is None
    assert rules.article_label(None) == "草案整体" and rules.article_label(110) == "第一百一十条"
    assert rules.parse_articles("没有条款的草案") == []


@pytest.mark.django_db
def test_question_rules_and_bad_questions(agency, publisher):
    assert rules.question_problems(text="问", kind="single", choices=["仅一项"])
    assert rules.question_problems(text="问", kind="single", choices=["a", "a"])
    assert (
        rules.answer_problems(kind="single", choices=["是", "否"], required=True, answer="")
        == "请回答这个问题。"
    )
    assert rules.answer_problems(kind="single", choices=["是", "否"], required=False, answer="也许")
    assert rules.answer_problems(kind="single", choices=["是", "否"], required=False, answer=["是", "否"])
    assert (
        rules.answer_problems(kind="multiple", choices=["是", "否"], required=False, answer=["是", "否"])
        == ""
    )
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as exc:
        services.consultation_open(
            actor=publisher,
            org=agency.org,
            data=ConsultationData(
                title="t",
                draft_text="d",
                explanation="e",
                opens_on=today,
                closes_on=today + timedelta(days=29),
                questions=(QuestionData("选哪个？", "single", ("唯一",)),),
            ),
        )
    assert exc.value.code == "bad_question"


@pytest.mark.django_db
def test_comment_on_an_article_with_answers(consultation):
    comment = services.comment_submit(
        consultation=consultation,
        data=CommentData(
            body="建议明确登记地点。", article=2, answers={"1": "是", "2": ["登记", "犬只伤人"]}
        ),
        address="10.0.0.1",
    )
    assert comment.article == 2 and comment.article_label == "第二条"
    assert comment.answers == {"1": "是", "2": ["登记", "犬只伤人"]}
    assert comment.moderation == rules.PENDING
    for data, field in (
        (CommentData(body="x条", article=5, answers={"1": "是"}), "article"),
        (CommentData(body="没回答必答题。"), "answer_1"),
        (CommentData(body="选了不存在的。", answers={"1": "也许"}), "answer_1"),
        (CommentData(body="😀", answers={"1": "是"}), "body"),
    ):
        with pytest.raises(ApplicationError) as exc:
            services.comment_submit(consultation=consultation, data=data, address="10.0.0.2")
        assert exc.value.field == field
    services.comment_submit(
        consultation=consultation, data=CommentData(body="", answers={"1": "否"}), address="10.0.0.3"
    )
    doc = Document(BytesIO(selectors.adoption_report(consultation)))
    assert doc.tables[0].rows[2].cells[2].text == "（仅回答了征集问题）"
    assert doc.tables[0].rows[1].cells[1].text == "第二条"
    results = {r.question.position: r for r in selectors.consultation_question_results(consultation)}
    assert results[1].counts == [("是", 1), ("否", 1)] and results[2].counts[2] == ("犬只伤人", 1)


@pytest.mark.django_db
def test_moderation_keeps_the_text_and_shows_withheld_publicly(consultation, publisher, other, client):
    a = services.comment_submit(
        consultation=consultation, data=CommentData(body="赞成第一条。", answers={"1": "否"}), address="1"
    )
    b = services.comment_submit(
        consultation=consultation,
        data=CommentData(body="某某店铺狗粮打折，欢迎选购！", answers={"1": "是"}),
        address="2",
    )
    page = reverse("participation:consultation", args=[consultation.pk])
    assert "赞成第一条。" not in client.get(page).content.decode()  # pending: not shown yet
    services.comment_moderate(actor=publisher, comment=a, action="publish")
    with pytest.raises(ApplicationError) as exc:
        services.comment_moderate(actor=publisher, comment=b, action="withhold")
    assert exc.value.code == "missing_reason"
    services.comment_moderate(
        actor=publisher, comment=b, action="withhold", reason="advertising", note="广告"
    )
    with pytest.raises(PermissionDenied):
        services.comment_moderate(actor=other.handler, comment=a, action="withhold", reason="abuse")
    with pytest.raises(ApplicationError) as exc:
        services.comment_moderate(actor=publisher, comment=a, action="publish")
    assert exc.value.code == "bad_transition"
    b.refresh_from_db()
    assert b.body == "某某店铺狗粮打折，欢迎选购！" and b.moderation == "withheld"  # text kept
    html = client.get(page).content.decode()
    assert "赞成第一条。" in html and "狗粮打折" not in html
    assert "该条意见未予公开（原因：广告或商业推广）" in html
    assert AuditEntry.objects.filter(action="consultation.comment_withhold", to_state="withheld").exists()
    # The report does not publish the withheld text either.
    doc = Document(BytesIO(selectors.adoption_report(consultation)))
    cells = " ".join(cell.text for row in doc.tables[0].rows for cell in row.cells)
    assert "狗粮打折" not in cells and "未予公开：广告或商业推广" in cells


@pytest.mark.django_db
def test_identical_comments_share_one_decision(consultation, publisher):
    bodies = ["反对限制遛狗时间。", "反对限制遛狗时间。 ", "反对限制\u3000遛狗时间。", "其他意见。"]
    made = [
        services.comment_submit(
            consultation=consultation,
            data=CommentData(body=b, answers={"1": "是"}),
            address=f"10.9.0.{i}",
        )
        for i, b in enumerate(bodies[:1])
    ]
    # Identical text within a minute is a duplicate …
    with pytest.raises(ApplicationError) as exc:
        services.comment_submit(
            consultation=consultation,
            data=CommentData(body=bodies[1], answers={"1": "是"}),
            address="10.9.1.1",
        )
    assert exc.value.code == "duplicate"
    # … later it is a comment of its own, grouped with the first.
    Comment.objects.update(submitted_at=timezone.now() - timedelta(minutes=5))
    made.append(
        services.comment_submit(
            consultation=consultation,
            data=CommentData(body=bodies[2], answers={"1": "是"}),
            address="10.9.1.2",
        )
    )
    made.append(
        services.comment_submit(
            consultation=consultation,
            data=CommentData(body=bodies[3], answers={"1": "否"}),
            address="10.9.1.3",
        )
    )
    groups = selectors.consultation_comment_groups(consultation)
    assert [g.size for g in groups] == [2, 1]
    services.comment_decide(actor=publisher, comment=made[0], decision="not_adopted", reason="保障公共安全。")
    decided = dict(Comment.objects.values_list("body", "decision"))
    assert (
        decided["反对限制遛狗时间。"] == "not_adopted"
        and decided["反对限制\u3000遛狗时间。"] == "not_adopted"
    )
    assert decided["其他意见。"] == ""
    assert AuditEntry.objects.filter(action="consultation.decide").count() == 2
    doc = Document(BytesIO(selectors.adoption_report(consultation)))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert len(rows) == 3 and "（相同意见 2 条）" in rows[1][2]
    assert "共收到意见 3 条" in "\n".join(p.text for p in doc.paragraphs)


@pytest.mark.django_db
def test_public_pages_lists_and_bad_input(consultation, agency, other, client, settings):
    assert services.consultation_open(
        actor=make_user("b_pub", other.org, Role.PUBLISHER),
        org=other.org,
        data=ConsultationData(
            title="另一机关的草案",
            draft_text="第一条 x",
            explanation="e",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() + timedelta(days=40),
        ),
    )
    city = client.get(reverse("participation:consultations")).content.decode()
    assert "某市养犬管理规定" in city and "另一机关的草案" in city
    own = client.get(reverse("participation:org_consultations", args=[agency.org.code])).content.decode()
    assert "某市养犬管理规定" in own and "另一机关的草案" not in own
    assert client.get(reverse("participation:org_consultations", args=["nope"])).status_code == 404
    page = reverse("participation:consultation", args=[consultation.pk])
    html = client.get(page).content.decode()
    assert 'id="article-11"' in html and '<option value="11">第十一条</option>' in html
    assert "您是否养犬？（必答）" in html
    good = {
        "article": "1",
        "answer_1": "是",
        "answer_2": ["登记"],
        "body": "建议增加登记点。",
        "name": "周八",
    }
    for bad, text in (
        ({"body": "<script>alert(1)</script>"}, "网页代码"),
        ({"body": "坑" * 50_000}, "不能超过"),
        ({"body": "😀🐶😀"}, "表情"),
        ({"article": "99"}, "草案中没有这一条"),
        ({"answer_1": "也许"}, "请从给出的选项中选择"),
        ({"answer_1": ""}, "请回答这个问题"),
        ({"email": "bad@"}, "电子邮箱"),
    ):
        r = client.post(page, {**good, **bad})
        assert r.status_code == 400 and text in r.content.decode(), bad
        if "body" not in bad:
            assert "建议增加登记点。" in r.content.decode()  # nothing typed is lost
    assert client.post(page, good).status_code == 200
    r = client.post(page, good)
    assert r.status_code == 400 and "请勿重复提交" in r.content.decode()
    assert Comment.objects.count() == 1
    c = Comment.objects.get()
    assert c.article == 1 and c.answers == {"1": "是", "2": ["登记"]} and c.name == "周八"
    settings.GONGKAI_MESSAGE_SUBMIT_LIMIT = 2
    statuses = [client.post(page, {**good, "body": f"第{i}条意见。"}).status_code for i in range(3)]
    assert statuses[-1] == 429


@pytest.mark.django_db
def test_staff_moderation_page(consultation, publisher, client):
    comment = services.comment_submit(
        consultation=consultation, data=CommentData(body="好。", answers={"1": "是"}), address="1"
    )
    staff = Client()
    assert staff.login(username=publisher.username, password=PASSWORD)
    page = staff.get(reverse("participation_staff:consultation", args=[consultation.pk])).content.decode()
    assert "问题统计" in page and "待审核" in page
    (row,) = selectors.consultations_for_staff(selectors.consultation_orgs_for_staff(publisher))
    assert (row.comment_count, row.pending_count, row.undecided_count) == (1, 1, 1)
    assert staff.get(reverse("participation_staff:consultations")).status_code == 200
    url = reverse("participation_staff:comment_moderate", args=[consultation.pk, comment.pk])
    r = staff.post(url, {f"m{comment.pk}-action": "withhold"})
    assert r.status_code == 400 and "不予公开须选择原因" in r.content.decode()
    assert (
        staff.post(
            url, {f"m{comment.pk}-action": "withhold", f"m{comment.pk}-reason": "off_topic"}
        ).status_code
        == 302
    )
    assert Comment.objects.get().moderation == "withheld"
    anon = Client()
    assert anon.post(url, {f"m{comment.pk}-action": "publish"}).status_code == 302  # to the login page
    assert Comment.objects.get().moderation == "withheld"


@pytest.mark.django_db
def test_staff_opening_form_with_questions(agency, publisher):
    staff = Client()
    assert staff.login(username=publisher.username, password=PASSWORD)
    today = timezone.localdate()
    form = {
        "org": agency.org.code,
        "title": "草案",
        "draft_text": DRAFT,
        "explanation": "说明",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=29)).isoformat(),
        "questions": "* 您是否养犬？ | 是 | 否\n[多选] 您关心哪些方面？｜登记｜遛狗时间\n\n其他建议",
    }
    url = reverse("participation_staff:consultations")
    bad = staff.post(url, {**form, "questions": "选哪个？ | 唯一"})
    assert bad.status_code == 400 and "至少需要两个选项" in bad.content.decode()
    assert "选哪个？ | 唯一" in bad.content.decode()  # kept
    assert staff.post(url, form).status_code == 302
    c = selectors.consultations_public().get()
    got = [(q.position, q.text, q.kind, q.choices, q.required) for q in c.questions.all()]
    assert got == [
        (1, "您是否养犬？", "single", ["是", "否"], True),
        (2, "您关心哪些方面？", "multiple", ["登记", "遛狗时间"], False),
        (3, "其他建议", "text", [], False),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "odd",
    [
        {"article": "abc"},
        {"article": "-1"},
        {"article": "99999999999999999999999"},
        {"article": "１"},
        {"answer_2": ["登记", "不存在"]},
        {"answer_1": "是\x00"},
        {"body": "意见\x00内容"},
        {"answer_3": "文" * 3000},
    ],
)
def test_odd_comment_input_is_a_clear_message(consultation, client, odd):
    page = reverse("participation:consultation", args=[consultation.pk])
    r = client.post(page, {"answer_1": "是", "body": "建议。", **odd})
    assert r.status_code == 400
    assert "未能提交，请修改以下问题" in r.content.decode()
    assert not Comment.objects.exists()
