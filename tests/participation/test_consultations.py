"""意见征集 (R-INT-1): the 30-day period, per-comment decisions, the 采纳情况 report in Word (read back)."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.orgs.models import Role
from gongkai.participation import consultation_rules as rules
from gongkai.participation import selectors, services
from gongkai.participation.services import ConsultationData
from tests.factories import PASSWORD, make_user

D = date.fromisoformat


# ---------------------------------------------------------------- pure rules


def test_r_int_1_period_counts_calendar_days_both_ends():
    assert rules.period_days(D("2026-03-01"), D("2026-03-30")) == 30
    assert rules.period_problems(opens_on=D("2026-03-01"), closes_on=D("2026-03-30"), short_reason="") == {}


def test_r_int_1_short_period_needs_a_reason():
    problems = rules.period_problems(opens_on=D("2026-03-01"), closes_on=D("2026-03-29"), short_reason="")
    assert "29 天" in problems["short_reason"] and "第十五条" in problems["short_reason"]
    assert (
        rules.period_problems(opens_on=D("2026-03-01"), closes_on=D("2026-03-29"), short_reason="紧急") == {}
    )
    assert "closes_on" in rules.period_problems(
        opens_on=D("2026-03-02"), closes_on=D("2026-03-01"), short_reason="x"
    )


def test_r_int_1_decisions():
    # R-INT-1: 采纳 / 部分采纳 record the change made to the draft; 未采纳 / 部分采纳 the reason.
    assert rules.decision_problems(decision="adopted", reason="", changes="第二条增加公示期限。") == {}
    assert "changes" in rules.decision_problems(decision="adopted", reason="", changes=" ")
    assert "changes" in rules.decision_problems(decision="partly_adopted", reason="部分不采纳的理由。")
    assert "reason" in rules.decision_problems(decision="not_adopted", reason=" ")
    assert "reason" in rules.decision_problems(decision="partly_adopted", reason="", changes="x")
    assert rules.decision_problems(decision="out_of_scope", reason="") == {}
    assert "decision" in rules.decision_problems(decision="maybe", reason="")
    t = rules.tally(["adopted", "adopted", "not_adopted", ""])
    assert (t.total, t.decided, t.undecided) == (4, 3, 1)
    assert (
        t.sentence()
        == "共收到意见 4 条，其中采纳 2 条，部分采纳 0 条，未采纳 1 条，不属于征求范围 0 条，尚未处理 1 条。"
    )


# ---------------------------------------------------------------- services, report


def _data(days: int = 30, reason: str = "") -> ConsultationData:
    today = timezone.localdate()
    return ConsultationData(
        title="某市养犬管理规定（草案）",
        draft_text="第一条 ……",
        explanation="起草说明……",
        opens_on=today,
        closes_on=today + timedelta(days=days - 1),
        short_reason=reason,
    )


@pytest.mark.django_db
def test_open_refuses_short_period_without_reason(agency, publisher):
    with pytest.raises(ApplicationError) as exc:
        services.consultation_open(actor=publisher, org=agency.org, data=_data(20))
    assert exc.value.code == "short_period" and exc.value.field == "short_reason"
    c = services.consultation_open(
        actor=publisher, org=agency.org, data=_data(20, "涉及汛期安全，需尽快出台。")
    )
    assert c.short_reason
    with pytest.raises(PermissionDenied):
        services.consultation_open(actor=agency.handler, org=agency.org, data=_data())


@pytest.mark.django_db
def test_comments_decisions_and_word_report(agency, other, publisher):
    c = services.consultation_open(actor=publisher, org=agency.org, data=_data())
    bodies = ["建议放宽遛狗时间。", "建议增加养犬登记点。", "取消所有限制。", "请修一下路灯。"]
    comments = [
        services.comment_submit(
            consultation=c, body=b, name="周八", phone="13511112222", address=f"10.1.0.{i}"
        )
        for i, b in enumerate(bodies)
    ]
    with pytest.raises(ApplicationError) as exc:
        services.comment_decide(actor=publisher, comment=comments[2], decision="not_adopted")
    assert exc.value.field == "reason"
    with pytest.raises(ApplicationError) as exc:
        services.comment_decide(actor=publisher, comment=comments[0], decision="adopted")
    assert exc.value.field == "changes"
    services.comment_decide(
        actor=publisher, comment=comments[0], decision="adopted", changes="第三条增加网上登记。"
    )
    services.comment_decide(
        actor=publisher,
        comment=comments[1],
        decision="partly_adopted",
        reason="登记点按街道设置。",
        changes="增设社区登记点。",
    )
    services.comment_decide(
        actor=publisher, comment=comments[2], decision="not_adopted", reason="与上位法不符。"
    )
    services.comment_decide(actor=publisher, comment=comments[3], decision="out_of_scope")
    with pytest.raises(PermissionDenied):
        services.comment_decide(actor=other.handler, comment=comments[0], decision="adopted")
    doc = Document(BytesIO(selectors.adoption_report(c)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于《某市养犬管理规定（草案）》公开征求意见采纳情况的说明" in text
    assert "共收到意见 4 条，其中采纳 1 条，部分采纳 1 条，未采纳 1 条，不属于征求范围 1 条。" in text
    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["序号", "条款", "意见内容", "处理结果", "修改情况", "理由"]
    assert rows[2][3:] == ["部分采纳", "增设社区登记点。", "登记点按街道设置。"]
    assert rows[3] == ["3", "草案整体", "取消所有限制。", "未采纳", "", "与上位法不符。"]
    assert "周八" not in text and all("13511112222" not in " ".join(r) for r in rows)


@pytest.mark.django_db
def test_comment_only_while_open(agency, publisher):
    c = services.consultation_open(actor=publisher, org=agency.org, data=_data())
    services.consultation_close(actor=publisher, consultation=c)
    with pytest.raises(ApplicationError) as exc:
        services.comment_submit(consultation=c, body="晚了。", address="x")
    assert exc.value.code == "not_open"


@pytest.mark.django_db
def test_consultation_staff_road(agency, other, publisher):
    c = services.consultation_open(actor=publisher, org=agency.org, data=_data())
    assert selectors.get_consultation_for_staff(publisher, c.pk) == c
    with pytest.raises(Http404):
        selectors.get_consultation_for_staff(other.handler, c.pk)


# ---------------------------------------------------------------- views


@pytest.mark.django_db
def test_consultation_pages(agency, other, publisher, client):
    staff = Client()
    assert staff.login(username=publisher.username, password=PASSWORD)
    today = timezone.localdate()
    form = {
        "org": agency.org.code,
        "title": "草案",
        "draft_text": "第一条",
        "explanation": "说明",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=9)).isoformat(),
    }
    r = staff.post(reverse("participation_staff:consultations"), form)
    assert r.status_code == 400 and "少于 30 天" in r.content.decode() and "第一条" in r.content.decode()
    form["basis"] = "《中华人民共和国行政许可法》"
    r = staff.post(reverse("participation_staff:consultations"), {**form, "short_reason": "紧急"})
    assert r.status_code == 302
    c = selectors.consultations_public().get()
    assert c.basis == "《中华人民共和国行政许可法》"  # R-INT-1: the draft's basis, published with it
    # Public: read and comment; the commenter's name is not shown.
    page = reverse("participation:consultation", args=[c.pk])
    assert (
        "起草依据" in (body := client.get(page).content.decode()) and "《中华人民共和国行政许可法》" in body
    )
    assert client.get(reverse("participation:consultations")).status_code == 200
    r = client.post(page, {"body": "<script>x</script>"})
    assert r.status_code == 400 and "网页代码" in r.content.decode()
    r = client.post(page, {"body": "建议延长过渡期。", "name": "吴九", "phone": "13300001111"})
    assert r.status_code == 200 and "已提交" in r.content.decode()
    assert "吴九" not in client.get(page).content.decode()
    comment = c.comments.get()
    decide = reverse("participation_staff:comment_decide", args=[c.pk, comment.pk])
    r = staff.post(decide, {f"c{comment.pk}-decision": "not_adopted", f"c{comment.pk}-reason": ""})
    assert r.status_code == 400 and "应当说明理由" in r.content.decode()
    r = staff.post(decide, {f"c{comment.pk}-decision": "adopted"})
    assert r.status_code == 400 and "作了哪些修改" in r.content.decode()
    r = staff.post(
        decide, {f"c{comment.pk}-decision": "adopted", f"c{comment.pk}-changes": "过渡期延长至一年。"}
    )
    assert r.status_code == 302
    comment.refresh_from_db()
    assert comment.changes == "过渡期延长至一年。"
    r = staff.get(reverse("participation_staff:consultation_report", args=[c.pk]))
    assert r.status_code == 200
    doc = Document(BytesIO(r.content))
    assert "采纳 1 条" in "\n".join(p.text for p in doc.paragraphs)
    # Another agency's staff: 404; no role: 404.
    other_pub = make_user("b_pub", other.org, Role.PUBLISHER)
    c2 = Client()
    assert c2.login(username=other_pub.username, password=PASSWORD)
    assert c2.get(reverse("participation_staff:consultation", args=[c.pk])).status_code == 404
    assert c2.post(decide, {f"c{comment.pk}-decision": "adopted"}).status_code == 404
    c3 = Client()
    assert c3.login(username=agency.drafter.username, password=PASSWORD)
    assert c3.get(reverse("participation_staff:consultations")).status_code == 404
