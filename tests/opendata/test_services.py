import hashlib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.opendata import rules, selectors, services
from gongkai.opendata.models import ApiToken, Dataset, Resource
from tests.opendata.conftest import CSV_TEXT, make_dataset


def test_publisher_publishes_directly_with_default_license(agency, settings):
    settings.GONGKAI_OPENDATA_DEFAULT_LICENSE = "cc-by-4.0"
    dataset = make_dataset(agency, tags=["交通", "公交"], update_frequency="每月", open_type="有条件开放")
    assert dataset.status == rules.PUBLISHED
    assert dataset.published_at is not None
    assert dataset.license_id == "cc-by-4.0"
    assert dataset.update_frequency == "monthly"
    assert dataset.open_type == "conditional"
    assert sorted(dataset.tags.values_list("name", flat=True)) == ["交通", "公交"]
    entry = AuditEntry.objects.get(action="dataset.create")
    assert entry.to_state == rules.PUBLISHED and entry.org_code == agency.org.code


def test_staff_dataset_waits_for_review_then_publisher_publishes(agency):
    data = services.DatasetData(name="parks", title="公园名录")
    dataset = services.dataset_create(actor=agency.staff, org=agency.org, data=data, publish=True)
    assert dataset.status == rules.SUBMITTED
    assert dataset not in selectors.datasets_public()
    with pytest.raises(PermissionDenied):
        services.dataset_transition(actor=agency.staff, dataset=dataset, action="publish")
    dataset = services.dataset_transition(actor=agency.publisher, dataset=dataset, action="publish")
    assert dataset.status == rules.PUBLISHED
    assert dataset in selectors.datasets_public()


def test_return_needs_comment_and_bad_state_is_refused(agency):
    data = services.DatasetData(name="parks", title="公园名录")
    dataset = services.dataset_create(actor=agency.staff, org=agency.org, data=data, publish=True)
    with pytest.raises(ApplicationError) as exc:
        services.dataset_transition(actor=agency.publisher, dataset=dataset, action="return")
    assert exc.value.code == "comment_required"
    dataset = services.dataset_transition(
        actor=agency.publisher, dataset=dataset, action="return", comment="请补充字段说明"
    )
    assert dataset.status == rules.RETURNED and dataset.review_comment == "请补充字段说明"
    with pytest.raises(ApplicationError) as exc:
        services.dataset_transition(actor=agency.publisher, dataset=dataset, action="withdraw", comment="x")
    assert exc.value.code == "bad_state"


def test_other_agency_and_anonymous_cannot_create(agency, other):
    data = services.DatasetData(name="parks", title="公园名录")
    with pytest.raises(PermissionDenied):
        services.dataset_create(actor=other.publisher, org=agency.org, data=data)
    with pytest.raises(PermissionDenied):
        services.dataset_create(actor=None, org=agency.org, data=data)
    assert not Dataset.objects.exists()


def test_staff_cannot_edit_published_dataset_publisher_can(agency):
    dataset = make_dataset(agency)
    with pytest.raises(PermissionDenied):
        services.dataset_update(actor=agency.staff, dataset=dataset, data=services.DatasetData(title="改"))
    dataset = services.dataset_update(
        actor=agency.publisher, dataset=dataset, data=services.DatasetData(title="改")
    )
    assert dataset.title == "改" and dataset.status == rules.PUBLISHED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "Bad Name"}, "name"),
        ({"name": "ok-name", "title": ""}, "title"),
        ({"name": "ok-name", "update_frequency": "每两月"}, "update_frequency"),
        ({"name": "ok-name", "open_type": "半开放"}, "open_type"),
        (
            {"name": "ok-name", "temporal_start": date(2026, 2, 1), "temporal_end": date(2026, 1, 1)},
            "temporal_end",
        ),
        ({"name": "ok-name", "contact_email": "not-an-email"}, "contact_email"),
    ],
)
def test_invalid_dataset_fields(agency, fields, field):
    data = services.DatasetData(title=str(fields.pop("title", "名称")), **fields)
    with pytest.raises(services.DatasetInvalid) as exc:
        services.dataset_create(actor=agency.publisher, org=agency.org, data=data)
    assert field in exc.value.errors


def test_duplicate_name_is_refused(agency):
    make_dataset(agency)
    with pytest.raises(services.DatasetInvalid) as exc:
        make_dataset(agency)
    assert "name" in exc.value.errors


