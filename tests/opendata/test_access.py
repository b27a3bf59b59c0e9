"""有条件开放: files are closed until the agency approves an application; the applicant's code opens them."""

import html
import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.opendata import selectors, services
from gongkai.opendata.models import AccessApplication, Resource
from tests.factories import PASSWORD
from tests.opendata.conftest import CSV_TEXT, make_dataset

APPLICANT = {
    "applicant_name": "李四",
    "applicant_org": "某研究院",
    "phone": "13800000000",
    "email": "",
    "purpose": "交通规划研究使用",
}


@pytest.fixture
def conditional(agency):
    ds = make_dataset(agency, open_type="conditional")
    services.resource_create(
        actor=agency.publisher, dataset=ds, name="线路表", upload_name="lines.csv", data=CSV_TEXT.encode()
    )
    return ds


def test_files_are_closed_to_the_public_but_open_to_staff(client, agency, conditional):
    resource = Resource.objects.get()
    base = f"/dataset/bus-lines/resource/{resource.pk}/"
    assert client.get("/dataset/bus-lines/").status_code == 200  # metadata stays public
    assert client.get(base + f"download/{resource.filename}").status_code == 403
    assert client.get(base + "preview/").status_code == 403
    assert client.get(base + "table.csv").status_code == 403
    response = client.get("/api/3/action/datastore_search", {"resource_id": resource.pk})
    assert response.status_code == 403 and response.json()["error"]["__type"] == "Authorization Error"
    client.login(username=agency.staff.username, password=PASSWORD)
    assert client.get(base + "preview/").status_code == 200


