"""有条件开放 through the CKAN API: an approved applicant's API key (shown once, stored hashed, living exactly as
long as the approval) opens the dataset's tables and signed file URLs to the unmodified `ckanapi` client."""

import urllib.error
import urllib.request
from datetime import timedelta

import ckanapi
import pytest
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.core.models import AuditEntry
from gongkai.opendata import services
from gongkai.opendata.models import AccessApplication, Resource
from tests.factories import PASSWORD
from tests.opendata.conftest import CSV_TEXT, make_dataset
from tests.opendata.test_access import APPLICANT

ACTION = "/api/3/action/"


@pytest.fixture
def conditional(agency):
    ds = make_dataset(agency, open_type="conditional")
    services.resource_create(
        actor=agency.publisher, dataset=ds, name="线路表", upload_name="lines.csv", data=CSV_TEXT.encode()
    )
    return ds


def _key_through_the_page(client, agency, dataset):
    """The applicant's way: apply, get approved, enter the code, take the key on the dataset page."""
    application, code = services.access_apply(dataset=dataset, **APPLICANT)
    assert client.post(f"/dataset/{dataset.name}/apikey/").status_code == 403  # no proved approval yet
    services.access_decide(actor=agency.publisher, application=application, approve=True)
    client.post(f"/dataset/{dataset.name}/access/", {"code": code})
    assert "获取 API 密钥" in client.get(f"/dataset/{dataset.name}/").content.decode()
    response = client.post(f"/dataset/{dataset.name}/apikey/")
    assert response.status_code == 200
    key = response.context["key"]
    assert key.startswith("gka_") and key in response.content.decode()
    application.refresh_from_db()
    return application, key


def test_key_is_shown_once_stored_hashed_and_replaced_on_reissue(client, agency, conditional):
    application, key = _key_through_the_page(client, agency, conditional)
    assert key not in (application.api_key_hash or "") and application.api_key_hash == services.token_hash(
        key
    )
    entry = AuditEntry.objects.get(action="access.api_key")
    assert entry.object_id == str(application.pk) and key not in str(entry.data)
    resource = Resource.objects.get()
    auth = {"HTTP_AUTHORIZATION": key}
    assert client.get(ACTION + "datastore_search", {"resource_id": resource.pk}, **auth).status_code == 200
    new_key = client.post("/dataset/bus-lines/apikey/").context["key"]
    assert new_key != key
    old = client.get(ACTION + "datastore_search", {"resource_id": resource.pk}, **auth)
    assert old.status_code == 403 and old.json()["error"]["__type"] == "Authorization Error"
    fresh = client.get(
        ACTION + "datastore_search", {"resource_id": resource.pk}, HTTP_AUTHORIZATION=f"Bearer {new_key}"
    )
    assert fresh.status_code == 200 and fresh.json()["result"]["total"] == 3


def test_pending_or_rejected_application_gets_no_key(agency, conditional):
    application, _ = services.access_apply(dataset=conditional, **APPLICANT)
    with pytest.raises(ApplicationError):
        services.access_api_key_issue(application=application, address="127.0.0.1")
    services.access_decide(actor=agency.publisher, application=application, approve=False, reply="用途不符")
    with pytest.raises(ApplicationError):
        services.access_api_key_issue(application=application, address="127.0.0.1")
    assert AccessApplication.objects.get().api_key_hash is None


