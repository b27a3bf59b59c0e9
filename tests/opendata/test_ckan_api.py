"""The CKAN Action API with Django's test client: envelope, status codes, searches, writes and permissions."""

import json

import pytest

from gongkai.opendata import rules, services
from gongkai.opendata.models import Dataset, Resource
from tests.opendata.conftest import CSV_TEXT, make_dataset


def call(client, action, token=None, prefix="/api/3/action/", **data):
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    return client.post(prefix + action, data=json.dumps(data), content_type="application/json", **headers)


def get(client, action, prefix="/api/3/action/", **params):
    return client.get(prefix + action, params)


def token_for(user):
    return services.token_create(actor=user, user=user)[1]


@pytest.fixture
def published(agency):
    dataset = make_dataset(agency, tags=["公交", "交通"], subject="交通运输")
    services.resource_create(
        actor=agency.publisher,
        dataset=dataset,
        name="线路表",
        upload_name="lines.csv",
        data=CSV_TEXT.encode(),
    )
    return dataset


def test_status_show_envelope(client, db):
    response = get(client, "status_show")
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"help", "success", "result"} and body["success"] is True
    assert body["result"]["ckan_version"].startswith("2.")


def test_both_prefixes_work(client, published):
    for prefix in ("/api/3/action/", "/api/action/"):
        assert get(client, "package_list", prefix=prefix).json()["result"] == ["bus-lines"]


def test_package_show_shape(client, published, agency):
    result = get(client, "package_show", id="bus-lines").json()["result"]
    assert result["name"] == "bus-lines" and result["title"] == "公交线路"
    assert result["owner_org"] == agency.org.code.lower()
    assert result["organization"]["name"] == agency.org.code.lower()
    assert sorted(t["name"] for t in result["tags"]) == ["交通", "公交"]
    assert result["num_resources"] == 1
    res = result["resources"][0]
    assert res["format"] == "CSV" and len(res["hash"]) == 64 and res["datastore_active"] is True
    assert res["url"].startswith("http://testserver/dataset/bus-lines/resource/")
    # by numeric id too
    assert get(client, "package_show", id=result["id"]).json()["result"]["name"] == "bus-lines"


def test_not_found_and_missing_id(client, db):
    response = get(client, "package_show", id="nope")
    assert response.status_code == 404
    assert response.json()["success"] is False
    assert response.json()["error"]["__type"] == "Not Found Error"
    response = get(client, "package_show")
    assert response.status_code == 409 and response.json()["error"]["__type"] == "Validation Error"
    assert get(client, "resource_show", id="abc").status_code == 404
    assert get(client, "organization_show", id="nope").status_code == 404
    assert get(client, "no_such_action").status_code == 400


def test_drafts_are_hidden_from_anonymous_but_visible_to_staff(client, agency, other):
    services.dataset_create(
        actor=agency.staff,
        org=agency.org,
        data=services.DatasetData(name="draft-one", title="草稿"),
        publish=False,
    )
    assert get(client, "package_show", id="draft-one").status_code == 404
    assert get(client, "package_list").json()["result"] == []
    own = client.get(
        "/api/3/action/package_show", {"id": "draft-one"}, HTTP_AUTHORIZATION=token_for(agency.staff)
    )
    assert own.status_code == 200 and own.json()["result"]["private"] is True
    foreign = client.get(
        "/api/3/action/package_show", {"id": "draft-one"}, HTTP_AUTHORIZATION=token_for(other.staff)
    )
    assert foreign.status_code == 404


def test_package_search_q_fq_rows_start_sort_facets(client, agency, other, published):
    make_dataset(other, "taxi", title="出租车", description="巡游出租车", tags=["交通"])
    make_dataset(agency, "parks", title="公园名录", description="", tags=["园林"])
    result = get(client, "package_search", q="公交").json()["result"]
    assert result["count"] == 1 and result["results"][0]["name"] == "bus-lines"
    org_name = agency.org.code.lower()
    result = get(client, "package_search", fq=f"organization:{org_name}").json()["result"]
    assert {r["name"] for r in result["results"]} == {"bus-lines", "parks"}
    result = get(client, "package_search", fq='tags:"交通"', sort="name asc").json()["result"]
    assert [r["name"] for r in result["results"]] == ["bus-lines", "taxi"]
    result = get(client, "package_search", fq="res_format:csv").json()["result"]
    assert [r["name"] for r in result["results"]] == ["bus-lines"]
    result = get(client, "package_search", fq=f"-organization:{org_name}").json()["result"]
    assert [r["name"] for r in result["results"]] == ["taxi"]
    result = get(client, "package_search", rows=1, start=1, sort="name desc").json()["result"]
    assert result["count"] == 3 and [r["name"] for r in result["results"]] == ["parks"]
    result = get(client, "package_search", **{"facet.field": '["tags", "organization"]'}).json()["result"]
    assert result["facets"]["tags"]["交通"] == 2
    assert result["facets"]["organization"][org_name] == 2
    assert result["search_facets"]["tags"]["items"][0] == {"name": "交通", "display_name": "交通", "count": 2}


