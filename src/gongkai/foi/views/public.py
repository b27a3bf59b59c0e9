"""Public FOI pages: apply online (R-FOI-1), track with the query code, read the reply, withdraw.

Thin views over `services` and `selectors`. The applicant's road to a request is `selectors.get_request_for_applicant`
(throttled; one answer for a wrong code and an unknown number); it is never wrapped in a transaction, so that a
failure it records survives the refusal. After a successful look-up the request's id is kept in the session, and the
request's pages (status, letter, files) check it — no page shows applicant data to anyone else.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.ratelimit import over_limit
from gongkai.core.throttle import client_address
from gongkai.foi import conf, documents, selectors, services
from gongkai.foi.forms import ApplicantForm, TrackForm, WithdrawForm, apply_error
from gongkai.foi.letters import Letter
from gongkai.foi.models import Request

_SESSION_KEY = "foi_tracked"


def _address(request: HttpRequest) -> str:
    return client_address(request.META)  # type: ignore[arg-type]


def _remember(request: HttpRequest, foi_request: Request) -> None:
    seen = [
        item
        for item in request.session.get(_SESSION_KEY, [])
        if isinstance(item, list) and len(item) == 2 and item[0] != foi_request.pk
    ][-19:]
    request.session[_SESSION_KEY] = [*seen, [foi_request.pk, selectors.session_proof(foi_request)]]


def _tracked(request: HttpRequest, tracking_no: str) -> Request:
    """The request the visitor authenticated for with its query code in this session (Http404 otherwise)."""
    return selectors.get_request_for_session(
        tracking_no=tracking_no, allowed=request.session.get(_SESSION_KEY, [])
    )


# ---------------------------------------------------------------- applying


@require_GET
def apply_choose(request: HttpRequest) -> HttpResponse:
    return render(request, "foi/public/apply_choose.html", {"orgs": selectors.orgs_accepting_requests()})


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, org_code: str) -> HttpResponse:
    org = selectors.orgs_accepting_requests().filter(code=org_code).first()
    if org is None:
        raise Http404
    form = ApplicantForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if over_limit(
            f"foi.submit:{_address(request)}", limit=conf.submissions_per_hour(), window_seconds=3600
        ):
            form.is_valid()  # keep what was typed on the page
            form.add_error(None, "提交过于频繁，请稍后再试。")
            return render(request, "foi/public/apply.html", {"org": org, "form": form}, status=429)
        if form.is_valid():
            try:
                created = services.request_submit(org=org, data=form.applicant_data())
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                # Shown once: the code is stored only as a hash and never sent by mail.
                return render(
                    request,
                    "foi/public/apply_done.html",
                    {"org": org, "foi_request": created.request, "query_code": created.query_code},
                )
        status = 400
    return render(request, "foi/public/apply.html", {"org": org, "form": form}, status=status)


# ---------------------------------------------------------------- tracking


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                found = selectors.get_request_for_applicant(
                    tracking_no=form.cleaned_data["tracking_no"],
                    query_code=form.cleaned_data["query_code"],
                    address=_address(request),
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = 429 if exc.code == "query_blocked" else 400
            else:
                _remember(request, found)
                return redirect("foi:track_detail", tracking_no=found.tracking_no)
    return render(request, "foi/public/track.html", {"form": form}, status=status)


@never_cache
@require_GET
def track_detail(request: HttpRequest, tracking_no: str) -> HttpResponse:
    foi_request = _tracked(request, tracking_no)
    return render(
        request,
        "foi/public/track_detail.html",
        {
            "foi_request": foi_request,
            "status": selectors.request_public_status(foi_request),
            "letter": selectors.reply_letter(foi_request),
            "fee_letter": selectors.fee_letter(foi_request) if foi_request.status == "open" else None,
            "files": selectors.reply_files(foi_request) if foi_request.status == "replied" else [],
            "withdraw_form": WithdrawForm(initial={"tracking_no": foi_request.tracking_no})
            if foi_request.is_active
            else None,
        },
    )


def letter_response(letter: Letter | None, *, fmt: str, filename: str, request: HttpRequest) -> HttpResponse:
    """A letter as a Word document (`fmt` docx) or a printable page (`fmt` html); shared with the staff pages."""
    if letter is None or fmt not in {"docx", "html"}:
        raise Http404
    if fmt == "docx":
        response = HttpResponse(
            documents.letter_docx(letter),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
    return render(request, "foi/letter_print.html", {"letter": letter})


@never_cache
@require_GET
def track_letter(request: HttpRequest, tracking_no: str, fmt: str) -> HttpResponse:
    foi_request = _tracked(request, tracking_no)
    return letter_response(
        selectors.reply_letter(foi_request),
        fmt=fmt,
        filename=f"{foi_request.tracking_no}-reply.docx",
        request=request,
    )


@never_cache
@require_GET
def track_fee_letter(request: HttpRequest, tracking_no: str, fmt: str) -> HttpResponse:
    foi_request = _tracked(request, tracking_no)
    return letter_response(
        selectors.fee_letter(foi_request),
        fmt=fmt,
        filename=f"{foi_request.tracking_no}-fee.docx",
        request=request,
    )


@never_cache
@require_GET
def track_file(request: HttpRequest, tracking_no: str, file_id: int) -> FileResponse:
    foi_request = _tracked(request, tracking_no)
    if foi_request.status != "replied":
        raise Http404
    row = selectors.reply_file_of(foi_request, file_id)
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )


@never_cache
@require_POST
def withdraw(request: HttpRequest) -> HttpResponse:
    form = WithdrawForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            done = services.request_withdraw_by_applicant(
                tracking_no=form.cleaned_data["tracking_no"],
                query_code=form.cleaned_data["query_code"],
                address=_address(request),
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = 429 if exc.code == "query_blocked" else 400
        else:
            _remember(request, done)
            return redirect(
                reverse("foi:track_detail", kwargs={"tracking_no": done.tracking_no}) + "?withdrawn=1"
            )
    return render(request, "foi/public/withdraw.html", {"form": form}, status=status)
