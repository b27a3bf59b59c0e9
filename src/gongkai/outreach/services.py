"""Every write of the outreach app. Keyword-only, one transaction, one audit entry; the rules are `rules.py`'s.

Staff writes need the publisher or org-admin role in the agency (or the platform admin, 政务公开办). Public writes
(interview questions, survey answers) are throttled per client address; contact data never goes into the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.ratelimit import over_limit
from gongkai.core.textsafety import control_character_problem
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, user_roles
from gongkai.outreach import conf, rules
from gongkai.outreach.models import (
    CasePromise,
    CaseResponse,
    Interview,
    InterviewQuestion,
    OpinionCase,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
)
from gongkai.participation.services import text_problems

STAFF_ROLES = (Role.PUBLISHER, Role.ORG_ADMIN)
DUPLICATE_WINDOW_SECONDS = 60


def may_manage(actor: Any, org: Organization) -> bool:
    return is_platform_admin(actor) or bool(user_roles(actor, org) & {r.value for r in STAFF_ROLES})


def _require(actor: Any, org: Organization) -> None:
    if not may_manage(actor, org):
        raise PermissionDenied()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _required(**fields: tuple[str, str]) -> None:
    """fields: name=(value, Chinese label); the first empty one is refused."""
    for name, (value, label) in fields.items():
        if not (value or "").strip():
            raise ApplicationError("missing_field", f"请填写{label}。", field=name)


def _not_future(at: datetime, field: str, label: str) -> None:
    if at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError("bad_date", f"{label}不能晚于现在。", field=field)


def _throttle(kind: str, address: str) -> None:
    limit, window = conf.submit_limit()
    if over_limit(f"outreach-{kind}:{address}", limit=limit, window_seconds=window):
        raise ApplicationError("too_many", "提交过于频繁，请稍后再试。您填写的内容已保留。")


# ---------------------------------------------------------------- 舆情回应台账 (R-INT-4)


@dataclass(frozen=True)
class CaseData:
    title: str
    summary: str
    source: str
    first_seen_at: datetime
    level: str
    public: bool = True


@transaction.atomic
def case_open(*, actor: Any, org: Organization, data: CaseData) -> OpinionCase:
    _require(actor, org)
    _required(
        title=(data.title, "舆情事项"), summary=(data.summary, "事项概述"), source=(data.source, "舆情来源")
    )
    if data.level not in rules.LEVEL_LABELS:
        raise ApplicationError("bad_level", "请选择级别（特别重大、重大或一般）。", field="level")
    _not_future(data.first_seen_at, "first_seen_at", "首次发现时间")
    case = OpinionCase.objects.create(
        org=org,
        title=data.title.strip()[:200],
        summary=data.summary.strip(),
        source=data.source.strip()[:200],
        first_seen_at=data.first_seen_at,
        level=data.level,
        public=data.public,
        created_by=_user(actor),
    )
    audit_log(
        actor=actor,
        action="opinion.open",
        obj=case,
        org_code=org.code,
        data={"level": case.level, "first_seen_at": case.first_seen_at.isoformat()},
    )
    return case


@transaction.atomic
def case_set_public(*, actor: Any, case: OpinionCase, public: bool) -> OpinionCase:
    _require(actor, case.org)
    case.public = public
    case.save(update_fields=["public"])
    audit_log(
        actor=actor, action="opinion.set_public", obj=case, org_code=case.org.code, data={"public": public}
    )
    return case


@transaction.atomic
def case_respond(
    *, actor: Any, case: OpinionCase, kind: str, at: datetime, summary: str, url: str = ""
) -> CaseResponse:
    """Record a response. Whether it met R-INT-4's targets is computed (selectors.case_checks), never typed in."""
    _require(actor, case.org)
    if kind not in rules.RESPONSE_KINDS:
        raise ApplicationError("bad_kind", "请选择回应方式。", field="kind")
    _required(summary=(summary, "回应内容"))
    _not_future(at, "at", "回应时间")
    if at < case.first_seen_at:
        raise ApplicationError("bad_date", "回应时间不能早于舆情首次发现时间。", field="at")
    response = CaseResponse.objects.create(
        case=case, kind=kind, at=at, summary=summary.strip(), url=url.strip(), created_by=_user(actor)
    )
    hours = (at - case.first_seen_at).total_seconds() / 3600
    audit_log(
        actor=actor,
        action="opinion.respond",
        obj=case,
        org_code=case.org.code,
        data={"kind": kind, "at": at.isoformat(), "hours_after_first_seen": round(hours, 2)},
    )
    return response