@pytest.mark.parametrize(
    ("params", "status", "etype"),
    [
        ({"rows": "-1"}, 409, "Validation Error"),
        ({"start": "-5"}, 409, "Validation Error"),
        ({"rows": "many"}, 409, "Validation Error"),
        ({"fq": "bogus:1"}, 409, "Search Query Error"),
        ({"fq": "organization"}, 409, "Search Query Error"),
        ({"sort": "nonsense desc"}, 409, "Search Query Error"),
        ({"facet.field": '["password"]'}, 409, "Search Query Error"),
        ({"facet.field": "[broken"}, 409, "Validation Error"),
    ],
)
def test_package_search_bad_input(client, db, params, status, etype):
    response = get(client, "package_search", **params)
    assert response.status_code == status
    assert response.json()["error"]["__type"] == etype


def test_organization_group_tag_lists(client, agency, published):
    code = agency.org.code.lower()
    assert code in get(client, "organization_list").json()["result"]
    full = get(client, "organization_list", all_fields="true").json()["result"]
    assert next(o for o in full if o["name"] == code)["package_count"] == 1
    shown = get(client, "organization_show", id=code, include_datasets="true").json()["result"]
    assert shown["title"] == "数据局" and [p["name"] for p in shown["packages"]] == ["bus-lines"]
    assert get(client, "organization_show", id=agency.org.code).status_code == 200  # upper case accepted
    assert get(client, "group_list").json()["result"] == ["交通运输"]
    assert get(client, "tag_list").json()["result"] == ["交通", "公交"]
    assert get(client, "tag_list", query="公").json()["result"] == ["公交"]


def test_datastore_search(client, published):
    resource = Resource.objects.get()
    result = get(client, "datastore_search", resource_id=resource.pk, limit=2).json()["result"]
    assert result["total"] == 3 and len(result["records"]) == 2
    assert result["fields"][0] == {"id": "_id", "type": "int"}
    assert {"id": "站数", "type": "int"} in result["fields"]
    result = get(client, "datastore_search", resource_id=resource.pk, filters='{"线路": "2路"}').json()[
        "result"
    ]
    assert result["total"] == 1 and result["records"][0]["站数"] == 18
    result = get(client, "datastore_search", resource_id=resource.pk, q="夜", fields="线路").json()["result"]
    assert result["records"] == [{"_id": 3, "线路": "夜1路"}]
    result = get(client, "datastore_search", resource_id=resource.pk, sort="站数 desc", offset=1).json()[
        "result"
    ]
    assert [r["站数"] for r in result["records"]] == [25, 18]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"resource_id": "999"}, 404),
        ({"resource_id": ""}, 409),
        ({"filters": "[1]"}, 409),
        ({"filters": '{"nope": 1}'}, 409),
        ({"sort": "nope"}, 409),
        ({"limit": "-1"}, 409),
    ],
)
def test_datastore_search_bad_input(client, published, params, status):
    params = {"resource_id": Resource.objects.get().pk, **params}
    response = get(client, "datastore_search", **params)
    assert response.status_code == status
    assert response.json()["success"] is False


def test_datastore_search_without_table_is_404(client, agency):
    dataset = make_dataset(agency)
    link = services.resource_create(
        actor=agency.publisher, dataset=dataset, name="l", url="https://example.gov.cn/x"
    )
    assert get(client, "datastore_search", resource_id=link.pk).status_code == 404


# ---------------------------------------------------------------- writes


def test_anonymous_and_bad_token_writes_are_403(client, agency):
    org = agency.org.code.lower()
    response = call(client, "package_create", name="x1", title="x", owner_org=org)
    assert response.status_code == 403 and response.json()["error"]["__type"] == "Authorization Error"
    response = call(client, "package_create", token="gk_wrong", name="x1", title="x", owner_org=org)
    assert response.status_code == 403
    assert get(client, "package_list").status_code == 200
    assert client.get("/api/3/action/package_list", HTTP_AUTHORIZATION="gk_wrong").status_code == 403
    assert not Dataset.objects.exists()


