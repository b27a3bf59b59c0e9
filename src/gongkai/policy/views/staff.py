"""Staff pages under /staff/policy/: thin views over services and selectors.

Every object is fetched through its permission-checking selector (another agency's record is a 404); every write
goes through a service, which checks the role again and refuses with a Chinese message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, orgs_for_staff, orgs_with_role
from gongkai.policy import rules, selectors, services
from gongkai.policy.forms import GuideForm, PowerEntryForm, ProposalForm, QAForm


def _editor_orgs(user: Any) -> QuerySet[Organization]:
    if is_platform_admin(user):
        return Organization.objects.all()
    return orgs_with_role(user, Role.DRAFTER, Role.PUBLISHER, Role.ORG_ADMIN)


def _only_org(orgs: QuerySet[Organization]) -> dict[str, Any]:
    """Preselect the agency when the user can write for exactly one."""
    only = orgs.first() if orgs.count() == 1 else None
    return {"org": only.pk if only else None}


def _form_error(form: Any, exc: ApplicationError) -> int:
    """Show a service's refusal on the form; the status to answer with (403 for a missing role)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
    return 403 if isinstance(exc, PermissionDenied) else 200


def _actions(table: dict[str, rules.Transition], user: Any, obj: Any) -> list[rules.Transition]:
    return rules.available_actions(table, obj.status, services.roles_of(user, obj.org))


# ---------------------------------------------------------------- home


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "policy/staff/index.html",
        {
            "proposal_drafts": selectors.proposals_for_staff(request.user).filter(status=rules.DRAFT).count(),
            "guide_drafts": selectors.guides_for_staff(request.user).filter(status=rules.DRAFT).count(),
            "qa_drafts": selectors.qas_for_staff(request.user).filter(status=rules.DRAFT).count(),
            "stale": len(selectors.qas_citing_invalid(request.user)),
            "orgs": orgs_for_staff(request.user),
        },
    )


# ---------------------------------------------------------------- 建议提案办理结果


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.proposals_for_staff(request.user)
    status = request.GET.get("status", "")
    if status in rules.STATUS_LABELS:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-updated_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "policy/staff/proposal_list.html",
        {"page": page, "status": status, "statuses": rules.STATUS_LABELS.items()},
    )


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    orgs = _editor_orgs(request.user)
    form = ProposalForm(
        request.POST or None,
        orgs=orgs,
        initial=_only_org(orgs),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.proposal_create(
                actor=request.user, org=form.cleaned_data["org"], data=form.proposal_data()
            )
        except ApplicationError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, "答复草稿已保存。")
            return redirect("policy_staff:proposal", pk=reply.pk)
    return render(request, "policy/staff/proposal_form.html", {"form": form, "reply": None}, status=status)


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reply = selectors.get_proposal_for_staff(request.user, pk)
    editable = reply.status in rules.RECORD_EDITABLE and services.may_edit(request.user, reply.org)
    form = None
    status = 200
    if editable or request.method == "POST":
        form = ProposalForm(
            request.POST or None,
            orgs=Organization.objects.filter(pk=reply.org_id),
            initial=ProposalForm.initial_from(reply),
        )
        form.fields["org"].disabled = True
    if request.method == "POST":
        assert form is not None
        if form.is_valid():
            try:
                services.proposal_update(actor=request.user, reply=reply, data=form.proposal_data())
            except ApplicationError as exc:
                status = _form_error(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("policy_staff:proposal", pk=reply.pk)
    return render(
        request,
        "policy/staff/proposal_form.html",
        {
            "form": form,
            "reply": reply,
            "actions": _actions(rules.RECORD_TRANSITIONS, request.user, reply),
            "co_handlers": reply.co_handlers.all(),
        },
        status=status,
    )


def _transition_view(request: HttpRequest, fn: Any, obj: Any, kwarg: str, url: str) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        fn(actor=request.user, action=action, comment=request.POST.get("comment", ""), **{kwarg: obj})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已发布。" if action == "publish" else "已撤回。")
    return redirect(url, pk=obj.pk)


@login_required
@require_POST
def proposal_transition(request: HttpRequest, pk: int) -> HttpResponse:
    reply = selectors.get_proposal_for_staff(request.user, pk)
    return _transition_view(request, services.proposal_transition, reply, "reply", "policy_staff:proposal")


# ---------------------------------------------------------------- 办事指南


@login_required
def guide_list(request: HttpRequest) -> HttpResponse:
    guides = selectors.guides_for_staff(request.user).order_by("org__code", "name")
    return render(request, "policy/staff/guide_list.html", {"guides": guides})


@login_required
def guide_new(request: HttpRequest) -> HttpResponse:
    orgs = _editor_orgs(request.user)
    form = GuideForm(
        request.POST or None,
        orgs=orgs,
        initial=_only_org(orgs),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            guide = services.guide_create(
                actor=request.user, org=form.cleaned_data["org"], data=form.guide_data()
            )
        except ApplicationError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, "办事指南草稿已保存。")
            return redirect("policy_staff:guide", pk=guide.pk)
    return render(request, "policy/staff/guide_form.html", {"form": form, "guide": None}, status=status)


@login_required
def guide_detail(request: HttpRequest, pk: int) -> HttpResponse:
    guide = selectors.get_guide_for_staff(request.user, pk)
    initial = {"org": guide.org_id, **services.guide_snapshot(guide)}
    form = GuideForm(request.POST or None, orgs=Organization.objects.filter(pk=guide.org_id), initial=initial)
    form.fields["org"].disabled = True
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_update(actor=request.user, guide=guide, data=form.guide_data())
        except ApplicationError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, "已保存（发布后公众才能看到修改）。")
            return redirect("policy_staff:guide", pk=guide.pk)
    return render(
        request,
        "policy/staff/guide_form.html",
        {
            "form": form,
            "guide": guide,
            "can_edit": services.may_edit(request.user, guide.org),
            "missing": rules.guide_missing_elements(services.guide_snapshot(guide)),
            "actions": _actions(rules.GUIDE_TRANSITIONS, request.user, guide),
            "versions": guide.versions.select_related("published_by").order_by("-number"),
        },
        status=status,
    )


