"""The pure rules: R-INT-4 targets, promise states, the survey definition format and answer checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from gongkai.outreach import rules
from gongkai.outreach.rules import Response, Targets

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)


def checks(level, responses, now=None, targets=Targets()):
    return {
        c.key: c
        for c in rules.case_targets(
            level=level, first_seen_at=T0, responses=responses, now=now or T0 + 100 * H, targets=targets
        )
    }


def test_r_int_4_major_case_needs_information_in_5_hours_and_a_press_conference_in_24():
    got = checks(
        rules.MAJOR,
        [Response(rules.STATEMENT, T0 + 5 * H), Response(rules.PRESS_CONFERENCE, T0 + 24 * H)],
    )
    assert set(got) == {rules.AUTHORITATIVE, rules.PRESS}
    # Exactly at the due time is on time.
    assert got[rules.AUTHORITATIVE].state == rules.MET
    assert got[rules.PRESS].state == rules.MET
    assert got[rules.AUTHORITATIVE].due_at == T0 + 5 * H
    assert got[rules.AUTHORITATIVE].label == "5小时内发布权威信息"


def test_r_int_4_a_minute_late_is_late_and_flagged():
    late_statement = Response(rules.STATEMENT, T0 + 5 * H + timedelta(minutes=1), id=1)
    got = checks(
        rules.ESPECIALLY_MAJOR, [late_statement, Response(rules.PRESS_CONFERENCE, T0 + 30 * H, id=2)]
    )
    assert got[rules.AUTHORITATIVE].state == rules.LATE
    assert got[rules.PRESS].state == rules.LATE
    assert rules.late_responses(got.values()) == {1, 2}


def test_r_int_4_the_late_response_is_told_apart_from_another_at_the_same_minute():
    """The flag follows the response that met the target, not its time: an interview recorded at the same minute
    as the late statement is not flagged."""
    at = T0 + 6 * H
    got = checks(rules.MAJOR, [Response(rules.INTERVIEW, at, id=7), Response(rules.STATEMENT, at, id=8)])
    assert got[rules.AUTHORITATIVE].met_by == 8
    assert rules.late_responses(got.values()) == {8}


@pytest.mark.parametrize("kind", [rules.STATEMENT, rules.PRESS_CONFERENCE, rules.ONLINE_REPLY])
def test_r_int_4_authoritative_information_is_released_by_the_authority(kind):
    """R-INT-4 (国办发〔2016〕80号): 5 hours to 发布权威信息 — a 通报/声明, a press conference or an official online reply."""
    got = checks(rules.MAJOR, [Response(kind, T0 + 2 * H)], now=T0 + 25 * H)
    assert got[rules.AUTHORITATIVE].state == rules.MET


@pytest.mark.parametrize("kind", [rules.INTERVIEW, rules.OTHER])
def test_r_int_4_an_interview_or_other_response_is_not_authoritative_information(kind):
    """A media interview or another response does not release authoritative information (R-INT-4, 5 h) nor hold a
    press conference (24 h); for an ordinary concern it is an answer (48 h, 国办发〔2016〕61号)."""
    got = checks(rules.MAJOR, [Response(kind, T0 + 2 * H)], now=T0 + 25 * H)
    assert got[rules.AUTHORITATIVE].state == rules.OVERDUE and got[rules.AUTHORITATIVE].met_at is None
    assert got[rules.PRESS].state == rules.OVERDUE
    assert got[rules.PRESS].missed
    # A statement after the interview is what meets (late) the 5-hour target.
    got = checks(rules.MAJOR, [Response(kind, T0 + 2 * H), Response(rules.STATEMENT, T0 + 6 * H)])
    assert got[rules.AUTHORITATIVE].state == rules.LATE and got[rules.AUTHORITATIVE].met_at == T0 + 6 * H
    assert checks(rules.GENERAL, [Response(kind, T0 + 2 * H)])[rules.ANSWER].state == rules.MET


def test_r_int_4_general_concern_answered_within_48_hours():
    assert checks(rules.GENERAL, [Response(rules.ONLINE_REPLY, T0 + 48 * H)])[rules.ANSWER].state == rules.MET
    assert (
        checks(rules.GENERAL, [Response(rules.ONLINE_REPLY, T0 + 49 * H)])[rules.ANSWER].state == rules.LATE
    )
    assert checks(rules.GENERAL, [], now=T0 + 47 * H)[rules.ANSWER].state == rules.RUNNING
    assert (
        checks(rules.GENERAL, [], now=T0 + 48 * H + timedelta(seconds=1))[rules.ANSWER].state == rules.OVERDUE
    )


def test_targets_are_configurable():
    tight = Targets(authoritative_hours=2, press_conference_hours=12, answer_hours=24)
    got = checks(rules.MAJOR, [Response(rules.PRESS_CONFERENCE, T0 + 3 * H)], targets=tight)
    assert got[rules.AUTHORITATIVE].state == rules.LATE
    assert got[rules.PRESS].state == rules.MET
    assert got[rules.AUTHORITATIVE].label == "2小时内发布权威信息"


def test_unknown_level_is_refused():
    with pytest.raises(ValueError):
        checks("huge", [])


@pytest.mark.parametrize(
    ("outcome", "settled", "today", "state"),
    [
        (rules.KEPT, date(2026, 6, 1), date(2026, 7, 1), "kept"),
        (rules.KEPT, date(2026, 6, 2), date(2026, 7, 1), "kept_late"),
        (rules.NOT_KEPT, date(2026, 5, 20), date(2026, 7, 1), "not_kept"),
        (rules.PENDING, None, date(2026, 6, 1), "pending"),
        (rules.PENDING, None, date(2026, 6, 2), "overdue"),
    ],
)
def test_promise_state(outcome, settled, today, state):
    assert (
        rules.promise_state(outcome=outcome, due_on=date(2026, 6, 1), settled_on=settled, today=today)
        == state
    )


def test_questions_only_before_the_interview_begins():
    at = T0 + 24 * H
    assert rules.interview_accepts_questions(rules.SCHEDULED, at, T0)
    assert not rules.interview_accepts_questions(rules.SCHEDULED, at, at)
    assert not rules.interview_accepts_questions(rules.LIVE, at, T0)


DEFINITION = """单选：您对本市公交准点情况是否满意？
满意
基本满意
不满意

