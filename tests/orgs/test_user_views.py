"""Users and roles in the back office: org admins grant and revoke roles in their own agency only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Membership, Role, User
from tests.factories import PASSWORD, make_agency, make_user

pytestmark = pytest.mark.django_db

USERS = reverse("staff:users")
NEW_PASSWORD = "Qingshui-River-2026"


@pytest.fixture
def agency():
    return make_agency("a")


@pytest.fixture
def other():
    return make_agency("b")


def html(response) -> str:
    return response.content.decode()


def revoke_url(membership: Membership) -> str:
    return reverse("staff:membership_revoke", args=[membership.pk])


def test_org_admin_sees_the_agencys_roles(client, agency, other):
    client.force_login(agency.admin)
    response = client.get(USERS)
    assert response.status_code == 200
    page = html(response)
    assert f"用户与角色 · {agency.org.name}" in page
    for username in ("a_drafter", "a_reviewer", "a_publisher", "a_admin"):
        assert username in page
    assert "b_drafter" not in page
    assert "拟稿人" in page and "单位管理员" in page


def test_org_admin_grants_role_to_new_user(client, agency):
    client.force_login(agency.admin)
    response = client.post(
        USERS,
        {"username": "a_new", "role": Role.REVIEWER, "full_name": "新同事", "password": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{USERS}?org={agency.org.code}"
    assert "已授予 新同事 “审核人”角色。" in html(response)
    user = User.objects.get(username="a_new")
    assert user.full_name == "新同事" and user.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(user=user, org=agency.org, role=Role.REVIEWER).exists()
    assert AuditEntry.objects.filter(action="membership.grant", actor=agency.admin).exists()
    # The new user can sign in with the initial password.
    client.post(reverse("staff:logout"))
    response = client.post(reverse("staff:login"), {"username": "a_new", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_grant_to_existing_user_needs_no_password(client, agency, other):
    client.force_login(agency.admin)
    client.post(USERS, {"username": "b_drafter", "role": Role.DRAFTER})
    assert Membership.objects.filter(user=other.drafter, org=agency.org, role=Role.DRAFTER).exists()
    other.drafter.refresh_from_db()
    assert other.drafter.check_password(PASSWORD)  # an existing user's password is never touched


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Short-1", "密码太短，至少需要 10 个字符。"),
        ("1234567890123", "密码只包含数字。"),
        ("password123", "这个密码太常见了。"),
    ],
    ids=["too-short", "numeric", "common"],
)
def test_weak_password_for_new_user_shows_chinese_errors(client, agency, password, expected):
    client.force_login(agency.admin)
    response = client.post(
        USERS, {"username": "a_weak", "role": Role.DRAFTER, "full_name": "弱密码", "password": password}
    )
    assert response.status_code == 200
    page = html(response)
    assert expected in page
    assert "This password" not in page  # no untranslated validator message reaches the user
    assert 'value="a_weak"' in page  # the typed username is kept
    assert password not in page  # the password is not echoed back
    assert not User.objects.filter(username="a_weak").exists()
    assert not Membership.objects.filter(user__username="a_weak").exists()


def test_new_user_without_password_is_refused(client, agency):
    client.force_login(agency.admin)
    response = client.post(USERS, {"username": "a_nopass", "role": Role.DRAFTER})
    assert response.status_code == 200
    assert "新用户须设置初始密码。" in html(response)
    assert not User.objects.filter(username="a_nopass").exists()


def test_missing_username_and_bad_role(client, agency):
    client.force_login(agency.admin)
    response = client.post(USERS, {"username": "", "role": Role.DRAFTER})
    assert "请填写用户名。" in html(response)
    response = client.post(USERS, {"username": "a_drafter", "role": "emperor"})
    assert response.status_code == 200
    assert not Membership.objects.filter(role="emperor").exists()


def test_org_admin_revokes_a_role(client, agency):
    membership = Membership.objects.get(user=agency.drafter, org=agency.org, role=Role.DRAFTER)
    client.force_login(agency.admin)
    assert client.get(revoke_url(membership)).status_code == 405
    response = client.post(revoke_url(membership), follow=True)
    assert response.redirect_chain[-1][0] == f"{USERS}?org={agency.org.code}"
    assert "角色已撤销。" in html(response)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(action="membership.revoke", actor=agency.admin).exists()


def test_other_agencys_admin_gets_404_on_revoke(client, agency, other):
    membership = Membership.objects.get(user=agency.drafter, org=agency.org, role=Role.DRAFTER)
    client.force_login(other.admin)
    response = client.post(revoke_url(membership))
    assert response.status_code == 404
    assert "页面不存在" in html(response)
    assert Membership.objects.filter(pk=membership.pk).exists()
    # ?org= naming an agency I do not administer shows my own agency, not theirs.
    page = html(client.get(f"{USERS}?org={agency.org.code}"))
    assert other.org.name in page and "a_drafter" not in page


def test_other_agencys_admin_cannot_grant_into_it(client, agency, other):
    client.force_login(other.admin)
    client.post(f"{USERS}?org={agency.org.code}", {"username": "b_reviewer", "role": Role.PUBLISHER})
    assert not Membership.objects.filter(org=agency.org, user=other.reviewer).exists()
    # The grant went to the admin's own agency, the only one they manage.
    assert Membership.objects.filter(org=other.org, user=other.reviewer, role=Role.PUBLISHER).exists()


def test_staff_without_admin_role_gets_404(client, agency):
    membership = Membership.objects.get(user=agency.reviewer, org=agency.org)
    client.force_login(agency.drafter)
    assert client.get(USERS).status_code == 404
    assert (
        client.post(
            USERS, {"username": "x_new", "role": Role.ORG_ADMIN, "password": NEW_PASSWORD}
        ).status_code
        == 404
    )
    assert client.post(revoke_url(membership)).status_code == 404
    assert not User.objects.filter(username="x_new").exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_anonymous_is_sent_to_login(client, agency):
    membership = Membership.objects.get(user=agency.drafter, org=agency.org)
    response = client.get(USERS)
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/?next=")
    response = client.post(revoke_url(membership))
    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_platform_admin_manages_any_agency(client, agency, other):
    admin = make_user("platform", None, is_platform_admin=True)
    client.force_login(admin)
    page = html(client.get(f"{USERS}?org={other.org.code}"))
    assert "b_drafter" in page and "a_drafter" not in page
    membership = Membership.objects.get(user=other.drafter, org=other.org)
    assert client.post(revoke_url(membership)).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
