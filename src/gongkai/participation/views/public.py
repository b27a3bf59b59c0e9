"""Public message pages: write to an agency, track with the query code (and rate the reply), read answered public
messages per agency and city-wide. No page shows the writer's name or contact; bodies are escaped (never rendered
as HTML). Reads through `selectors`, writes through `services`."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.ratelimit import over_limit
from gongkai.core.throttle import client_address
from gongkai.participation import selectors, services, workflow
from gongkai.participation.forms import RateForm, TrackForm, WriteForm, apply_error, uploads_of
from gongkai.participation.models import Message
from gongkai.participation.services import ActionParams

_SESSION_KEY = "messages_tracked"


def _address(request: HttpRequest) -> str:
    return client_address(request.META)  # type: ignore[arg-type]


def _paged(request: HttpRequest, qs: QuerySet[Message], per_page: int = 20) -> Page[Message]:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "participation/public/list.html",
        {"page": _paged(request, selectors.public_messages()), "org": None},
    )


@require_GET
def org_message_list(request: HttpRequest, org_code: str) -> HttpResponse:
    org = selectors.orgs_accepting_messages().filter(code=org_code).first()
    if org is None:
        raise Http404
    return render(
        request,
        "participation/public/list.html",
        {"page": _paged(request, selectors.public_messages(org)), "org": org},
    )


@require_GET
def message_detail(request: HttpRequest, tracking_no: str) -> HttpResponse:
    return render(
        request, "participation/public/detail.html", {"message": selectors.get_public_message(tracking_no)}
    )


@require_GET
def write_choose(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "participation/public/write_choose.html",
        {"orgs": selectors.orgs_accepting_messages(), "mailboxes": selectors.public_mailboxes()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, org_code: str) -> HttpResponse:
    org = selectors.orgs_accepting_messages().filter(code=org_code).first()
    if org is None:
        raise Http404
    mailboxes = selectors.open_mailboxes(org)
    form = WriteForm(
        request.POST or None,
        request.FILES or None,
        mailboxes=mailboxes,
        initial={"mailbox": request.GET.get("to", "")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = services.message_submit(
                    org=org,
                    data=form.message_data(),
                    address=_address(request),
                    uploads=uploads_of(form),
                    mailbox=form.mailbox(),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
                status = 429 if exc.code == "too_many" else 400
            else:
                _remember(request, created.message)
                return render(
                    request,
                    "participation/public/write_done.html",
                    {"org": org, "message": created.message, "query_code": created.query_code},
                )
    return render(request, "participation/public/write.html", {"org": org, "form": form}, status=status)


def _remember(request: HttpRequest, message: Message) -> None:
    seen = [pk for pk in request.session.get(_SESSION_KEY, []) if pk != message.pk][-19:]
    request.session[_SESSION_KEY] = [*seen, message.pk]


def _tracked(request: HttpRequest, tracking_no: str) -> Message:
    return selectors.get_message_for_session(
        tracking_no=tracking_no, allowed=request.session.get(_SESSION_KEY, [])
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                found = selectors.get_message_for_writer(
                    tracking_no=form.cleaned_data["tracking_no"],
                    query_code=form.cleaned_data["query_code"],
                    address=_address(request),
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = 429 if exc.code == "query_blocked" else 400
            else:
                _remember(request, found)
                return redirect("participation:track_detail", tracking_no=found.tracking_no)
    return render(request, "participation/public/track.html", {"form": form}, status=status)


def _track_page(
    request: HttpRequest, message: Message, rate_form: RateForm | None, status: int = 200
) -> HttpResponse:
    can_rate = message.status in (workflow.REPLIED, workflow.CLOSED) and not message.rating
    return render(
        request,
        "participation/public/track_detail.html",
        {
            "message": message,
            "history": selectors.writer_history(message),
            "rate_form": (rate_form or RateForm()) if can_rate else None,
        },
        status=status,
    )


@never_cache
@require_GET
def track_detail(request: HttpRequest, tracking_no: str) -> HttpResponse:
    return _track_page(request, _tracked(request, tracking_no), None)


@never_cache
@require_POST
def rate(request: HttpRequest, tracking_no: str) -> HttpResponse:
    message = _tracked(request, tracking_no)
    form = RateForm(request.POST)
    if over_limit(f"message-rate:{_address(request)}", limit=20, window_seconds=600):
        form.add_error(None, "操作过于频繁，请稍后再试。")
        return _track_page(request, message, form, status=429)
    if form.is_valid():
        try:
            services.message_transition(
                actor=None,
                message=message,
                action="rate",
                params=ActionParams(rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]),
                as_writer=True,
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return redirect("participation:track_detail", tracking_no=message.tracking_no)
    return _track_page(request, message, form, status=400)
