"""Resources added to a published dataset by agency staff who are not its data publisher wait for the same review
as metadata changes: invisible to the public until the data publisher applies the proposal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.opendata import selectors, services
from gongkai.opendata.models import DatasetChange, Resource
from tests.factories import PASSWORD
from tests.opendata.conftest import CSV_TEXT, make_dataset


def test_staff_resource_waits_hidden_then_the_publisher_applies_it(
    client, agency, other, settings, django_capture_on_commit_callbacks
):
    dataset = make_dataset(agency)
    kwargs = {"name": "线路表", "upload_name": "lines.csv", "data": CSV_TEXT.encode("gb18030")}
    with pytest.raises(PermissionDenied):
        services.resource_propose(actor=other.staff, dataset=dataset, **kwargs)
    with pytest.raises(ApplicationError) as exc:
        services.resource_propose(actor=agency.publisher, dataset=dataset, **kwargs)
    assert exc.value.code == "not_needed"
    with pytest.raises(ApplicationError) as exc:
        services.resource_propose(
            actor=agency.staff, dataset=dataset, name="伪装", upload_name="x.csv", data=b"%PDF-1.4\x00\x01"
        )
    assert exc.value.code == "disguised_file"  # checked at proposal time, like an upload
    with pytest.raises(PermissionDenied):  # the direct road stays closed to them
        services.resource_create(actor=agency.staff, dataset=dataset, **kwargs)
    change = services.resource_propose(actor=agency.staff, dataset=dataset, **kwargs)
    link = services.resource_propose(
        actor=agency.staff, dataset=dataset, name="接口", url="https://data.example.gov.cn/bus"
    )
    assert change.kind == link.kind == "resource" and change.data["format"] == "CSV"
    stored = Path(settings.MEDIA_ROOT) / change.resource_file.name
    assert stored.exists()
    assert not Resource.objects.exists()
    assert client.get("/dataset/bus-lines/").context["resources"] == []
    assert (
        client.get("/api/3/action/package_show", {"id": "bus-lines"}).json()["result"]["num_resources"] == 0
    )
    rows = selectors.dataset_changes(dataset)
    assert ("文件或链接", "", "lines.csv") in next(r["diff"] for r in rows if r["change"].pk == change.pk)
    # A metadata change may still be proposed beside the waiting resources.
    services.dataset_change_propose(
        actor=agency.staff, dataset=dataset, data=services.DatasetData(title="公交线路（新）")
    )
    with pytest.raises(PermissionDenied):
        services.dataset_change_decide(actor=agency.staff, change=change, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_change_decide(actor=agency.publisher, change=change, approve=True)
    resource = Resource.objects.get()
    assert resource.name == "线路表" and resource.datastore.is_ready and resource.datastore.row_count == 3
    assert not stored.exists()  # the proposal's copy is gone; the resource has its own file
    change.refresh_from_db()
    assert change.status == "applied" and change.data["resource_id"] == resource.pk
    assert not change.resource_file
    with pytest.raises(ApplicationError):
        services.resource_propose(
            actor=agency.staff, dataset=dataset, name="空", upload_name="e.csv", data=b""
        )
    services.dataset_change_decide(actor=agency.publisher, change=link, approve=False, comment="链接不稳定")
    assert Resource.objects.count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "dataset.resource_propose",
        "dataset.change_apply",
        "dataset.change_reject",
        "resource.create",
    } <= actions


def test_staff_page_proposes_for_published_adds_for_draft(client, agency):
    dataset = make_dataset(agency)
    client.login(username=agency.staff.username, password=PASSWORD)
    page = client.get(f"/staff/opendata/datasets/{dataset.pk}/")
    assert "须经本单位数据发布人审核" in page.content.decode()
    upload = SimpleUploadedFile("lines.csv", CSV_TEXT.encode())
    response = client.post(
        f"/staff/opendata/datasets/{dataset.pk}/", {"name": "线路表", "upload": upload}, follow=True
    )
    assert "待本单位数据发布人审核" in response.content.decode()
    assert not Resource.objects.exists() and DatasetChange.objects.get().kind == "resource"
    assert "新增资源" in response.content.decode()
    draft = make_dataset(agency, "draft-one", publish=False)
    upload = SimpleUploadedFile("lines.csv", CSV_TEXT.encode())
    client.post(f"/staff/opendata/datasets/{draft.pk}/", {"name": "线路表", "upload": upload})
    assert Resource.objects.filter(dataset=draft).count() == 1  # a draft is edited directly
    client.logout()
    client.login(username=agency.publisher.username, password=PASSWORD)
    change = DatasetChange.objects.get(dataset=dataset)
    client.post(f"/staff/opendata/datasets/{dataset.pk}/changes/{change.pk}/decide/", {"decision": "apply"})
    assert Resource.objects.filter(dataset=dataset).count() == 1