def test_resource_upload_keeps_size_and_sha256_and_parses_csv(agency):
    dataset = make_dataset(agency)
    data = CSV_TEXT.encode("utf-8")
    resource = services.resource_create(
        actor=agency.publisher, dataset=dataset, name="线路表", upload_name="lines.csv", data=data
    )
    assert resource.format == "CSV"
    assert resource.size == len(data)
    assert resource.sha256 == hashlib.sha256(data).hexdigest()
    table = selectors.table_of(resource)
    assert table is not None and table.status == "ok" and table.row_count == 3
    assert [f["type"] for f in table.fields] == ["text", "int", "date"]


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("fake.pdf", b"not a pdf at all", "disguised_file"),
        ("data.json", b"<html><script>alert(1)</script></html>", "disguised_file"),
        ("table.xlsx", b"plain text", "disguised_file"),
        ("shape.zip", b"PK\x03\x04garbage", "disguised_file"),
        ("evil.exe", b"MZ\x90\x00", "bad_format"),
        ("empty.csv", b"", "empty_file"),
    ],
)
def test_bad_uploads_are_refused(agency, filename, data, code):
    dataset = make_dataset(agency)
    with pytest.raises(ApplicationError) as exc:
        services.resource_create(
            actor=agency.publisher, dataset=dataset, name="x", upload_name=filename, data=data
        )
    assert exc.value.code == code
    assert not Resource.objects.exists()


def test_shapefile_zip_and_link_resources(agency):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("roads.shp", b"\x00\x00\x27\x0a")
        zf.writestr("roads.dbf", b"")
    dataset = make_dataset(agency)
    shp = services.resource_create(
        actor=agency.publisher, dataset=dataset, name="路网", upload_name="roads.zip", data=buf.getvalue()
    )
    assert shp.format == "SHP"
    link = services.resource_create(
        actor=agency.publisher, dataset=dataset, name="接口", url="https://example.gov.cn/api", format="api"
    )
    assert link.url == "https://example.gov.cn/api" and link.format == "API"
    with pytest.raises(ApplicationError):
        services.resource_create(
            actor=agency.publisher, dataset=dataset, name="坏", url="javascript:alert(1)"
        )


def test_other_agency_cannot_add_resource(agency, other):
    dataset = make_dataset(agency)
    with pytest.raises(PermissionDenied):
        services.resource_create(
            actor=other.publisher, dataset=dataset, name="x", upload_name="a.csv", data=b"a,b\n1,2\n"
        )


def test_stale_datasets(agency, other):
    monthly = make_dataset(agency, "monthly-data", update_frequency="monthly")
    make_dataset(agency, "irregular-data", update_frequency="irregular")
    fresh = make_dataset(other, "weekly-data", update_frequency="weekly")
    today = timezone.localdate()
    assert selectors.stale_datasets(as_of=today) == []
    later = today + timedelta(days=40)
    stale = selectors.stale_datasets(as_of=later)
    assert {s.dataset.name for s in stale} == {"monthly-data", "weekly-data"}
    assert [s.dataset for s in selectors.stale_datasets(org=agency.org, as_of=later)] == [monthly]
    # Published ten days ago: overdue today; a new resource resets the clock.
    Dataset.objects.filter(pk=fresh.pk).update(published_at=timezone.now() - timedelta(days=10))
    assert fresh in [s.dataset for s in selectors.stale_datasets(as_of=today)]
    services.resource_create(
        actor=other.publisher, dataset=fresh, name="新", url="https://example.gov.cn/new"
    )
    assert fresh not in [s.dataset for s in selectors.stale_datasets(as_of=today)]


def test_tokens_are_hashed_and_revocable(agency, other):
    token, raw = services.token_create(actor=agency.publisher, user=agency.publisher, name="脚本")
    assert raw.startswith("gk_") and raw not in token.token_hash
    assert ApiToken.objects.get().token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert services.token_authenticate(raw=raw) == agency.publisher
    assert services.token_authenticate(raw="Bearer " + raw) == agency.publisher
    assert services.token_authenticate(raw="gk_wrong") is None
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=other.publisher, token=token)
    services.token_revoke(actor=agency.publisher, token=token)
    assert services.token_authenticate(raw=raw) is None


def test_field_type_edit_converts_or_refuses(agency):
    dataset = make_dataset(agency)
    resource = services.resource_create(
        actor=agency.publisher, dataset=dataset, name="t", upload_name="t.csv", data=CSV_TEXT.encode()
    )
    table = selectors.table_of(resource)
    assert table is not None
    table = services.datastore_field_type_set(
        actor=agency.publisher, table=table, column="站数", column_type="text"
    )
    page = selectors.datastore_rows(table, sort=[("站数", False)])
    assert page.records[0]["站数"] == "18"
    with pytest.raises(ApplicationError) as exc:
        services.datastore_field_type_set(
            actor=agency.publisher, table=table, column="线路", column_type="int"
        )
    assert exc.value.code == "type_mismatch"