@transaction.atomic
def promise_add(*, actor: Any, case: OpinionCase, text: str, due_on: date) -> CasePromise:
    _require(actor, case.org)
    _required(text=(text, "承诺事项"))
    if due_on < timezone.localtime(case.first_seen_at).date():
        raise ApplicationError("bad_date", "承诺兑现日期不能早于舆情首次发现日期。", field="due_on")
    promise = CasePromise.objects.create(case=case, text=text.strip(), due_on=due_on)
    audit_log(
        actor=actor,
        action="opinion.promise",
        obj=case,
        org_code=case.org.code,
        data={"promise": promise.pk, "due_on": due_on.isoformat()},
    )
    return promise


@transaction.atomic
def promise_settle(*, actor: Any, promise: CasePromise, action: str, on: date, note: str) -> CasePromise:
    """keep (已兑现) or fail (未兑现) a pending promise, with the date and an explanation (published). The date lies
    between the day the promise was recorded (the local date of its created_at) and today: the ledger cannot vouch
    for a settlement before it knew of the promise, so a promise recorded after its due date shows 逾期兑现 at best."""
    promise = CasePromise.objects.select_for_update().select_related("case__org").get(pk=promise.pk)
    _require(actor, promise.case.org)
    if rules.PROMISES.get(action) is None:
        raise ApplicationError("bad_action", "请选择已兑现或未兑现。", field="action")
    transition = rules.PROMISES.transition_for(action, promise.outcome)
    if transition is None:
        raise ApplicationError("bad_transition", "该承诺事项的兑现情况已经登记，不能更改。")
    target = transition.target
    _required(note=(note, "兑现情况说明"))
    if on > timezone.localdate():
        raise ApplicationError("bad_date", "日期不能晚于今天。", field="on")
    recorded_on = timezone.localdate(promise.created_at)
    if on < recorded_on:  # else a promise recorded late could be shown 按期兑现 by back-dating its settlement
        raise ApplicationError(
            "bad_date", f"日期不能早于该承诺事项的登记日期（{recorded_on.isoformat()}）。", field="on"
        )
    before = promise.outcome
    promise.outcome, promise.settled_on, promise.settlement = target, on, note.strip()
    promise.save(update_fields=["outcome", "settled_on", "settlement"])
    audit_log(
        actor=actor,
        action=f"opinion.promise_{action}",
        obj=promise.case,
        org_code=promise.case.org.code,
        from_state=before,
        to_state=target,
        data={"promise": promise.pk, "on": on.isoformat()},
    )
    return promise


# ---------------------------------------------------------------- 在线访谈


@dataclass(frozen=True)
class InterviewData:
    title: str
    guests: str
    scheduled_at: datetime
    description: str = ""


@transaction.atomic
def interview_schedule(*, actor: Any, org: Organization, data: InterviewData) -> Interview:
    _require(actor, org)
    _required(title=(data.title, "访谈主题"), guests=(data.guests, "访谈嘉宾"))
    interview = Interview.objects.create(
        org=org,
        title=data.title.strip()[:200],
        guests="\n".join(g.strip() for g in data.guests.splitlines() if g.strip()),
        description=data.description.strip(),
        scheduled_at=data.scheduled_at,
    )
    audit_log(
        actor=actor,
        action="interview.schedule",
        obj=interview,
        org_code=org.code,
        data={"scheduled_at": data.scheduled_at.isoformat()},
    )
    return interview


@transaction.atomic
def interview_transition(*, actor: Any, interview: Interview, action: str) -> Interview:
    """start (预告 → 直播中), finish (直播中 → 已结束), cancel (预告 → 已取消): rules.INTERVIEWS."""
    interview = Interview.objects.select_for_update().select_related("org").get(pk=interview.pk)
    _require(actor, interview.org)
    known = rules.INTERVIEWS.get(action)
    if known is None:
        raise ApplicationError("bad_action", "未知的操作。")
    transition = rules.INTERVIEWS.transition_for(action, interview.status)
    if transition is None:
        raise ApplicationError("bad_transition", f"当前状态（{interview.status_label}）下不能{known.label}。")
    target = transition.target
    before = interview.status
    interview.status = target
    if target == rules.LIVE:
        interview.started_at = timezone.now()
    if target == rules.FINISHED:
        interview.finished_at = timezone.now()
    interview.save(update_fields=["status", "started_at", "finished_at"])
    audit_log(
        actor=actor,
        action=f"interview.{action}",
        obj=interview,
        org_code=interview.org.code,
        from_state=before,
        to_state=target,
    )
    return interview


