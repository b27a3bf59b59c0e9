"""Staff back office for publishing: thin views over services and selectors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.models import AuditEntry
from gongkai.core.params import int_id
from gongkai.core.throttle import client_address, login_blocked, login_failure_record, login_success_record
from gongkai.inspection import selectors as inspection_selectors
from gongkai.inspection import services as inspection_services
from gongkai.orgs.models import Role
from gongkai.orgs.selectors import may_admin_org, orgs_for_staff, orgs_with_role, user_roles
from gongkai.publishing import selectors, services, workflow
from gongkai.publishing.forms import ColumnForm, ItemForm, ReviseForm, TransitionForm, ValidityForm
from gongkai.publishing.models import Attachment, Column, InfoItem, ItemRelation, ItemRevision


def _form_error(form: Any, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# ---------------------------------------------------------------- login


class StaffLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("staff:dashboard")
    form = StaffLoginForm(request, data=request.POST or None)
    form.fields["username"].label = "用户名"
    form.fields["password"].label = "密码"
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        address = client_address(request.META)  # type: ignore[arg-type]
        if login_blocked(username=username, address=address):
            form.errors.clear()
            form.add_error(None, "登录失败次数过多，请 15 分钟后再试。")
            status = 429
        elif form.is_valid():
            auth_login(request, form.get_user())
            login_success_record(username=username, address=address)
            nxt = request.GET.get("next", "")
            if nxt and url_has_allowed_host_and_scheme(
                nxt, {request.get_host()}, require_https=request.is_secure()
            ):
                return HttpResponseRedirect(nxt)
            return redirect("staff:dashboard")
        else:
            login_failure_record(username=username, address=address)
    return render(request, "publishing/staff/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("/")


# ---------------------------------------------------------------- dashboard and lists


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = selectors.staff_tasks(request.user)
    context["deadlines"] = selectors.publication_deadlines(request.user)
    context["missing_interpretations"] = selectors.missing_interpretations(request.user)
    context["orgs"] = orgs_for_staff(request.user)
    return render(request, "publishing/staff/dashboard.html", context)


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    if status not in InfoItem.Status.values:
        status = ""
    qs = selectors.staff_item_search(request.user, q=q, status=status, org_code=request.GET.get("org", ""))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "publishing/staff/item_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": InfoItem.Status.choices,
            "orgs": orgs_for_staff(request.user),
        },
    )


# ---------------------------------------------------------------- editor


def _save_attachment(request: HttpRequest, form: ItemForm, item: InfoItem) -> bool:
    upload = request.FILES.get("attachment")
    if not upload:
        return True
    if upload.size and upload.size > settings.GONGKAI_ATTACHMENT_MAX_BYTES:
        form.add_error(
            "attachment",
            f"文件“{upload.name}”超过大小限制"
            f"（最大 {settings.GONGKAI_ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB）。",
        )
        return False
    try:
        services.attachment_add(actor=request.user, item=item, name=upload.name or "附件", data=upload.read())
    except ApplicationError as exc:
        form.add_error("attachment", exc.message)
        return False
    return True


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    orgs = orgs_with_role(request.user, Role.DRAFTER)
    if not orgs.exists():
        messages.error(request, "您没有拟稿人角色，不能新建信息。")
        return redirect("staff:dashboard")
    only = orgs.first() if orgs.count() == 1 else None
    form = ItemForm(
        request.POST or None, request.FILES or None, orgs=orgs, initial={"org": only.pk if only else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                actor=request.user, org=form.cleaned_data["org"], data=form.item_data()
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            if _save_attachment(request, form, item):
                messages.success(request, "草稿已保存。")
                _propose_valid_until(request, item)
                return redirect("staff:item", pk=item.pk)
            # Say why: the form holding the reason is not shown again after the redirect.
            reasons = "；".join(str(e) for e in form.errors.get("attachment", []))
            messages.error(
                request,
                f"草稿已保存，但附件未能上传：{reasons}" if reasons else "草稿已保存，但附件未能上传。",
            )
            return redirect("staff:item", pk=item.pk)
    return render(request, "publishing/staff/item_form.html", {"form": form, "item": None})


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    roles = user_roles(request.user, item.org)
    editable = item.status in workflow.EDITABLE and Role.DRAFTER in roles
    form = None
    if editable:
        orgs = orgs_with_role(request.user, Role.DRAFTER).filter(pk=item.org_id)
        form = ItemForm(
            request.POST or None, request.FILES or None, orgs=orgs, initial=ItemForm.initial_from(item)
        )
        form.fields["org"].disabled = True
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.item_update(actor=request.user, item=item, data=form.item_data())
                except ApplicationError as exc:
                    _form_error(form, exc)
                else:
                    if _save_attachment(request, form, item):
                        messages.success(request, "已保存。")
                        _propose_valid_until(request, item)
                        return redirect("staff:item", pk=item.pk)
    elif request.method == "POST":
        raise Http404
    actions = [t for t in workflow.available_actions(item.status, roles)]
    if settings.GONGKAI_FORBID_SELF_APPROVAL and item.drafter_id == request.user.pk:
        actions = [t for t in actions if t.action != "approve"]
    return render(
        request,
        "publishing/staff/item_detail.html",
        {
            "item": item,
            "form": form,
            "actions": actions,
            "roles": roles,
            "attachments": item.attachments.all(),
            "revisions": item.revisions.all(),
            "history": AuditEntry.objects.filter(object_type="publishing.infoitem", object_id=str(item.pk))[
                :50
            ],
            "can_revise": item.status == InfoItem.Status.PUBLISHED and Role.PUBLISHER in roles,
            "validity_form": ValidityForm(initial={"validity": item.validity}),
            "relations": selectors.item_relations(item),
            "relations_out": selectors.item_relations_staff(item),
            "structured_forms": _structured_forms(item),
            "relation_types": ItemRelation.Type.choices,
            "can_relate": bool({Role.DRAFTER, Role.PUBLISHER} & roles),
            "precheck": inspection_selectors.latest_precheck(item),
            "can_mask": services.may_mask_body(item.status, roles),
        },
    )


@login_required
@require_POST
def item_transition(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作无效。")
        return redirect("staff:item", pk=item.pk)
    action = form.cleaned_data["action"]
    if action == "approve":
        inspection_services.precheck_ensure(actor=request.user, item=item)
    try:
        with transaction.atomic():
            if action == "approve":  # issue 10 item 5: matches of the precheck confirmed first
                inspection_services.precheck_gate(
                    actor=request.user, item=item, confirmed=request.POST.get("precheck_confirm") == "1"
                )
            services.item_transition(
                actor=request.user, item=item, action=action, comment=form.cleaned_data["comment"]
            )
            if action == "submit":  # R-PII-1 and the word list, on the body and attachments (and 解读)
                found = sum(
                    len(p.matches)
                    for p in inspection_services.precheck_submitted(actor=request.user, item=item)
                    if p.state == p.State.PENDING
                )
                if found:
                    messages.warning(request, f"发布前检查发现 {found} 处疑似个人信息或敏感词，请核实。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        label = workflow.TRANSITIONS[action].label
        messages.success(request, f"已{label}。")
    return redirect("staff:item", pk=item.pk)


@login_required
def item_revise(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    if item.status != InfoItem.Status.PUBLISHED or Role.PUBLISHER not in user_roles(request.user, item.org):
        raise Http404
    orgs = orgs_for_staff(request.user).filter(pk=item.org_id)
    form = ReviseForm(request.POST or None, orgs=orgs, initial=ItemForm.initial_from(item))
    form.fields["org"].disabled = True
    del form.fields["attachment"]
    if request.method == "POST" and form.is_valid():
        try:
            services.item_revise(
                actor=request.user, item=item, data=form.item_data(), reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已更正并生成新的修订版本。")
            return redirect("staff:item", pk=item.pk)
    return render(request, "publishing/staff/item_form.html", {"form": form, "item": item, "revise": True})


@login_required
@require_POST
def item_validity(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    form = ValidityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("staff:item", pk=item.pk)
    ref = form.cleaned_data["by_index_no"].strip()
    by_item = None
    if ref:
        from gongkai.core.docno import normalize_doc_no

        by_item = (
            selectors.items_public().filter(Q(index_no=ref) | Q(doc_no_norm=normalize_doc_no(ref))).first()
        )
        if by_item is None:
            messages.error(request, f"找不到索引号或文号为“{ref}”的已发布文件。")
            return redirect("staff:item", pk=item.pk)
    try:
        services.item_validity_set(
            actor=request.user,
            item=item,
            validity=form.cleaned_data["validity"],
            changed_on=form.cleaned_data["changed_on"],
            by_item=by_item,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "有效性已更新。")
    return redirect("staff:item", pk=item.pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    attachment = Attachment.objects.filter(item=item, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "附件已删除。")
    return redirect("staff:item", pk=item.pk)


@login_required
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    revision = ItemRevision.objects.filter(item=item, number=number).first()
    if revision is None:
        raise Http404
    return render(request, "publishing/staff/revision.html", {"item": item, "revision": revision})


# ---------------------------------------------------------------- columns


@login_required
def column_list(request: HttpRequest) -> HttpResponse:
    orgs = orgs_for_staff(request.user)
    org = orgs.filter(code=request.GET.get("org", "")).first() or orgs.first()
    if org is None:
        raise Http404
    can_admin = may_admin_org(request.user, org)
    form = ColumnForm(request.POST or None, org=org)
    if request.method == "POST":
        if not can_admin:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.column_create(
                    actor=request.user,
                    org=org,
                    name=d["name"],
                    parent=d["parent"],
                    update_class=d["update_class"],
                    responsible=d["responsible"],
                    first_level=d["first_level"] or d["parent"] is None,
                    sort_order=d["sort_order"] or 0,
                    structure=d["structure"] or "",
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "栏目已添加。")
                return redirect(f"{reverse('staff:columns')}?org={org.code}")
    return render(
        request,
        "publishing/staff/columns.html",
        {
            "org": org,
            "orgs": orgs,
            "tree": _flat_tree(org),
            "form": form,
            "can_admin": can_admin,
        },
    )


def _flat_tree(org: Any) -> list[tuple[int, Column]]:
    columns = list(Column.objects.filter(org=org).order_by("sort_order", "id"))
    children: dict[int | None, list[Column]] = {}
    for c in columns:
        children.setdefault(c.parent_id, []).append(c)
    out: list[tuple[int, Column]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            out.append((depth, c))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


@login_required
def column_edit(request: HttpRequest, pk: int) -> HttpResponse:
    column = selectors.get_column_for_staff(request.user, pk)
    if not may_admin_org(request.user, column.org):
        raise Http404
    form = ColumnForm(
        request.POST or None,
        org=column.org,
        initial={
            "name": column.name,
            "parent": column.parent_id,
            "update_class": column.update_class,
            "responsible": column.responsible,
            "first_level": column.first_level,
            "sort_order": column.sort_order,
            "structure": column.structure,
        },
    )
    del form.fields["parent"]
    if request.method == "POST":
        if request.POST.get("delete"):
            try:
                services.column_delete(actor=request.user, column=column)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect("staff:column", pk=column.pk)
            messages.success(request, "栏目已删除。")
            return redirect(f"{reverse('staff:columns')}?org={column.org.code}")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.column_update(
                    actor=request.user,
                    column=column,
                    name=d["name"],
                    update_class=d["update_class"],
                    responsible=d["responsible"],
                    first_level=d["first_level"],
                    sort_order=d["sort_order"] or 0,
                    structure=d["structure"] or "",
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "栏目已保存。")
                return redirect(f"{reverse('staff:columns')}?org={column.org.code}")
    return render(request, "publishing/staff/column_edit.html", {"column": column, "form": form})


@login_required
@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    ref = request.POST.get("target", "")[:100]
    target = selectors.relation_target_lookup(item.org, ref)
    if target is None:
        messages.error(request, f"找不到索引号或文号为“{ref.strip()}”的可关联文件。")
        return redirect("staff:item", pk=item.pk)
    try:
        services.item_relation_add(
            actor=request.user, source=item, type=request.POST.get("type", ""), target=target
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已关联《{target.title}》。")
    return redirect("staff:item", pk=item.pk)


@login_required
@require_POST
def relation_remove(request: HttpRequest, pk: int, relation_id: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    relation = ItemRelation.objects.filter(source=item, pk=relation_id).first()
    if relation is None:
        raise Http404
    try:
        services.item_relation_remove(actor=request.user, relation=relation)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已取消关联。")
    return redirect("staff:item", pk=item.pk)


# ---------------------------------------------------------------- 政府公报


def _gazette_orgs(user: Any) -> Any:
    from gongkai.orgs.models import Organization
    from gongkai.orgs.selectors import is_platform_admin

    if is_platform_admin(user):
        return Organization.objects.all()
    return orgs_with_role(user, Role.PUBLISHER, Role.ORG_ADMIN)


@login_required
def gazette_list(request: HttpRequest) -> HttpResponse:
    from gongkai.publishing.models import GazetteIssue

    orgs = _gazette_orgs(request.user)
    if request.method == "POST":
        org = orgs.filter(pk=int_id(request.POST, "org")).first()
        try:
            if org is None:
                raise ApplicationError("bad_org", "请选择编印机关。")
            year, number = int(request.POST.get("year", "")), int(request.POST.get("number", ""))
            issue = services.gazette_issue_create(
                actor=request.user, org=org, year=year, number=number, title=request.POST.get("title", "")
            )
        except ValueError:
            messages.error(request, "年份和期号须为整数。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已新建一期公报。")
            return redirect("staff:gazette_issue", pk=issue.pk)
    issues = GazetteIssue.objects.filter(org__in=orgs).select_related("org")
    return render(request, "publishing/staff/gazette_list.html", {"issues": issues, "orgs": orgs})


@login_required
def gazette_issue(request: HttpRequest, pk: int) -> HttpResponse:
    from gongkai.publishing.models import GazetteEntry

    issue = selectors.get_gazette_issue_for_staff(request.user, pk)
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "add":
                ref = request.POST.get("ref", "")[:100]
                item = selectors.relation_target_lookup(issue.org, ref)
                if item is None:
                    raise ApplicationError("not_found", f"找不到索引号或文号为“{ref.strip()}”的已公开信息。")
                services.gazette_entry_add(actor=request.user, issue=issue, item=item)
            elif op in {"up", "down", "remove"}:
                entry = GazetteEntry.objects.filter(issue=issue, pk=int_id(request.POST, "entry")).first()
                if entry is None:
                    raise Http404
                if op == "remove":
                    services.gazette_entry_remove(actor=request.user, entry=entry)
                else:
                    services.gazette_entry_move(
                        actor=request.user, entry=entry, offset=-1 if op == "up" else 1
                    )
            elif op == "pdf":
                upload = request.FILES.get("pdf")
                if upload is None:
                    raise ApplicationError("missing_file", "请选择 PDF 文件。")
                if upload.size and upload.size > settings.GONGKAI_ATTACHMENT_MAX_BYTES:
                    raise ApplicationError("file_too_large", "文件超过大小限制。")
                services.gazette_pdf_set(
                    actor=request.user, issue=issue, name=upload.name or "公报.pdf", data=upload.read()
                )
            elif op == "publish":
                services.gazette_issue_publish(actor=request.user, issue=issue)
            else:
                raise ApplicationError("bad_op", "操作无效。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存。")
        return redirect("staff:gazette_issue", pk=issue.pk)
    entries = issue.entries.select_related("item", "item__org").order_by("position", "id")
    return render(request, "publishing/staff/gazette_issue.html", {"issue": issue, "entries": entries})


# ---------------------------------------------------------------- 清理


@login_required
def cleanup_list(request: HttpRequest) -> HttpResponse:
    from gongkai.orgs.selectors import is_platform_admin
    from gongkai.publishing.models import CleanupBatch

    if request.method == "POST":
        deadline = None
        try:
            if request.POST.get("deadline"):
                from datetime import date

                deadline = date.fromisoformat(request.POST["deadline"])
            batch = services.cleanup_open(
                actor=request.user, title=request.POST.get("title", ""), deadline=deadline
            )
        except ValueError:
            messages.error(request, "完成期限应为有效日期。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已发起清理，共列入 {batch.decisions.count()} 件文件。")
            return redirect("staff:cleanup", pk=batch.pk)
    batches = [
        (b, selectors.cleanup_decisions_for_staff(request.user, b).filter(decision="").count())
        for b in CleanupBatch.objects.all()
    ]
    return render(
        request,
        "publishing/staff/cleanup_list.html",
        {"batches": batches, "is_admin": is_platform_admin(request.user)},
    )


@login_required
def cleanup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from gongkai.orgs.selectors import is_platform_admin
    from gongkai.publishing.models import CleanupBatch, CleanupDecision

    batch = CleanupBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise Http404
    decisions = selectors.cleanup_decisions_for_staff(request.user, batch)
    if request.method == "POST":
        try:
            if request.POST.get("op") == "publish":
                services.cleanup_publish(actor=request.user, batch=batch)
                messages.success(request, "清理结果已公布。")
            else:
                decision = decisions.filter(pk=int_id(request.POST, "decision_id")).first()
                if decision is None:
                    raise Http404
                services.cleanup_decide(
                    actor=request.user,
                    decision=decision,
                    value=request.POST.get("decision", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, f"已记录《{decision.item.title}》的清理决定。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("staff:cleanup", pk=batch.pk)
    return render(
        request,
        "publishing/staff/cleanup_detail.html",
        {
            "batch": batch,
            "decisions": decisions,
            "choices": CleanupDecision.Decision.choices,
            "is_admin": is_platform_admin(request.user),
        },
    )


# ---------------------------------------------------------------- 财政预决算


@login_required
def budget_edit(request: HttpRequest) -> HttpResponse:
    from datetime import date
    from decimal import Decimal, InvalidOperation

    from gongkai.publishing.models import BudgetDisclosure

    orgs = _gazette_orgs(request.user)
    values = {
        k: request.POST.get(k, "").strip() for k in ("org", "year", "kind", "approved_on", "item", "amount")
    }
    if request.method == "POST":
        try:
            org = orgs.filter(pk=int_id(values, "org")).first()
            if org is None:
                raise ApplicationError("bad_org", "请选择机关。")
            year = int(values["year"])
            approved = date.fromisoformat(values["approved_on"]) if values["approved_on"] else None
            amount = Decimal(values["amount"]) if values["amount"] else None
            item = None
            if values["item"]:
                item = selectors.relation_target_lookup(org, values["item"])
                if item is None:
                    raise ApplicationError("not_found", f"找不到索引号或文号为“{values['item']}”的信息。")
            services.budget_record(
                actor=request.user,
                org=org,
                year=year,
                kind=values["kind"],
                approved_on=approved,
                item=item,
                three_public_amount_10k=amount,
            )
        except (ValueError, InvalidOperation):
            messages.error(request, "年度、日期或金额格式不正确。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记。")
            return redirect("staff:budgets")
    records = BudgetDisclosure.objects.filter(org__in=orgs).select_related("org", "item")[:200]
    return render(
        request,
        "publishing/staff/budgets.html",
        {
            "orgs": orgs,
            "records": records,
            "kinds": BudgetDisclosure.Kind.choices,
            "values": values,
        },
    )


# ---------------------------------------------------------------- 基层政务公开标准目录


@login_required
def standard_catalog_edit(request: HttpRequest) -> HttpResponse:
    from gongkai.orgs.selectors import is_platform_admin
    from gongkai.publishing.models import StandardCatalogEntry

    orgs = (
        orgs_for_staff(request.user)
        if is_platform_admin(request.user)
        else orgs_with_role(request.user, Role.ORG_ADMIN)
    )
    org = orgs.filter(code=request.GET.get("org", "")).first() or orgs.first()
    if org is None:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("op") == "link":
                entry = StandardCatalogEntry.objects.filter(org=org, pk=int_id(request.POST, "entry")).first()
                if entry is None:
                    raise Http404
                column = Column.objects.filter(org=org, pk=int_id(request.POST, "column")).first()
                services.standard_catalog_link(actor=request.user, entry=entry, column=column)
                messages.success(request, "已对应栏目。")
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise ApplicationError("missing_file", "请选择 Excel 文件。")
                if upload.size and upload.size > 10 * 1024 * 1024:
                    raise ApplicationError("file_too_large", "文件超过 10 MB。")
                count, problems = services.standard_catalog_import(
                    actor=request.user, org=org, data=upload.read()
                )
                messages.success(request, f"已导入 {count} 条。")
                for problem in problems[:20]:
                    messages.warning(request, problem)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('staff:standard_catalog')}?org={org.code}")
    return render(
        request,
        "publishing/staff/standard_catalog.html",
        {
            "org": org,
            "orgs": orgs,
            "rows": selectors.standard_catalog_status(org),
            "columns": Column.objects.filter(org=org).order_by("sort_order", "id"),
        },
    )


def _structured_forms(item: InfoItem) -> list[dict[str, Any]]:
    from gongkai.publishing.structures import STRUCTURES

    codes = sorted(set(item.columns.exclude(structure="").values_list("structure", flat=True)))
    return [
        {"structure": STRUCTURES[c], "values": item.structured.get(c, {})} for c in codes if c in STRUCTURES
    ]


@login_required
@require_POST
def item_structured(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_staff(request.user, pk)
    structure = request.POST.get("structure", "")
    values = {k: v for k, v in request.POST.items() if k not in {"csrfmiddlewaretoken", "structure"}}
    try:
        services.item_structured_set(actor=request.user, item=item, structure=structure, values=values)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "结构化信息已保存。")
    return redirect("staff:item", pk=item.pk)


def _propose_valid_until(request: HttpRequest, item: InfoItem) -> None:
    """Issue 7 §3: for a 行政规范性文件 without an end date, propose the deployment's default validity period.

    Only proposed in the editor, never filled in (and never for imported records)."""
    from gongkai.publishing.metadata import proposed_valid_until

    item.refresh_from_db(fields=["kind", "effective_on", "valid_until", "written_on"])
    proposal = proposed_valid_until(
        kind=item.kind,
        effective_on=item.effective_on or item.written_on,
        valid_until=item.valid_until,
        years=settings.GONGKAI_NORMATIVE_VALIDITY_YEARS,
    )
    if proposal:
        messages.info(
            request,
            f"行政规范性文件一般应规定有效期（默认 {settings.GONGKAI_NORMATIVE_VALIDITY_YEARS} 年），"
            f"建议“有效期至”填写 {proposal.isoformat()}。",
        )
