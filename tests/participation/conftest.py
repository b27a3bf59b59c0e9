from __future__ import annotations

import pytest
from django.core.cache import cache

from gongkai.orgs.models import Role, User
from tests.factories import make_user
from tests.participation.factories import MsgAgency, make_msg_agency


@pytest.fixture
def publisher(agency: MsgAgency) -> User:
    """A publisher of the agency: may open consultations, moderate and decide comments."""
    return make_user("a_pub", agency.org, Role.PUBLISHER)


@pytest.fixture
def fresh_cache():
    """Throttle counters live in the shared cache: start and end with it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agency(db) -> MsgAgency:
    return make_msg_agency("a")


@pytest.fixture
def other(db) -> MsgAgency:
    return make_msg_agency("b")


@pytest.fixture
def office(db) -> User:
    """A platform admin of the 政务公开办."""
    return make_user("gkb_admin", None, is_platform_admin=True)
