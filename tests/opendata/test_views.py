"""Public pages, downloads, previews, staff pages and the token command."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gongkai.opendata import rules, services
from gongkai.opendata.models import ApiToken, Dataset, DatastoreTable, Resource
from tests.factories import PASSWORD
from tests.opendata.conftest import CSV_TEXT, make_dataset


@pytest.fixture
def published(agency):
    ds = make_dataset(agency, tags=["公交"], subject="交通运输")
    services.resource_create(
        actor=agency.publisher, dataset=ds, name="线路表", upload_name="lines.csv", data=CSV_TEXT.encode()
    )
    return ds


def test_portal_search_and_facets(client, agency, published):
    make_dataset(agency, "parks", title="公园名录", description="")
    response = client.get("/data/")
    assert response.status_code == 200
    assert "公交线路" in response.content.decode() and "公园名录" in response.content.decode()
    page = client.get("/data/", {"q": "公园"}).content.decode()
    assert "公园名录" in page and "公交线路" not in page
    page = client.get("/dataset/", {"tag": "公交"}).content.decode()
    assert "公交线路" in page and "公园名录" not in page
    assert "清除“标签”筛选" in page
    assert client.get("/data/api/").status_code == 200


def test_dataset_page_and_download_counts(client, published):
    response = client.get("/dataset/bus-lines/")
    assert response.status_code == 200
    assert "线路表" in response.content.decode()
    resource = Resource.objects.get()
    url = f"/dataset/bus-lines/resource/{resource.pk}/download/{resource.filename}"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV_TEXT.encode()
    resource.refresh_from_db()
    assert resource.download_count == 1


def test_draft_pages_are_404(client, agency):
    services.dataset_create(
        actor=agency.staff, org=agency.org, data=services.DatasetData(name="secret", title="草稿")
    )
    assert client.get("/dataset/secret/").status_code == 404


def test_preview_filters_and_json_export(client, published):
    resource = Resource.objects.get()
    base = f"/dataset/bus-lines/resource/{resource.pk}/"
    page = client.get(base + "preview/").content.decode()
    assert "夜1路" in page and "共 3 行" in page
    page = client.get(base + "preview/", {"column": "线路", "value": "2路"}).content.decode()
    assert "共 1 行" in page
    assert client.get(base + "preview/", {"page": "x"}).status_code == 200
    response = client.get(base + "table.json")
    body = json.loads(b"".join(response.streaming_content))
    assert body["records"][0] == {"线路": "1路", "站数": 25, "开通日期": "2001-05-01"}
    assert len(body["records"]) == 3


def test_failed_table_preview_shows_reason(client, agency):
    ds = make_dataset(agency)
    resource = services.resource_create(
        actor=agency.publisher, dataset=ds, name="空", upload_name="e.csv", data=b"\n\n"
    )
    page = client.get(f"/dataset/bus-lines/resource/{resource.pk}/preview/").content.decode()
    assert "没有任何内容" in page
    assert client.get(f"/dataset/bus-lines/resource/{resource.pk}/table.csv").status_code == 404


def test_staff_tokens_page_create_and_revoke(client, agency, other):
    assert client.get("/staff/opendata/tokens/").status_code == 302  # login required
    client.login(username=agency.staff.username, password=PASSWORD)
    response = client.post("/staff/opendata/tokens/", {"name": "脚本"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    raw = response.context["new_token"]
    assert raw.startswith(token.prefix) and raw not in token.token_hash
    # The token is shown once: the list page does not show it again.
    assert raw not in client.get("/staff/opendata/tokens/").content.decode()
    assert client.post(f"/staff/opendata/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Someone else's token is a 404.
    other_token, _ = services.token_create(actor=other.staff, user=other.staff)
    assert client.post(f"/staff/opendata/tokens/{other_token.pk}/revoke/").status_code == 404


def test_staff_review_pages(client, agency, other):
    ds = services.dataset_create(
        actor=agency.staff,
        org=agency.org,
        data=services.DatasetData(name="parks", title="公园名录"),
        publish=True,
    )
    client.login(username=other.publisher.username, password=PASSWORD)
    assert client.get(f"/staff/opendata/datasets/{ds.pk}/").status_code == 404
    client.login(username=agency.publisher.username, password=PASSWORD)
    assert "公园名录" in client.get("/staff/opendata/").content.decode()
    page = client.get(f"/staff/opendata/datasets/{ds.pk}/").content.decode()
    assert "发布" in page
    client.post(f"/staff/opendata/datasets/{ds.pk}/transition/", {"action": "publish"})
    assert Dataset.objects.get(pk=ds.pk).status == rules.PUBLISHED
    upload = SimpleUploadedFile("t.csv", b"a,b\n1,2\n")
    response = client.post(f"/staff/opendata/datasets/{ds.pk}/", {"name": "表", "upload": upload})
    assert response.status_code == 302
    assert Resource.objects.get(dataset=ds).format == "CSV"
    bad = SimpleUploadedFile("t.pdf", b"nope")
    response = client.post(f"/staff/opendata/datasets/{ds.pk}/", {"name": "坏", "upload": bad})
    assert response.status_code == 400
    assert "内容不是 PDF 格式" in response.content.decode()


def test_token_command_prints_token_once(agency, capsys):
    call_command("token", "create", "--username", agency.publisher.username)
    out = capsys.readouterr().out.strip()
    assert out.startswith("gk_")
    assert services.token_authenticate(raw=out) == agency.publisher
    with pytest.raises(SystemExit) as exc:
        call_command("token", "create", "--username", "nobody")
    assert exc.value.code == 2
    call_command("token", "revoke", "--username", agency.publisher.username, "--prefix", out[:10])
    assert services.token_authenticate(raw=out) is None


def test_staff_create_edit_and_field_type_pages(client, agency, other):
    client.login(username=agency.staff.username, password=PASSWORD)
    assert client.get("/staff/opendata/datasets/new/").status_code == 200
    response = client.post(
        "/staff/opendata/datasets/new/",
        {
            "org": agency.org.code,
            "name": "Bad Name",
            "title": "x",
            "update_frequency": "daily",
            "open_type": "unconditional",
        },
    )
    assert response.status_code == 400 and "标识须为" in response.content.decode()
    response = client.post(
        "/staff/opendata/datasets/new/",
        {
            "org": agency.org.code,
            "name": "street-lamps",
            "title": "路灯",
            "tags": "市政，照明",
            "update_frequency": "monthly",
            "open_type": "conditional",
        },
    )
    assert response.status_code == 302
    ds = Dataset.objects.get(name="street-lamps")
    assert ds.status == rules.DRAFT and sorted(ds.tags.values_list("name", flat=True)) == ["市政", "照明"]
    # Another agency's publisher may not pick this agency.
    client.login(username=other.publisher.username, password=PASSWORD)
    response = client.post(
        "/staff/opendata/datasets/new/",
        {
            "org": agency.org.code,
            "name": "x-y",
            "title": "x",
            "update_frequency": "daily",
            "open_type": "unconditional",
        },
    )
    assert response.status_code == 400 and not Dataset.objects.filter(name="x-y").exists()
    assert client.get(f"/staff/opendata/datasets/{ds.pk}/edit/").status_code == 404
    client.login(username=agency.staff.username, password=PASSWORD)
    edit = {
        "name": "street-lamps",
        "title": "路灯分布",
        "update_frequency": "monthly",
        "open_type": "conditional",
    }
    assert client.post(f"/staff/opendata/datasets/{ds.pk}/edit/", edit).status_code == 302
    assert Dataset.objects.get(pk=ds.pk).title == "路灯分布"
    resource = services.resource_create(
        actor=agency.staff, dataset=ds, name="表", upload_name="t.csv", data=b"code,n\n001,1\n002,2\n"
    )
    url = f"/staff/opendata/datasets/{ds.pk}/resources/{resource.pk}/field-type/"
    assert client.post(url, {"column": "n", "type": "text"}).status_code == 302
    assert DatastoreTable.objects.get(resource=resource).fields[1] == {"id": "n", "type": "text"}


def test_preview_draws_a_chart_of_a_numeric_column(client, agency):
    dataset = make_dataset(agency)
    resource = services.resource_create(
        actor=agency.publisher, dataset=dataset, name="t", upload_name="t.csv", data=CSV_TEXT.encode()
    )
    page = client.get(f"/dataset/bus-lines/resource/{resource.pk}/preview/").content.decode()
    assert 'data-chart="preview-chart"' in page and "vendor/echarts-5.6.0/echarts.min.js" in page
    island = re.search(r'<script id="preview-chart" type="application/json">(.*?)</script>', page, re.S)
    assert island is not None
    option = json.loads(island.group(1))
    assert option["xAxis"]["data"] == ["1路", "2路", "夜1路"]
    assert option["series"][0]["data"] == [25, 18, 30] and option["title"]["text"] == "站数"


def test_chart_option_needs_a_numeric_column_and_a_number():
    from gongkai.opendata import charts

    text_only = [{"id": "名称", "type": "text"}]
    assert charts.chart_option(text_only, [{"_id": 1, "名称": "甲"}]) is None
    fields = [{"id": "年度", "type": "int"}, {"id": "金额", "type": "numeric"}]
    records = [{"_id": 1, "年度": 2024, "金额": 1.5}, {"_id": 2, "年度": None, "金额": 2.5}]
    option = charts.chart_option(fields, records, "金额")
    assert option is not None and option["xAxis"]["data"] == ["第1行", "第2行"]
    assert option["series"][0]["data"] == [1.5, 2.5]
    assert charts.chart_option(fields, [{"_id": 1, "年度": None, "金额": None}]) is None
