"""Demo data of the outreach app for the demo city (called by `gongkai.portal.demo_apps.load_demo_apps`): two
舆情 cases (one answered in time with a promise kept, one answered late with a promise overdue), an interview held
today with answered questions and one announced, a closed survey with results and an open one with live results.

Every write goes through the services as the demo's own publishers; times are relative to now and never after it.
A scenario the rules refuse is left out whole (its own savepoint)."""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organization, User
from gongkai.outreach import rules, services
from gongkai.outreach.models import CasePromise, Interview, Survey
from gongkai.publishing.demo import ORG_BY_KEY

log = logging.getLogger(__name__)


def _org(key: str) -> Organization:
    return Organization.objects.get(code=ORG_BY_KEY[key].code)


def _publisher(key: str) -> User:
    return User.objects.get(username=f"{key}_publisher")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _cases(today: date, counts: Counter[str]) -> None:
    now = timezone.now()
    szf, pub = _org("szf"), _publisher("szf")
    seen = _at(today - timedelta(days=20), 6, 30)
    case = services.case_open(
        actor=pub,
        org=szf,
        data=services.CaseData(
            title="城区强降雨致部分道路积水",
            summary="凌晨强降雨导致城区多处下穿通道和低洼路段积水，网民集中关注排涝进展和出行安全。",
            source="网络媒体报道、微博话题",
            first_seen_at=seen,
            level=rules.MAJOR,
        ),
    )
    services.case_respond(
        actor=pub,
        case=case,
        kind=rules.STATEMENT,
        at=seen + timedelta(hours=3),
        summary="市防汛办发布情况通报，公布积水路段、交通管制和绕行路线。",
    )
    services.case_respond(
        actor=pub,
        case=case,
        kind=rules.PRESS_CONFERENCE,
        at=seen + timedelta(hours=20),
        summary="市政府新闻办召开新闻发布会，通报排涝处置和受损设施修复安排。",
    )
    kept = services.promise_add(
        actor=pub, case=case, text="7日内公布全市排涝设施排查结果。", due_on=(seen + timedelta(days=7)).date()
    )
    # Historical demo data: the promise was recorded on the day of the press conference (a settlement may not
    # precede the recording, services.promise_settle).
    CasePromise.objects.filter(pk=kept.pk).update(created_at=seen + timedelta(hours=20))
    kept.refresh_from_db()
    services.promise_settle(
        actor=pub,
        promise=kept,
        action="keep",
        on=(seen + timedelta(days=6)).date(),
        note="排查结果已在市政府门户网站“重点领域信息公开”栏目公布。",
    )
    services.promise_add(
        actor=pub, case=case, text="明年汛期前完成老旧小区排水管网改造。", due_on=today + timedelta(days=180)
    )
    counts["opinion_cases"] += 1

    jyj, jpub = _org("jyj"), _publisher("jyj")
    seen = _at(today - timedelta(days=12), 21, 10)
    case = services.case_open(
        actor=jpub,
        org=jyj,
        data=services.CaseData(
            title="网传某中学食堂使用过期食材",
            summary="有家长在社交平台发帖称某中学食堂使用过期食材，引发关注。",
            source="家长群、短视频平台",
            first_seen_at=seen,
            level=rules.GENERAL,
        ),
    )
    services.case_respond(
        actor=jpub,
        case=case,
        kind=rules.ONLINE_REPLY,
        at=min(seen + timedelta(hours=52), now),
        summary="市教育局会同市场监管部门到校核查，通报初步核查情况。",
    )
    owed = services.promise_add(
        actor=jpub, case=case, text="5日内公布食材抽检结果。", due_on=(seen + timedelta(days=5)).date()
    )
    # Recorded with the online reply that made it (historical demo data, see above).
    CasePromise.objects.filter(pk=owed.pk).update(created_at=min(seen + timedelta(hours=52), now))
    counts["opinion_cases"] += 1


