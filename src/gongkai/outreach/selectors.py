"""Reads of the outreach app, already filtered by what the asking user may see.

`get_for_staff(model, user, pk)` is the one road to a case, interview or survey in the back office: publishers and
org admins of its agency and platform admins; anyone else gets a 404. Public reads never select contact fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import is_platform_admin, orgs_with_role
from gongkai.outreach import conf, rules
from gongkai.outreach.models import (
    CasePromise,
    CaseResponse,
    Interview,
    InterviewQuestion,
    OpinionCase,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
)
from gongkai.outreach.services import STAFF_ROLES

M = TypeVar("M", OpinionCase, Interview, Survey)

# ---------------------------------------------------------------- staff: the one road


def outreach_orgs_for_staff(user: Any) -> QuerySet[Organization]:
    if is_platform_admin(user):
        return Organization.objects.all()
    return orgs_with_role(user, *STAFF_ROLES)


def get_for_staff(model: type[M], user: Any, pk: int) -> M:
    """The one permission-checking road (Http404 for another agency's case, interview or survey)."""
    obj = model.objects.select_related("org").filter(pk=pk).first()  # type: ignore[attr-defined]
    if obj is None or not outreach_orgs_for_staff(user).filter(pk=obj.org_id).exists():
        raise Http404
    return obj  # type: ignore[no-any-return]


def for_staff(model: type[M], user: Any) -> QuerySet[M]:
    return model.objects.filter(org__in=outreach_orgs_for_staff(user)).select_related("org")  # type: ignore[attr-defined,no-any-return]


# ---------------------------------------------------------------- 舆情回应台账 (R-INT-4)


@dataclass
class PromiseRow:
    promise: CasePromise
    state: str

    @property
    def state_label(self) -> str:
        return rules.PROMISE_STATE_LABELS[self.state]


@dataclass
class CaseRow:
    case: OpinionCase
    checks: list[rules.TargetCheck]
    responses: list[tuple[CaseResponse, bool]]  # (response, met a target late)
    promises: list[PromiseRow] = field(default_factory=list)

    @property
    def missed(self) -> list[rules.TargetCheck]:
        return [c for c in self.checks if c.missed]

    @property
    def timeliness(self) -> str:
        """One word for lists: 未按时 (a target missed), 按时 (all met) or 进行中."""
        if self.missed:
            return "未按时"
        return "按时" if all(c.state == rules.MET for c in self.checks) else "进行中"

    @property
    def overdue_promises(self) -> list[PromiseRow]:
        return [p for p in self.promises if p.state == "overdue"]


def _build_row(
    case: OpinionCase,
    responses: list[CaseResponse],
    promises: list[CasePromise],
    *,
    now: datetime,
    today: date,
    targets: rules.Targets,
) -> CaseRow:
    checks = rules.case_targets(
        level=case.level,
        first_seen_at=case.first_seen_at,
        responses=[r.as_rule() for r in responses],
        now=now,
        targets=targets,
    )
    late = rules.late_responses(checks)
    return CaseRow(
        case=case,
        checks=checks,
        responses=[(r, r.pk in late) for r in responses],
        promises=[PromiseRow(p, p.state(today)) for p in promises],
    )


_CHUNK = 2000


def case_rows(
    qs: QuerySet[OpinionCase], *, now: datetime | None = None, today: date | None = None
) -> list[CaseRow]:
    """Each case with R-INT-4's targets evaluated against its responses (late responses flagged) and the state of
    each promise. Three queries per 2,000 cases (responses and promises grouped here: Django's
    prefetch machinery costs more than the evaluation at a few thousand cases, see docs/performance.md)."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    cases = list(qs.select_related("org"))
    ids = [c.pk for c in cases]
    responses: dict[int, list[CaseResponse]] = {}
    promises: dict[int, list[CasePromise]] = {}
    for start in range(0, len(ids), _CHUNK):  # bounded IN lists (SQLite's parameter limit)
        chunk = ids[start : start + _CHUNK]
        for r in CaseResponse.objects.filter(case_id__in=chunk).order_by("at", "id"):
            responses.setdefault(r.case_id, []).append(r)
        for p in CasePromise.objects.filter(case_id__in=chunk).order_by("due_on", "id"):
            promises.setdefault(p.case_id, []).append(p)
    targets = conf.targets()
    return [
        _build_row(c, responses.get(c.pk, []), promises.get(c.pk, []), now=now, today=today, targets=targets)
        for c in cases
    ]


def case_row(case: OpinionCase, *, now: datetime | None = None, today: date | None = None) -> CaseRow:
    return case_rows(OpinionCase.objects.filter(pk=case.pk), now=now, today=today)[0]


def cases_for_staff(user: Any, *, org: Organization | None = None) -> QuerySet[OpinionCase]:
    qs = for_staff(OpinionCase, user)
    return qs.filter(org=org) if org is not None else qs


def recent_or_owing(qs: QuerySet[OpinionCase], *, since: datetime, today: date) -> QuerySet[OpinionCase]:
    """Cases first seen since `since`, and older cases that still owe an overdue promise."""
    return qs.filter(
        Q(first_seen_at__gte=since) | Q(promises__outcome=rules.PENDING, promises__due_on__lt=today)
    ).distinct()


def cases_needing_attention(
    user: Any, *, now: datetime | None = None, today: date | None = None
) -> tuple[list[CaseRow], list[tuple[CaseRow, PromiseRow]]]:
    """The staff lists: cases first seen within GONGKAI_OPINION_ATTENTION_DAYS (default 90) that missed an R-INT-4
    target (late or still overdue), and every overdue promise whatever the case's age. The full ledger keeps every
    late response flagged."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    since = now - timedelta(days=conf.attention_days())
    rows = case_rows(recent_or_owing(cases_for_staff(user), since=since, today=today), now=now, today=today)
    return (
        [r for r in rows if r.missed and r.case.first_seen_at >= since],
        [(r, p) for r in rows for p in r.overdue_promises],
    )


def staff_case(user: Any, pk: int) -> CaseRow:
    return case_row(get_for_staff(OpinionCase, user, pk))


def public_cases() -> QuerySet[OpinionCase]:
    return OpinionCase.objects.filter(public=True)


def get_public_case(pk: int) -> CaseRow:
    rows = case_rows(public_cases().filter(pk=pk))
    if not rows:
        raise Http404
    return rows[0]


# ---------------------------------------------------------------- 在线访谈


_PUBLIC_QUESTION_FIELDS = ("id", "interview_id", "body", "answer", "answered_at", "submitted_at", "status")


def public_interviews() -> QuerySet[Interview]:
    return Interview.objects.exclude(status=rules.CANCELLED).select_related("org")


def get_public_interview(pk: int) -> Interview:
    interview = public_interviews().filter(pk=pk).first()
    if interview is None:
        raise Http404
    return interview


def public_questions(interview: Interview) -> QuerySet[InterviewQuestion]:
    """Published questions with their answers; contact fields are not even loaded."""
    return InterviewQuestion.objects.filter(interview=interview, status=rules.Q_PUBLISHED).only(
        *_PUBLIC_QUESTION_FIELDS
    )


def staff_questions(interview: Interview) -> QuerySet[InterviewQuestion]:
    return InterviewQuestion.objects.filter(interview=interview).order_by("status", "submitted_at", "id")


# ---------------------------------------------------------------- 网上调查


def public_surveys(today: date | None = None) -> QuerySet[Survey]:
    return Survey.objects.filter(opens_on__lte=today or timezone.localdate()).select_related("org")


def get_public_survey(pk: int) -> Survey:
    survey = public_surveys().filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    return list(survey.questions.prefetch_related("options"))


@dataclass
class OptionResult:
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: SurveyQuestion
    respondents: int  # people who answered this question
    options: list[OptionResult]
    chart_id: str
    chart: dict[str, Any]
    texts: list[str]

    @property
    def chart_height(self) -> int:
        return 40 + 40 * len(self.options)


def _bar_option(labels: list[str], counts: list[int]) -> dict[str, Any]:
    """An ECharts option (rendered by portal/static/gongkai/charts.js): horizontal bars, top option first."""
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 40, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": labels[::-1]},
        "series": [
            {
                "type": "bar",
                "name": "人数",
                "data": counts[::-1],
                "label": {"show": True, "position": "right"},
                "itemStyle": {"color": "#1f5fa8"},
            }
        ],
    }


