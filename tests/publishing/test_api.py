"""Public read API /api/v1/ (issue 7 §11): shapes match the OpenAPI document, filters, errors, rate limit."""

from datetime import date

import pytest
from django.test import override_settings
from jsonschema import Draft202012Validator

from gongkai import api_schema
from gongkai.publishing import services
from tests.factories import draft, make_agency, publish

pytestmark = pytest.mark.django_db


def validate(response, path, method="get"):
    doc = api_schema.document()
    schema = doc["paths"][path][method]["responses"][str(response.status_code)]["content"]["application/json"]
    wrapped = {**schema["schema"], "components": doc["components"]}
    Draft202012Validator(wrapped).validate(response.json())


@pytest.fixture
def data():
    a = make_agency("api")
    old = publish(
        a,
        "旧办法",
        kind="normative",
        subject="科技、教育\\教育",
        doc_no="测发[2024]1号",
        effective_on=date(2024, 1, 1),
    )
    new = publish(a, "新办法", kind="normative", subject="科技、教育")
    services.item_relation_add(actor=a.publisher, source=new, type="repeals", target=old)
    expired = publish(a, "到期办法", valid_until=date(2020, 12, 31))
    hidden = draft(a, "草稿")
    return a, old, new, expired, hidden


def test_schema_document(client):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/items" in doc["paths"] and "Item" in doc["components"]["schemas"]


def test_item_list_and_detail(client, data):
    a, old, new, _expired, hidden = data
    response = client.get("/api/v1/items")
    assert response.status_code == 200
    validate(response, "/api/v1/items")
    body = response.json()
    titles = [r["title"] for r in body["results"]]
    assert body["count"] == 3 and "草稿" not in titles
    detail = client.get(f"/api/v1/items/{old.pk}")
    validate(detail, "/api/v1/items/{id}")
    item = detail.json()
    assert item["validity"] == "repealed" and item["doc_no"] == "测发〔2024〕1号"
    assert item["org"] == {"code": a.org.code, "name": a.org.name}
    assert item["relations"] == [
        {
            "type": "repeals",
            "direction": "in",
            "external_id": f"pk:{new.pk}",
            "index_no": new.index_no,
            "title": "新办法",
            "url": f"http://testserver/items/{new.pk}/",
        }
    ]
    assert client.get(f"/api/v1/items/{hidden.pk}").status_code == 404


def test_filters(client, data):
    a, _old, new, _expired, _hidden = data

    def titles(query):
        response = client.get("/api/v1/items?" + query)
        assert response.status_code == 200, response.content
        return sorted(r["title"] for r in response.json()["results"])

    assert titles("kind=normative") == ["新办法", "旧办法"]
    assert titles("subject=科技、教育") == ["新办法", "旧办法"]
    assert titles("subject=科技、教育\\教育") == ["旧办法"]
    assert titles("validity=expired") == ["到期办法"]  # derived from valid_until, never stored
    assert titles("validity=valid") == ["新办法"]
    assert titles(f"org={a.org.code.lower()}") == ["到期办法", "新办法", "旧办法"]
    assert titles("published_after=2999-01-01") == []
    assert titles(f"external_id=pk:{new.pk}") == ["新办法"]  # items made on the platform are named pk:N
    assert titles("external_id=unknown") == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("kind=law", "bad_kind"),
        ("validity=maybe", "bad_validity"),
        ("published_after=2024-13-01", "bad_date"),
        ("page=0", "bad_parameter"),
        ("page_size=1000", "bad_parameter"),
        ("page=abc", "bad_parameter"),
        ("column=999999", "unknown_column"),
    ],
)
def test_bad_parameters_give_400_with_a_stable_code(client, data, query, code):
    response = client.get("/api/v1/items?" + query)
    assert response.status_code == 400
    validate(response, "/api/v1/items")
    assert response.json()["error"]["code"] == code


def test_pagination_links(client, data):
    response = client.get("/api/v1/items?page_size=2")
    body = response.json()
    assert body["previous"] is None and "page=2" in body["next"]
    second = client.get("/api/v1/items?page_size=2&page=2").json()
    assert len(second["results"]) == 1 and second["next"] is None and "page=1" in second["previous"]


def test_orgs_and_columns(client, data):
    a = data[0]
    response = client.get("/api/v1/organizations")
    validate(response, "/api/v1/organizations")
    assert [o["code"] for o in response.json()["results"]] == [a.org.code]
    detail = client.get(f"/api/v1/organizations/{a.org.code}")
    validate(detail, "/api/v1/organizations/{code}")
    assert detail.json()["phone"] == a.org.phone
    missing = client.get("/api/v1/organizations/000000000")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    columns = client.get(f"/api/v1/columns?org={a.org.code}&page_size=100")
    validate(columns, "/api/v1/columns")
    assert "法定主动公开内容" in [c["path"] for c in columns.json()["results"]]


def test_write_methods_are_refused(client, data):
    assert client.post("/api/v1/items").status_code == 405


@override_settings()
def test_rate_limit_per_client(client, data, monkeypatch):
    from gongkai.publishing import api

    monkeypatch.setattr(api, "RATE_LIMIT_PER_MINUTE", 3)
    statuses = [client.get("/api/v1/organizations").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    other = client.get("/api/v1/organizations", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_catalog_and_gazette_endpoints(client, data):
    a, _old, new, *_ = data
    response = client.get(f"/api/v1/organizations/{a.org.code}/catalog")
    validate(response, "/api/v1/organizations/{code}/catalog")
    assert {r["title"] for r in response.json()["results"]} == {"旧办法", "新办法", "到期办法"}
    assert client.get("/api/v1/organizations/000000000/catalog").status_code == 404
    issue = services.gazette_issue_create(actor=a.publisher, org=a.org, year=2026, number=1)
    services.gazette_entry_add(actor=a.publisher, issue=issue, item=new)
    assert client.get("/api/v1/gazette").json()["count"] == 0  # not yet published
    services.gazette_issue_publish(actor=a.publisher, issue=issue)
    response = client.get("/api/v1/gazette?year=2026")
    validate(response, "/api/v1/gazette")
    body = response.json()
    assert body["count"] == 1 and [i["title"] for i in body["results"][0]["items"]] == ["新办法"]
    assert client.get("/api/v1/gazette?year=abc").status_code == 400


def test_column_list_costs_a_fixed_number_of_queries(client, data, django_assert_max_num_queries):
    """Column paths come from one map, not a query per level per column (an N+1 otherwise)."""
    a = data[0]
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/columns?org={a.org.code}&page_size=100")
    paths = [c["path"] for c in response.json()["results"]]
    assert "法定主动公开内容/行政法规、规章和规范性文件" in paths