@login_required
@require_POST
def guide_transition(request: HttpRequest, pk: int) -> HttpResponse:
    guide = selectors.get_guide_for_staff(request.user, pk)
    return _transition_view(request, services.guide_transition, guide, "guide", "policy_staff:guide")


# ---------------------------------------------------------------- 权责清单


@login_required
def power_index(request: HttpRequest) -> HttpResponse:
    orgs = orgs_for_staff(request.user)
    return render(request, "policy/staff/power_index.html", {"orgs": orgs})


@login_required
def power_org(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.get_org_for_staff(request.user, code)
    draft = selectors.power_working_copy(org)
    current = selectors.power_version_public(org)
    form = PowerEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        op = request.POST.get("op", "add")
        try:
            if op == "add":
                if form.is_valid():
                    services.power_entry_add(actor=request.user, org=org, data=form.entry_data())
                    messages.success(request, "已添加到工作稿。")
                    return redirect("policy_staff:power_org", code=org.code)
            elif op == "start":
                services.power_working_copy_start(actor=request.user, org=org)
                messages.success(request, "已建立工作稿。")
                return redirect("policy_staff:power_org", code=org.code)
            elif op == "discard":
                services.power_list_discard(actor=request.user, org=org)
                messages.success(request, "工作稿已放弃。")
                return redirect("policy_staff:power_org", code=org.code)
            elif op == "publish":
                version = services.power_list_publish(
                    actor=request.user, org=org, note=request.POST.get("note", "")
                )
                messages.success(request, f"已发布第 {version.number} 版。")
                return redirect("policy_staff:power_org", code=org.code)
            else:
                raise ApplicationError("bad_op", "操作无效。")
        except ApplicationError as exc:
            if op == "add":
                status = _form_error(form, exc)
            else:
                messages.error(request, exc.message)
                status = 403 if isinstance(exc, PermissionDenied) else 200
    return render(
        request,
        "policy/staff/power_org.html",
        {
            "org": org,
            "draft": draft,
            "current": current,
            "entries": selectors.power_entries(draft)
            if draft
            else (selectors.power_entries(current) if current else []),
            "diff": selectors.power_version_diff(current, draft) if draft else None,
            "form": form,
            "note": request.POST.get("note", ""),
            "can_edit": services.may_edit(request.user, org),
            "can_publish": services.may_publish(request.user, org),
            "versions": selectors.power_versions_public(org),
        },
        status=status,
    )


@login_required
def power_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_power_entry_for_staff(request.user, pk)
    org = entry.version.org
    form = PowerEntryForm(
        request.POST or None,
        initial={
            "name": entry.name,
            "category": entry.category,
            "basis": entry.basis,
            "responsible": entry.responsible_id,
            "remarks": entry.remarks,
        },
    )
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("op") == "delete":
                services.power_entry_remove(actor=request.user, entry=entry)
                messages.success(request, "已从工作稿删除。")
                return redirect("policy_staff:power_org", code=org.code)
            if form.is_valid():
                services.power_entry_update(actor=request.user, entry=entry, data=form.entry_data())
                messages.success(request, "已保存到工作稿。")
                return redirect("policy_staff:power_org", code=org.code)
        except ApplicationError as exc:
            status = _form_error(form, exc)
    return render(
        request, "policy/staff/power_entry.html", {"entry": entry, "org": org, "form": form}, status=status
    )


# ---------------------------------------------------------------- 政策问答库


@login_required
def qa_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.qas_for_staff(request.user).order_by("-updated_at", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "policy/staff/qa_list.html", {"page": page})


@login_required
def qa_stale(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/staff/qa_stale.html", {"rows": selectors.qas_citing_invalid(request.user)})


@login_required
def qa_new(request: HttpRequest) -> HttpResponse:
    orgs = _editor_orgs(request.user)
    form = QAForm(
        request.POST or None,
        orgs=orgs,
        initial=_only_org(orgs),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            qa = services.qa_create(actor=request.user, org=form.cleaned_data["org"], data=form.qa_data())
        except ApplicationError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, "问答草稿已保存；可继续添加引用文件。")
            return redirect("policy_staff:qa", pk=qa.pk)
    return render(request, "policy/staff/qa_form.html", {"form": form, "qa": None}, status=status)


@login_required
def qa_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qa = selectors.get_qa_for_staff(request.user, pk)
    editable = qa.status in rules.RECORD_EDITABLE and services.may_edit(request.user, qa.org)
    form = None
    status = 200
    if editable or request.method == "POST":
        form = QAForm(
            request.POST or None,
            orgs=Organization.objects.filter(pk=qa.org_id),
            initial={"org": qa.org_id, "title": qa.title, "question": qa.question, "answer": qa.answer},
        )
        form.fields["org"].disabled = True
    if request.method == "POST":
        assert form is not None
        if form.is_valid():
            try:
                services.qa_update(actor=request.user, qa=qa, data=form.qa_data())
            except ApplicationError as exc:
                status = _form_error(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("policy_staff:qa", pk=qa.pk)
    return render(
        request,
        "policy/staff/qa_form.html",
        {
            "form": form,
            "qa": qa,
            "editable": editable,
            "citations": selectors.qa_citations(qa),
            "actions": _actions(rules.RECORD_TRANSITIONS, request.user, qa),
        },
        status=status,
    )


@login_required
@require_POST
def qa_cite(request: HttpRequest, pk: int) -> HttpResponse:
    qa = selectors.get_qa_for_staff(request.user, pk)
    try:
        citation = services.qa_citation_add(actor=request.user, qa=qa, ref=request.POST.get("ref", "")[:200])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已引用《{citation.item.title}》。")
    return redirect("policy_staff:qa", pk=qa.pk)


@login_required
@require_POST
def qa_uncite(request: HttpRequest, pk: int) -> HttpResponse:
    citation = selectors.get_citation_for_staff(request.user, pk)
    try:
        services.qa_citation_remove(actor=request.user, citation=citation)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已取消引用。")
    return redirect("policy_staff:qa", pk=citation.qa_id)


@login_required
@require_POST
def qa_transition(request: HttpRequest, pk: int) -> HttpResponse:
    qa = selectors.get_qa_for_staff(request.user, pk)
    return _transition_view(request, services.qa_transition, qa, "qa", "policy_staff:qa")
