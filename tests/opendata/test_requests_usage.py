"""数据需求 and usage statistics."""

import pytest

from gongkai.core.errors import PermissionDenied
from gongkai.opendata import selectors, services
from gongkai.opendata.models import DataRequest, Resource
from tests.factories import PASSWORD
from tests.opendata.conftest import CSV_TEXT, make_dataset

REQUEST = {
    "title": "共享单车停放点",
    "description": "希望开放全市共享单车停放点位置。",
    "requester_name": "王五",
    "contact": "13900000000",
}


def test_public_request_form_and_list(client, agency):
    response = client.post("/data/requests/", {**REQUEST, "description": ""})
    assert response.status_code == 400 and "至少 5 个字" in response.content.decode()
    response = client.post("/data/requests/", {**REQUEST, "org": "nosuch"})
    assert response.status_code == 400
    response = client.post("/data/requests/", {**REQUEST, "org": agency.org.code.lower()})
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.org == agency.org
    page = client.get("/data/requests/").content.decode()
    assert "共享单车停放点" in page and "13900000000" not in page  # contact is never shown


def test_reply_permissions(agency, other):
    request = services.data_request_create(org=agency.org, **REQUEST)
    with pytest.raises(PermissionDenied):
        services.data_request_reply(actor=other.publisher, request=request, reply="不是我们的")
    with pytest.raises(PermissionDenied):
        services.data_request_reply(actor=agency.staff, request=request, reply="x")
    dataset = make_dataset(agency)
    request = services.data_request_reply(
        actor=agency.publisher, request=request, reply="已开放", dataset=dataset
    )
    assert request.status == "answered" and request.dataset == dataset
    open_request = services.data_request_create(org=None, **REQUEST)
    with pytest.raises(PermissionDenied):
        services.data_request_reply(actor=other.publisher, request=open_request, reply="可以")


def test_requests_to_no_agency_only_for_the_platform_office(client, agency, admin):
    """Review finding: a 数据需求 to no agency (with the requester's contact) was visible to every staff member."""
    open_request = services.data_request_create(org=None, **REQUEST)
    for user in (agency.publisher, agency.staff):
        assert not selectors.data_requests_for_staff(user).filter(pk=open_request.pk).exists()
        client.login(username=user.username, password=PASSWORD)
        page = client.get("/staff/opendata/requests/").content.decode()
        assert "共享单车停放点" not in page and "13900000000" not in page
        assert (
            client.post(f"/staff/opendata/requests/{open_request.pk}/reply/", {"reply": "x"}).status_code
            == 404
        )
    client.login(username=admin.username, password=PASSWORD)
    assert "13900000000" in client.get("/staff/opendata/requests/").content.decode()
    client.post(f"/staff/opendata/requests/{open_request.pk}/reply/", {"reply": "已转交数据局研究"})
    open_request.refresh_from_db()
    assert open_request.status == "answered" and open_request.replied_by == admin


def test_staff_request_and_usage_pages(client, agency, other):
    request = services.data_request_create(org=agency.org, **REQUEST)
    client.login(username=other.publisher.username, password=PASSWORD)
    assert "共享单车停放点" not in client.get("/staff/opendata/requests/").content.decode()
    assert client.post(f"/staff/opendata/requests/{request.pk}/reply/", {"reply": "x"}).status_code == 404
    client.login(username=agency.publisher.username, password=PASSWORD)
    assert "13900000000" in client.get("/staff/opendata/requests/").content.decode()
    client.post(f"/staff/opendata/requests/{request.pk}/reply/", {"reply": "将于下月开放"})
    assert DataRequest.objects.get().reply == "将于下月开放"
    ds = make_dataset(agency)
    resource = services.resource_create(
        actor=agency.publisher, dataset=ds, name="t", upload_name="t.csv", data=CSV_TEXT.encode()
    )
    for _ in range(3):
        client.get(f"/dataset/bus-lines/resource/{resource.pk}/download/{resource.filename}")
    usage = selectors.usage_by_dataset(selectors.datasets_for_staff(agency.publisher))
    assert usage[0]["downloads"] == 3 and usage[0]["resources"] == 1
    by_org = selectors.usage_by_org(selectors.datasets_for_staff(agency.publisher))
    assert by_org == [
        {
            "org__code": agency.org.code,
            "org__name": "数据局",
            "datasets": 1,
            "published": 1,
            "views": 0,
            "downloads": 3,
            "api": 0,
        }
    ]
    page = client.get("/staff/opendata/usage/")
    assert page.status_code == 200 and "公交线路" in page.content.decode()
    assert Resource.objects.get().download_count == 3