多选: 您最常使用哪些出行方式？
公交
地铁
自行车

文字：您还有什么建议？
"""


def test_parse_definition():
    specs = rules.parse_definition(DEFINITION)
    assert [(s.kind, s.text, len(s.options)) for s in specs] == [
        (rules.SINGLE, "您对本市公交准点情况是否满意？", 3),
        (rules.MULTIPLE, "您最常使用哪些出行方式？", 3),
        (rules.TEXT, "您还有什么建议？", 0),
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请至少设置一道题"),
        ("随便写点什么", "第 1 行：每道题应以"),
        ("单选：只有一个选项吗\n是", "应有 2 至 20 个选项"),
        ("单选：重复\n是\n是", "重复的选项"),
        ("文字：说说看\n不该有选项", "不能列出选项"),
        ("多选：", "后写出题目"),
        ("单选：" + "长" * 201 + "\n是\n否", "不能超过 200 个字"),
    ],
)
def test_parse_definition_refuses_with_a_line_number(text, fragment):
    with pytest.raises(rules.DefinitionError) as info:
        rules.parse_definition(text)
    assert fragment in info.value.message


def test_answer_problems():
    qs = [
        rules.AskedQuestion(1, rules.SINGLE, frozenset({11, 12})),
        rules.AskedQuestion(2, rules.MULTIPLE, frozenset({21, 22, 23})),
        rules.AskedQuestion(3, rules.TEXT, frozenset()),
    ]
    problems, clean = rules.answer_problems(qs, {1: ["11"], 2: ["21", "23"], 3: [" 多开夜班车 "]})
    assert problems == {}
    assert clean == {1: [11], 2: [21, 23], 3: "多开夜班车"}
    problems, _ = rules.answer_problems(qs, {1: ["11", "12"], 2: [], 3: ["长" * 1001]})
    assert problems == {
        1: "此题只能选择一项。",
        2: "请至少选择一项。",
        3: "回答不能超过 1000 个字（现有 1001 个）。",
    }
    problems, _ = rules.answer_problems(qs, {1: ["21"], 2: ["x"]})
    assert problems[1] == problems[2] == "选项无效，请重新选择。"
    _, clean = rules.answer_problems(qs, {1: ["12"], 2: ["22"]})
    assert 3 not in clean  # an empty text answer is simply not stored


def test_survey_phase_and_results_visibility():
    kw = {"opens_on": date(2026, 5, 1), "closes_on": date(2026, 5, 31), "closed_early": False}
    assert rules.survey_phase(**kw, today=date(2026, 4, 30)) == "upcoming"
    assert rules.survey_phase(**kw, today=date(2026, 5, 31)) == "open"
    assert rules.survey_phase(**kw, today=date(2026, 6, 1)) == "closed"
    assert rules.survey_phase(**kw | {"closed_early": True}, today=date(2026, 5, 2)) == "closed"
    assert not rules.results_visible(phase="open", results_live=False)
    assert rules.results_visible(phase="open", results_live=True)
    assert rules.results_visible(phase="closed", results_live=False)
    assert not rules.results_visible(phase="upcoming", results_live=True)


def test_the_state_machines_cover_their_states():
    assert rules.PROMISES.states() == set(rules.PROMISE_OUTCOMES)
    assert rules.INTERVIEWS.states() == set(rules.INTERVIEW_STATUS)
    assert rules.QUESTIONS.states() == set(rules.QUESTION_STATUS)
    assert rules.PROMISES.transition_for("fail", rules.KEPT) is None  # settled stays settled
    assert [t.action for t in rules.INTERVIEWS.available(rules.SCHEDULED, rules.STAFF)] == ["start", "cancel"]
    assert rules.INTERVIEWS.available(rules.FINISHED, rules.STAFF) == []
    assert rules.INTERVIEWS.available(rules.SCHEDULED, {"drafter"}) == []
