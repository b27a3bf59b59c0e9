"""The open-data workflow demo (`opendata/demo.py`): what `gongkai demo` shows of conditional access, usage,
background parsing and change proposals, written through the services and working when used."""

import pytest

from gongkai.core.models import AuditEntry
from gongkai.opendata import selectors
from gongkai.opendata.demo import CONDITIONAL_NAME, DEMO_ACCESS_CODE, load_opendata_demo
from gongkai.opendata.models import AccessApplication, Dataset, DatasetChange, DatastoreTable, UsageDay
from gongkai.orgs.models import Role
from tests.factories import make_org, make_user
from tests.opendata.conftest import DataAgency, make_dataset


@pytest.fixture
def demo_city(db):
    org = make_org("示范市人民政府办公室")
    publisher = make_user("szf_data_publisher", org, Role.DATA_PUBLISHER)
    make_user("szf_drafter", org, Role.DRAFTER)
    agency = DataAgency(org=org, publisher=publisher, staff=publisher)
    make_dataset(agency, "shifan-key-projects", title="示范市市级重点建设项目")
    make_dataset(agency, "shifan-air-quality-monthly", title="示范市空气质量月报")
    return agency


def test_demo_writes_each_workflow_and_only_once(client, demo_city):
    counts = load_opendata_demo()
    assert counts == {
        "od_conditional": 1,
        "datasets": 1,
        "resources": 1,
        "od_applications": 2,
        "od_usage_rows": counts["od_usage_rows"],
        "od_pending_parse": 1,
        "od_changes": 2,
    }
    assert counts["od_usage_rows"] > 60 and UsageDay.objects.count() == counts["od_usage_rows"]
    dataset = Dataset.objects.get(name=CONDITIONAL_NAME)
    assert dataset.open_type == "conditional" and dataset.status == "published"
    assert sorted(AccessApplication.objects.values_list("status", flat=True)) == ["approved", "pending"]
    assert AuditEntry.objects.filter(action="access.download").count() == 1
    assert DatastoreTable.objects.filter(status="pending").count() == 1
    change = DatasetChange.objects.get(kind="metadata")
    assert change.status == "pending" and "PM2.5" in change.data["tags"]
    proposal = DatasetChange.objects.get(kind="resource")
    assert proposal.status == "pending" and proposal.data["format"] == "CSV" and proposal.resource_file
    # The documented code opens the signed links on the dataset page.
    assert selectors.application_by_code(dataset, DEMO_ACCESS_CODE).status == "approved"
    client.post(f"/dataset/{CONDITIONAL_NAME}/access/", {"code": DEMO_ACCESS_CODE})
    assert "专用下载链接" in client.get(f"/dataset/{CONDITIONAL_NAME}/").content.decode()
    assert set(load_opendata_demo().values()) == {0}
