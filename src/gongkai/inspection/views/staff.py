"""Staff pages of the inspection: an agency's staff see their own findings; the 政务公开办 sees every agency,
keeps the word list, the deduction rules and the columns' personal-data exemptions. Thin views."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.params import int_id
from gongkai.inspection import documents, rules, selectors, services
from gongkai.inspection.models import (
    Assessment,
    BonusAward,
    Bulletin,
    ColumnPolicy,
    DeductionRule,
    Indicator,
    SensitiveWord,
    TaskUnit,
    WorkPlan,
)
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import is_platform_admin, orgs_for_staff, user_roles
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
    is_admin = is_platform_admin(request.user)
    trend = selectors.trend([r["org"] for r in rows]) if is_admin else []
    site_run = selectors.latest_site_run() if is_admin else None
    return render(
        request,
        "inspection/index.html",
        {
            "rows": rows,
            "is_admin": is_admin,
            "site_run": site_run,
            "site_vetoes": [rules.VETO_LABELS.get(v, v) for v in (site_run.site_vetoes if site_run else [])],
            "veto_labels": rules.VETO_LABELS,
            "trend_chart": selectors.trend_chart(trend, score_label="平均得分") if trend else None,
            "trend_rows": selectors.trend_table(trend),
        },
    )


@login_required
def org_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.get_org_for_inspection(request.user, code)
    findings = list(selectors.open_findings(org))
    verdict = selectors.latest_verdict(org)
    trend = selectors.trend([org])
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
            "trend_chart": selectors.trend_chart(trend) if trend else None,
            "trend_rows": selectors.trend_table(trend),
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
def item_precheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the personal-data and sensitive-word checks on an item again (e.g. a published item with a finding),
    so that what is found can be masked from the item's page."""
    item = get_item_for_staff(request.user, pk)
    record = services.precheck_record(actor=request.user, item=item)
    if record.matches:
        messages.warning(request, f"发现 {len(record.matches)} 处疑似个人信息、敏感词或未能检查的附件。")
    else:
        messages.success(request, "未发现个人信息或敏感词。")
    return redirect("staff:item", pk=item.pk)


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


# ---------------------------------------------------------------- assessment and 通报 (issue 10 item 6)


class AssessmentForm(forms.Form):
    title = forms.CharField(label="考核名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2999)
    as_of = forms.DateField(label="考核数据截止日期", widget=forms.DateInput(attrs={"type": "date"}))


class IndicatorForm(forms.Form):
    name = forms.CharField(label="指标名称", max_length=100)
    kind = forms.ChoiceField(label="计分方式", choices=Indicator.Kind.choices)
    weight = forms.IntegerField(label="分值", min_value=1, max_value=100)
    codes = forms.MultipleChoiceField(
        label="问题类型（按问题扣分时）",
        choices=sorted(rules.CODE_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    per_finding = forms.IntegerField(label="每个问题扣分", min_value=0, max_value=100, required=False)


class FixByForm(forms.Form):
    fix_by = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}))


class MonthForm(FixByForm):
    month = forms.CharField(label="月份（YYYY-MM）", max_length=7)


def _assessment(pk: int) -> Assessment:
    assessment = Assessment.objects.filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


@inspection_admin_required
def assessments(request: HttpRequest) -> HttpResponse:
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.assessment_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已创建考核，请核对指标和分值。")
            return redirect("staff_inspection:assessment", pk=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inspection/assessments.html",
        {"form": form, "assessments": Assessment.objects.all()},
        status=status,
    )


