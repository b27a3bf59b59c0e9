"""Fixtures for the core tests: users with and without the platform-administrator flag."""

from __future__ import annotations

import pytest

from gongkai.orgs.models import User

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_user(username="gkb-admin", password=PASSWORD, is_platform_admin=True)


@pytest.fixture
def staff_user(db) -> User:
    """Signed-in agency staff without the platform-administrator flag."""
    return User.objects.create_user(username="agency-clerk", password=PASSWORD, is_staff=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
