"""Writes about agencies, users and memberships. Each is one transaction with one audit entry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.orgs.codes import normalize_org_code, org_code_error
from gongkai.orgs.models import Membership, Organization, Role, User
from gongkai.orgs.selectors import is_platform_admin, may_admin_org

ORG_FIELDS = (
    "name",
    "short_name",
    "kind",
    "level",
    "doc_prefix",
    "address",
    "postcode",
    "phone",
    "fax",
    "email",
    "office_hours",
    "website",
    "sort_order",
)


def _check_org_fields(fields: dict[str, Any]) -> None:
    if not str(fields.get("name") or "").strip():
        raise ApplicationError("missing_field", "机关名称不能为空。", field="name")
    if fields.get("kind") not in Organization.Kind.values:
        raise ApplicationError(
            "bad_kind", "机关类型应为 government、department、township 或 public_institution。", field="kind"
        )
    level = fields.get("level") or ""
    if level and level not in Organization.Level.values:
        raise ApplicationError("bad_level", "层级应为 province、city、county 或 township。", field="level")
    email = fields.get("email") or ""
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ApplicationError("bad_email", "电子邮箱格式不正确。", field="email") from exc
    postcode = fields.get("postcode") or ""
    if postcode and not (len(postcode) == 6 and postcode.isdigit()):
        raise ApplicationError("bad_postcode", "邮政编码应为 6 位数字。", field="postcode")


@transaction.atomic
def org_upsert(
    *, actor: Any, code: str, parent_code: str | None = None, **fields: Any
) -> tuple[Organization, bool]:
    """Create or update an agency by its code. Returns (org, created)."""
    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied()
    error = org_code_error(code or "")
    if error:
        raise ApplicationError("bad_code", error, field="code")
    code = normalize_org_code(code)
    values = {k: (fields.get(k) if fields.get(k) is not None else "") for k in ORG_FIELDS if k in fields}
    values["sort_order"] = int(fields.get("sort_order") or 0)
    _check_org_fields({**values, "kind": fields.get("kind")})
    parent = None
    if parent_code:
        parent = Organization.objects.filter(code=normalize_org_code(parent_code)).first()
        if parent is None:
            raise ApplicationError("unknown_org", f"上级机关 {parent_code} 不存在。", field="parent_code")
        if parent.code == code:
            raise ApplicationError("self_relation", "机关不能是自己的上级。", field="parent_code")
        node: Organization | None = parent
        while node is not None:
            if node.code == code:
                raise ApplicationError("relation_cycle", "上级关系形成循环。", field="parent_code")
            node = node.parent
    values["parent"] = parent
    org, created = Organization.objects.update_or_create(code=code, defaults=values)
    audit_log(actor=actor, action="org.create" if created else "org.update", obj=org, org_code=org.code)
    return org, created


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    full_name: str = "",
    email: str = "",
    is_platform_admin_flag: bool = False,
    check_password: bool = True,
) -> User:
    if actor is not None and not is_platform_admin(actor) and not _is_any_org_admin(actor):
        raise PermissionDenied()
    username = username.strip()
    if not username:
        raise ApplicationError("missing_field", "用户名不能为空。", field="username")
    if User.objects.filter(username=username).exists():
        raise ApplicationError("duplicate", "该用户名已存在。", field="username")
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=email.strip(),
        is_platform_admin=is_platform_admin_flag,
    )
    if password:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ApplicationError("weak_password", "；".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_log(actor=actor, action="user.create", obj=user, data={"platform_admin": is_platform_admin_flag})
    return user


def _is_any_org_admin(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and Membership.objects.filter(user=user, role=Role.ORG_ADMIN).exists()
    )


@transaction.atomic
def membership_grant(*, actor: Any, user: User, org: Organization, role: str) -> Membership:
    if role not in Role.values:
        raise ApplicationError("bad_role", "角色无效。", field="role")
    if not may_admin_org(actor, org):
        raise PermissionDenied()
    membership, created = Membership.objects.get_or_create(user=user, org=org, role=role)
    if created:
        audit_log(
            actor=actor,
            action="membership.grant",
            obj=membership,
            org_code=org.code,
            data={"user": user.username, "role": role},
        )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    if not may_admin_org(actor, membership.org):
        raise PermissionDenied()
    audit_log(
        actor=actor,
        action="membership.revoke",
        obj=membership,
        org_code=membership.org.code,
        data={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()