def test_application_flow(client, agency, other, conditional):
    response = client.post("/dataset/bus-lines/apply/", {**APPLICANT, "purpose": ""})
    assert response.status_code == 400 and "数据用途" in response.content.decode()
    response = client.post("/dataset/bus-lines/apply/", APPLICANT)
    assert response.status_code == 200
    code = response.context["code"]
    application = AccessApplication.objects.get()
    assert code not in application.code_hash and application.status == "pending"
    # Pending: the code does not open anything yet.
    client.post("/dataset/bus-lines/access/", {"code": code})
    resource = Resource.objects.get()
    assert client.get(f"/dataset/bus-lines/resource/{resource.pk}/preview/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.access_decide(actor=other.publisher, application=application, approve=True)
    with pytest.raises(PermissionDenied):
        services.access_decide(actor=agency.staff, application=application, approve=True)
    with pytest.raises(ApplicationError):
        services.access_decide(actor=agency.publisher, application=application, approve=False)
    services.access_decide(actor=agency.publisher, application=application, approve=True)
    client.post("/dataset/bus-lines/access/", {"code": "wrong"})
    assert client.get(f"/dataset/bus-lines/resource/{resource.pk}/preview/").status_code == 403
    client.post("/dataset/bus-lines/access/", {"code": code})
    assert client.get(f"/dataset/bus-lines/resource/{resource.pk}/preview/").status_code == 200
    assert (
        client.get(f"/dataset/bus-lines/resource/{resource.pk}/download/{resource.filename}").status_code
        == 200
    )


def test_unconditional_dataset_needs_no_application(agency):
    ds = make_dataset(agency)
    with pytest.raises(ApplicationError):
        services.access_apply(dataset=ds, **APPLICANT)
    assert selectors.may_access_data(None, ds)


def test_staff_applications_page(client, agency, other, conditional):
    application, _ = services.access_apply(dataset=conditional, **APPLICANT)
    client.login(username=other.publisher.username, password=PASSWORD)
    assert "李四" not in client.get("/staff/opendata/applications/").content.decode()
    assert (
        client.post(
            f"/staff/opendata/applications/{application.pk}/decide/", {"decision": "approve"}
        ).status_code
        == 404
    )
    client.login(username=agency.publisher.username, password=PASSWORD)
    assert "李四" in client.get("/staff/opendata/applications/").content.decode()
    client.post(
        f"/staff/opendata/applications/{application.pk}/decide/", {"decision": "reject", "reply": "用途不符"}
    )
    application.refresh_from_db()
    assert application.status == "rejected" and application.reply == "用途不符"


def test_conditional_link_urls_are_not_published(client, agency):
    ds = make_dataset(agency, "secret-links", open_type="conditional")
    services.resource_create(
        actor=agency.publisher, dataset=ds, name="接口", url="https://api.example.gov.cn/x?key=S3CRET"
    )
    body = client.get("/api/3/action/package_show", {"id": "secret-links"}).content.decode()
    assert "S3CRET" not in body and "/dataset/secret-links/" in body
    resource = Resource.objects.get(dataset=ds)
    assert "S3CRET" not in client.get("/api/3/action/resource_show", {"id": resource.pk}).content.decode()
    assert "S3CRET" not in client.get("/catalog.ttl").content.decode()
    open_ds = make_dataset(agency, "open-links")
    services.resource_create(
        actor=agency.publisher, dataset=open_ds, name="接口", url="https://api.example.gov.cn/open"
    )
    assert (
        "https://api.example.gov.cn/open"
        in client.get("/api/3/action/package_show", {"id": "open-links"}).content.decode()
    )


# ---------------------------------------------------------------- signed, expiring download links


def _approved(client, agency, conditional):
    application, code = services.access_apply(dataset=conditional, **APPLICANT)
    application = services.access_decide(actor=agency.publisher, application=application, approve=True)
    client.post("/dataset/bus-lines/access/", {"code": code})
    page = client.get("/dataset/bus-lines/").content.decode()
    link = re.search(r'class="signed-link" href="([^"]+)"', page)
    assert link is not None and "专用下载链接" in page
    return application, html.unescape(link.group(1))


def test_signed_link_downloads_without_a_session_and_is_logged(client, agency, conditional):
    application, link = _approved(client, agency, conditional)
    resource = Resource.objects.get()
    stranger = client.__class__()  # another browser: no session, only the link
    response = stranger.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == CSV_TEXT
    entry = AuditEntry.objects.get(action="access.download")
    assert entry.object_id == str(application.pk) and entry.data["resource_id"] == resource.pk
    assert Resource.objects.get().download_count == 1
    # Without the link nothing opens for the stranger.
    assert (
        stranger.get(f"/dataset/bus-lines/resource/{resource.pk}/download/{resource.filename}").status_code
        == 403
    )


def test_signed_link_tampered_or_for_another_resource_is_refused(client, agency, conditional):
    _, link = _approved(client, agency, conditional)
    resource = Resource.objects.get()
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 403 and "下载链接无效" in response.content.decode()
    other = services.resource_create(
        actor=agency.publisher,
        dataset=conditional,
        name="另一表",
        upload_name="b.csv",
        data=CSV_TEXT.encode(),
    )
    moved = link.replace(f"/resource/{resource.pk}/", f"/resource/{other.pk}/")
    assert client.get(moved).status_code == 403
    assert client.get(f"/dataset/bus-lines/resource/{resource.pk}/signed/").status_code == 403
    assert not AuditEntry.objects.filter(action="access.download").exists()


def test_signed_link_expires(client, agency, conditional, settings):
    settings.GONGKAI_OPENDATA_LINK_SECONDS = 3600
    application, _ = _approved(client, agency, conditional)
    resource = Resource.objects.get()
    issued = time.time() - 2 * 3600  # issued two hours ago: past its hour
    with mock.patch("django.core.signing.time.time", return_value=issued):
        token = selectors.download_links(application, [resource])[resource.pk]
    response = client.get(f"/dataset/bus-lines/resource/{resource.pk}/signed/", {"token": token})
    assert response.status_code == 410
    assert "下载链接已过期" in response.content.decode() and "1小时内有效" in response.content.decode()


def test_revoked_or_lapsed_approval_kills_its_links(client, agency, other, conditional):
    application, link = _approved(client, agency, conditional)
    with pytest.raises(PermissionDenied):
        services.access_revoke(actor=other.publisher, application=application, reason="滥用")
    with pytest.raises(ApplicationError) as exc:
        services.access_revoke(actor=agency.publisher, application=application, reason=" ")
    assert exc.value.code == "comment_required"
    AccessApplication.objects.filter(pk=application.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    response = client.get(link)
    assert response.status_code == 403 and "有效期已于" in response.content.decode()
    AccessApplication.objects.filter(pk=application.pk).update(valid_until=timezone.localdate())
    assert client.get(link).status_code == 200
    client.login(username=agency.publisher.username, password=PASSWORD)
    client.post(f"/staff/opendata/applications/{application.pk}/revoke/", {"reply": "超出申请用途使用"})
    application.refresh_from_db()
    assert application.status == "revoked"
    assert AuditEntry.objects.filter(action="access.revoke", object_id=str(application.pk)).exists()
    client.logout()
    response = client.get(link)
    assert response.status_code == 403 and "已撤销您的数据使用申请" in response.content.decode()
    # The session access is gone too.
    resource = Resource.objects.get()
    assert client.get(f"/dataset/bus-lines/resource/{resource.pk}/preview/").status_code == 403


def test_applicant_session_opening_and_downloads_are_logged_staff_downloads_are_not(
    client, agency, conditional
):
    application, _ = _approved(client, agency, conditional)
    assert AuditEntry.objects.filter(action="access.open", object_id=str(application.pk)).count() == 1
    resource = Resource.objects.get()
    assert (
        client.get(f"/dataset/bus-lines/resource/{resource.pk}/download/{resource.filename}").status_code
        == 200
    )
    assert client.get(f"/dataset/bus-lines/resource/{resource.pk}/table.csv").status_code == 200
    logged = AuditEntry.objects.filter(action="access.download", object_id=str(application.pk))
    assert logged.count() == 2 and all(e.data["resource_id"] == resource.pk for e in logged)
    staff = client.__class__()
    staff.login(username=agency.staff.username, password=PASSWORD)
    assert (
        staff.get(f"/dataset/bus-lines/resource/{resource.pk}/download/{resource.filename}").status_code
        == 200
    )
    assert AuditEntry.objects.filter(action="access.download").count() == 2
    assert Resource.objects.get().download_count == 3
