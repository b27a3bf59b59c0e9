"""Staff pages of the inspection: an agency's staff see their own findings; the 政务公开办 sees every agency,
keeps the word list, the deduction rules and the columns' personal-data exemptions. Thin views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.params import int_id
from gongkai.inspection import rules, selectors, services
from gongkai.inspection.models import ColumnPolicy, DeductionRule, SensitiveWord
from gongkai.orgs.selectors import is_platform_admin, orgs_for_staff
from gongkai.publishing.models import Column
from gongkai.publishing.selectors import column_path_string, get_item_for_staff

View = Callable[..., HttpResponse]


def inspection_admin_required(view: View) -> View:
    """Login first; anyone who is not a platform administrator gets a 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.may_manage_inspection(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rows = selectors.overview_for_staff(request.user)
    if not is_platform_admin(request.user) and len(rows) == 1:
        return redirect("staff_inspection:org", code=rows[0]["org"].code)
    return render(
        request,
        "inspection/index.html",
        {"rows": rows, "is_admin": is_platform_admin(request.user), "veto_labels": rules.VETO_LABELS},
    )


@login_required
def org_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.get_org_for_inspection(request.user, code)
    findings = list(selectors.open_findings(org))
    verdict = selectors.latest_verdict(org)
    return render(
        request,
        "inspection/org.html",
        {
            "org": org,
            "verdict": verdict,
            "vetoes": [rules.VETO_LABELS.get(v, v) for v in (verdict.vetoes if verdict else [])],
            "findings": [f for f in findings if not f.exemption],
            "exempt": [f for f in findings if f.exemption],
            "resolved": selectors.resolved_findings(org),
            "is_admin": is_platform_admin(request.user),
        },
    )


class WordForm(forms.Form):
    word = forms.CharField(label="词语", max_length=50)
    kind = forms.ChoiceField(label="类型", choices=SensitiveWord.Kind.choices)
    note = forms.CharField(label="说明", max_length=200, required=False)


@inspection_admin_required
def words(request: HttpRequest) -> HttpResponse:
    form = WordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sensitive_word_add(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error("word" if exc.field == "word" else None, exc.message)
        else:
            messages.success(request, "已添加。")
            return redirect("staff_inspection:words")
    entries = SensitiveWord.objects.all()
    return render(request, "inspection/words.html", {"form": form, "entries": entries})


@inspection_admin_required
@require_POST
def word_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = SensitiveWord.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    services.sensitive_word_remove(actor=request.user, entry=entry)
    messages.success(request, f"已删除“{entry.word}”。")
    return redirect("staff_inspection:words")


class RuleForm(forms.Form):
    points = forms.IntegerField(label="每项扣分", min_value=0, max_value=100)
    cap = forms.IntegerField(label="扣分上限（0 为不设上限）", min_value=0, max_value=100)


@inspection_admin_required
def deduction_rules(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        rule = DeductionRule.objects.filter(pk=int_id(request.POST, "rule")).first()
        form = RuleForm(request.POST)
        if rule is None:
            error = "扣分规则不存在。"
        elif form.is_valid():
            try:
                services.deduction_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
            except ApplicationError as exc:
                error = exc.message
            else:
                messages.success(request, f"已更新“{rule.label}”。")
                return redirect("staff_inspection:rules")
        else:
            error = "扣分和上限应为 0 到 100 之间的整数。"
    status = 400 if error else 200
    return render(
        request,
        "inspection/rules.html",
        {"rules": DeductionRule.objects.all(), "error": error},
        status=status,
    )


class PolicyForm(forms.Form):
    pii_exemption = forms.ChoiceField(
        label="个人信息豁免", choices=ColumnPolicy.Exemption.choices, required=False
    )
    basis = forms.CharField(label="豁免依据", max_length=300, required=False)


@inspection_admin_required
def column_policy(request: HttpRequest, pk: int) -> HttpResponse:
    column = Column.objects.select_related("org").filter(pk=pk, org__in=orgs_for_staff(request.user)).first()
    if column is None:
        raise Http404
    policy = ColumnPolicy.objects.filter(column=column).first()
    form = PolicyForm(
        request.POST or None,
        initial={
            "pii_exemption": policy.pii_exemption if policy else "",
            "basis": policy.basis if policy else "",
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.column_policy_set(actor=request.user, column=column, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error("basis" if exc.field == "basis" else None, exc.message)
            status = 400
        else:
            messages.success(request, "已保存。")
            return redirect("staff_inspection:org", code=column.org.code)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "inspection/column_policy.html",
        {"column": column, "path": column_path_string(column), "form": form},
        status=status,
    )


@login_required
@require_POST
def item_mask(request: HttpRequest, pk: int) -> HttpResponse:
    """One-click mask of a personal number in an item's body (R-PUB-9 去标识化), from the item's staff page."""
    item = get_item_for_staff(request.user, pk)
    raw_start = str(request.POST.get("start", ""))
    masked = str(request.POST.get("masked", ""))[:40]
    start = int(raw_start) if raw_start.isascii() and raw_start.isdigit() and len(raw_start) <= 9 else -1
    if start < 0 or not masked:
        messages.error(request, "参数无效。")
        return redirect("staff:item", pk=item.pk)
    try:
        services.precheck_mask(actor=request.user, item=item, start=start, masked=masked)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已遮蔽为 {masked}，并生成新的修订版本。")
    return redirect("staff:item", pk=item.pk)
