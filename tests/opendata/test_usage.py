"""Usage statistics: views, downloads and API calls per dataset and resource, buffered and written per day and key
(opendata/usage.py), shown to staff and exported to Excel (read back here with openpyxl)."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
from django.db import transaction
from django.utils import timezone

from gongkai.opendata import selectors, services, usage
from gongkai.opendata.models import Resource, UsageDay
from tests.factories import PASSWORD
from tests.opendata.conftest import CSV_TEXT, make_dataset


def _dataset_with_table(agency):
    dataset = make_dataset(agency)
    resource = services.resource_create(
        actor=agency.publisher,
        dataset=dataset,
        name="线路表",
        upload_name="lines.csv",
        data=CSV_TEXT.encode(),
    )
    return dataset, resource


def _use(client, resource) -> None:
    base = f"/dataset/bus-lines/resource/{resource.pk}/"
    client.get("/dataset/bus-lines/")
    client.get("/dataset/bus-lines/")
    client.get(base + "preview/")
    client.get(base + f"download/{resource.filename}")
    client.get(base + f"download/{resource.filename}")
    client.get(base + "table.csv")
    client.get("/api/3/action/package_show", {"id": "bus-lines"})
    client.get("/api/3/action/resource_show", {"id": resource.pk})
    client.get("/api/3/action/datastore_search", {"resource_id": resource.pk})
    client.get("/api/3/action/datastore_search", {"resource_id": resource.pk})
    client.get("/api/3/action/package_search", {"q": "公交"})
    client.get("/api/3/action/package_show", {"id": "nosuch"})  # a failed call is not counted


def test_views_downloads_and_api_calls_are_counted_per_dataset_and_resource(client, agency):
    dataset, resource = _dataset_with_table(agency)
    _use(client, resource)
    datasets = selectors.datasets_for_staff(agency.publisher)
    [row] = selectors.usage_by_dataset(datasets)
    assert (row["dataset"], row["views"], row["downloads"], row["api"]) == (dataset, 3, 3, 4)
    [res] = selectors.usage_by_resource(datasets)
    assert (res["resource"], res["views"], res["downloads"], res["api"]) == (resource, 1, 3, 3)
    assert Resource.objects.get().download_count == 3
    period = selectors.UsagePeriod(None, None)
    assert selectors.usage_platform_api(period) == 1  # the search, tied to no dataset
    [day] = selectors.usage_by_day(datasets, period)
    assert (day["day"], day["views"], day["downloads"], day["api"]) == (timezone.localdate(), 3, 3, 4)


def test_counts_are_buffered_and_written_per_day_and_key_not_per_request(agency, settings):
    settings.GONGKAI_OPENDATA_USAGE_FLUSH_SECONDS = 3600
    dataset, resource = _dataset_with_table(agency)
    for _ in range(5):
        services.usage_count(usage.VIEW, dataset_id=dataset.pk)
    assert not UsageDay.objects.exists()  # nothing written yet
    assert usage.flush() == 1
    for _ in range(2):
        services.usage_count(usage.VIEW, dataset_id=dataset.pk)
    services.resource_download_count(resource=resource)
    assert Resource.objects.get().download_count == 0  # follows at the flush
    assert usage.flush() == 2
    view = UsageDay.objects.get(kind="view")
    assert (view.dataset, view.resource, view.count) == (dataset, None, 7)  # one row, added to
    assert UsageDay.objects.get(kind="download").count == 1 and Resource.objects.get().download_count == 1
    # A dataset deleted before the flush is skipped, never an error.
    services.usage_count(usage.VIEW, dataset_id=dataset.pk + 1000)
    assert usage.flush() == 1 and UsageDay.objects.count() == 2


def test_staff_page_periods_and_excel_export(client, agency, other, admin):
    dataset, resource = _dataset_with_table(agency)
    _use(client, resource)
    old = timezone.localdate() - timedelta(days=60)
    UsageDay.objects.create(day=old, kind="download", dataset=dataset, resource=resource, count=40)
    client.login(username=agency.publisher.username, password=PASSWORD)
    page = client.get("/staff/opendata/usage/")
    assert page.status_code == 200 and "公交线路" in page.content.decode()
    assert page.context["by_dataset"][0]["downloads"] == 3  # the last 30 days by default
    assert client.get("/staff/opendata/usage/", {"all": "1"}).context["by_dataset"][0]["downloads"] == 43
    bad = client.get("/staff/opendata/usage/", {"start": "2025-13-01"})
    assert bad.status_code == 400 and "日期格式应为" in bad.content.decode()
    response = client.get("/staff/opendata/usage.xlsx", {"all": "1"})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按单位", "按数据集", "按资源", "按日", "说明"]
    assert [c.value for c in book["按数据集"][2]] == ["bus-lines", "公交线路", "数据局", 1, 3, 43, 4]
    assert [c.value for c in book["按资源"][2]][1:9] == ["线路表", "CSV", "公交线路", "数据局", 1, 43, 3, 3]
    days = [(row[0].value.date(), row[2].value) for row in book["按日"].iter_rows(min_row=2)]
    assert days == [(old, 40), (timezone.localdate(), 3)]
    assert [c.value for c in book["按单位"][2]][2:] == [1, 1, 3, 43, 4]
    assert book["按单位"].max_row == 2  # no platform row for agency staff
    # Another agency's publisher sees none of it; the platform office sees the platform's API calls too.
    client.login(username=other.publisher.username, password=PASSWORD)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/staff/opendata/usage.xlsx").content))
    assert book["按数据集"].max_row == 1 and book["按资源"].max_row == 1
    client.login(username=admin.username, password=PASSWORD)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/staff/opendata/usage.xlsx").content))
    assert [c.value for c in book["按单位"][book["按单位"].max_row]][-1] == 1


def test_public_usage_page_shows_published_datasets_only(client, agency):
    _, resource = _dataset_with_table(agency)
    draft = make_dataset(agency, "draft-set", publish=False, title="草稿数据集")
    services.usage_count(usage.VIEW, dataset_id=draft.pk)
    _use(client, resource)
    page = client.get("/data/usage/")
    body = page.content.decode()
    assert page.status_code == 200 and "公交线路" in body and "草稿数据集" not in body
    book = openpyxl.load_workbook(io.BytesIO(client.get("/data/usage.xlsx").content))
    assert [c.value for c in book["按数据集"][2]][:7] == ["bus-lines", "公交线路", "数据局", 1, 3, 3, 4]
    assert book["按数据集"].max_row == 2
    assert client.get("/data/usage/", {"end": "x"}).status_code == 400


def test_public_usage_workbook_never_holds_a_formula(client, agency):
    """A resource named like a formula (the default name is the uploaded file's) is text in the public workbook."""
    _, resource = _dataset_with_table(agency)
    Resource.objects.filter(pk=resource.pk).update(
        name='=HYPERLINK("http://evil.example","点我")', format="@CSV"
    )
    _use(client, resource)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/data/usage.xlsx").content))
    row = book["按资源"][2]
    assert row[1].value == '\'=HYPERLINK("http://evil.example","点我")' and row[1].data_type != "f"
    assert row[2].value == "'@CSV"
    assert all(c.data_type != "f" for ws in book.worksheets for r in ws.iter_rows() for c in r)


def test_a_flush_due_inside_a_rolled_back_transaction_loses_no_counts(
    agency, settings, django_capture_on_commit_callbacks
):
    """Review O6: the flush is not part of the caller's transaction; a rollback keeps every buffered count."""
    dataset = make_dataset(agency)
    settings.GONGKAI_OPENDATA_USAGE_FLUSH_SECONDS = 3600
    services.usage_count(usage.VIEW, dataset_id=dataset.pk)  # another request's count, still buffered
    settings.GONGKAI_OPENDATA_USAGE_FLUSH_SECONDS = 0
    try:
        with transaction.atomic():
            services.usage_count(usage.API, dataset_id=dataset.pk)  # the flush is due now
            raise RuntimeError("the API call's write failed")
    except RuntimeError:
        pass
    assert not UsageDay.objects.exists() and sum(usage._pending.values()) == 2  # kept, not rolled back
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            services.usage_count(usage.API, dataset_id=dataset.pk)
        assert not UsageDay.objects.exists()  # nothing written inside the transaction
    counts = dict(UsageDay.objects.values_list("kind", "count"))
    assert counts == {"view": 1, "api": 2} and not usage._pending
