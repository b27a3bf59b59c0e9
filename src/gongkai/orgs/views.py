"""Users and roles in the back office: org admins manage their agencies, platform admins all."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import MinimumLengthValidator, get_default_password_validators
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongkai.core.errors import ApplicationError
from gongkai.orgs import services
from gongkai.orgs.models import Membership, Organization, Role, User
from gongkai.orgs.selectors import is_platform_admin, orgs_with_role


def _admin_orgs(user: object) -> QuerySet[Organization]:
    if is_platform_admin(user):
        return Organization.objects.all()
    return orgs_with_role(user, Role.ORG_ADMIN)


class GrantForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150, error_messages={"required": "请填写用户名。"})
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    full_name = forms.CharField(label="姓名（新用户）", max_length=50, required=False)
    password = forms.CharField(
        label="初始密码（新用户）",
        required=False,
        widget=forms.PasswordInput,
        help_text="至少 10 位，不能过于简单。已有用户不必填写。",
    )

    def clean_password(self) -> str:
        # Django 5.2's zh-Hans catalogue lacks the new "too short" message (it would show in English):
        # say it here in Chinese, with the configured minimum; the other validators run in the service.
        password = self.cleaned_data["password"]
        for validator in get_default_password_validators():
            if (
                isinstance(validator, MinimumLengthValidator)
                and password
                and len(password) < validator.min_length
            ):
                raise forms.ValidationError(f"密码太短，至少需要 {validator.min_length} 个字符。")
        return password


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    orgs = _admin_orgs(request.user)
    org = orgs.filter(code=request.GET.get("org", "")).first() or orgs.first()
    if org is None:
        raise Http404
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = User.objects.filter(username=d["username"].strip()).first()
        try:
            if user is None:
                if not d["password"]:
                    raise ApplicationError("missing_field", "新用户须设置初始密码。", field="password")
                user = services.user_create(
                    actor=request.user,
                    username=d["username"],
                    password=d["password"],
                    full_name=d["full_name"],
                )
            services.membership_grant(actor=request.user, user=user, org=org, role=d["role"])
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已授予 {user.display_name} “{Role(d['role']).label}”角色。")
            return redirect(f"{reverse('staff:users')}?org={org.code}")
    memberships = Membership.objects.filter(org=org).select_related("user").order_by("user__username", "role")
    return render(
        request, "orgs/users.html", {"org": org, "orgs": orgs, "memberships": memberships, "form": form}
    )


@login_required
@require_POST
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    membership = (
        Membership.objects.select_related("org", "user")
        .filter(pk=pk, org__in=_admin_orgs(request.user))
        .first()
    )
    if membership is None:
        raise Http404
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "角色已撤销。")
    return redirect(f"{reverse('staff:users')}?org={membership.org.code}")