def test_revoked_token_is_refused(client, agency):
    token, raw = services.token_create(actor=agency.publisher, user=agency.publisher)
    services.token_revoke(actor=agency.publisher, token=token)
    response = call(
        client, "package_create", token=raw, name="x1", title="x", owner_org=agency.org.code.lower()
    )
    assert response.status_code == 403


def test_publisher_creates_public_dataset(client, agency):
    response = call(
        client,
        "package_create",
        token=token_for(agency.publisher),
        name="air-quality",
        title="空气质量",
        notes="逐日监测",
        owner_org=agency.org.code.lower(),
        tags=[{"name": "环境"}],
        update_frequency="每日",
        extras=[{"key": "spatial", "value": "全市"}],
        resources=[{"name": "接口", "url": "https://example.gov.cn/aq", "format": "API"}],
    )
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["state"] == "active" and result["private"] is False
    assert result["update_frequency"] == "daily" and result["spatial"] == "全市"
    assert result["num_resources"] == 1
    assert Dataset.objects.get(name="air-quality").status == rules.PUBLISHED


def test_staff_write_waits_for_review(client, agency):
    response = call(
        client,
        "package_create",
        token=token_for(agency.staff),
        name="draft-set",
        title="待审",
        owner_org=agency.org.code.lower(),
    )
    assert response.status_code == 200
    assert response.json()["result"]["private"] is True
    assert Dataset.objects.get(name="draft-set").status == rules.SUBMITTED
    assert get(client, "package_show", id="draft-set").status_code == 404