@transaction.atomic
def interview_transcript(*, actor: Any, interview: Interview, transcript: str) -> Interview:
    """The 文字实录 (plain text; shown escaped). Published with the interview once it has started."""
    interview = Interview.objects.select_for_update().select_related("org").get(pk=interview.pk)
    _require(actor, interview.org)
    if interview.status in (rules.SCHEDULED, rules.CANCELLED):
        raise ApplicationError("bad_transition", "访谈开始后才能录入文字实录。")
    interview.transcript = transcript.strip()
    interview.save(update_fields=["transcript"])
    audit_log(
        actor=actor,
        action="interview.transcript",
        obj=interview,
        org_code=interview.org.code,
        data={"chars": len(interview.transcript)},
    )
    return interview


def _hash_text(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@transaction.atomic
def question_submit(
    *, interview: Interview, body: str, name: str = "", phone: str = "", email: str = "", address: str
) -> InterviewQuestion:
    """A citizen's question sent in before the interview (moderated before it is shown)."""
    interview = Interview.objects.select_related("org").get(pk=interview.pk)
    if not rules.interview_accepts_questions(interview.status, interview.scheduled_at, timezone.now()):
        raise ApplicationError("not_open", "本期访谈已不再征集网友提问。")
    limit = conf.question_max()
    if len(body) > limit:
        raise ApplicationError(
            "bad_text", f"问题不能超过 {limit} 个字（现有 {len(body)} 个），请精简后再提交。", field="body"
        )
    bad = control_character_problem(body, "问题")
    if bad:
        raise ApplicationError("bad_character", bad, field="body")
    problems = text_problems(subject="提问", body=body)
    if problems:
        raise ApplicationError(
            "bad_text", next(iter(problems.values())).replace("留言", "问题"), field="body"
        )
    _throttle("question", address)
    body_hash = _hash_text(body)
    since = timezone.now() - timedelta(seconds=DUPLICATE_WINDOW_SECONDS)
    if InterviewQuestion.objects.filter(
        interview=interview, body_hash=body_hash, submitted_at__gte=since
    ).exists():
        raise ApplicationError("duplicate", "相同内容的问题刚刚已经提交，请勿重复提交。")
    question = InterviewQuestion.objects.create(
        interview=interview,
        body=body.strip(),
        body_hash=body_hash,
        name=name.strip()[:50],
        phone=phone.strip()[:30],
        email=email.strip()[:254],
    )
    audit_log(actor=None, action="interview.question", obj=question, org_code=interview.org.code)
    return question


@transaction.atomic
def question_moderate(
    *, actor: Any, question: InterviewQuestion, action: str, reason: str = ""
) -> InterviewQuestion:
    """publish / withhold (with a reason category): never a deletion."""
    question = (
        InterviewQuestion.objects.select_for_update().select_related("interview__org").get(pk=question.pk)
    )
    _require(actor, question.interview.org)
    if rules.QUESTIONS.get(action) is None:
        raise ApplicationError("bad_action", "未知的操作。")
    transition = rules.QUESTIONS.transition_for(action, question.status)
    if transition is None:
        raise ApplicationError("bad_transition", "该问题已是此状态。")
    target = transition.target
    if target == rules.Q_WITHHELD and reason not in rules.WITHHOLD_REASONS:
        raise ApplicationError("missing_reason", "不予公开需要选择原因。", field="reason")
    before = question.status
    question.status = target
    question.withhold_reason = reason if target == rules.Q_WITHHELD else ""
    question.save(update_fields=["status", "withhold_reason"])
    audit_log(
        actor=actor,
        action=f"interview.question_{action}",
        obj=question,
        org_code=question.interview.org.code,
        from_state=before,
        to_state=target,
        data={"reason": question.withhold_reason} if question.withhold_reason else None,
    )
    return question


@transaction.atomic
def question_answer(*, actor: Any, question: InterviewQuestion, answer: str) -> InterviewQuestion:
    question = (
        InterviewQuestion.objects.select_for_update().select_related("interview__org").get(pk=question.pk)
    )
    _require(actor, question.interview.org)
    _required(answer=(answer, "答复"))
    if question.status != rules.Q_PUBLISHED:
        raise ApplicationError("bad_transition", "请先公开该问题，再录入答复。")
    question.answer = answer.strip()
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    audit_log(actor=actor, action="interview.answer", obj=question, org_code=question.interview.org.code)
    return question


# ---------------------------------------------------------------- 网上调查


@dataclass(frozen=True)
class SurveyData:
    title: str
    definition: str
    opens_on: date
    closes_on: date
    description: str = ""
    results_live: bool = False


@transaction.atomic
def survey_create(*, actor: Any, org: Organization, data: SurveyData) -> Survey:
    """A survey with its questions (rules.parse_definition). The questions cannot be changed afterwards, so that
    every answer was given to the same questions."""
    _require(actor, org)
    _required(title=(data.title, "调查标题"))
    if data.closes_on < data.opens_on:
        raise ApplicationError("bad_period", "结束日期不能早于开始日期。", field="closes_on")
    try:
        specs = rules.parse_definition(data.definition)
    except rules.DefinitionError as exc:
        raise ApplicationError("bad_definition", exc.message, field="definition") from exc
    survey = Survey.objects.create(
        org=org,
        title=data.title.strip()[:200],
        description=data.description.strip(),
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        results_live=data.results_live,
    )
    for position, spec in enumerate(specs, start=1):
        question = SurveyQuestion.objects.create(
            survey=survey, position=position, kind=spec.kind, text=spec.text
        )
        SurveyOption.objects.bulk_create(
            SurveyOption(question=question, position=n, label=label)
            for n, label in enumerate(spec.options, 1)
        )
    audit_log(
        actor=actor,
        action="survey.create",
        obj=survey,
        org_code=org.code,
        data={
            "questions": len(specs),
            "opens_on": data.opens_on.isoformat(),
            "closes_on": data.closes_on.isoformat(),
        },
    )
    return survey


@transaction.atomic
def survey_close(*, actor: Any, survey: Survey) -> Survey:
    _require(actor, survey.org)
    today = timezone.localdate()
    if survey.phase(today) == "closed":
        raise ApplicationError("bad_transition", "该调查已经结束。")
    survey.closed_early_on = today
    survey.save(update_fields=["closed_early_on"])
    audit_log(actor=actor, action="survey.close", obj=survey, org_code=survey.org.code)
    return survey


def address_hash(address: str) -> str:
    """A keyed hash of the client address: enough to count answers from one address, not to recover it."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


class AnswerRefused(ApplicationError):
    """Answers with problems per question: {question id: Chinese message}."""

    def __init__(self, problems: dict[int, str]) -> None:
        super().__init__("bad_answer", "部分题目未按要求作答，请修改后再提交。")
        self.problems = problems


@transaction.atomic
def survey_answer(
    *, survey: Survey, voter: str, address: str, answers: Mapping[int, list[str]]
) -> SurveyResponse:
    """One person's answers. One answer per person (reasonable means): the signed cookie's voter id may answer a
    survey once, and one client address at most GONGKAI_SURVEY_ANSWERS_PER_ADDRESS_PER_DAY times a day."""
    survey = Survey.objects.select_related("org").get(pk=survey.pk)
    if survey.phase(timezone.localdate()) != "open":
        raise ApplicationError("not_open", "该调查不在进行中，不能提交。")
    if not voter:
        raise ApplicationError("no_cookie", "请允许浏览器保存本网站的 Cookie 后再提交（用于防止重复提交）。")
    if SurveyResponse.objects.filter(survey=survey, voter=voter).exists():
        raise ApplicationError("already_answered", "您已经参加过本次调查，感谢您的参与。")
    questions = list(survey.questions.prefetch_related("options"))
    asked = [rules.AskedQuestion(q.pk, q.kind, frozenset(o.pk for o in q.options.all())) for q in questions]
    problems, clean = rules.answer_problems(asked, answers)
    for qid, value in clean.items():
        if isinstance(value, str):
            text_issue = text_problems(subject="回答", body=value)
            if text_issue:
                problems[qid] = next(iter(text_issue.values())).replace("留言", "回答")
    if problems:
        raise AnswerRefused(problems)
    hashed = address_hash(address)
    _throttle("survey", address)
    since = timezone.now() - timedelta(days=1)
    if (
        SurveyResponse.objects.filter(survey=survey, address_hash=hashed, submitted_at__gte=since).count()
        >= conf.survey_answers_per_address()
    ):
        raise ApplicationError("too_many", "本网络地址今天提交的答卷已达上限，请明天再试。")
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, voter=voter[:64], address_hash=hashed)
    except IntegrityError as exc:  # the same voter in a parallel request
        raise ApplicationError("already_answered", "您已经参加过本次调查，感谢您的参与。") from exc
    rows: list[SurveyAnswer] = []
    for qid, value in clean.items():
        if isinstance(value, str):
            rows.append(SurveyAnswer(response=response, question_id=qid, text=value))
        else:
            rows.extend(SurveyAnswer(response=response, question_id=qid, option_id=oid) for oid in value)
    SurveyAnswer.objects.bulk_create(rows)
    audit_log(
        actor=None, action="survey.answer", obj=response, org_code=survey.org.code, data={"survey": survey.pk}
    )
    return response
