"""Staff FOI pages (/staff/foi/): lists, deadlines, registration, the request's page with its ledger, derivation
and the actions `workflow.available_actions` offers, reply letters and released files, letter templates.

Thin views: reads through `selectors` (the one road to a request is `get_request_for_staff`: 404 for another
agency's request), writes through `services`; a refusal comes back on the same form with what was typed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import ApplicationError, CalendarNotLoaded
from gongkai.foi import applicant as applicant_rules
from gongkai.foi import conf, letters, selectors, services, workflow
from gongkai.foi import outcomes as outcome_rules
from gongkai.foi.forms import (
    ACTION_FORMS,
    ActionForm,
    CancelForm,
    DeliveryForm,
    FileForm,
    ForwardForm,
    LetterTemplateForm,
    RegisterForm,
    RemedyForm,
    RemedyUpdateForm,
    apply_error,
)
from gongkai.foi.models import Request
from gongkai.foi.views.public import letter_response
from gongkai.orgs.models import Role
from gongkai.orgs.selectors import orgs_with_role


def _staff_orgs(user: Any) -> Any:
    orgs = selectors.foi_orgs_for_staff(user)
    if not orgs.exists():
        raise Http404
    return orgs


# ---------------------------------------------------------------- lists


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    orgs = _staff_orgs(request.user)
    org = orgs.filter(code=request.GET.get("org", "")).first()
    status = request.GET.get("status", "")
    if status not in workflow.STATUS_LABELS:
        status = ""
    q = request.GET.get("q", "").strip()[:100]
    deadlines = selectors.request_deadlines(request.user, org=org)
    return render(
        request,
        "foi/staff/list.html",
        {
            "rows": selectors.request_rows(request.user, org=org, status=status, q=q),
            "orgs": orgs,
            "org": org,
            "status": status,
            "statuses": workflow.STATUS_LABELS,
            "q": q,
            "due_soon": [r for r in deadlines if r.state == "due_soon"],
            "overdue": [r for r in deadlines if r.state == "overdue"],
            "awaiting": [r for r in deadlines if r.state == "awaiting_confirmation"],
            "unknown": [r for r in deadlines if r.state == "unknown"],
            "due_soon_days": conf.due_soon_working_days(),
            "can_register": orgs_with_role(request.user, Role.FOI_HANDLER).exists(),
        },
    )


# ---------------------------------------------------------------- registration


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    orgs = orgs_with_role(request.user, Role.FOI_HANDLER)
    if not orgs.exists():
        raise Http404
    form = RegisterForm(
        request.POST or None, orgs=orgs, initial={"org": orgs.first(), "channel": "in_person"}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = services.request_register(
                    actor=request.user,
                    org=form.cleaned_data["org"],
                    data=form.applicant_data(),
                    channel=form.cleaned_data["channel"],
                    received_on=form.cleaned_data["received_on"],
                )
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                return render(
                    request,
                    "foi/staff/registered.html",
                    {"foi_request": created.request, "query_code": created.query_code},
                )
    return render(request, "foi/staff/register.html", {"form": form}, status=status)


# ---------------------------------------------------------------- the request's page


def _action_form(action: str, foi_request: Request, data: Any = None) -> ActionForm:
    cls = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"request": foi_request, "prefix": action}
    if cls is CancelForm:
        kwargs["events"] = selectors.request_ledger(foi_request)
    if cls is ForwardForm:
        kwargs["targets"] = selectors.forward_targets(foi_request)
    if action == "confirm":
        kwargs["initial"] = {}
    return cls(data, **kwargs)


def _render_detail(
    request: HttpRequest,
    foi_request: Request,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    user = request.user
    actions = selectors.available_actions(user, foi_request)
    forms = {t.action: _action_form(t.action, foi_request) for t in actions}
    if not selectors.request_ledger(foi_request).exists():
        forms.pop("event_cancel", None)
    forms.update({k: v for k, v in (bound or {}).items() if k in forms})
    clock_result, calendar_message = None, ""
    try:
        clock_result = selectors.request_clock(foi_request)
    except CalendarNotLoaded as exc:
        calendar_message = exc.message
    head, tail = conf.id_mask()
    is_handler = Role.FOI_HANDLER in selectors.staff_roles(user, foi_request)
    context = {
        "foi_request": foi_request,
        "status_label": workflow.STATUS_LABELS[foi_request.status],
        "id_masked": applicant_rules.mask_id_number(foi_request.id_number, head=head, tail=tail),
        "phone_masked": applicant_rules.mask_phone(foi_request.phone),
        "channel_label": applicant_rules.CHANNELS.get(foi_request.channel, ""),
        "form_label": applicant_rules.FORMS.get(foi_request.preferred_form, ""),
        "delivery_label": applicant_rules.DELIVERIES.get(foi_request.delivery, ""),
        "clock": clock_result,
        "calendar_message": calendar_message,
        "ledger": selectors.request_ledger(foi_request, include_cancelled=True),
        "actions": [(t, forms[t.action]) for t in actions if t.action in forms],
        "intake": selectors.intake_matches_for_request(user, foi_request),
        "remedies": selectors.remedies_for(foi_request),
        "remedy_form": bound.get("remedy") if bound and "remedy" in bound else RemedyForm(prefix="remedy"),
        "delivery_form": bound.get("delivery")
        if bound and "delivery" in bound
        else DeliveryForm(prefix="delivery"),
        "file_form": bound.get("file") if bound and "file" in bound else FileForm(prefix="file"),
        "files": selectors.reply_files(foi_request),
        "letter": selectors.reply_letter(foi_request),
        "fee_letter": selectors.fee_letter(foi_request),
        "may_see_applicant": selectors.may_see_applicant(user, foi_request),
        "is_handler": is_handler,
        "reply_details": [
            (outcome_rules.DETAIL_LABELS[k], v)
            for k, v in (foi_request.reply_details or {}).items()
            if k in outcome_rules.DETAIL_LABELS and k != outcome_rules.VARIANT
        ],
        "outcomes": outcome_rules.OUTCOMES,
        "history": selectors.request_history(foi_request),
        **extra,
    }
    return render(request, "foi/staff/detail.html", context, status=status)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.get_request_for_staff(request.user, pk))


def _perform(action: str, user: Any, foi_request: Request, form: ActionForm) -> str:
    """Run the action's service; returns the success message."""
    d = form.cleaned_data
    on: date = d["on"]
    comment: str = d.get("comment") or ""
    if action == "confirm":
        services.request_confirm(actor=user, request=foi_request, received_on=on)
    elif action == "supplement_request":
        services.supplement_request(
            actor=user,
            request=foi_request,
            on=on,
            note=comment,
            period_working_days=d.get("period_working_days"),
        )
    elif action == "supplement_receive":
        services.supplement_receive(actor=user, request=foi_request, on=on, note=comment)
    elif action == "consultation_start":
        services.consultation_start(
            actor=user,
            request=foi_request,
            on=on,
            party=d["party"],
            party_name=d.get("party_name", ""),
            note=comment,
        )
    elif action == "consultation_end":
        services.consultation_end(
            actor=user, request=foi_request, on=on, party=d.get("party", ""), note=comment
        )
    elif action == "extend":
        services.extension_approve(
            actor=user, request=foi_request, on=on, working_days=d["working_days"], reason=comment
        )
    elif action == "fee_notice":
        services.fee_notice(
            actor=user,
            request=foi_request,
            on=on,
            basis=d["basis"],
            quantity=d["quantity"],
            notice_received_on=d.get("notice_received_on"),
            prior_items=d.get("prior_items"),
            note=comment,
        )
    elif action == "fee_pay":
        services.fee_paid(actor=user, request=foi_request, on=on, note=comment)
    elif action == "reason_request":
        services.reason_request(
            actor=user,
            request=foi_request,
            on=on,
            note=comment,
            period_working_days=d.get("period_working_days"),
        )
    elif action == "reason_receive":
        services.reason_receive(actor=user, request=foi_request, on=on, note=comment)
    elif action == "later_date":
        services.later_reply_date_set(
            actor=user, request=foi_request, on=on, reply_by=d["reply_by"], reason=comment
        )
    elif action == "event_cancel":
        event = selectors.request_ledger(foi_request).filter(pk=d["event_id"]).first()
        if event is None:
            raise ApplicationError("no_event", "该计时记录不存在或已撤销。", field="event_id")
        services.clock_event_cancel(actor=user, event=event, reason=comment, on=on)
    elif action == "reply":
        services.request_reply(
            actor=user,
            request=foi_request,
            outcome=d["outcome"],
            replied_on=on,
            details=form.details(),  # type: ignore[attr-defined]
            delivered_on=d.get("delivered_on"),
            delivery_method=d.get("delivery_method") or "",
        )
    elif action == "forward":
        new = services.request_forward(
            actor=user, request=foi_request, to_org=d["to_org"], on=on, reason=comment
        )
        return f"已转送{new.org.name}，新的申请编号为 {new.tracking_no}。"
    elif action == "withdraw":
        services.request_withdraw(actor=user, request=foi_request, on=on, reason=comment)
    return f"已{workflow.TRANSITIONS[action].label}。"