def _interviews(today: date, counts: Counter[str]) -> None:
    jyj, pub = _org("jyj"), _publisher("jyj")
    held = services.interview_schedule(
        actor=pub,
        org=jyj,
        data=services.InterviewData(
            title="义务教育阶段招生入学政策解读",
            guests="示范市教育局副局长\n示范市教育局基础教育处处长",
            scheduled_at=timezone.now() + timedelta(minutes=1),
            description="就今年义务教育阶段招生划片、材料审核和随迁子女入学回答网友提问。",
        ),
    )
    asked = (
        ("今年的划片范围什么时候公布？", "划片范围将在5月中旬通过市教育局网站和各区教育部门同时公布。"),
        (
            "随迁子女入学需要准备哪些材料？",
            "需提供居住证、监护人就业或社保证明等材料，具体清单见招生工作实施意见附件。",
        ),
    )
    questions = [
        services.question_submit(interview=held, body=body, name="网友", address=f"192.0.2.{60 + n}")
        for n, (body, _answer) in enumerate(asked)
    ]
    off_topic = services.question_submit(
        interview=held, body="小区门口的路灯坏了谁来修？", address="192.0.2.70"
    )
    services.question_moderate(actor=pub, question=off_topic, action="withhold", reason="off_topic")
    services.interview_transition(actor=pub, interview=held, action="start")
    for question, (_body, answer) in zip(questions, asked, strict=True):
        services.question_moderate(actor=pub, question=question, action="publish")
        services.question_answer(actor=pub, question=question, answer=answer)
    services.interview_transcript(
        actor=pub,
        interview=held,
        transcript="主持人：各位网友大家好，欢迎收看本期在线访谈。\n"
        "副局长：今年招生工作总体保持稳定，重点做好划片公开和材料审核便民。\n"
        "主持人：感谢嘉宾的解读，本期访谈到此结束。",
    )
    services.interview_transition(actor=pub, interview=held, action="finish")
    upcoming = services.interview_schedule(
        actor=pub,
        org=jyj,
        data=services.InterviewData(
            title="中小学课后服务工作情况",
            guests="示范市教育局副局长",
            scheduled_at=_at(today + timedelta(days=5), 15),  # today: the real date (see load_outreach_demo)
            description="欢迎网友就课后服务时间、内容和收费提出问题。",
        ),
    )
    services.question_submit(interview=upcoming, body="课后服务最晚到几点结束？", address="192.0.2.71")
    counts["interviews"] += 2


def _surveys(today: date, counts: Counter[str], rng: random.Random) -> None:
    jyj, pub = _org("jyj"), _publisher("jyj")
    closed = services.survey_create(
        actor=pub,
        org=jyj,
        data=services.SurveyData(
            title="中小学课后服务满意度调查",
            description="为改进课后服务，请家长根据实际情况填写。",
            opens_on=today - timedelta(days=20),
            closes_on=today + timedelta(days=10),
            definition="单选：您对孩子所在学校的课后服务是否满意？\n满意\n基本满意\n不满意\n\n"
            "多选：您希望增加哪些课后服务内容？\n体育活动\n艺术活动\n科技活动\n作业辅导\n\n"
            "文字：您对课后服务还有什么建议？",
        ),
    )
    _answer_many(closed, 36, rng, weights=(5, 3, 1))
    services.survey_close(actor=pub, survey=closed)
    live = services.survey_create(
        actor=pub,
        org=jyj,
        data=services.SurveyData(
            title="上下学出行方式调查",
            opens_on=today - timedelta(days=3),
            closes_on=today + timedelta(days=20),
            results_live=True,
            definition="单选：孩子上下学主要的出行方式是？\n步行\n公交\n家长接送\n校车\n\n"
            "多选：您认为校门口交通最需要改进的是？\n接送停车\n过街设施\n交通疏导",
        ),
    )
    _answer_many(live, 12, rng, weights=(3, 2, 4, 1))
    counts["surveys"] += 2


def _answer_many(survey: Survey, n: int, rng: random.Random, *, weights: tuple[int, ...]) -> None:
    questions = list(survey.questions.prefetch_related("options"))
    for i in range(n):
        answers: dict[int, list[str]] = {}
        for q in questions:
            options = list(q.options.all())
            if q.kind == rules.SINGLE:
                answers[q.pk] = [str(rng.choices(options, weights=weights[: len(options)])[0].pk)]
            elif q.kind == rules.MULTIPLE:
                answers[q.pk] = [str(o.pk) for o in rng.sample(options, rng.randint(1, len(options)))]
            elif i % 6 == 0:
                answers[q.pk] = [
                    rng.choice(("希望延长服务时间。", "建议增加体育锻炼。", "服务很好，老师辛苦了。"))
                ]
        services.survey_answer(
            survey=survey,
            voter=f"demo-{survey.pk}-{i}",
            address=f"198.18.{survey.pk % 250}.{i + 1}",
            answers=answers,
        )


def load_outreach_demo(*, today: date | None = None, seed: int = 20261124) -> dict[str, int]:
    """Write the outreach demo data; returns the number written per kind (nothing when some already exists)."""
    today = min(today or timezone.localdate(), timezone.localdate())
    counts: Counter[str] = Counter({"opinion_cases": 0, "interviews": 0, "surveys": 0})
    if Interview.objects.exists() or Survey.objects.exists():
        return dict(counts)
    rng = random.Random(seed)
    scenarios: list[tuple[str, Callable[[], Any]]] = [
        ("opinion cases", lambda: _cases(today, counts)),
        # Questions and answers are taken only while an interview or survey is open at the real time: these two
        # are dated from the real date even when the demo's `today` is earlier.
        ("interviews", lambda: _interviews(timezone.localdate(), counts)),
        ("surveys", lambda: _surveys(timezone.localdate(), counts, rng)),
    ]
    for label, run in scenarios:
        try:
            with transaction.atomic():
                run()
        except (ApplicationError, Organization.DoesNotExist, User.DoesNotExist) as exc:
            log.warning("outreach demo scenario left out: %s: %s", label, exc)
    return dict(counts)
