"""意见征集 pages (R-INT-1): public list, draft with the comment form; staff list, opening form, per-comment
decisions and the 采纳情况 report as Word. Commenters' names and contacts are never shown publicly."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import ApplicationError
from gongkai.core.throttle import client_address
from gongkai.participation import consultation_rules, selectors, services
from gongkai.participation.documents import adoption_report_title
from gongkai.participation.forms import (
    CommentForm,
    ConsultationForm,
    DecisionForm,
    DraftFileForm,
    ModerationForm,
    apply_error,
    uploads_of,
)
from gongkai.participation.models import Comment, Consultation

# ---------------------------------------------------------------- public


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "participation/public/consultations.html",
        {"consultations": selectors.consultations_public()[:100], "today": timezone.localdate(), "org": None},
    )


@require_GET
def org_list(request: HttpRequest, org_code: str) -> HttpResponse:
    """The agency's consultations, linked from its 政府信息公开专栏."""
    org = selectors.orgs_accepting_messages().filter(code=org_code).first()
    if org is None:
        raise Http404
    return render(
        request,
        "participation/public/consultations.html",
        {
            "consultations": selectors.consultations_public(org)[:200],
            "today": timezone.localdate(),
            "org": org,
        },
    )


def _public_page(
    request: HttpRequest, c: Consultation, form: CommentForm, status: int = 200, done: bool = False
) -> HttpResponse:
    today = timezone.localdate()
    comments = selectors.consultation_public_comments(c)
    return render(
        request,
        "participation/public/consultation.html",
        {
            "c": c,
            "form": form,
            "is_open": c.status == Consultation.Status.OPEN and c.opens_on <= today <= c.closes_on,
            "days": consultation_rules.period_days(c.opens_on, c.closes_on),
            "done": done,
            "articles": consultation_rules.parse_articles(c.draft_text),
            "files": list(c.draft_attachments.all()),
            "comments": comments,
            "reasons": consultation_rules.WITHHELD_REASONS,
            "report_tally": selectors.consultation_report_tally(c),
            "decisions": consultation_rules.DECISION_LABELS,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.consultations_public().filter(pk=pk).first()
    if c is None:
        raise Http404
    form = CommentForm(request.POST or None, request.FILES or None, consultation=c)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_submit(
                    consultation=c,
                    data=form.comment_data(),
                    address=client_address(request.META),  # type: ignore[arg-type]
                    uploads=uploads_of(form),
                )
            except ApplicationError as exc:
                apply_error(form, exc)
                return _public_page(request, c, form, status=429 if exc.code == "too_many" else 400)
            return _public_page(request, c, CommentForm(consultation=c), done=True)
        return _public_page(request, c, form, status=400)
    return _public_page(request, c, form)


# ---------------------------------------------------------------- staff


@login_required
@require_http_methods(["GET", "POST"])
def staff_list(request: HttpRequest) -> HttpResponse:
    orgs = selectors.consultation_orgs_for_staff(request.user)
    if not orgs.exists():
        raise Http404
    form = ConsultationForm(request.POST or None)
    org = orgs.filter(code=request.POST.get("org") or request.GET.get("org", "")).first()
    if org is None and len(orgs) == 1:  # one agency only: nothing to choose
        org = orgs[0]
    status = 200
    if request.method == "POST":
        status = 400
        if org is None:  # never another agency than the one chosen
            form.add_error(None, "请选择单位。")
        if form.is_valid() and org is not None:
            try:
                c = services.consultation_open(actor=request.user, org=org, data=form.data_object())
            except ApplicationError as exc:
                apply_error(form, exc)
            else:
                return redirect("participation_staff:consultation", pk=c.pk)
    return render(
        request,
        "participation/staff/consultations.html",
        {
            "consultations": selectors.consultations_for_staff(orgs)[:200],
            "form": form,
            "orgs": orgs,
            "org": org,
        },
        status=status,
    )


def _staff_page(
    request: HttpRequest,
    c: Consultation,
    errors: dict[int, DecisionForm] | None = None,
    status: int = 200,
    moderation_errors: dict[int, ModerationForm] | None = None,
    file_form: DraftFileForm | None = None,
    report_error: str = "",
) -> HttpResponse:
    groups = selectors.consultation_comment_groups(c)
    errors = errors or {}
    moderation_errors = moderation_errors or {}
    return render(
        request,
        "participation/staff/consultation.html",
        {
            "c": c,
            "rows": [
                (
                    g,
                    errors.get(g.lead.pk)
                    or DecisionForm(
                        initial={
                            "decision": g.lead.decision,
                            "reason": g.lead.reason,
                            "changes": g.lead.changes,
                        },
                        prefix=f"c{g.lead.pk}",
                    ),
                    [
                        (m, moderation_errors.get(m.pk) or ModerationForm(prefix=f"m{m.pk}"))
                        for m in g.members
                    ],
                )
                for g in groups
            ],
            "results": selectors.consultation_question_results(c),
            "files": list(c.draft_attachments.all()),
            "file_form": file_form or DraftFileForm(),
            "tally": consultation_rules.tally(m.decision for g in groups for m in g.members),
            "days": consultation_rules.period_days(c.opens_on, c.closes_on),
            "report_error": report_error,
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_page(request, selectors.get_consultation_for_staff(request.user, pk))


@login_required
@require_POST
def staff_decide(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    c = selectors.get_consultation_for_staff(request.user, pk)
    comment = Comment.objects.filter(pk=comment_id, consultation=c).first()
    if comment is None:
        raise Http404
    form = DecisionForm(request.POST, prefix=f"c{comment.pk}")
    if form.is_valid():
        try:
            services.comment_decide(
                actor=request.user,
                comment=comment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                changes=form.cleaned_data["changes"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return redirect("participation_staff:consultation", pk=c.pk)
    return _staff_page(request, c, {comment.pk: form}, status=400)


@login_required
@require_POST
def staff_moderate(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    c = selectors.get_consultation_for_staff(request.user, pk)
    comment = Comment.objects.filter(pk=comment_id, consultation=c).first()
    if comment is None:
        raise Http404
    form = ModerationForm(request.POST, prefix=f"m{comment.pk}")
    if form.is_valid():
        try:
            services.comment_moderate(
                actor=request.user,
                comment=comment,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return redirect("participation_staff:consultation", pk=c.pk)
    return _staff_page(request, c, status=400, moderation_errors={comment.pk: form})


@login_required
@require_POST
def staff_close(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.get_consultation_for_staff(request.user, pk)
    try:
        services.consultation_close(actor=request.user, consultation=c)
    except ApplicationError:
        pass  # already closed: the page shows it
    return redirect("participation_staff:consultation", pk=c.pk)


def _report_response(c: Consultation) -> HttpResponse:
    response = HttpResponse(
        selectors.adoption_report(c),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(adoption_report_title(c))}.docx"
    return response


@login_required
@require_GET
def staff_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_response(selectors.get_consultation_for_staff(request.user, pk))


@login_required
@require_POST
def staff_report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.get_consultation_for_staff(request.user, pk)
    try:
        services.consultation_report_publish(actor=request.user, consultation=c)
    except ApplicationError as exc:
        return _staff_page(request, c, status=400, report_error=exc.message)
    return redirect("participation_staff:consultation", pk=c.pk)


@require_GET
def public_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The 采纳情况 report in Word, once published beside the consultation (R-INT-1)."""
    c = selectors.consultations_public().filter(pk=pk, report_published_at__isnull=False).first()
    if c is None:
        raise Http404
    return _report_response(c)


@login_required
@require_GET
def staff_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    c = selectors.get_consultation_for_staff(request.user, pk)
    row = selectors.attachment_of(attachment_id, comment__consultation=c)
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )


@require_GET
def public_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """A file published with the draft (never a commenter's attachment)."""
    c = selectors.consultations_public().filter(pk=pk).first()
    if c is None:
        raise Http404
    row = selectors.attachment_of(attachment_id, consultation=c)
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )


@login_required
@require_POST
def staff_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.get_consultation_for_staff(request.user, pk)
    form = DraftFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.consultation_attachment_add(
                actor=request.user, consultation=c, name=upload.name, data=upload.read()
            )
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            return redirect("participation_staff:consultation", pk=c.pk)
    return _staff_page(request, c, status=400, file_form=form)


@login_required
@require_POST
def staff_file_remove(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    c = selectors.get_consultation_for_staff(request.user, pk)
    row = selectors.attachment_of(attachment_id, consultation=c)
    services.consultation_attachment_remove(actor=request.user, attachment=row)
    return redirect("participation_staff:consultation", pk=c.pk)
