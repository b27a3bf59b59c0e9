"""Changes to a published dataset by agency staff who are not its data publisher wait for review (the same review
workflow as a new dataset), instead of being refused."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.opendata import rules, selectors, services
from gongkai.opendata.models import Dataset, DatasetChange
from tests.factories import PASSWORD
from tests.opendata.conftest import make_dataset


def test_staff_change_waits_then_the_publisher_applies_it(agency, other):
    dataset = make_dataset(agency)
    data = services.DatasetData(
        title="公交线路（2026版）", tags=["公交", "交通"], temporal_start=date(2024, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        services.dataset_change_propose(actor=other.staff, dataset=dataset, data=data)
    with pytest.raises(ApplicationError) as exc:
        services.dataset_change_propose(actor=agency.publisher, dataset=dataset, data=data)
    assert exc.value.code == "not_needed"
    with pytest.raises(services.DatasetInvalid):
        services.dataset_change_propose(
            actor=agency.staff, dataset=dataset, data=services.DatasetData(title=" ")
        )
    change = services.dataset_change_propose(actor=agency.staff, dataset=dataset, data=data)
    assert change.status == "pending" and change.data["temporal_start"] == "2024-01-01"
    assert Dataset.objects.get(pk=dataset.pk).title == "公交线路"  # nothing changed yet
    with pytest.raises(ApplicationError) as exc:
        services.dataset_change_propose(actor=agency.staff, dataset=dataset, data=data)
    assert exc.value.code == "change_pending"
    [row] = selectors.dataset_changes(dataset)
    assert ("名称", "公交线路", "公交线路（2026版）") in row["diff"] and ("标签", "", "公交、交通") in row[
        "diff"
    ]
    with pytest.raises(PermissionDenied):
        services.dataset_change_decide(actor=agency.staff, change=change, approve=True)
    services.dataset_change_decide(actor=agency.publisher, change=change, approve=True)
    dataset.refresh_from_db()
    assert dataset.title == "公交线路（2026版）" and dataset.temporal_start == date(2024, 1, 1)
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["交通", "公交"]
    assert dataset.status == rules.PUBLISHED
    assert [
        e.action for e in AuditEntry.objects.filter(action__startswith="dataset.change").order_by("id")
    ] == [
        "dataset.change_propose",
        "dataset.change_apply",
    ]
    with pytest.raises(ApplicationError) as exc:
        services.dataset_change_decide(actor=agency.publisher, change=change, approve=True)
    assert exc.value.code == "bad_state"


def test_rejection_needs_a_reason_and_changes_nothing(agency):
    dataset = make_dataset(agency)
    change = services.dataset_change_propose(
        actor=agency.staff, dataset=dataset, data=services.DatasetData(title="错误的名称")
    )
    with pytest.raises(ApplicationError) as exc:
        services.dataset_change_decide(actor=agency.publisher, change=change, approve=False)
    assert exc.value.code == "comment_required"
    change = services.dataset_change_decide(
        actor=agency.publisher, change=change, approve=False, comment="名称不准确"
    )
    assert change.status == "rejected" and Dataset.objects.get(pk=dataset.pk).title == "公交线路"


def test_edit_page_proposes_for_staff_and_the_publisher_decides_on_the_dataset_page(client, agency):
    dataset = make_dataset(agency)
    client.login(username=agency.staff.username, password=PASSWORD)
    edit = {
        "name": "bus-lines",
        "title": "公交线路及站点",
        "update_frequency": "monthly",
        "open_type": "unconditional",
    }
    response = client.post(f"/staff/opendata/datasets/{dataset.pk}/edit/", edit, follow=True)
    assert "待本单位数据发布人审核后生效" in response.content.decode()
    assert Dataset.objects.get(pk=dataset.pk).title == "公交线路"
    page = client.get(f"/staff/opendata/datasets/{dataset.pk}/").content.decode()
    assert "公交线路及站点" in page and 'value="apply"' not in page  # staff cannot decide
    change = DatasetChange.objects.get()
    url = f"/staff/opendata/datasets/{dataset.pk}/changes/{change.pk}/decide/"
    client.post(url, {"decision": "apply"})
    assert DatasetChange.objects.get().status == "pending"
    client.login(username=agency.publisher.username, password=PASSWORD)
    assert 'value="apply"' in client.get(f"/staff/opendata/datasets/{dataset.pk}/").content.decode()
    client.post(url, {"decision": "apply"})
    assert Dataset.objects.get(pk=dataset.pk).title == "公交线路及站点"
    assert Dataset.objects.get(pk=dataset.pk).update_frequency == "monthly"


def test_change_list_reads_the_tags_once_however_many_changes_propose_them(
    agency, django_assert_max_num_queries
):
    """Review O7: no query per change proposing tags."""
    dataset = make_dataset(agency)
    for n in range(5):
        change = services.dataset_change_propose(
            actor=agency.staff, dataset=dataset, data=services.DatasetData(tags=[f"标签{n}"])
        )
        services.dataset_change_decide(actor=agency.publisher, change=change, approve=False, comment="不采纳")
    with django_assert_max_num_queries(2):  # the changes (with their users), the tags
        rows = selectors.dataset_changes(dataset)
    assert len(rows) == 5 and all(row["diff"][0][0] == "标签" for row in rows)


def test_a_stale_change_never_overwrites_a_later_edit(agency):
    """Review O3: a field edited after the proposal is not overwritten; other fields still apply."""
    dataset = make_dataset(agency)
    stale = services.dataset_change_propose(
        actor=agency.staff,
        dataset=dataset,
        data=services.DatasetData(title="公交线路（旧提议）", tags=["公交"]),
    )
    assert stale.before == {"title": "公交线路", "tags": []}
    services.dataset_update(
        actor=agency.publisher, dataset=dataset, data=services.DatasetData(title="公交线路表")
    )
    with pytest.raises(ApplicationError) as exc:
        services.dataset_change_decide(actor=agency.publisher, change=stale, approve=True)
    assert (
        exc.value.code == "stale_change" and "名称" in exc.value.message and "标签" not in exc.value.message
    )
    assert Dataset.objects.get(pk=dataset.pk).title == "公交线路表"  # the later edit stands
    assert DatasetChange.objects.get(pk=stale.pk).status == "pending"
    services.dataset_change_decide(
        actor=agency.publisher, change=stale, approve=False, comment="名称已另行修改"
    )
    # A proposal whose own fields were not touched since still applies, whatever else was edited.
    fresh = services.dataset_change_propose(
        actor=agency.staff, dataset=dataset, data=services.DatasetData(tags=["公交", "交通"])
    )
    services.dataset_update(
        actor=agency.publisher, dataset=dataset, data=services.DatasetData(description="全市公交线路。")
    )
    services.dataset_change_decide(actor=agency.publisher, change=fresh, approve=True)
    assert sorted(Dataset.objects.get(pk=dataset.pk).tags.values_list("name", flat=True)) == ["交通", "公交"]