STAFF_TEXTS_SHOWN = 200  # text answers per question on the staff page; the Excel export has them all


def survey_results(
    survey: Survey, *, with_texts: bool = False, text_limit: int | None = None
) -> tuple[int, list[QuestionResult]]:
    """(number of answer sheets, results per question): counts and percentages per option (of the people who
    answered the question), the ECharts option, and — for staff only — the text answers (the first `text_limit` per
    question, in the order given, when set: numbered per question in the database). At most six queries, two of
    them grouped scans of the (question, option) and (question, response) indexes."""
    total = survey.responses.count()
    questions = survey_questions(survey)
    ids = [q.pk for q in questions]
    option_counts: dict[int, int] = {}
    respondents: dict[int, int] = {}
    # One row per (question, option) — option None for text answers; a single-choice or text question has one row
    # per answer sheet, so its respondents are the sum. Multiple choice counts distinct sheets.
    for qid, oid, n in (
        SurveyAnswer.objects.filter(question_id__in=ids)
        .values_list("question_id", "option_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if oid is not None:
            option_counts[oid] = n
        respondents[qid] = respondents.get(qid, 0) + n
    multiple = [q.pk for q in questions if q.kind == rules.MULTIPLE]
    if multiple:
        respondents.update(
            SurveyAnswer.objects.filter(question_id__in=multiple)
            .values_list("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .values_list("question_id", "n")
            .order_by()
        )
    texts: dict[int, list[str]] = {}
    if with_texts:
        rows = SurveyAnswer.objects.filter(question_id__in=ids, option__isnull=True)
        if text_limit is not None:
            rows = rows.annotate(
                n=Window(RowNumber(), partition_by=[F("question_id")], order_by=F("id").asc())
            ).filter(n__lte=text_limit)
        for qid, text in rows.order_by("id").values_list("question_id", "text"):
            texts.setdefault(qid, []).append(text)
    results = []
    for q in questions:
        answered = respondents.get(q.pk, 0)
        options = [
            OptionResult(
                o.label,
                option_counts.get(o.pk, 0),
                round(100 * option_counts.get(o.pk, 0) / answered, 1) if answered else 0.0,
            )
            for o in q.options.all()
        ]
        chart_id = f"q{q.position}-chart"
        chart = (
            _bar_option([o.label for o in options], [o.count for o in options])
            if q.kind != rules.TEXT
            else {}
        )
        results.append(QuestionResult(q, answered, options, chart_id, chart, texts.get(q.pk, [])))
    return total, results
