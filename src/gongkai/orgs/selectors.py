"""Reads about agencies, users and roles. The one place that answers "may this user act for this agency"."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gongkai.orgs.models import Membership, Organization, Role


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_platform_admin or user.is_superuser))


def user_roles(user: Any, org: Organization) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=user, org=org).values_list("role", flat=True))


def user_has_role(user: Any, org: Organization, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, org=org, role__in=roles).exists()


def orgs_for_staff(user: Any) -> QuerySet[Organization]:
    """The agencies whose back office this user may open (any role; every agency for platform admins)."""
    if is_platform_admin(user):
        return Organization.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user).distinct()


def orgs_with_role(user: Any, *roles: str) -> QuerySet[Organization]:
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def org_list_public() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True).select_related("parent")


def org_by_code(code: str) -> Organization | None:
    return Organization.objects.filter(code=code.strip().upper()).first()


def org_descendants(org: Organization) -> list[Organization]:
    """The agency's whole subtree below it (one query per level)."""
    result: list[Organization] = []
    frontier = [org.pk]
    while frontier:
        children = list(Organization.objects.filter(parent_id__in=frontier))
        result.extend(children)
        frontier = [c.pk for c in children]
    return result


def effective_level(org: Organization) -> str:
    """`level` as given, else inherited from the nearest ancestor that has one (contracts.md)."""
    node: Organization | None = org
    seen = set()
    while node is not None and node.pk not in seen:
        if node.level:
            return node.level
        seen.add(node.pk)
        node = node.parent
    return ""


ROLE_LABELS = dict(Role.choices)


def may_admin_org(user: Any, org: Organization) -> bool:
    """Org admins of the agency and platform admins manage its columns, users and roles (None = system)."""
    return user is None or is_platform_admin(user) or user_has_role(user, org, Role.ORG_ADMIN)
