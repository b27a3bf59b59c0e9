"""Fixtures for open-data tests: one agency with a data publisher and ordinary staff, and another agency."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gongkai.opendata import services, usage
from gongkai.opendata.models import Dataset
from gongkai.orgs.models import Organization, Role, User
from tests.factories import make_org, make_user


@dataclass
class DataAgency:
    org: Organization
    publisher: User  # data_publisher
    staff: User  # drafter: staff of the agency, not a data publisher


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_BASE_URL = "http://testserver"
    settings.GONGKAI_OPENDATA_USAGE_FLUSH_SECONDS = 0  # counts written at once (tests/opendata/test_usage.py)
    usage._pending.clear()


@pytest.fixture
def agency(db) -> DataAgency:
    org = make_org("数据局")
    return DataAgency(
        org=org,
        publisher=make_user("od_pub", org, Role.DATA_PUBLISHER),
        staff=make_user("od_staff", org, Role.DRAFTER),
    )


@pytest.fixture
def other(db) -> DataAgency:
    org = make_org("交通局")
    return DataAgency(
        org=org,
        publisher=make_user("other_pub", org, Role.DATA_PUBLISHER),
        staff=make_user("other_staff", org, Role.DRAFTER),
    )


@pytest.fixture
def admin(db) -> User:
    return make_user("od_admin", None, is_platform_admin=True)


def make_dataset(
    agency: DataAgency, name: str = "bus-lines", *, publish: bool = True, **fields: object
) -> Dataset:
    data = services.DatasetData(
        name=name,
        title=str(fields.pop("title", "公交线路")),
        description=str(fields.pop("description", "全市公交线路及站点。")),
        **fields,  # type: ignore[arg-type]
    )
    return services.dataset_create(actor=agency.publisher, org=agency.org, data=data, publish=publish)


CSV_TEXT = "线路,站数,开通日期\n1路,25,2001-05-01\n2路,18,2003-07-15\n夜1路,30,2010-01-01\n"