def test_key_opens_only_its_dataset_reads_and_is_logged(client, agency, conditional):
    application, key = _key_through_the_page(client, agency, conditional)
    resource = Resource.objects.get()
    other = make_dataset(agency, "other-secret", open_type="conditional")
    other_res = services.resource_create(
        actor=agency.publisher, dataset=other, name="另表", upload_name="b.csv", data=CSV_TEXT.encode()
    )
    stranger = client.__class__()
    auth = {"HTTP_AUTHORIZATION": key}
    found = stranger.get(ACTION + "datastore_search", {"resource_id": resource.pk, "q": "夜1路"}, **auth)
    assert found.status_code == 200 and found.json()["result"]["records"][0]["站数"] == 30
    logged = AuditEntry.objects.get(action="access.api")
    assert logged.object_id == str(application.pk) and logged.data["resource_id"] == resource.pk
    assert stranger.get(ACTION + "datastore_search", {"resource_id": other_res.pk}, **auth).status_code == 403
    shown = stranger.get(ACTION + "resource_show", {"id": other_res.pk}, **auth).json()["result"]
    assert "/signed/" not in shown["url"]
    assert stranger.get(ACTION + "datastore_search", {"resource_id": resource.pk}).status_code == 403
    # The key reads; it never writes.
    patch = stranger.post(ACTION + "package_patch", {"id": "bus-lines", "title": "篡改"}, **auth)
    assert patch.status_code == 403
    bogus = stranger.get(ACTION + "status_show", HTTP_AUTHORIZATION="gka_not-a-key")
    assert bogus.status_code == 403 and "API 密钥无效" in bogus.json()["error"]["message"]


def test_revoked_or_lapsed_approval_kills_the_key(client, agency, conditional):
    application, key = _key_through_the_page(client, agency, conditional)
    resource = Resource.objects.get()
    auth = {"HTTP_AUTHORIZATION": key}
    AccessApplication.objects.filter(pk=application.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert client.get(ACTION + "datastore_search", {"resource_id": resource.pk}, **auth).status_code == 403
    AccessApplication.objects.filter(pk=application.pk).update(valid_until=timezone.localdate())
    assert client.get(ACTION + "datastore_search", {"resource_id": resource.pk}, **auth).status_code == 200
    staff = client.__class__()
    staff.login(username=agency.publisher.username, password=PASSWORD)
    assert f"已生成 API 密钥 <code>{key[:12]}…" in staff.get("/staff/opendata/applications/").content.decode()
    services.access_revoke(actor=agency.publisher, application=application, reason="超出申请用途使用")
    assert AccessApplication.objects.get().api_key_hash is None
    assert client.get(ACTION + "datastore_search", {"resource_id": resource.pk}, **auth).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_ckanapi_reads_the_conditional_table_and_downloads_with_the_key(live_server, client, agency):
    dataset = make_dataset(agency, open_type="conditional")
    services.resource_create(
        actor=agency.publisher,
        dataset=dataset,
        name="线路表",
        upload_name="lines.csv",
        data=CSV_TEXT.encode(),
    )
    _, key = _key_through_the_page(client, agency, dataset)
    resource_id = str(Resource.objects.get().pk)
    with ckanapi.RemoteCKAN(live_server.url, user_agent="gongkai-tests") as anon:
        assert anon.action.package_show(id="bus-lines")["open_type"] == "conditional"  # metadata for all
        with pytest.raises(ckanapi.NotAuthorized):
            anon.action.datastore_search(resource_id=resource_id)
        assert "/signed/" not in anon.action.resource_show(id=resource_id)["url"]
    with ckanapi.RemoteCKAN(live_server.url, apikey=key, user_agent="gongkai-tests") as applicant:
        found = applicant.action.datastore_search(resource_id=resource_id, filters={"线路": "2路"})
        assert found["total"] == 1 and found["records"][0]["站数"] == 18
        url = applicant.action.resource_show(id=resource_id)["url"]
        assert "/signed/?token=" in url
        assert applicant.action.package_show(id="bus-lines")["resources"][0]["url"].startswith(
            url.split("?")[0]
        )
        with urllib.request.urlopen(url) as response:
            assert response.read().decode() == CSV_TEXT
        with pytest.raises(ckanapi.NotAuthorized):
            applicant.action.package_patch(id="bus-lines", title="篡改")
    application = AccessApplication.objects.get()
    services.access_revoke(actor=agency.publisher, application=application, reason="项目结束")
    with ckanapi.RemoteCKAN(live_server.url, apikey=key, user_agent="gongkai-tests") as applicant:
        with pytest.raises(ckanapi.NotAuthorized):
            applicant.action.datastore_search(resource_id=resource_id)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url)
    assert refused.value.code == 403