@inspection_admin_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    form = IndicatorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.indicator_add(
                    actor=request.user,
                    assessment=assessment,
                    name=data["name"],
                    kind=data["kind"],
                    weight=data["weight"],
                    codes=list(data["codes"]),
                    per_finding=data["per_finding"] or 0,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已添加指标。")
                return redirect("staff_inspection:assessment", pk=assessment.pk)
        status = 400
    columns, rows = selectors.assessment_rows(assessment) if assessment.state != "draft" else ([], [])
    indicators = list(assessment.indicators.all())
    manual = [i for i in indicators if i.kind == Indicator.Kind.MANUAL]
    return render(
        request,
        "inspection/assessment.html",
        {
            "assessment": assessment,
            "indicators": indicators,
            "weight_total": sum(i.weight for i in indicators),
            "form": form,
            "columns": columns,
            "rows": rows,
            "manual": manual,
            "grid": selectors.manual_grid(manual) if assessment.state == Assessment.State.OPEN else [],
            "fix_form": FixByForm(initial={"fix_by": services.default_fix_by()}),
            "code_labels": rules.CODE_LABELS,
        },
        status=status,
    )


@inspection_admin_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    indicator = (
        Indicator.objects.select_related("assessment").filter(pk=indicator_id, assessment_id=pk).first()
    )
    if indicator is None:
        raise Http404
    try:
        services.indicator_remove(actor=request.user, indicator=indicator)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("staff_inspection:assessment", pk=pk)


@inspection_admin_required
@require_POST
def assessment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    try:
        services.assessment_transition(
            actor=request.user, assessment=assessment, action=str(request.POST.get("action", ""))
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已更新考核状态。")
    return redirect("staff_inspection:assessment", pk=pk)


@inspection_admin_required
@require_POST
def assessment_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """The hand scores of the manual indicators: one field `score-<indicator>-<org>` each; blank = unchanged."""
    assessment = _assessment(pk)
    orgs = {o.pk: o for o in selectors.assessed_orgs()}
    errors: list[str] = []
    saved = 0
    for indicator in assessment.indicators.filter(kind=Indicator.Kind.MANUAL):
        for org_pk, org in orgs.items():
            raw = str(request.POST.get(f"score-{indicator.pk}-{org_pk}", "")).strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    raise InvalidOperation
                services.manual_score_set(actor=request.user, indicator=indicator, org=org, score=value)
            except InvalidOperation:
                errors.append(f"{org.name}“{indicator.name}”的得分不是数字。")
            except ApplicationError as exc:
                errors.append(f"{org.name}“{indicator.name}”：{exc.message}")
            else:
                saved += 1
    for error in errors:
        messages.error(request, error)
    if saved:
        messages.success(request, f"已保存 {saved} 项得分。")
    return redirect("staff_inspection:assessment", pk=pk)


@inspection_admin_required
@require_POST
def assessment_bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    form = FixByForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的整改期限。")
        return redirect("staff_inspection:assessment", pk=pk)
    try:
        bulletin = services.bulletin_assessment(
            actor=request.user, assessment=assessment, fix_by=form.cleaned_data["fix_by"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("staff_inspection:assessment", pk=pk)
    return redirect("staff_inspection:bulletin", pk=bulletin.pk)


@login_required
def bulletins(request: HttpRequest) -> HttpResponse:
    """Every 通报 (each agency's staff read them: they are sent to all agencies); the office generates the
    monthly one here."""
    is_admin = selectors.may_manage_inspection(request.user)
    if not orgs_for_staff(request.user).exists() and not is_admin:
        raise Http404
    today = timezone.localdate()
    form = MonthForm(
        request.POST or None, initial={"month": f"{today:%Y-%m}", "fix_by": services.default_fix_by()}
    )
    status = 200
    if request.method == "POST":
        if not is_admin:
            raise Http404
        if form.is_valid():
            try:
                bulletin = services.bulletin_monthly(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error("month" if exc.field == "month" else None, exc.message)
            else:
                return redirect("staff_inspection:bulletin", pk=bulletin.pk)
        status = 400
    return render(
        request,
        "inspection/bulletins.html",
        {"bulletins": selectors.bulletins()[:100], "form": form, "is_admin": is_admin},
        status=status,
    )


def _bulletin(request: HttpRequest, pk: int) -> Bulletin:
    if not (orgs_for_staff(request.user).exists() or selectors.may_manage_inspection(request.user)):
        raise Http404
    bulletin = selectors.bulletins().filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    return render(
        request,
        "inspection/bulletin.html",
        {
            "bulletin": bulletin,
            "data": bulletin.data,
            "is_admin": selectors.may_manage_inspection(request.user),
        },
    )


def docx_response(bulletin: Bulletin) -> HttpResponse:
    response = HttpResponse(documents.bulletin_docx(bulletin), content_type=documents.DOCX_TYPE)
    name = quote(f"{bulletin.title}.docx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"bulletin-{bulletin.pk}.docx\"; filename*=UTF-8''{name}"
    )
    return response


@login_required
def bulletin_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return docx_response(_bulletin(request, pk))


@inspection_admin_required
@require_POST
def bulletin_publish(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    public = request.POST.get("public") == "1"
    try:
        services.bulletin_publish(actor=request.user, bulletin=bulletin, public=public)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已在门户网站公开。" if public else "已撤下。")
    return redirect("staff_inspection:bulletin", pk=bulletin.pk)


# ---------------------------------------------------------------- 工作要点 task ledger (issue 10 item 7)


class PlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2999)
    title = forms.CharField(label="名称", max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label="任务分解表（.xlsx）")


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label="进展状态", choices=TaskUnit.Status.choices)
    progress = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class EvidenceForm(forms.Form):
    item_ref = forms.CharField(label="已公开信息（索引号）", max_length=100, required=False)
    url = forms.CharField(label="链接", max_length=1000, required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)


class ReviewForm(forms.Form):
    review = forms.ChoiceField(label="回头看结论", choices=[c for c in TaskUnit.Review.choices if c[0]])
    note = forms.CharField(label="复核意见", max_length=500, required=False)


def _staff_scope(request: HttpRequest) -> list[Organization] | None:
    """None for the office (every agency); else the agencies of the user (an empty list is a 404)."""
    if selectors.may_manage_inspection(request.user):
        return None
    orgs = list(orgs_for_staff(request.user))
    if not orgs:
        raise Http404
    return orgs


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    scope = _staff_scope(request)
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if scope is not None:
            raise Http404
        if form.is_valid():
            try:
                plan = services.plan_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("staff_inspection:plan", pk=plan.pk)
    return render(
        request,
        "inspection/tasks.html",
        {"plans": selectors.plans_overview(), "form": form, "is_admin": scope is None},
        status=400 if request.method == "POST" else 200,
    )


def _plan(pk: int) -> WorkPlan:
    plan = WorkPlan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _staff_scope(request)
    plan = _plan(pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    import_errors: list[str] = []
    status = 200
    if request.method == "POST":
        if scope is not None:
            raise Http404
        if form.is_valid():
            try:
                stored, import_errors = services.plan_import(
                    actor=request.user, plan=plan, data=form.cleaned_data["file"].read()
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
                status = 400
            else:
                messages.success(request, f"已导入 {stored} 项任务。")
                if not import_errors:
                    return redirect("staff_inspection:plan", pk=plan.pk)
        else:
            status = 400
    overdue = request.GET.get("overdue") == "1"
    units = selectors.ledger_units(plan, orgs=scope, overdue_on=timezone.localdate() if overdue else None)
    return render(
        request,
        "inspection/plan.html",
        {
            "plan": plan,
            "units": units,
            "overdue_only": overdue,
            "form": form,
            "import_errors": import_errors,
            "is_admin": scope is None,
        },
        status=status,
    )


@login_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _staff_scope(request)
    plan = _plan(pk)
    data = documents.ledger_xlsx(plan, selectors.ledger_units(plan, orgs=scope))
    response = HttpResponse(data, content_type=documents.XLSX_TYPE)
    name = quote(f"{plan.title}台账.xlsx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"ledger-{plan.pk}.xlsx\"; filename*=UTF-8''{name}"
    )
    return response


@login_required
def task_unit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_staff(request.user, pk)
    is_admin = selectors.may_manage_inspection(request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    progress_form = ProgressForm(
        request.POST if action == "progress" else None,
        initial={"status": unit.status, "progress": unit.progress},
    )
    evidence_form = EvidenceForm(request.POST if action == "evidence" else None)
    review_form = ReviewForm(
        request.POST if action == "review" else None,
        initial={"review": unit.review, "note": unit.review_note},
    )
    forms_by_action: dict[str, forms.Form] = {
        "progress": progress_form,
        "evidence": evidence_form,
        "review": review_form,
    }
    status = 200
    if request.method == "POST":
        form = forms_by_action.get(str(action))
        if form is None or (action == "review" and not is_admin):
            raise Http404
        if form.is_valid():
            try:
                if action == "progress":
                    services.task_progress(actor=request.user, unit=unit, **form.cleaned_data)
                elif action == "evidence":
                    services.evidence_add(actor=request.user, unit=unit, **form.cleaned_data)
                else:
                    services.task_review(actor=request.user, unit=unit, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "已保存。")
                return redirect("staff_inspection:task_unit", pk=unit.pk)
        status = 400
    return render(
        request,
        "inspection/task_unit.html",
        {
            "unit": unit,
            "task": unit.task,
            "others": unit.task.units.select_related("org").exclude(pk=unit.pk),
            "evidence": unit.evidence.select_related("item"),
            "overdue": bool(
                unit.task.deadline
                and unit.task.deadline < timezone.localdate()
                and unit.status != TaskUnit.Status.DONE
            ),
            "progress_form": progress_form,
            "evidence_form": evidence_form,
            "review_form": review_form,
            "is_admin": is_admin,
            "may_report": bool(user_roles(request.user, unit.org)),
        },
        status=status,
    )


# ---------------------------------------------------------------- R-WEB-3 portal bonus


class BonusForm(forms.Form):
    org = forms.ModelChoiceField(
        label="门户网站（人民政府）", queryset=Organization.objects.filter(kind=Organization.Kind.GOVERNMENT)
    )
    label = forms.CharField(label="加分事项", max_length=200)
    points = forms.IntegerField(label="加分", min_value=1, max_value=rules.BONUS_CAP)
    awarded_on = forms.DateField(label="认定日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", max_length=300, required=False)


@inspection_admin_required
def bonus(request: HttpRequest) -> HttpResponse:
    form = BonusForm(request.POST or None, initial={"awarded_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.bonus_add(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已添加加分项，下次检查时计入得分。")
                return redirect("staff_inspection:bonus")
        status = 400
    awards = BonusAward.objects.select_related("org")[:200]
    return render(
        request,
        "inspection/bonus.html",
        {"form": form, "awards": awards, "cap": rules.BONUS_CAP},
        status=status,
    )


@inspection_admin_required
@require_POST
def bonus_delete(request: HttpRequest, pk: int) -> HttpResponse:
    award = BonusAward.objects.select_related("org").filter(pk=pk).first()
    if award is None:
        raise Http404
    services.bonus_remove(actor=request.user, award=award)
    messages.success(request, f"已删除“{award.label}”。")
    return redirect("staff_inspection:bonus")