@login_required
@require_POST
def request_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    offered = {t.action for t in selectors.available_actions(request.user, foi_request)}
    if action not in ACTION_FORMS:
        raise Http404
    if action not in offered:
        messages.error(request, "当前不能执行该操作（状态已变化，或您没有相应的角色）。")
        return redirect("foi_staff:detail", pk=pk)
    form = _action_form(action, foi_request, request.POST)
    if not form.is_valid():
        return _render_detail(request, foi_request, bound={action: form}, status=400, open_action=action)
    if action == "fee_notice" and "preview" in request.POST:
        try:
            calc = selectors.fee_calculation(
                foi_request,
                basis=form.cleaned_data["basis"],
                quantity=form.cleaned_data["quantity"],
                prior=form.cleaned_data.get("prior_items"),
            )
        except ValueError:
            calc = None
        return _render_detail(request, foi_request, bound={action: form}, fee_calc=calc, open_action=action)
    try:
        message = _perform(action, request.user, foi_request, form)
    except ApplicationError as exc:
        apply_error(form, exc)
        return _render_detail(request, foi_request, bound={action: form}, status=400, open_action=action)
    messages.success(request, message)
    return redirect("foi_staff:detail", pk=pk)


@never_cache
@login_required
@require_POST
def applicant_view(request: HttpRequest, pk: int) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    try:
        details = services.applicant_details_view(actor=request.user, request=foi_request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("foi_staff:detail", pk=pk)
    return _render_detail(request, foi_request, applicant=details)


@never_cache
@login_required
@require_POST
def query_code_reset(request: HttpRequest, pk: int) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    try:
        code = services.query_code_reset(actor=request.user, request=foi_request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("foi_staff:detail", pk=pk)
    return _render_detail(request, foi_request, new_query_code=code)


@login_required
@require_POST
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    form = DeliveryForm(request.POST, prefix="delivery")
    if form.is_valid():
        try:
            services.delivery_record(
                actor=request.user,
                request=foi_request,
                delivered_on=form.cleaned_data["delivered_on"],
                method=form.cleaned_data["method"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "已登记送达。")
            return redirect("foi_staff:detail", pk=pk)
    return _render_detail(request, foi_request, bound={"delivery": form}, status=400)


@login_required
@require_POST
def remedy_add(request: HttpRequest, pk: int) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    form = RemedyForm(request.POST, prefix="remedy")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.remedy_add(
                actor=request.user,
                request=foi_request,
                kind=d["kind"],
                filed_on=d["filed_on"],
                decided_on=d.get("decided_on"),
                result=d["result"],
                note=d.get("note") or "",
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, "已登记行政复议、诉讼。")
            return redirect("foi_staff:detail", pk=pk)
    return _render_detail(request, foi_request, bound={"remedy": form}, status=400)


@login_required
@require_POST
def remedy_update(request: HttpRequest, pk: int, remedy_id: int) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    remedy = selectors.remedies_for(foi_request).filter(pk=remedy_id).first()
    if remedy is None:
        raise Http404
    form = RemedyUpdateForm(request.POST, prefix=f"remedy{remedy.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.remedy_update(
                actor=request.user,
                remedy=remedy,
                result=d["result"],
                decided_on=d.get("decided_on"),
                note=d["note"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已更新。")
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("foi_staff:detail", pk=pk)


@login_required
@require_POST
def file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    form = FileForm(request.POST, request.FILES, prefix="file")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.reply_file_add(
                actor=request.user, request=foi_request, name=upload.name or "附件", data=upload.read()
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, f"已上传“{upload.name}”。")
            return redirect("foi_staff:detail", pk=pk)
    return _render_detail(request, foi_request, bound={"file": form}, status=400)


@login_required
def file_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    row = selectors.reply_file_of(foi_request, file_id)
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )


@login_required
@require_POST
def file_delete(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    row = selectors.reply_file_of(foi_request, file_id)
    try:
        services.reply_file_remove(actor=request.user, file=row)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除。")
    return redirect("foi_staff:detail", pk=pk)


@login_required
def letter(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    return letter_response(
        selectors.reply_letter(foi_request),
        fmt=fmt,
        filename=f"{foi_request.tracking_no}-reply.docx",
        request=request,
    )


@login_required
def fee_letter(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    foi_request = selectors.get_request_for_staff(request.user, pk)
    return letter_response(
        selectors.fee_letter(foi_request),
        fmt=fmt,
        filename=f"{foi_request.tracking_no}-fee.docx",
        request=request,
    )


# ---------------------------------------------------------------- letter templates


@login_required
def templates_list(request: HttpRequest) -> HttpResponse:
    orgs = _staff_orgs(request.user)
    org = orgs.filter(code=request.GET.get("org", "")).first() or orgs.first()
    return render(
        request,
        "foi/staff/templates.html",
        {"orgs": orgs, "org": org, "kinds": selectors.letter_templates(org)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, org_code: str, kind: str) -> HttpResponse:
    org = _staff_orgs(request.user).filter(code=org_code).first()
    if org is None or kind not in letters.kinds():
        raise Http404
    body, edited = selectors.letter_template_body(org, kind)
    form = LetterTemplateForm(request.POST or None, initial={"body": body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            text = "" if "reset" in request.POST else form.cleaned_data["body"]
            try:
                services.letter_template_save(actor=request.user, org=org, kind=kind, body=text)
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, "已恢复默认模板。" if not text else "模板已保存。")
                return redirect(f"/staff/foi/letters/?org={org.code}")
    placeholders = letters.FEE_PLACEHOLDERS if kind == letters.FEE_NOTICE else letters.PLACEHOLDERS
    return render(
        request,
        "foi/staff/template_edit.html",
        {
            "org": org,
            "kind": kind,
            "kind_label": letters.kinds()[kind],
            "form": form,
            "edited": edited,
            "placeholders": placeholders,
        },
        status=status,
    )
