"""Plain builders for test data (no text from ../shared is copied here)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from stdnum.cn import uscc

from gongkai.orgs.models import Organization, Role, User
from gongkai.orgs.services import membership_grant
from gongkai.publishing.models import InfoItem
from gongkai.publishing.services import ItemData, item_create, item_transition, org_setup

PASSWORD = "Test-Password-2026"
_counter = itertools.count(1)


def make_code(n: int) -> str:
    """A valid 统一社会信用代码 for a government agency (11 …), unique per n."""
    body17 = f"11{130100 + n % 1000:06d}{n:08d}{n % 10}"
    return body17 + uscc.calc_check_digit(body17)


def make_org(
    name: str = "",
    *,
    kind: str = "department",
    parent: Organization | None = None,
    level: str = "city",
    doc_prefix: str = "测",
) -> Organization:
    n = next(_counter)
    org, _ = org_setup(
        actor=None,
        code=make_code(n),
        parent_code=parent.code if parent else None,
        name=name or f"测试局{n}",
        kind=kind,
        level=level,
        doc_prefix=doc_prefix,
        address="测试路1号",
        phone="0311-12345678",
        office_hours="工作日 9:00-17:00",
        email=f"org{n}@example.gov.cn",
    )
    return org


def make_user(username: str, org: Organization | None = None, *roles: str, **extra: object) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=f"{username}姓名", **extra
    )
    for role in roles:
        assert org is not None
        membership_grant(actor=None, user=user, org=org, role=role)
    return user


@dataclass
class Agency:
    org: Organization
    drafter: User
    reviewer: User
    publisher: User
    admin: User


def make_agency(prefix: str = "a", name: str = "") -> Agency:
    org = make_org(name or f"{prefix}局")
    return Agency(
        org=org,
        drafter=make_user(f"{prefix}_drafter", org, Role.DRAFTER),
        reviewer=make_user(f"{prefix}_reviewer", org, Role.REVIEWER),
        publisher=make_user(f"{prefix}_publisher", org, Role.PUBLISHER),
        admin=make_user(f"{prefix}_admin", org, Role.ORG_ADMIN),
    )


def draft(agency: Agency, title: str = "关于测试工作的通知", **fields: object) -> InfoItem:
    if fields.get("kind") in {"rule", "normative"}:
        # R-PUB-8: tests about other things send policies to review with a reason for no interpretation.
        fields.setdefault("interpretation_exemption", "测试文件，不另行解读。")
    data = ItemData(title=title, body_html=str(fields.pop("body_html", "<p>正文内容。</p>")), **fields)  # type: ignore[arg-type]
    return item_create(actor=agency.drafter, org=agency.org, data=data)


def publish(agency: Agency, title: str = "关于测试工作的通知", **fields: object) -> InfoItem:
    item = draft(agency, title, **fields)
    item = item_transition(actor=agency.drafter, item=item, action="submit")
    item = item_transition(actor=agency.reviewer, item=item, action="approve")
    return item_transition(actor=agency.publisher, item=item, action="publish")
