"""Staff pages (/staff/outreach/): the 舆情回应台账 with the R-INT-4 attention lists, interviews with question
moderation, surveys with their results. Every object is reached through `selectors.get_for_staff` (404 for another
agency's); every write goes through `services`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import ApplicationError
from gongkai.outreach import exports, rules, selectors, services
from gongkai.outreach.forms import (
    AnswerForm,
    CaseForm,
    InterviewForm,
    ModerateForm,
    PromiseForm,
    ResponseForm,
    SettleForm,
    SurveyForm,
    TranscriptForm,
    apply_error,
)
from gongkai.outreach.models import CasePromise, Interview, InterviewQuestion, OpinionCase, Survey


def _orgs(request: HttpRequest) -> Any:
    orgs = selectors.outreach_orgs_for_staff(request.user)
    if not orgs.exists():
        raise Http404
    return orgs


def _status(exc: ApplicationError) -> int:
    return 403 if exc.code == "forbidden" else 400


@never_cache
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _orgs(request)
    missed, overdue = selectors.cases_needing_attention(request.user)
    return render(
        request,
        "outreach/staff/index.html",
        {
            "missed": missed,
            "overdue": overdue,
            "cases": selectors.case_rows(selectors.cases_for_staff(request.user)[:100]),
            "interviews": selectors.for_staff(Interview, request.user)[:50],
            "surveys": selectors.for_staff(Survey, request.user)[:50],
        },
    )


def _chosen_org(orgs: Any, code: str) -> Any:
    """The agency chosen by code among those the user manages; without a valid choice, the only one if the user
    manages exactly one, else None (the form asks "请选择单位")."""
    org = orgs.filter(code=code).first() if code else None
    if org is None and not code:
        only = list(orgs[:2])
        org = only[0] if len(only) == 1 else None
    return org


def _create(
    request: HttpRequest, form_class: type[Form], make: Any, to: str, heading: str, button: str
) -> HttpResponse:
    """The shared create page: choose the agency, fill the form, the service creates, go to the new object."""
    orgs = _orgs(request)
    form = form_class(request.POST or None)
    org = _chosen_org(orgs, request.POST.get("org") or request.GET.get("org", ""))
    status = 200
    if request.method == "POST":
        status = 400
        if org is None:  # an unknown code, or an agency the user does not manage: never filed elsewhere
            form.is_valid()
            form.add_error(None, "请选择单位。")
        elif form.is_valid():
            try:
                obj = make(actor=request.user, org=org, data=form.data_object())  # type: ignore[attr-defined]
            except ApplicationError as exc:
                apply_error(form, exc)
                status = _status(exc)
            else:
                return redirect(to, pk=obj.pk)
    return render(
        request,
        "outreach/staff/create.html",
        {"form": form, "orgs": orgs, "org": org, "heading": heading, "button": button},
        status=status,
    )


# ---------------------------------------------------------------- 舆情回应台账


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    return _create(request, CaseForm, services.case_open, "outreach_staff:case", "登记舆情", "登记")


def _case_page(
    request: HttpRequest, pk: int, forms: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    row = selectors.staff_case(request.user, pk)
    forms = forms or {}
    return render(
        request,
        "outreach/staff/case.html",
        {
            "row": row,
            "case": row.case,
            "response_form": forms.get("response") or ResponseForm(),
            "promise_form": forms.get("promise") or PromiseForm(),
            "settle_forms": [
                (p, forms.get(f"settle{p.promise.pk}") or SettleForm(prefix=f"p{p.promise.pk}"))
                for p in row.promises
            ],
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, pk)


def _case_write(request: HttpRequest, pk: int, key: str, form: Form, write: Any) -> HttpResponse:
    case = selectors.get_for_staff(OpinionCase, request.user, pk)
    if form.is_valid():
        try:
            write(case, form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
            return _case_page(request, pk, {key: form}, status=_status(exc))
        flash.success(request, "已保存。")
        return redirect("outreach_staff:case", pk=pk)
    return _case_page(request, pk, {key: form}, status=400)


@login_required
@require_POST
def case_respond(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_write(
        request,
        pk,
        "response",
        ResponseForm(request.POST),
        lambda case, d: services.case_respond(
            actor=request.user, case=case, kind=d["kind"], at=d["at"], summary=d["summary"], url=d["url"]
        ),
    )


@login_required
@require_POST
def case_promise(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_write(
        request,
        pk,
        "promise",
        PromiseForm(request.POST),
        lambda case, d: services.promise_add(
            actor=request.user, case=case, text=d["text"], due_on=d["due_on"]
        ),
    )


@login_required
@require_POST
def promise_settle(request: HttpRequest, pk: int, promise_id: int) -> HttpResponse:
    case = selectors.get_for_staff(OpinionCase, request.user, pk)
    promise = CasePromise.objects.filter(pk=promise_id, case=case).first()
    if promise is None:
        raise Http404
    return _case_write(
        request,
        pk,
        f"settle{promise.pk}",
        SettleForm(request.POST, prefix=f"p{promise.pk}"),
        lambda _case, d: services.promise_settle(
            actor=request.user, promise=promise, action=d["action"], on=d["on"], note=d["note"]
        ),
    )


@login_required
@require_POST
def case_public(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_for_staff(OpinionCase, request.user, pk)
    services.case_set_public(actor=request.user, case=case, public=request.POST.get("public") == "1")
    return redirect("outreach_staff:case", pk=pk)


# ---------------------------------------------------------------- 在线访谈


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def interview_new(request: HttpRequest) -> HttpResponse:
    return _create(
        request,
        InterviewForm,
        services.interview_schedule,
        "outreach_staff:interview",
        "安排在线访谈",
        "发布访谈预告",
    )


def _interview_page(
    request: HttpRequest, interview: Interview, forms: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    actions = [(t.action, t.label) for t in rules.INTERVIEWS.available(interview.status, rules.STAFF)]
    return render(
        request,
        "outreach/staff/interview.html",
        {
            "interview": interview,
            "actions": actions,
            "transcript_form": forms.get("transcript")
            or TranscriptForm(initial={"transcript": interview.transcript}),
            "questions": [
                (
                    q,
                    forms.get(f"m{q.pk}") or ModerateForm(prefix=f"m{q.pk}"),
                    forms.get(f"a{q.pk}") or AnswerForm(prefix=f"a{q.pk}", initial={"answer": q.answer}),
                )
                for q in selectors.staff_questions(interview)
            ],
            "can_transcribe": interview.status in (rules.LIVE, rules.FINISHED),
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _interview_page(request, selectors.get_for_staff(Interview, request.user, pk))


@login_required
@require_POST
def interview_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    interview = selectors.get_for_staff(Interview, request.user, pk)
    if rules.INTERVIEWS.get(action) is None:
        raise Http404
    try:
        services.interview_transition(actor=request.user, interview=interview, action=action)
    except ApplicationError as exc:
        flash.error(request, exc.message)
    return redirect("outreach_staff:interview", pk=pk)


def _interview_write(
    request: HttpRequest, interview: Interview, key: str, form: Form, write: Any
) -> HttpResponse:
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
            return _interview_page(request, interview, {key: form}, status=_status(exc))
        flash.success(request, "已保存。")
        return redirect("outreach_staff:interview", pk=interview.pk)
    return _interview_page(request, interview, {key: form}, status=400)


@login_required
@require_POST
def interview_transcript(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.get_for_staff(Interview, request.user, pk)
    return _interview_write(
        request,
        interview,
        "transcript",
        TranscriptForm(request.POST),
        lambda d: services.interview_transcript(
            actor=request.user, interview=interview, transcript=d["transcript"]
        ),
    )


def _question(request: HttpRequest, pk: int, question_id: int) -> tuple[Interview, InterviewQuestion]:
    interview = selectors.get_for_staff(Interview, request.user, pk)
    question = InterviewQuestion.objects.filter(pk=question_id, interview=interview).first()
    if question is None:
        raise Http404
    return interview, question


@login_required
@require_POST
def question_moderate(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    interview, question = _question(request, pk, question_id)
    return _interview_write(
        request,
        interview,
        f"m{question.pk}",
        ModerateForm(request.POST, prefix=f"m{question.pk}"),
        lambda d: services.question_moderate(
            actor=request.user, question=question, action=d["action"], reason=d["reason"]
        ),
    )


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    interview, question = _question(request, pk, question_id)
    return _interview_write(
        request,
        interview,
        f"a{question.pk}",
        AnswerForm(request.POST, prefix=f"a{question.pk}"),
        lambda d: services.question_answer(actor=request.user, question=question, answer=d["answer"]),
    )


# ---------------------------------------------------------------- 网上调查


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    return _create(
        request, SurveyForm, services.survey_create, "outreach_staff:survey", "发起网上调查", "发布调查"
    )


@never_cache
@login_required
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_for_staff(Survey, request.user, pk)
    total, results = selectors.survey_results(survey, with_texts=True, text_limit=selectors.STAFF_TEXTS_SHOWN)
    phase = survey.phase(timezone.localdate())
    return render(
        request,
        "outreach/staff/survey.html",
        {
            "survey": survey,
            "total": total,
            "results": results,
            "phase": phase,
            "phase_label": rules.PHASE_LABELS[phase],
        },
    )


@login_required
@require_GET
def survey_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_for_staff(Survey, request.user, pk)
    total, results = selectors.survey_results(survey, with_texts=True)
    response = HttpResponse(
        exports.survey_results_xlsx(survey, total, results),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(survey.title + '调查结果')}.xlsx"
    return response


@login_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_for_staff(Survey, request.user, pk)
    try:
        services.survey_close(actor=request.user, survey=survey)
    except ApplicationError as exc:
        flash.error(request, exc.message)
    return redirect("outreach_staff:survey", pk=pk)
