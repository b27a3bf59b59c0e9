"""Public pages: the 舆情回应 ledger (responses and how each promise was kept), interviews (send a question before,
read the transcript and answers after), surveys (answer once; results as charts and tables after closing, or live
when the agency chose so). No page shows a name or contact; texts are escaped, never rendered as HTML."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gongkai.core.errors import ApplicationError
from gongkai.core.throttle import client_address
from gongkai.outreach import rules, selectors, services
from gongkai.outreach.forms import QuestionForm, apply_error
from gongkai.outreach.models import Survey, SurveyResponse

VOTER_COOKIE = "gk_voter"
VOTER_SALT = "gongkai.outreach.voter"
VOTER_MAX_AGE = 2 * 365 * 24 * 3600


def _address(request: HttpRequest) -> str:
    return client_address(request.META)  # type: ignore[arg-type]


# ---------------------------------------------------------------- 舆情回应


PER_PAGE = 20


def _page(request: HttpRequest, qs: Any) -> Any:
    """A page of a public list (an unknown or out-of-range page number gives the nearest page, never an error)."""
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.public_cases().order_by("-first_seen_at", "-id"))
    return render(
        request,
        "outreach/public/cases.html",
        {
            "page": page,
            "rows": selectors.case_rows(selectors.public_cases().filter(pk__in=[c.pk for c in page])),
        },
    )


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "outreach/public/case.html", {"row": selectors.get_public_case(pk)})


# ---------------------------------------------------------------- 在线访谈


@require_GET
def interview_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.public_interviews().order_by("-scheduled_at", "-id"))
    return render(request, "outreach/public/interviews.html", {"page": page})


def _interview_page(
    request: HttpRequest, interview: Any, form: QuestionForm, status: int = 200, done: bool = False
) -> HttpResponse:
    return render(
        request,
        "outreach/public/interview.html",
        {
            "interview": interview,
            "form": form,
            "accepting": rules.interview_accepts_questions(
                interview.status, interview.scheduled_at, timezone.now()
            ),
            "questions": selectors.public_questions(interview),
            "done": done,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.get_public_interview(pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _interview_page(request, interview, form, status=400)
        try:
            services.question_submit(
                interview=interview,
                body=form.cleaned_data["body"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                address=_address(request),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
            return _interview_page(request, interview, form, status=429 if exc.code == "too_many" else 400)
        return _interview_page(request, interview, QuestionForm(), done=True)
    return _interview_page(request, interview, form)


# ---------------------------------------------------------------- 网上调查


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = _page(request, selectors.public_surveys(today).order_by("-opens_on", "-id"))
    surveys = [(s, rules.PHASE_LABELS[s.phase(today)]) for s in page]
    return render(request, "outreach/public/surveys.html", {"page": page, "surveys": surveys})


def _voter(request: HttpRequest) -> str:
    value = request.get_signed_cookie(VOTER_COOKIE, default="", salt=VOTER_SALT)
    return str(value or "")


def _survey_page(
    request: HttpRequest,
    survey: Survey,
    *,
    voter: str,
    problems: dict[int, str] | None = None,
    chosen: dict[int, list[str]] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    phase = survey.phase(timezone.localdate())
    answered = bool(voter) and SurveyResponse.objects.filter(survey=survey, voter=voter).exists()
    show_results = rules.results_visible(phase=phase, results_live=survey.results_live)
    total, results = selectors.survey_results(survey) if show_results else (0, [])
    problems, chosen = problems or {}, chosen or {}
    questions = [
        (q, problems.get(q.pk, ""), chosen.get(q.pk, [])) for q in selectors.survey_questions(survey)
    ]
    response = render(
        request,
        "outreach/public/survey.html",
        {
            "survey": survey,
            "phase": phase,
            "phase_label": rules.PHASE_LABELS[phase],
            "answered": answered,
            "questions": questions,
            "show_form": phase == "open" and not answered,
            "show_results": show_results,
            "total": total,
            "results": results,
            "error": error,
            "done": request.GET.get("done") == "1" and answered,
        },
        status=status,
    )
    if not voter:  # the visitor's id for "one answer per person", kept two years
        response.set_signed_cookie(
            VOTER_COOKIE,
            secrets.token_urlsafe(24),
            salt=VOTER_SALT,
            max_age=VOTER_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_public_survey(pk)
    voter = _voter(request)
    if request.method != "POST":
        return _survey_page(request, survey, voter=voter)
    chosen = {q.pk: request.POST.getlist(f"q{q.pk}") for q in survey.questions.only("pk")}
    try:
        services.survey_answer(survey=survey, voter=voter, address=_address(request), answers=chosen)
    except services.AnswerRefused as exc:
        return _survey_page(
            request, survey, voter=voter, problems=exc.problems, chosen=chosen, error=exc.message, status=400
        )
    except ApplicationError as exc:
        status = 429 if exc.code == "too_many" else 400
        return _survey_page(request, survey, voter=voter, chosen=chosen, error=exc.message, status=status)
    return redirect(f"{request.path}?done=1")
