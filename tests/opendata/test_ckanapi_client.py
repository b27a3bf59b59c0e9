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
