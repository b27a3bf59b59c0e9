"""The real `ckanapi` client, unchanged, against Django's live server."""

import io

import ckanapi
import pytest

from gongkai.opendata import services
from tests.opendata.conftest import CSV_TEXT, make_dataset

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, agency):
    token = services.token_create(actor=agency.publisher, user=agency.publisher)[1]
    # Closed at the end, so that no keep-alive connection outlives the test (and the live server's DB sharing).
    with ckanapi.RemoteCKAN(live_server.url, apikey=token, user_agent="gongkai-tests") as remote:
        yield remote


def test_reads_with_ckanapi(live_server, agency):
    make_dataset(agency, tags=["公交"])
    with ckanapi.RemoteCKAN(live_server.url, user_agent="gongkai-tests") as anon:
        _reads(anon, agency)


def _reads(anon, agency):
    assert anon.action.status_show()["ckan_version"].startswith("2.")
    assert anon.action.package_list() == ["bus-lines"]
    assert anon.action.package_show(id="bus-lines")["title"] == "公交线路"
    assert anon.action.organization_list() == [agency.org.code.lower()]
    assert anon.action.package_search(fq="tags:公交")["count"] == 1
    with pytest.raises(ckanapi.NotFound):
        anon.action.package_show(id="missing")
    with pytest.raises(ckanapi.SearchQueryError):
        anon.action.package_search(fq="nonsense:1")
    with pytest.raises(ckanapi.ValidationError):
        anon.action.package_search(rows=-1)
    with pytest.raises(ckanapi.NotAuthorized):
        anon.action.package_create(name="x", title="x", owner_org=agency.org.code.lower())


def test_writes_with_ckanapi(site, agency, other, live_server):
    org = agency.org.code.lower()
    created = site.action.package_create(
        name="bus-lines", title="公交线路", owner_org=org, tags=[{"name": "公交"}]
    )
    assert created["state"] == "active"
    resource = site.action.resource_create(
        package_id="bus-lines", name="线路表", upload=("lines.csv", io.BytesIO(CSV_TEXT.encode("gb18030")))
    )
    assert resource["format"] == "CSV" and resource["datastore_active"]
    found = site.action.datastore_search(resource_id=resource["id"], filters={"线路": "1路"})
    assert found["total"] == 1 and found["records"][0]["站数"] == 25
    package = site.action.package_show(id="bus-lines")
    package["notes"] = "更新说明"
    updated = site.action.package_update(**package)
    assert updated["notes"] == "更新说明" and updated["num_resources"] == 1
    assert site.action.package_patch(id="bus-lines", title="公交线路（新）")["title"] == "公交线路（新）"
    assert site.action.resource_update(id=resource["id"], name="线路总表")["name"] == "线路总表"
    with pytest.raises(ckanapi.ValidationError):
        site.action.package_create(name="bus-lines", title="重复", owner_org=org)
    intruder_token = services.token_create(actor=other.staff, user=other.staff)[1]
    with ckanapi.RemoteCKAN(live_server.url, apikey=intruder_token, user_agent="t") as intruder:
        with pytest.raises(ckanapi.NotAuthorized):
            intruder.action.package_patch(id="bus-lines", title="篡改")


def test_non_publisher_api_writes_to_a_published_dataset_become_proposals(live_server, agency):
    """As in /staff/: the agency's staff without the data-publisher role propose; the published dataset stays."""
    from gongkai.opendata.models import Dataset, DatasetChange, Resource

    dataset = make_dataset(agency)
    token = services.token_create(actor=agency.staff, user=agency.staff)[1]
    with ckanapi.RemoteCKAN(live_server.url, apikey=token, user_agent="gongkai-tests") as staff:
        patched = staff.action.package_patch(id="bus-lines", title="公交线路（提议）")
        assert patched["title"] == "公交线路" and patched["gongkai_pending_change"]
        change = DatasetChange.objects.get(pk=patched["gongkai_pending_change"])
        assert (
            change.status == "pending"
            and change.kind == "metadata"
            and change.data["title"] == "公交线路（提议）"
        )
        assert change.proposed_by == agency.staff
        with pytest.raises(ckanapi.ValidationError):  # one pending metadata change at a time, as in /staff/
            staff.action.package_update(**{**staff.action.package_show(id="bus-lines"), "notes": "再改"})
        added = staff.action.resource_create(
            package_id="bus-lines", name="线路表", upload=("lines.csv", io.BytesIO(CSV_TEXT.encode()))
        )
        assert added["num_resources"] == 0 and added["gongkai_pending_change"] != change.pk
        assert DatasetChange.objects.get(pk=added["gongkai_pending_change"]).kind == "resource"
    dataset.refresh_from_db()
    assert dataset.title == "公交线路" and not Resource.objects.filter(dataset=dataset).exists()
    assert Dataset.objects.get(pk=dataset.pk).status == "published"


def test_platform_admin_api_writes_publish_at_once(live_server, agency, admin):
    from gongkai.opendata.models import DatasetChange

    org = agency.org.code.lower()
    token = services.token_create(actor=admin, user=admin)[1]
    with ckanapi.RemoteCKAN(live_server.url, apikey=token, user_agent="gongkai-tests") as remote:
        created = remote.action.package_create(name="admin-set", title="管理员数据集", owner_org=org)
        assert created["state"] == "active" and created["private"] is False
        patched = remote.action.package_patch(id="admin-set", title="管理员数据集（新）")
        assert patched["title"] == "管理员数据集（新）" and "gongkai_pending_change" not in patched
        resource = remote.action.resource_create(
            package_id="admin-set", name="线路表", upload=("lines.csv", io.BytesIO(CSV_TEXT.encode()))
        )
        assert resource["datastore_active"]
    with ckanapi.RemoteCKAN(live_server.url, user_agent="gongkai-tests") as anon:
        shown = anon.action.package_show(id="admin-set")
        assert shown["title"] == "管理员数据集（新）" and shown["num_resources"] == 1
    assert not DatasetChange.objects.exists()
