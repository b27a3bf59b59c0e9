"""Services: the R-INT-4 ledger, interviews with moderated questions, surveys with one answer per person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.outreach import rules, selectors, services
from gongkai.outreach.models import CasePromise, InterviewQuestion, SurveyAnswer, SurveyResponse
from tests.outreach.factories import CONTACT, ago, make_case, make_interview, make_survey

pytestmark = pytest.mark.django_db


def actions(obj) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(obj.pk), object_type=obj._meta.label_lower)
        .order_by("id")
        .values_list("action", flat=True)
    )


# ---------------------------------------------------------------- 舆情回应台账 (R-INT-4)


def test_r_int_4_ledger_flags_a_late_statement_and_a_missing_press_conference(agency):
    case = make_case(agency, level=rules.MAJOR, hours_ago=30)
    services.case_respond(
        actor=agency.publisher,
        case=case,
        kind=rules.STATEMENT,
        at=case.first_seen_at + timedelta(hours=6),
        summary="发布情况通报",
    )
    row = selectors.case_row(case)
    states = {c.key: c.state for c in row.checks}
    assert states == {rules.AUTHORITATIVE: rules.LATE, rules.PRESS: rules.OVERDUE}
    assert [late for _r, late in row.responses] == [True]
    missed, _ = selectors.cases_needing_attention(agency.publisher)
    assert [r.case for r in missed] == [case]
    assert actions(case) == ["opinion.open", "opinion.respond"]
    entry = AuditEntry.objects.filter(action="opinion.respond").get()
    assert entry.data["hours_after_first_seen"] == 6.0


def test_r_int_4_a_case_answered_in_time_is_not_listed(agency, settings):
    case = make_case(agency, level=rules.GENERAL, hours_ago=50)
    services.case_respond(
        actor=agency.publisher,
        case=case,
        kind=rules.ONLINE_REPLY,
        at=case.first_seen_at + timedelta(hours=47),
        summary="已回应",
    )
    assert selectors.cases_needing_attention(agency.publisher)[0] == []
    # The targets are settings: with 24 hours the same answer is late.
    settings.GONGKAI_OPINION_TARGET_HOURS = {"answer": 24}
    missed, _ = selectors.cases_needing_attention(agency.publisher)
    assert [c.state for c in missed[0].checks] == [rules.LATE]


def test_responses_refuse_bad_input(agency):
    case = make_case(agency)
    with pytest.raises(ApplicationError) as info:
        services.case_respond(
            actor=agency.publisher,
            case=case,
            kind=rules.STATEMENT,
            at=case.first_seen_at - timedelta(minutes=1),
            summary="x",
        )
    assert (info.value.code, info.value.field) == ("bad_date", "at")
    with pytest.raises(ApplicationError) as info:
        services.case_respond(
            actor=agency.publisher, case=case, kind=rules.STATEMENT, at=ago(-2), summary="x"
        )
    assert info.value.code == "bad_date"
    with pytest.raises(ApplicationError) as info:
        services.case_respond(actor=agency.publisher, case=case, kind="tweet", at=ago(1), summary="x")
    assert info.value.code == "bad_kind"
    with pytest.raises(ApplicationError) as info:
        services.case_respond(
            actor=agency.publisher, case=case, kind=rules.STATEMENT, at=ago(1), summary="  "
        )
    assert info.value.code == "missing_field"


def test_only_the_agencys_publishers_write(agency, other, office):
    case = make_case(agency)
    for outsider in (other.publisher, agency.drafter, None):
        with pytest.raises(PermissionDenied):
            services.case_respond(actor=outsider, case=case, kind=rules.STATEMENT, at=ago(1), summary="x")
    services.case_respond(
        actor=office, case=case, kind=rules.STATEMENT, at=ago(1), summary="政务公开办代为登记"
    )


def test_promises_are_settled_once_and_overdue_ones_are_listed(agency):
    case = make_case(agency, hours_ago=24 * 10)
    today = timezone.localdate()
    kept = services.promise_add(
        actor=agency.publisher, case=case, text="三日内公布水质检测结果", due_on=today - timedelta(days=5)
    )
    late = services.promise_add(
        actor=agency.publisher, case=case, text="一周内完成管网冲洗", due_on=today - timedelta(days=1)
    )
    # R-INT-4's ledger: a settlement cannot precede the day the promise was recorded — else a promise recorded
    # after its due date could be shown 按期兑现 by back-dating.
    with pytest.raises(ApplicationError) as info:
        services.promise_settle(
            actor=agency.publisher, promise=kept, action="keep", on=today - timedelta(days=6), note="补记"
        )
    assert (
        info.value.code == "bad_date" and info.value.field == "on" and today.isoformat() in info.value.message
    )
    assert CasePromise.objects.get(pk=kept.pk).outcome == rules.PENDING
    # Recorded eight days ago (the local date of created_at), it may be settled six days ago: 按期兑现.
    CasePromise.objects.filter(pk=kept.pk).update(created_at=timezone.now() - timedelta(days=8))
    services.promise_settle(
        actor=agency.publisher, promise=kept, action="keep", on=today - timedelta(days=6), note="已在官网公布"
    )
    assert CasePromise.objects.get(pk=kept.pk).state(today) == "kept"
    with pytest.raises(ApplicationError) as info:
        services.promise_settle(actor=agency.publisher, promise=kept, action="fail", on=today, note="改口")
    assert info.value.code == "bad_transition"
    with pytest.raises(ApplicationError) as info:
        services.promise_settle(actor=agency.publisher, promise=late, action="keep", on=today, note="")
    assert info.value.field == "note"
    with pytest.raises(ApplicationError) as info:
        services.promise_settle(
            actor=agency.publisher, promise=late, action="keep", on=today + timedelta(days=1), note="x"
        )
    assert info.value.code == "bad_date"
    _, overdue = selectors.cases_needing_attention(agency.publisher)
    assert [p.promise.pk for _row, p in overdue] == [late.pk]
    with pytest.raises(ApplicationError):
        services.promise_add(actor=agency.publisher, case=case, text="x", due_on=today - timedelta(days=30))
    assert actions(case).count("opinion.promise_keep") == 1


# ---------------------------------------------------------------- 在线访谈


def test_interview_state_machine(agency):
    interview = make_interview(agency)
    with pytest.raises(ApplicationError) as info:
        services.interview_transition(actor=agency.publisher, interview=interview, action="finish")
    assert info.value.code == "bad_transition"
    with pytest.raises(ApplicationError):
        services.interview_transcript(actor=agency.publisher, interview=interview, transcript="太早了")
    services.interview_transition(actor=agency.publisher, interview=interview, action="start")
    services.interview_transcript(
        actor=agency.publisher, interview=interview, transcript="主持人：各位网友好。"
    )
    interview = services.interview_transition(actor=agency.publisher, interview=interview, action="finish")
    assert interview.status == rules.FINISHED and interview.finished_at is not None
    assert actions(interview) == [
        "interview.schedule",
        "interview.start",
        "interview.transcript",
        "interview.finish",
    ]


def test_questions_are_collected_beforehand_moderated_and_answered(agency, other):
    interview = make_interview(agency)
    q = services.question_submit(
        interview=interview, body="划片范围什么时候公布？", address="198.51.100.1", **CONTACT
    )
    assert q.status == rules.Q_PENDING
    with pytest.raises(ApplicationError) as info:
        services.question_answer(actor=agency.publisher, question=q, answer="五月公布")
    assert info.value.code == "bad_transition"
    with pytest.raises(ApplicationError) as info:
        services.question_moderate(actor=agency.publisher, question=q, action="withhold")
    assert info.value.code == "missing_reason"
    with pytest.raises(PermissionDenied):
        services.question_moderate(actor=other.publisher, question=q, action="publish")
    services.question_moderate(actor=agency.publisher, question=q, action="publish")
    services.question_answer(actor=agency.publisher, question=q, answer="五月中旬公布。")
    assert list(selectors.public_questions(interview).values_list("answer", flat=True)) == ["五月中旬公布。"]
    # No contact data in the audit log.
    assert not any(
        CONTACT["phone"] in str(e.data) or CONTACT["name"] in str(e.data) for e in AuditEntry.objects.all()
    )
    services.interview_transition(actor=agency.publisher, interview=interview, action="start")
    with pytest.raises(ApplicationError) as info:
        services.question_submit(interview=interview, body="还能问吗？", address="198.51.100.1")
    assert info.value.code == "not_open"


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        ("<script>alert(1)</script>请问", "bad_text", "网页代码"),
        ("😀😀😀", "bad_text", "表情"),
        ("问" * 50_000, "bad_text", "不能超过 1000 个字（现有 50000 个）"),
        ("   ", "bad_text", "请填写"),
    ],
)
def test_bad_questions_get_a_clear_message(agency, body, code, fragment):
    interview = make_interview(agency)
    with pytest.raises(ApplicationError) as info:
        services.question_submit(interview=interview, body=body, address="198.51.100.2")
    assert info.value.code == code
    assert fragment in info.value.message
    assert "留言" not in info.value.message
    assert not InterviewQuestion.objects.exists()


def test_the_same_question_twice_in_a_minute_is_a_duplicate_and_posting_is_throttled(agency, settings):
    interview = make_interview(agency)
    services.question_submit(interview=interview, body="学位够不够？", address="198.51.100.3")
    with pytest.raises(ApplicationError) as info:
        services.question_submit(interview=interview, body="学位够不够？ ", address="198.51.100.4")
    assert info.value.code == "duplicate"
    settings.GONGKAI_OUTREACH_SUBMIT_LIMIT = 2
    services.question_submit(interview=interview, body="第二个问题", address="198.51.100.3")
    with pytest.raises(ApplicationError) as info:
        services.question_submit(interview=interview, body="第三个问题", address="198.51.100.3")
    assert info.value.code == "too_many"


# ---------------------------------------------------------------- 网上调查


def answers_for(survey, *, single=0, multiple=(0,), text=""):
    qs = list(survey.questions.prefetch_related("options"))
    return {
        qs[0].pk: [str(qs[0].options.all()[single].pk)],
        qs[1].pk: [str(qs[1].options.all()[i].pk) for i in multiple],
        qs[2].pk: [text],
    }


def test_survey_answers_are_counted_per_option(agency):
    survey = make_survey(agency)
    services.survey_answer(
        survey=survey,
        voter="v1",
        address="203.0.113.1",
        answers=answers_for(survey, single=0, multiple=(0, 1), text="多开夜班车"),
    )
    services.survey_answer(
        survey=survey, voter="v2", address="203.0.113.2", answers=answers_for(survey, single=2, multiple=(1,))
    )
    total, results = selectors.survey_results(survey, with_texts=True)
    assert total == 2
    assert [(o.label, o.count, o.percent) for o in results[0].options] == [
        ("满意", 1, 50.0),
        ("基本满意", 0, 0.0),
        ("不满意", 1, 50.0),
    ]
    assert [o.count for o in results[1].options] == [1, 2, 0]
    assert results[1].options[1].percent == 100.0
    assert results[2].respondents == 1 and results[2].texts == ["多开夜班车"]
    # The chart option is built from the same figures as the table.
    assert results[0].chart["series"][0]["data"] == [1, 0, 1][::-1]
    assert results[0].chart["yAxis"]["data"] == ["不满意", "基本满意", "满意"]
    assert selectors.survey_results(survey)[1][2].texts == []  # the public never gets the texts
    assert SurveyAnswer.objects.filter(response__survey=survey).count() == 6


def test_one_answer_per_person(agency, settings):
    survey = make_survey(agency)
    services.survey_answer(survey=survey, voter="v1", address="203.0.113.1", answers=answers_for(survey))
    with pytest.raises(ApplicationError) as info:
        services.survey_answer(survey=survey, voter="v1", address="203.0.113.9", answers=answers_for(survey))
    assert info.value.code == "already_answered"
    with pytest.raises(ApplicationError) as info:
        services.survey_answer(survey=survey, voter="", address="203.0.113.1", answers=answers_for(survey))
    assert info.value.code == "no_cookie"
    # A new cookie from the same address: allowed up to the daily limit per address.
    settings.GONGKAI_SURVEY_ANSWERS_PER_ADDRESS_PER_DAY = 2
    services.survey_answer(survey=survey, voter="v2", address="203.0.113.1", answers=answers_for(survey))
    with pytest.raises(ApplicationError) as info:
        services.survey_answer(survey=survey, voter="v3", address="203.0.113.1", answers=answers_for(survey))
    assert info.value.code == "too_many"
    assert SurveyResponse.objects.filter(survey=survey).count() == 2
    # The address is kept only as a keyed hash.
    assert not SurveyResponse.objects.filter(address_hash__contains="203.0.113").exists()


def test_bad_answers_are_refused_per_question(agency):
    survey = make_survey(agency)
    answers = answers_for(survey, text="<script>alert(1)</script>")
    q1 = survey.questions.first()
    answers[q1.pk] = []
    with pytest.raises(services.AnswerRefused) as info:
        services.survey_answer(survey=survey, voter="v1", address="203.0.113.1", answers=answers)
    assert info.value.problems[q1.pk] == "请选择一项。"
    assert "网页代码" in info.value.problems[survey.questions.last().pk]
    assert not SurveyResponse.objects.exists()


def test_surveys_take_answers_only_while_open(agency, office):
    today = timezone.localdate()
    upcoming = make_survey(agency, opens_on=today + timedelta(days=1), closes_on=today + timedelta(days=5))
    with pytest.raises(ApplicationError) as info:
        services.survey_answer(
            survey=upcoming, voter="v1", address="203.0.113.1", answers=answers_for(upcoming)
        )
    assert info.value.code == "not_open"
    survey = make_survey(agency)
    services.survey_close(actor=office, survey=survey)
    with pytest.raises(ApplicationError):
        services.survey_answer(survey=survey, voter="v1", address="203.0.113.1", answers=answers_for(survey))
    with pytest.raises(ApplicationError) as info:
        services.survey_close(actor=office, survey=survey)
    assert info.value.code == "bad_transition"


def test_survey_definition_errors_reach_the_form_field(agency):
    with pytest.raises(ApplicationError) as info:
        services.survey_create(
            actor=agency.publisher,
            org=agency.org,
            data=services.SurveyData(
                title="t",
                definition="单选：只有一个\n是",
                opens_on=timezone.localdate(),
                closes_on=timezone.localdate(),
            ),
        )
    assert (info.value.code, info.value.field) == ("bad_definition", "definition")
    with pytest.raises(ApplicationError) as info:
        services.survey_create(
            actor=agency.publisher,
            org=agency.org,
            data=services.SurveyData(
                title="t",
                definition="文字：说说",
                opens_on=timezone.localdate(),
                closes_on=timezone.localdate() - timedelta(days=1),
            ),
        )
    assert info.value.code == "bad_period"


def test_attention_lists_look_back_90_days_for_targets_and_forever_for_promises(agency):
    old = make_case(agency, level=rules.GENERAL, hours_ago=24 * 120, title="四个月前的舆情")
    owing = make_case(agency, level=rules.GENERAL, hours_ago=24 * 200, title="承诺未兑现的旧舆情")
    services.promise_add(
        actor=agency.publisher, case=owing, text="公布结果", due_on=timezone.localdate() - timedelta(days=100)
    )
    recent = make_case(agency, level=rules.GENERAL, hours_ago=24 * 10, title="近期未回应")
    missed, overdue = selectors.cases_needing_attention(agency.publisher)
    assert [r.case for r in missed] == [recent]
    assert [row.case for row, _p in overdue] == [owing]
    # The public ledger still shows the old case as unanswered.
    assert [c.state for c in selectors.case_row(old).checks] == [rules.OVERDUE]