def test_other_agency_writes_are_403(client, agency, other, published):
    token = token_for(other.publisher)
    response = call(
        client, "package_create", token=token, name="y", title="y", owner_org=agency.org.code.lower()
    )
    assert response.status_code == 403
    response = call(client, "package_patch", token=token, id="bus-lines", title="篡改")
    assert response.status_code == 403
    response = client.post(
        "/api/3/action/resource_create",
        {"package_id": "bus-lines", "name": "x", "url": "https://example.gov.cn/"},
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code == 403
    response = call(client, "resource_update", token=token, id=str(Resource.objects.get().pk), name="篡改")
    assert response.status_code == 403
    assert Dataset.objects.get(name="bus-lines").title == "公交线路"


def test_validation_errors_are_409(client, agency, published):
    token = token_for(agency.publisher)
    org = agency.org.code.lower()
    response = call(client, "package_create", token=token, name="bus-lines", title="重复", owner_org=org)
    assert response.status_code == 409
    assert response.json()["error"]["__type"] == "Validation Error"
    assert "name" in response.json()["error"]
    response = call(client, "package_create", token=token, name="x2", title="x")
    assert response.status_code == 409 and "owner_org" in response.json()["error"]
    response = call(client, "package_create", token=token, name="x3", title="x", owner_org="nosuchorg")
    assert response.status_code == 409
    response = call(
        client, "package_create", token=token, name="x4", title="x", owner_org=org, temporal_start="明天"
    )
    assert response.status_code == 409
    response = call(client, "package_create", token=token, name="x5", title="x", owner_org=org, tags=5)
    assert response.status_code == 409


def test_bad_json_and_get_on_write(client, agency):
    response = client.post("/api/3/action/package_create", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["success"] is False
    response = client.post("/api/3/action/package_create", data="[1]", content_type="application/json")
    assert response.status_code == 400
    assert client.get("/api/3/action/package_create").status_code == 400


def test_package_update_replaces_and_patch_keeps(client, agency, published):
    token = token_for(agency.publisher)
    response = call(client, "package_patch", token=token, id="bus-lines", title="公交线路（2026）")
    result = response.json()["result"]
    assert result["title"] == "公交线路（2026）" and result["notes"] == "全市公交线路及站点。"
    assert len(result["tags"]) == 2
    response = call(client, "package_update", token=token, id="bus-lines", title="只有标题")
    result = response.json()["result"]
    assert result["title"] == "只有标题" and result["notes"] == "" and result["tags"] == []
    assert result["num_resources"] == 1  # resources are not dropped by package_update


def test_resource_create_upload_and_update(client, agency, published):
    token = token_for(agency.publisher)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("more.csv", "a,b\n1,2\n".encode("gbk"), content_type="text/csv")
    response = client.post(
        "/api/3/action/resource_create",
        {"package_id": "bus-lines", "name": "补充", "upload": upload},
        HTTP_AUTHORIZATION=token,
    )
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["format"] == "CSV" and result["size"] == 8 and result["datastore_active"]
    bad = SimpleUploadedFile("x.pdf", b"not pdf")
    response = client.post(
        "/api/3/action/resource_create", {"package_id": "bus-lines", "upload": bad}, HTTP_AUTHORIZATION=token
    )
    assert response.status_code == 409 and response.json()["error"]["__type"] == "Validation Error"
    response = call(
        client, "resource_update", token=token, id=result["id"], name="补充表", description="说明"
    )
    assert response.status_code == 200 and response.json()["result"]["name"] == "补充表"


def test_staff_patch_of_published_is_a_proposal_and_own_draft_is_edited(client, agency, published):
    token = token_for(agency.staff)
    response = call(client, "package_patch", token=token, id="bus-lines", title="改")
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["title"] == "公交线路" and result["gongkai_pending_change"]  # published dataset unchanged
    assert Dataset.objects.get(name="bus-lines").title == "公交线路"
    services.dataset_create(
        actor=agency.staff, org=agency.org, data=services.DatasetData(name="mine", title="我的草稿")
    )
    response = call(client, "package_patch", token=token, id="mine", notes="补充说明")
    assert response.status_code == 200
    assert Dataset.objects.get(name="mine").status == rules.SUBMITTED  # sent to review


JUNK = [
    {},
    {"id": ["a", "b"]},
    {"id": "", "resource_id": "", "q": "", "fq": ""},
    {"id": "x" * 500, "rows": "1e3", "start": "-0", "limit": "abc", "offset": "-1"},
    {"fq": 'tags:"unterminated', "sort": "name sideways", "facet.field": '{"a": 1}'},
    {"filters": '{"x": [1, {"y": 2}]}', "fields": "[1, 2]", "sort": "[]", "q": '{"a": "b"}'},
    {"all_fields": "maybe", "include_datasets": "1", "organizations": "[broken"},
]


@pytest.mark.parametrize(
    "action",
    sorted(
        [
            "package_list",
            "package_show",
            "package_search",
            "organization_list",
            "organization_show",
            "group_list",
            "tag_list",
            "resource_show",
            "datastore_search",
            "status_show",
        ]
    ),
)
@pytest.mark.parametrize("params", JUNK)
def test_reads_never_500(client, published, action, params):
    response = get(client, action, **params)
    assert response.status_code < 500
    assert "success" in response.json()


@pytest.mark.parametrize(
    "action", ["package_create", "package_update", "package_patch", "resource_create", "resource_update"]
)
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"id": 5, "name": ["x"], "title": {"a": 1}, "owner_org": 3},
        {"id": "bus-lines", "tags": [{"x": 1}], "extras": "nope", "resources": "nope"},
        {"id": "bus-lines", "package_id": "bus-lines", "url": "ftp://x", "temporal_end": "2026-13-01"},
    ],
)
def test_writes_never_500(client, agency, published, action, body):
    response = call(client, action, token=token_for(agency.publisher), **body)
    assert 400 <= response.status_code < 500
    assert response.json()["success"] is False


def test_chinese_query_is_segmented_as_in_search(client, agency):
    """Issue 9 §3: `q` in Chinese is segmented with the search app's dictionary, so word order and joined words
    do not matter (every word must match some field)."""
    make_dataset(agency, tags=["公交"])
    make_dataset(agency, "air", title="空气质量月报", description="各区逐月数据。")

    def names(q):
        body = client.get("/api/3/action/package_search", {"q": q}).json()
        return sorted(r["name"] for r in body["result"]["results"])

    assert names("公交线路") == ["bus-lines"]
    assert names("线路公交") == ["bus-lines"]  # a substring match would miss this
    assert names("全市公交线路站点") == ["bus-lines"]  # words spread over title and description
    assert names("公交空气") == []
    assert names("空气质量") == ["air"]


def test_portal_facets_by_domain(client, agency):
    make_dataset(agency, domain="交通运输")
    make_dataset(agency, "air", title="空气质量月报", domain="生态环境")
    page = client.get("/data/", {"domain": "生态环境"})
    assert [d.name for d in page.context["page"]] == ["air"]
    facets = {key: items for key, _, items in page.context["facets"]}
    assert [f["value"] for f in facets["domain"]] == ["生态环境"]
    assert "数据领域" in client.get("/data/").content.decode()
