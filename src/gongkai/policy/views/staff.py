"""Staff pages under /staff/policy/: thin views over services and selectors.

Every object is fetched through its permission-checking selector (another agency's record is a 404); every write
goes through a service, which checks the role again and refuses with a Chinese message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


def _actions(table: rules.StateMachine[rules.Transition], user: Any, obj: Any) -> list[rules.Transition]:
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
            "stale": selectors.qas_citing_invalid_for_staff(request.user).count(),
            "orgs": orgs_for_staff(request.user),
        },
    )


# ---------------------------------------------------------------- one generic new / detail / transition view


@dataclass(frozen=True)
class RecordKind:
    """What differs between the staff pages of 建议提案答复, 办事指南 and 政策问答: the views below serve all three."""

    name: str  # URL names `policy_staff:<name>` and `policy_staff:<name>_transition`
    var: str  # the template variable, and the services' keyword for the record
    template: str
    form_class: Any
    get_for_staff: Callable[[Any, int], Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    transition: Callable[..., Any]
    data_of: Callable[[Any], Any]  # valid form → the services' typed data
    initial_of: Callable[[Any], dict[str, Any]]
    table: rules.StateMachine[rules.Transition]
    editable_states: frozenset[str]
    created_message: str
    saved_message: str
    more_context: Callable[[Any], dict[str, Any]] = lambda obj: {}


def record_new(request: HttpRequest, kind: RecordKind) -> HttpResponse:
    orgs = _editor_orgs(request.user)
    form = kind.form_class(
        request.POST or None, orgs=orgs, partners=selectors.partner_orgs(orgs), initial=_only_org(orgs)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            obj = kind.create(actor=request.user, org=form.cleaned_data["org"], data=kind.data_of(form))
        except ApplicationError as exc:
            status = _form_error(form, exc)
        else:
            messages.success(request, kind.created_message)
            return redirect(f"policy_staff:{kind.name}", pk=obj.pk)
    return render(request, kind.template, {"form": form, kind.var: None}, status=status)


def record_detail(request: HttpRequest, pk: int, kind: RecordKind) -> HttpResponse:
    obj = kind.get_for_staff(request.user, pk)
    can_edit = services.may_edit(request.user, obj.org)
    editable = obj.status in kind.editable_states and can_edit
    form = None
    status = 200
    if editable or request.method == "POST":
        initial = kind.initial_of(obj)
        form = kind.form_class(
            request.POST or None,
            orgs=Organization.objects.filter(pk=obj.org_id),
            partners=selectors.partner_orgs([obj.org], keep=initial.get("co_handlers", ())),
            initial=initial,
        )
        form.fields["org"].disabled = True
    if request.method == "POST":
        assert form is not None
        if form.is_valid():
            try:
                kind.update(actor=request.user, data=kind.data_of(form), **{kind.var: obj})
            except ApplicationError as exc:
                status = _form_error(form, exc)
            else:
                messages.success(request, kind.saved_message)
                return redirect(f"policy_staff:{kind.name}", pk=obj.pk)
    context = {
        "form": form,
        kind.var: obj,
        "editable": editable,
        "can_edit": can_edit,
        "actions": _actions(kind.table, request.user, obj),
        **kind.more_context(obj),
    }
    return render(request, kind.template, context, status=status)


def record_transition(request: HttpRequest, pk: int, kind: RecordKind) -> HttpResponse:
    obj = kind.get_for_staff(request.user, pk)
    action = request.POST.get("action", "")
    try:
        kind.transition(
            actor=request.user, action=action, comment=request.POST.get("comment", ""), **{kind.var: obj}
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已发布。" if action == "publish" else "已撤回。")
    return redirect(f"policy_staff:{kind.name}", pk=obj.pk)


def record_views(kind: RecordKind) -> tuple[Any, Any, Any]:
    """The (new, detail, transition) views of one kind of record, behind the login (transition: POST only)."""

    @login_required
    def new(request: HttpRequest) -> HttpResponse:
        return record_new(request, kind)

    @login_required
    def detail(request: HttpRequest, pk: int) -> HttpResponse:
        return record_detail(request, pk, kind)

    @login_required
    @require_POST
    def transition(request: HttpRequest, pk: int) -> HttpResponse:
        return record_transition(request, pk, kind)

    for view, suffix in ((new, "new"), (detail, "detail"), (transition, "transition")):
        view.__name__ = view.__qualname__ = f"{kind.name}_{suffix}"
    return new, detail, transition


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


PROPOSALS = RecordKind(
    name="proposal",
    var="reply",
    template="policy/staff/proposal_form.html",
    form_class=ProposalForm,
    get_for_staff=selectors.get_proposal_for_staff,
    create=services.proposal_create,
    update=services.proposal_update,
    transition=services.proposal_transition,
    data_of=lambda form: form.proposal_data(),
    initial_of=ProposalForm.initial_from,
    table=rules.RECORD_TRANSITIONS,
    editable_states=rules.RECORD_EDITABLE,
    created_message="答复草稿已保存。",
    saved_message="已保存。",
    more_context=lambda reply: {"co_handlers": reply.co_handlers.all()},
)
proposal_new, proposal_detail, proposal_transition = record_views(PROPOSALS)


# ---------------------------------------------------------------- 办事指南


@login_required
def guide_list(request: HttpRequest) -> HttpResponse:
    guides = selectors.guides_for_staff(request.user).order_by("org__code", "name")
    return render(request, "policy/staff/guide_list.html", {"guides": guides})


GUIDES = RecordKind(
    name="guide",
    var="guide",
    template="policy/staff/guide_form.html",
    form_class=GuideForm,
    get_for_staff=selectors.get_guide_for_staff,
    create=services.guide_create,
    update=services.guide_update,
    transition=services.guide_transition,
    data_of=lambda form: form.guide_data(),
    initial_of=lambda guide: {"org": guide.org_id, **services.guide_snapshot(guide)},
    table=rules.GUIDE_TRANSITIONS,
    editable_states=rules.GUIDE_EDITABLE,  # a guide is a working copy, edited in every state
    created_message="办事指南草稿已保存。",
    saved_message="已保存（发布后公众才能看到修改）。",
    more_context=lambda guide: {
        "missing": rules.guide_missing_elements(services.guide_snapshot(guide)),
        "versions": guide.versions.select_related("published_by").order_by("-number"),
    },
)
guide_new, guide_detail, guide_transition = record_views(GUIDES)


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
    form = PowerEntryForm(request.POST or None, partners=selectors.partner_orgs([org]))
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
        partners=selectors.partner_orgs([org], keep=[entry.responsible_id]),
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


QAS = RecordKind(
    name="qa",
    var="qa",
    template="policy/staff/qa_form.html",
    form_class=QAForm,
    get_for_staff=selectors.get_qa_for_staff,
    create=services.qa_create,
    update=services.qa_update,
    transition=services.qa_transition,
    data_of=lambda form: form.qa_data(),
    initial_of=lambda qa: {"org": qa.org_id, "title": qa.title, "question": qa.question, "answer": qa.answer},
    table=rules.RECORD_TRANSITIONS,
    editable_states=rules.RECORD_EDITABLE,
    created_message="问答草稿已保存；可继续添加引用文件。",
    saved_message="已保存。",
    more_context=lambda qa: {"citations": selectors.qa_citations(qa)},
)
qa_new, qa_detail, qa_transition = record_views(QAS)


@login_required
@require_POST
def qa_cite(request: HttpRequest, pk: int) -> HttpResponse:
    qa = selectors.get_qa_for_staff(request.user, pk)
    try:
        citation = services.qa_citation_add(actor=request.user, qa=qa, ref=request.POST.get("ref", "")[:200])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已引用《{citation.item.title if citation.item else citation.ref}》。")
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
