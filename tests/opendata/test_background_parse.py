"""Background parsing: CSV/XLSX uploads above GONGKAI_OPENDATA_PARSE_INLINE_BYTES wait in state `pending` and are
parsed by the tick job `opendata_parse` (ADR 0007), with a visible status: pending, parsed, failed with the reason."""

from __future__ import annotations

import pytest

from gongkai.core.models import AuditEntry
from gongkai.opendata import jobs, selectors, services
from gongkai.opendata.models import DatastoreTable
from tests.opendata.conftest import CSV_TEXT, make_dataset


@pytest.fixture
def queued(settings):
    settings.GONGKAI_OPENDATA_PARSE_INLINE_BYTES = 0  # every test file is "large"


def _upload(agency, name="lines.csv", data=CSV_TEXT.encode(), dataset=None):
    dataset = dataset or make_dataset(agency)
    return services.resource_create(
        actor=agency.publisher, dataset=dataset, name=name, upload_name=name, data=data
    )


def test_small_files_are_still_parsed_during_the_upload(agency):
    table = selectors.table_of(_upload(agency))
    assert table is not None and table.status == "ok" and table.row_count == 3


def test_large_upload_waits_then_the_tick_job_parses_it(client, agency, queued):
    resource = _upload(agency)
    table = selectors.table_of(resource)
    assert table is not None and table.status == "pending" and not table.is_ready
    # Visible everywhere while it waits; nothing pretends to be a table.
    page = client.get("/dataset/bus-lines/").content.decode()
    assert "表格正在排队等待后台解析" in page and f"/resource/{resource.pk}/preview/" not in page
    shown = client.get("/api/3/action/resource_show", {"id": resource.pk}).json()["result"]
    assert (shown["datastore_status"], shown["datastore_active"]) == ("pending", False)
    response = client.get("/api/3/action/datastore_search", {"resource_id": resource.pk})
    assert response.status_code == 409 and "后台解析" in response.json()["error"]["message"]
    preview = client.get(f"/dataset/bus-lines/resource/{resource.pk}/preview/")
    assert preview.status_code == 200 and 'id="table-pending"' in preview.content.decode()
    assert client.get(f"/dataset/bus-lines/resource/{resource.pk}/table.csv").status_code == 404
    # The job is what `gongkai tick` runs.
    assert ("opendata_parse", jobs.parse_pending_tables) in jobs.TICK_JOBS
    assert jobs.parse_pending_tables() == 1
    table.refresh_from_db()
    assert (
        table.status == "ok"
        and table.row_count == 3
        and [f["id"] for f in table.fields]
        == [
            "线路",
            "站数",
            "开通日期",
        ]
    )
    assert AuditEntry.objects.get(action="datastore.parse").to_state == "ok"
    records = client.get("/api/3/action/datastore_search", {"resource_id": resource.pk}).json()["result"]
    assert records["total"] == 3 and records["records"][0]["线路"] == "1路"
    assert jobs.parse_pending_tables() == 0  # nothing left: cheap and idempotent


def test_failures_are_final_with_their_reason(client, agency, queued):
    dataset = make_dataset(agency)
    blank = _upload(agency, "blank.csv", b"\n\n\n", dataset=dataset)
    lost = _upload(agency, "lost.csv", dataset=dataset)
    lost.file.storage.delete(lost.file.name)  # the file vanished before its turn
    assert services.datastore_parse_pending(limit=1) == 1  # the limit holds
    assert selectors.table_of(lost).status == "pending"  # type: ignore[union-attr]
    assert services.datastore_parse_pending() == 1
    blank_table, lost_table = selectors.table_of(blank), selectors.table_of(lost)
    assert (
        blank_table is not None and blank_table.status == "failed" and "没有任何内容" in blank_table.message
    )
    assert lost_table is not None and lost_table.status == "failed" and "后台解析时出错" in lost_table.message
    page = client.get("/dataset/bus-lines/").content.decode()
    assert "表格解析失败：" in page and "后台解析时出错" in page
    shown = client.get("/api/3/action/resource_show", {"id": blank.pk}).json()["result"]
    assert shown["datastore_status"] == "failed" and "没有任何内容" in shown["datastore_message"]
    assert not DatastoreTable.objects.filter(status="pending").exists()


def test_column_type_cannot_change_while_pending(agency, queued):
    table = selectors.table_of(_upload(agency))
    assert table is not None
    with pytest.raises(services.ApplicationError) as exc:
        services.datastore_field_type_set(
            actor=agency.publisher, table=table, column="站数", column_type="text"
        )
    assert exc.value.code == "not_parsed"


def test_an_unexpected_error_saves_no_half_parsed_columns(agency, queued, monkeypatch):
    """Review O5: the first pass has set columns, encoding and issues on the table in memory when the second pass
    fails unexpectedly; the failed table keeps none of them."""
    resource = _upload(agency, data=("\ufeff" + CSV_TEXT + "4路,x,2020-01-01\n").encode())

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(services, "_write_rows", broken)
    assert services.datastore_parse_pending() == 1
    table = DatastoreTable.objects.get(resource=resource)
    assert table.status == "failed" and "RuntimeError" in table.message
    assert (table.fields, table.encoding, table.issues, table.row_count) == ([], "", [], 0)
    assert not table.rows.exists()
