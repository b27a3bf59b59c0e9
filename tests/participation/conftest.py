from __future__ import annotations

import pytest

from gongkai.orgs.models import User
from tests.factories import make_user
from tests.participation.factories import MsgAgency, make_msg_agency


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
