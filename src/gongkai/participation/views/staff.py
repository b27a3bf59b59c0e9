"""Staff message pages (/staff/participation/): the inbox with due-soon and overdue lists, a message's page with its
history, the clock derivation and the action forms `workflow.available_actions` offers.

The one road to a message is `selectors.get_message_for_staff` (404 for a message another agency holds)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import ApplicationError
from gongkai.participation import selectors, services, workflow
from gongkai.participation.forms import ActionForm, MailboxForm, RegisterForm, apply_error
from gongkai.participation.models import Message


def _staff_orgs(user: Any) -> Any:
    orgs = selectors.message_orgs_for_staff(user)
    if not orgs.exists():
        raise Http404
    return orgs


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    orgs = _staff_orgs(request.user)
    org = orgs.filter(code=request.GET.get("org", "")).first()
    status = request.GET.get("status", "")
    if status not in workflow.STATUS_LABELS:
        status = ""
    q = request.GET.get("q", "").strip()[:100]
    rows = selectors.deadline_rows(selectors.messages_for_staff(request.user, org=org))
    listing = selectors.messages_for_staff(request.user, org=org, status=status, q=q)[:200]
    return render(
        request,
        "participation/staff/inbox.html",
        {
            "orgs": orgs,
            "org": org,
            "status": status,
            "statuses": workflow.STATUS_LABELS,
            "q": q,
            "overdue": [r for r in rows if r.state == "overdue"],
            "due_soon": [r for r in rows if r.state == "due_soon"],
            "unknown": [r for r in rows if r.state == "unknown"],
            "rows": listing,
        },
    )


def _detail(
    request: HttpRequest, message: Message, forms: dict[str, ActionForm] | None = None, status: int = 200
) -> HttpResponse:
    actions = selectors.available_actions(request.user, message)
    forms = forms or {}
    return render(
        request,
        "participation/staff/detail.html",
        {
            "message": message,
            "history": selectors.message_history(message),
            "clock": selectors.message_clock(message),
            "action_forms": [(t, forms.get(t.action) or ActionForm(action=t.action)) for t in actions],
            "public": message.reply_is_public,
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_message_for_staff(request.user, pk))


@never_cache
@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    message = selectors.get_message_for_staff(request.user, pk)
    if action not in workflow.TRANSITIONS:
        raise Http404
    form = ActionForm(request.POST, action=action)
    if form.is_valid():
        try:
            services.message_transition(
                actor=request.user, message=message, action=action, params=form.params()
            )
        except ApplicationError as exc:
            apply_error(form, exc)
            status = 403 if exc.code == "forbidden" else 400
        else:
            flash.success(request, f"已{workflow.TRANSITIONS[action].label}。")
            try:
                selectors.get_message_for_staff(request.user, pk)
            except Http404:  # transferred away: back to the inbox
                return redirect("participation_staff:inbox")
            return redirect("participation_staff:detail", pk=pk)
    else:
        status = 400
    return _detail(request, message, {action: form}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Type in a message received by phone, letter or in person; the query code is shown once."""
    orgs = _staff_orgs(request.user)
    form = RegisterForm(request.POST or None, orgs=orgs, initial={"org": orgs.first()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = services.message_register(
                    actor=request.user,
                    org=form.cleaned_data["org"],
                    data=form.message_data(),
                    received_on=form.cleaned_data["received_on"],
                    writer_address=form.cleaned_data.get("address", ""),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
                status = 403 if exc.code == "forbidden" else 400
            else:
                return render(
                    request,
                    "participation/staff/register_done.html",
                    {"message": created.message, "query_code": created.query_code},
                )
    return render(request, "participation/staff/register.html", {"form": form}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mailboxes(request: HttpRequest) -> HttpResponse:
    """The leaders' mailboxes (领导信箱) of the agencies the user administers: open one, close or reopen it."""
    orgs = selectors.mailbox_orgs_for_admin(request.user)
    if not orgs.exists():
        raise Http404
    form = MailboxForm(request.POST or None, orgs=orgs, initial={"org": orgs.first()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.mailbox_set(
                    actor=request.user,
                    org=d["org"],
                    title=d["title"],
                    name=d["name"],
                    position=d["position"] or 0,
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                return redirect("participation_staff:mailboxes")
    return render(
        request,
        "participation/staff/mailboxes.html",
        {"form": form, "rows": selectors.mailboxes_for_admin(request.user)},
        status=status,
    )


@login_required
@require_POST
def mailbox_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = selectors.mailboxes_for_admin(request.user).filter(pk=pk).first()
    if mailbox is None:
        raise Http404
    services.mailbox_set(
        actor=request.user,
        org=mailbox.org,
        title=mailbox.title,
        name=mailbox.name,
        position=mailbox.position,
        is_active=not mailbox.is_active,
    )
    return redirect("participation_staff:mailboxes")


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    message = selectors.get_message_for_staff(request.user, pk)
    row = selectors.attachment_of(attachment_id, message=message)
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )
