from __future__ import annotations

import pytest

from gongkai.orgs.models import User
from tests.factories import make_user
from tests.outreach.factories import OutreachAgency, make_outreach_agency


@pytest.fixture
def agency(db) -> OutreachAgency:
    return make_outreach_agency("a")


@pytest.fixture
def other(db) -> OutreachAgency:
    return make_outreach_agency("b")


@pytest.fixture
def office(db) -> User:
    """A platform admin of the 政务公开办."""
    return make_user("gkb_admin", None, is_platform_admin=True)
