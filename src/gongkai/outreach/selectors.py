"""Reads of the outreach app, already filtered by what the asking user may see.

`get_for_staff(model, user, pk)` is the one road to a case, interview or survey in the back office: publishers and
org admins of its agency and platform admins; anyone else gets a 404. Public reads never select contact fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Count, Prefetch, QuerySet
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
    def overdue_promises(self) -> list[PromiseRow]:
        return [p for p in self.promises if p.state == "overdue"]


def _with_parts(qs: QuerySet[OpinionCase]) -> QuerySet[OpinionCase]:
    return qs.select_related("org").prefetch_related(
        Prefetch("responses", queryset=CaseResponse.objects.order_by("at", "id")),
        Prefetch("promises", queryset=CasePromise.objects.order_by("due_on", "id")),
    )


def case_row(case: OpinionCase, *, now: datetime | None = None, today: date | None = None) -> CaseRow:
    """The case with R-INT-4's targets evaluated against its responses (late responses flagged) and the state of
    each promise. Uses the prefetched responses and promises when present."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    responses = list(case.responses.all())
    checks = rules.case_targets(
        level=case.level,
        first_seen_at=case.first_seen_at,
        responses=[r.as_rule() for r in responses],
        now=now,
        targets=conf.targets(),
    )
    late = rules.late_responses(checks)
    return CaseRow(
        case=case,
        checks=checks,
        responses=[(r, r.at in late) for r in responses],
        promises=[PromiseRow(p, p.state(today)) for p in case.promises.all()],
    )


def case_rows(
    qs: QuerySet[OpinionCase], *, now: datetime | None = None, today: date | None = None
) -> list[CaseRow]:
    return [case_row(c, now=now, today=today) for c in _with_parts(qs)]


def cases_for_staff(user: Any, *, org: Organization | None = None) -> QuerySet[OpinionCase]:
    qs = for_staff(OpinionCase, user)
    return qs.filter(org=org) if org is not None else qs


def cases_needing_attention(
    user: Any, *, now: datetime | None = None, today: date | None = None
) -> tuple[list[CaseRow], list[tuple[CaseRow, PromiseRow]]]:
    """The staff lists: cases that missed an R-INT-4 target (late or still overdue), and overdue promises."""
    rows = case_rows(cases_for_staff(user), now=now, today=today)
    return (
        [r for r in rows if r.missed],
        [(r, p) for r in rows for p in r.overdue_promises],
    )


def staff_case(user: Any, pk: int) -> CaseRow:
    case = get_for_staff(OpinionCase, user, pk)
    return case_row(_with_parts(OpinionCase.objects.filter(pk=case.pk)).get())


def public_cases() -> QuerySet[OpinionCase]:
    return OpinionCase.objects.filter(public=True)


def get_public_case(pk: int) -> CaseRow:
    case = _with_parts(public_cases().filter(pk=pk)).first()
    if case is None:
        raise Http404
    return case_row(case)


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


def survey_results(survey: Survey, *, with_texts: bool = False) -> tuple[int, list[QuestionResult]]:
    """(number of answer sheets, results per question): counts and percentages per option (of the people who
    answered the question), the ECharts option, and — for staff only — the text answers. Three queries."""
    total = survey.responses.count()
    questions = survey_questions(survey)
    option_counts = dict(
        SurveyAnswer.objects.filter(question__survey=survey, option__isnull=False)
        .values_list("option_id")
        .annotate(n=Count("id"))
        .values_list("option_id", "n")
    )
    respondents = dict(
        SurveyAnswer.objects.filter(question__survey=survey)
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    texts: dict[int, list[str]] = {}
    if with_texts:
        for qid, text in (
            SurveyAnswer.objects.filter(question__survey=survey, option__isnull=True)
            .order_by("id")
            .values_list("question_id", "text")
        ):
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
