"""Request tests: staff permissions (another agency's staff get 404), public pages without contact data, bad input
kept on the form, the survey's cookie, results hidden until closing, charts and tables, no N+1 in lists."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.outreach import rules, selectors, services
from gongkai.outreach.models import (
    Interview,
    InterviewQuestion,
    OpinionCase,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)
from tests.factories import PASSWORD
from tests.outreach.factories import CONTACT, make_case, make_interview, make_survey

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_another_agencys_staff_get_404_on_every_object(agency, other):
    case = make_case(agency)
    interview = make_interview(agency)
    survey = make_survey(agency)
    q = services.question_submit(interview=interview, body="问题一", address="198.51.100.1")
    stranger = login(other.publisher)
    for url in (
        reverse("outreach_staff:case", args=[case.pk]),
        reverse("outreach_staff:interview", args=[interview.pk]),
        reverse("outreach_staff:survey", args=[survey.pk]),
    ):
        assert stranger.get(url).status_code == 404
    posts = (
        (reverse("outreach_staff:case_respond", args=[case.pk]), {"kind": "statement"}),
        (reverse("outreach_staff:interview_act", args=[interview.pk, "start"]), {}),
        (
            reverse("outreach_staff:question_moderate", args=[interview.pk, q.pk]),
            {f"m{q.pk}-action": "publish"},
        ),
        (reverse("outreach_staff:survey_close", args=[survey.pk]), {}),
        (reverse("outreach_staff:case_public", args=[case.pk]), {"public": "0"}),
    )
    for url, data in posts:
        assert stranger.post(url, data).status_code == 404
    # A colleague without the publisher role has no outreach pages at all.
    assert login(agency.drafter).get(reverse("outreach_staff:index")).status_code == 404
    assert Client().get(reverse("outreach_staff:index")).status_code == 302  # to the login
    case.refresh_from_db()
    assert case.public and not case.responses.exists()
    assert InterviewQuestion.objects.get(pk=q.pk).status == rules.Q_PENDING


def test_staff_record_a_case_respond_and_see_the_attention_lists(agency):
    c = login(agency.publisher)
    first_seen = timezone.localtime() - timedelta(hours=30)
    r = c.post(
        reverse("outreach_staff:case_new"),
        {
            "org": agency.org.code,
            "title": "暴雨致部分路段积水",
            "summary": "多条道路积水，网民关注排涝情况。",
            "source": "网络媒体报道",
            "first_seen_at": first_seen.strftime("%Y-%m-%dT%H:%M"),
            "level": rules.MAJOR,
            "public": "on",
        },
    )
    case = OpinionCase.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("outreach_staff:case", args=[case.pk])
    at = (first_seen + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(
        reverse("outreach_staff:case_respond", args=[case.pk]),
        {"kind": "statement", "at": at, "summary": "发布积水路段和绕行提示"},
    )
    assert r.status_code == 302
    page = c.get(reverse("outreach_staff:index")).content.decode()
    missed = page.split('id="missed"')[1].split('id="overdue"')[0]
    assert "暴雨致部分路段积水" in missed and "24小时内召开新闻发布会：已超时未完成" in missed
    detail = c.get(reverse("outreach_staff:case", args=[case.pk])).content.decode()
    assert 'data-target="authoritative" data-state="met"' in detail
    assert 'data-target="press_conference" data-state="overdue"' in detail


def test_bad_staff_input_is_kept_with_a_message(agency):
    c = login(agency.publisher)
    case = make_case(agency)
    r = c.post(
        reverse("outreach_staff:case_respond", args=[case.pk]),
        {"kind": "statement", "at": "昨天下午", "summary": "我们的回应很长很长"},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "回应时间格式不正确" in body and "我们的回应很长很长" in body
    early = timezone.localtime(case.first_seen_at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(
        reverse("outreach_staff:case_respond", args=[case.pk]),
        {"kind": "statement", "at": early, "summary": "提前回应"},
    )
    assert r.status_code == 400 and "不能早于舆情首次发现时间" in r.content.decode()
    r = c.post(
        reverse("outreach_staff:survey_new"),
        {
            "org": agency.org.code,
            "title": "调查",
            "opens_on": "2026-05-01",
            "closes_on": "2026-05-31",
            "definition": "单选：只有一项\n是",
        },
    )
    assert r.status_code == 400
    assert "第 1 行：第 1 题应有 2 至 20 个选项" in r.content.decode()
    assert not Survey.objects.exists()


def test_public_pages_never_show_contact_data(agency, client):
    case = make_case(agency)
    services.case_respond(
        actor=agency.publisher, case=case, kind=rules.STATEMENT, at=timezone.now(), summary="已通报"
    )
    interview = make_interview(agency)
    q = services.question_submit(
        interview=interview, body="能否增加学位？", address="198.51.100.1", **CONTACT
    )
    hidden = services.question_submit(
        interview=interview, body="不公开的问题", address="198.51.100.2", **CONTACT
    )
    services.question_moderate(actor=agency.publisher, question=q, action="publish")
    services.question_answer(actor=agency.publisher, question=q, answer="今年新增学位两千个。")
    services.question_moderate(actor=agency.publisher, question=hidden, action="withhold", reason="off_topic")
    pages = [
        client.get(reverse("outreach:cases")),
        client.get(reverse("outreach:case", args=[case.pk])),
        client.get(reverse("outreach:interviews")),
        client.get(reverse("outreach:interview", args=[interview.pk])),
    ]
    text = "".join(p.content.decode() for p in pages)
    assert all(p.status_code == 200 for p in pages)
    for value in CONTACT.values():
        assert value not in text
    assert "今年新增学位两千个。" in text and "已通报" in text
    assert "<td>未按时</td>" in pages[0].content.decode()  # 30 hours before the first statement: late
    assert "不公开的问题" not in text
    # The staff page shows the contact to the agency.
    staff = (
        login(agency.publisher).get(reverse("outreach_staff:interview", args=[interview.pk])).content.decode()
    )
    assert CONTACT["phone"] in staff


def test_a_case_not_published_is_404_publicly(agency, client):
    case = make_case(agency, public=False)
    assert client.get(reverse("outreach:case", args=[case.pk])).status_code == 404
    assert case.title not in client.get(reverse("outreach:cases")).content.decode()


def test_public_question_with_script_comes_back_whole(agency, client):
    interview = make_interview(agency)
    url = reverse("outreach:interview", args=[interview.pk])
    r = client.post(url, {"body": "<script>alert(1)</script>学区划分", "name": "张三"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "网页代码" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;学区划分" in body and "<script>alert(1)" not in body
    r = client.post(url, {"body": "学区如何划分？", "name": "张三", "phone": "13700001111"})
    assert r.status_code == 200 and "经审核后公开" in r.content.decode()
    assert InterviewQuestion.objects.get().phone == "13700001111"


def _survey_post(survey, *, single=0, multiple=(0,), text=""):
    qs = list(survey.questions.prefetch_related("options"))
    return {
        f"q{qs[0].pk}": [str(qs[0].options.all()[single].pk)],
        f"q{qs[1].pk}": [str(qs[1].options.all()[i].pk) for i in multiple],
        f"q{qs[2].pk}": [text],
    }


def test_survey_answer_once_with_the_cookie(agency):
    survey = make_survey(agency)
    url = reverse("outreach:survey", args=[survey.pk])
    c = Client()
    r = c.get(url)
    assert r.status_code == 200 and "gk_voter" in r.cookies
    assert "提交答卷" in r.content.decode() and "调查结果将在调查结束后公布" in r.content.decode()
    assert 'data-chart="' not in r.content.decode()  # results hidden while open
    r = c.post(url, _survey_post(survey, single=1, multiple=(0, 2), text="希望增加夜班车"))
    assert r.status_code == 302
    r = c.get(r["Location"])
    assert "您的答卷已提交" in r.content.decode() and "提交答卷" not in r.content.decode()
    r = c.post(url, _survey_post(survey))
    assert r.status_code == 400 and "您已经参加过本次调查" in r.content.decode()
    # Without the cookie (cookies off): refused, and a cookie is offered.
    r = Client().post(url, _survey_post(survey))
    assert r.status_code == 400 and "Cookie" in r.content.decode()
    # A forged cookie is ignored like a missing one.
    forged = Client()
    forged.cookies["gk_voter"] = "someone-else"
    assert forged.post(url, _survey_post(survey)).status_code == 400
    assert SurveyResponse.objects.count() == 1


def test_survey_missing_answer_keeps_the_other_choices(agency):
    survey = make_survey(agency)
    url = reverse("outreach:survey", args=[survey.pk])
    c = Client()
    c.get(url)
    data = _survey_post(survey, multiple=(1,), text="保留这段文字")
    q1 = survey.questions.first()
    data.pop(f"q{q1.pk}")
    r = c.post(url, data)
    assert r.status_code == 400
    body = r.content.decode()
    assert "请选择一项。" in body and "保留这段文字" in body
    assert f'<a href="#q{q1.pk}">第 1 题：请选择一项。</a>' in body  # the summary links to the question
    q2 = survey.questions.all()[1]
    kept = str(q2.options.all()[1].pk)
    assert re.search(rf'name="q{q2.pk}" value="{kept}" checked', body)


def test_results_as_chart_and_table_after_closing(agency, office):
    survey = make_survey(agency)
    for n, choice in enumerate((0, 0, 2)):
        services.survey_answer(
            survey=survey,
            voter=f"v{n}",
            address=f"203.0.113.{n}",
            answers={int(k[1:]): v for k, v in _survey_post(survey, single=choice).items()},
        )
    services.survey_close(actor=office, survey=survey)
    r = Client().get(reverse("outreach:survey", args=[survey.pk]))
    body = r.content.decode()
    assert "已结束" in body and 'id="survey-total">3<' in body
    q1 = survey.questions.first()
    chart_id = "q1-chart"
    assert f'data-chart="{chart_id}"' in body and "vendor/echarts-5.6.0/echarts.min.js" in body
    option = json.loads(
        re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', body, re.S).group(1)
    )
    assert option["series"][0]["data"] == [1, 0, 2]  # bottom-up: 不满意, 基本满意, 满意
    assert "<td>满意</td><td>2</td><td>66.7%</td>" in body
    assert q1.text in body
    assert "提交答卷" not in body


def test_live_results_when_the_agency_chooses(agency):
    survey = make_survey(agency, live=True)
    body = Client().get(reverse("outreach:survey", args=[survey.pk])).content.decode()
    assert "调查结果（实时）" in body and 'data-chart="q1-chart"' in body


def _add_rows(agency, n: int, start: int = 0) -> None:
    for k in range(start, start + n):
        case = make_case(agency, title=f"事项{k}")
        services.case_respond(
            actor=agency.publisher, case=case, kind=rules.STATEMENT, at=timezone.now(), summary="x"
        )
        services.promise_add(actor=agency.publisher, case=case, text="承诺", due_on=timezone.localdate())
        interview = make_interview(agency)
        services.question_submit(interview=interview, body=f"问题{k}", address=f"198.51.100.{k}")
        make_survey(agency)


def _queries(c: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_do_not_grow_queries_with_rows(agency):
    """Each list costs the same number of queries with one row and with six (no query per row)."""
    urls = [
        reverse("outreach:cases"),
        reverse("outreach:interviews"),
        reverse("outreach:surveys"),
        reverse("outreach_staff:index"),
    ]
    staff, public = login(agency.publisher), Client()
    _add_rows(agency, 1)
    for url in urls:  # warm the session and any per-process cache
        (staff if "staff" in url else public).get(url)
    one = {url: _queries(staff if "staff" in url else public, url) for url in urls}
    _add_rows(agency, 5, start=1)
    six = {url: _queries(staff if "staff" in url else public, url) for url in urls}
    assert six == one
    body = public.get(reverse("outreach:cases")).content.decode()
    assert all(f"事项{k}" in body for k in range(6))


def test_a_50000_character_text_answer_comes_back_whole(agency):
    survey = make_survey(agency)
    url = reverse("outreach:survey", args=[survey.pk])
    c = Client()
    c.get(url)
    long_text = "建" * 49_999 + "议"
    r = c.post(url, _survey_post(survey, text=long_text))
    assert r.status_code == 400
    body = r.content.decode()
    assert "回答不能超过 1000 个字（现有 50000 个）" in body
    assert long_text in body
    assert not SurveyResponse.objects.exists()


def test_staff_export_the_results_as_excel(agency, other):
    import io

    from openpyxl import load_workbook

    survey = make_survey(agency)
    for n, (choice, text) in enumerate(((0, '=HYPERLINK("http://x")'), (0, ""), (1, "多开夜班车"))):
        services.survey_answer(
            survey=survey,
            voter=f"v{n}",
            address=f"203.0.113.{n}",
            answers={int(k[1:]): v for k, v in _survey_post(survey, single=choice, text=text).items()},
        )
    url = reverse("outreach_staff:survey_export", args=[survey.pk])
    assert login(other.publisher).get(url).status_code == 404
    r = login(agency.publisher).get(url)
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    wb = load_workbook(io.BytesIO(r.content))
    summary = [[c for c in row if c is not None] for row in wb["结果汇总"].iter_rows(values_only=True)]
    assert summary[0] == ["公交服务满意度调查"] and "答卷 3 份" in summary[1]
    assert ["满意", 2, 66.7] in summary and ["基本满意", 1, 33.3] in summary and ["不满意", 0, 0.0] in summary
    texts = list(wb["文字回答"].iter_rows(min_row=2, values_only=True))
    assert [t[1] for t in texts] == ['\'=HYPERLINK("http://x")', "多开夜班车"]  # a formula stays text


# ---------------------------------------------------------------- control characters (review item 1, 4)


def test_control_characters_in_a_text_answer_are_refused_and_kept(agency):
    survey = make_survey(agency)
    url = reverse("outreach:survey", args=[survey.pk])
    c = Client()
    c.get(url)
    text_q = survey.questions.get(kind=rules.TEXT)
    for typed, word in (("希望增加\x00夜班车", "空字符"), ("希望增加\x1b[31m夜班车", "控制字符")):
        r = c.post(url, _survey_post(survey, single=1, text=typed))
        assert r.status_code == 400
        body = r.content.decode()
        assert f"第 3 题：回答中含有不允许的{word}，请删除后再提交。" in body
        assert f'name="q{text_q.pk}" rows="4">{typed}</textarea>' in body  # what was typed comes back
    assert not SurveyResponse.objects.exists()
    # Tabs and line breaks are text.
    r = c.post(url, _survey_post(survey, text="第一，多开夜班车；\r\n第二，\t加密班次"))
    assert r.status_code == 302
    assert SurveyAnswer.objects.get(question=text_q).text == "第一，多开夜班车；\r\n第二，\t加密班次"


def test_control_characters_in_a_question_are_refused_and_kept(agency, client):
    interview = make_interview(agency)
    url = reverse("outreach:interview", args=[interview.pk])
    for typed, word in (("学区\x07如何划分？", "控制字符"), ("学区\x00如何划分？", "空字符")):
        r = client.post(url, {"body": typed})
        assert r.status_code == 400
        body = r.content.decode()
        assert f"问题中含有不允许的{word}" in body
        assert "学区" in body and "如何划分？" in body
    assert not InterviewQuestion.objects.exists()


def test_stored_control_characters_and_formula_titles_still_export(agency):
    """Rows stored before the input check (or by other means) export with the characters removed."""
    import io

    from django.db import connection
    from openpyxl import load_workbook

    survey = make_survey(agency)
    Survey.objects.filter(pk=survey.pk).update(title='=HYPERLINK("http://x")调查')
    response = services.survey_answer(
        survey=survey,
        voter="v1",
        address="203.0.113.1",
        answers={int(k[1:]): v for k, v in _survey_post(survey, text="占位").items()},
    )
    bad = "坏\x1b字\x08符\x0c" + ("\x00" if connection.vendor == "sqlite" else "")
    SurveyAnswer.objects.filter(response=response, option__isnull=True).update(text=bad)
    r = login(agency.publisher).get(reverse("outreach_staff:survey_export", args=[survey.pk]))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb["结果汇总"]["A1"].value == '\'=HYPERLINK("http://x")调查'  # shown as text, not run
    texts = list(wb["文字回答"].iter_rows(min_row=2, values_only=True))
    assert [t[1] for t in texts] == ["坏字符"]


# ---------------------------------------------------------------- the agency of a new record (review item 2)


def _interview_fields(**extra):
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    return {"title": "垃圾分类新规解读", "guests": "市城管局副局长 王某某", "scheduled_at": when, **extra}


def test_a_new_record_is_never_filed_under_an_agency_not_chosen(agency, other, office):
    url = reverse("outreach_staff:interview_new")
    one = login(agency.publisher)
    # Another agency's code, or an unknown one: the form again, nothing filed under the user's own agency.
    for code in (other.org.code, "NO-SUCH-ORG"):
        r = one.post(url, _interview_fields(org=code))
        assert r.status_code == 400
        body = r.content.decode()
        assert "请选择单位。" in body and "垃圾分类新规解读" in body
    assert not Interview.objects.exists()
    # No choice at all: a user of exactly one agency files under it.
    assert one.post(url, _interview_fields()).status_code == 302
    assert Interview.objects.get().org == agency.org
    # A platform admin (every agency) must choose.
    admin = login(office)
    assert "请选择单位</option>" in admin.get(url).content.decode()
    r = admin.post(url, _interview_fields())
    assert r.status_code == 400 and "请选择单位。" in r.content.decode()
    assert admin.post(url, _interview_fields(org=other.org.code)).status_code == 302
    assert Interview.objects.filter(org=other.org).count() == 1 and Interview.objects.count() == 2


def test_the_public_ledger_shows_when_each_promise_was_recorded(agency, client):
    case = make_case(agency, hours_ago=24 * 10)
    today = timezone.localdate()
    promise = services.promise_add(
        actor=agency.publisher, case=case, text="三日内公布水质检测结果", due_on=today - timedelta(days=5)
    )
    services.promise_settle(actor=agency.publisher, promise=promise, action="keep", on=today, note="已公布")
    body = client.get(reverse("outreach:case", args=[case.pk])).content.decode()
    assert f'<td class="recorded">登记于 {today.isoformat()}</td>' in body
    assert '<tr data-promise-state="kept_late">' in body and "逾期兑现" in body


# ---------------------------------------------------------------- personal data on public pages (review item 5)

ID_NUMBER, MOBILE = "11010519491231002X", "13912345678"  # R-PII-2: a valid ID (GB 11643) and a mobile number


def test_public_pages_mask_personal_numbers(agency, client):
    """R-PII-1: numbers typed into published texts are masked on every public outreach page (R-PII-3 defaults)."""
    said = f"当事人身份证号{ID_NUMBER}，电话{MOBILE}"
    case = make_case(agency, title=f"来电{MOBILE}反映积水")
    OpinionCase.objects.filter(pk=case.pk).update(summary=said)
    services.case_respond(
        actor=agency.publisher, case=case, kind=rules.STATEMENT, at=timezone.now(), summary=said
    )
    promise = services.promise_add(actor=agency.publisher, case=case, text=said, due_on=timezone.localdate())
    services.promise_settle(
        actor=agency.publisher, promise=promise, action="keep", on=timezone.localdate(), note=said
    )
    interview = make_interview(agency)
    q = services.question_submit(
        interview=interview, body=f"我的电话{MOBILE}，能回电吗？", address="198.51.100.1"
    )
    services.question_moderate(actor=agency.publisher, question=q, action="publish")
    services.question_answer(actor=agency.publisher, question=q, answer=said)
    services.interview_transition(actor=agency.publisher, interview=interview, action="start")
    services.interview_transcript(actor=agency.publisher, interview=interview, transcript=f"主持人：{said}")
    pages = {
        url: client.get(url)
        for url in (
            reverse("outreach:cases"),
            reverse("outreach:case", args=[case.pk]),
            reverse("outreach:interviews"),
            reverse("outreach:interview", args=[interview.pk]),
        )
    }
    assert all(r.status_code == 200 for r in pages.values())
    for url, r in pages.items():
        body = r.content.decode()
        assert ID_NUMBER not in body and MOBILE not in body, url
    case_page = pages[reverse("outreach:case", args=[case.pk])].content.decode()
    assert case_page.count("110105********002X") == 4  # summary, response, promise and its settlement
    assert "139****5678" in pages[reverse("outreach:cases")].content.decode()
    interview_page = pages[reverse("outreach:interview", args=[interview.pk])].content.decode()
    assert interview_page.count("139****5678") == 3  # question, answer, transcript


# ---------------------------------------------------------------- lists and large surveys (review items 6–8)


def test_the_late_flag_marks_the_response_not_its_minute(agency, client):
    case = make_case(agency, level=rules.MAJOR, hours_ago=30)
    at = case.first_seen_at + timedelta(hours=7)
    interview = services.case_respond(
        actor=agency.publisher, case=case, kind=rules.INTERVIEW, at=at, summary="局长接受电视台采访"
    )
    statement = services.case_respond(
        actor=agency.publisher, case=case, kind=rules.STATEMENT, at=at, summary="发布情况通报"
    )
    row = selectors.case_row(case)
    assert dict((r.pk, late) for r, late in row.responses) == {interview.pk: False, statement.pk: True}
    body = client.get(reverse("outreach:case", args=[case.pk])).content.decode()
    assert body.count("（超时）") == 1


def test_public_interview_and_survey_lists_have_pages(agency, client):
    from gongkai.outreach.views.public import PER_PAGE

    for _ in range(PER_PAGE + 1):
        make_interview(agency)
        make_survey(agency)
    for name in ("outreach:interviews", "outreach:surveys"):
        url = reverse(name)
        first, second = client.get(url), client.get(url + "?page=2")
        assert first.status_code == second.status_code == 200
        assert (
            "第 1 / 2 页" in first.content.decode()
            and '<a href="?page=2">下一页</a>' in first.content.decode()
        )
        assert "第 2 / 2 页" in second.content.decode()
        link = re.compile(rf'href="{url}\d+/"')
        shown = link.findall(first.content.decode()) + link.findall(second.content.decode())
        assert len(shown) == len(set(shown)) == PER_PAGE + 1
        assert client.get(url + "?page=abc").status_code == 200  # a bad page number is the first page


def test_staff_survey_page_shows_the_first_text_answers_and_points_to_excel(agency, monkeypatch):
    monkeypatch.setattr(selectors, "STAFF_TEXTS_SHOWN", 2)
    survey = make_survey(agency)
    for n, text in enumerate(("甲建议", "乙建议", "丙建议")):
        services.survey_answer(
            survey=survey,
            voter=f"v{n}",
            address=f"203.0.113.{n}",
            answers={int(k[1:]): v for k, v in _survey_post(survey, text=text).items()},
        )
    body = login(agency.publisher).get(reverse("outreach_staff:survey", args=[survey.pk])).content.decode()
    assert "甲建议" in body and "乙建议" in body and "丙建议" not in body
    assert "以下显示前 2 条，全部 3 条文字回答请" in body
    assert reverse("outreach_staff:survey_export", args=[survey.pk]) in body
    _total, results = selectors.survey_results(survey, with_texts=True)  # the export: every answer
    assert [t for r in results for t in r.texts] == ["甲建议", "乙建议", "丙建议"]
