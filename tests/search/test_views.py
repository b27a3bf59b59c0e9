"""The search page (/search/, which replaced the portal's basic one; its tests moved here) and /api/v1/search."""

from __future__ import annotations

import re

import pytest

from gongkai.search import params as search_params
from tests.factories import draft, publish
from tests.search.conftest import withdraw

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def search(client, q: str, **extra: object) -> str:
    response = client.get("/search/", {"q": q, **extra})
    assert response.status_code == 200
    return html(response)


def text(page: str) -> str:
    """The page without tags (titles have their hits marked)."""
    return re.sub(r"<[^>]+>", "", page)


def on_request(agency, title: str):
    return publish(agency, title, disclosure="on_request", disclosure_reason="涉及个人隐私")


# ---------------------------------------------------------------- the page (moved from tests/portal)


@pytest.mark.parametrize(
    "typed",
    [
        "示交发[2026]15号",
        "示交发【2026】15号",
        "示交发(2026)15号",
        "示交发〔2026〕15号",
        "示交发［2026］15号",
    ],
)
def test_r_pub_11_search_by_doc_no_with_any_brackets(client, agency, typed):
    publish(agency, "关于做好春运工作的通知", doc_no="示交发〔2026〕15号")
    publish(agency, "另一份不相干的通知", doc_no="示交发〔2026〕150号")
    page = text(search(client, typed))
    assert "找到 1 条结果。" in page and "按文号查找" in page
    assert "关于做好春运工作的通知" in page and "另一份不相干的通知" not in page


def test_search_by_index_no_exactly(client, agency):
    item = publish(agency, "按索引号查找的通知")
    publish(agency, "另一份通知")
    page = text(search(client, item.index_no))
    assert "找到 1 条结果。" in page and "按索引号查找的通知" in page


def test_search_by_title_word_finds_only_public_items(client, agency):
    publish(agency, "关于春运安全的通知")
    draft(agency, "春运草稿")
    on_request(agency, "春运依申请文件")
    withdraw(agency, publish(agency, "春运撤回文件"))
    page = text(search(client, "春运"))
    assert "找到 1 条结果。" in page
    assert "关于春运安全的通知" in page
    assert "春运草稿" not in page and "春运依申请文件" not in page and "春运撤回文件" not in page


def test_empty_search_shows_guidance(client):
    for q in ("", "   ", "，。！"):
        page = search(client, q)
        assert "请输入要查找的词语" in page and "示政办发〔2025〕12号" in page
        assert "找到" not in page
    assert "请输入要查找的词语" in html(client.get("/search/"))
    # A NUL is refused before the view (PostgreSQL text cannot hold it): a clear 400, not a 500.
    response = client.get("/search/", {"q": "\x00"})
    assert response.status_code == 400 and "不允许的字符" in response.content.decode()


def test_search_keeps_query_and_paginates(client, agency, monkeypatch):
    monkeypatch.setattr(search_params, "PAGE_SIZE", 1)
    publish(agency, "公路通知甲")
    publish(agency, "公路通知乙")
    page = search(client, "公路")
    assert 'value="公路"' in page and "找到 2 条结果。" in page
    assert "page=2" in page and "第 1 / 2 页" in page
    assert client.get("/search/", {"q": "公路", "page": "zzz"}).status_code == 200
    last = search(client, "公路", page=99)  # past the end: the last page
    assert "第 2 / 2 页" in last and "上一页" in last


def test_titles_and_snippets_are_escaped_and_hits_marked(client, agency):
    publish(agency, '<script>alert("t")</script>标题', body_html="<p>正文提到 &lt;b&gt; 春运 安排。</p>")
    page = search(client, "春运 标题")
    assert '<script>alert("t")' not in page and "&lt;script&gt;" in page
    assert "<mark>标题</mark>" in page and "<mark>春运</mark>" in page
    assert "&lt;b&gt;" in page and "<b>" not in page


def test_page_shows_facets_as_links_and_removes_them(client, agency, other):
    publish(agency, "就业补贴通知", genre="通知")
    publish(other, "就业招聘公告", genre="公告")
    page = search(client, "就业")
    assert '<nav class="facets" aria-label="筛选结果">' in page
    assert f'href="?q=%E5%B0%B1%E4%B8%9A&amp;org={agency.org.code}"' in page
    assert '示例市教育局<span class="count">（1）</span>' in page
    filtered = search(client, "就业", org=agency.org.code)
    assert "找到 1 条结果。" in filtered and "已选条件" in filtered and 'aria-current="true"' in filtered
    assert 'href="?q=%E5%B0%B1%E4%B8%9A"' in filtered  # the link that removes the condition


def test_search_within_results_form(client, agency):
    publish(agency, "就业补贴通知")
    publish(agency, "就业招聘公告")
    page = search(client, "就业")
    assert 'name="within"' in page and '<label for="within">在结果中搜索</label>' in page
    assert "找到 1 条结果。" in search(client, "就业", within="补贴")


def test_bad_parameters_are_a_chinese_message_on_the_form(client, agency):
    response = client.get("/search/", {"q": "就业", "published_after": "2025-13-40"})
    assert response.status_code == 400
    page = html(response)
    assert "开始日期应为 YYYY-MM-DD 格式的日期" in page and 'role="alert"' in page
    assert 'value="就业"' in page and 'value="2025-13-40"' in page  # nothing the user typed is lost
    assert client.get("/search/", {"q": "就业", "org": "NOSUCH"}).status_code == 400
    assert client.get("/search/", {"q": "就业", "sort": "popular"}).status_code == 400


def test_page_labels_and_large_text(client, agency):
    publish(agency, "就业补贴通知")
    page = search(client, "就业")
    assert '<label for="q">关键词、文号或索引号</label>' in page and 'role="search"' in page
    assert '<nav class="pager" aria-label="分页">' in page and 'role="status"' in page
    client.cookies["gk_large"] = "1"
    assert 'class="large-text"' in search(client, "就业")


def test_huge_query_is_cut_and_said_so(client, agency):
    publish(agency, "就业补贴通知")
    page = search(client, "就业" + "字" * 10_000)
    assert "只使用了前 200 个字" in page
    value = re.search(r'id="q" name="q" value="([^"]*)"', page)
    assert value is not None and len(value.group(1)) == 200


def test_page_refuses_post(client):
    assert client.post("/search/", {"q": "x"}).status_code == 405


# ---------------------------------------------------------------- the API


def api(client, **params: object):
    return client.get("/api/v1/search", params)


def test_api_shape(client, agency):
    item = publish(
        agency,
        "关于调整最低生活保障标准的通知",
        doc_no="示人社发〔2026〕3号",
        body_html="<p>城乡居民最低生活保障标准每人每月提高50元。</p>",
    )
    response = api(client, q="最低生活保障")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) >= {"query", "total", "results", "facets"}
    assert data["query"] == "最低生活保障" and data["total"] == 1
    (result,) = data["results"]
    assert set(result) >= {
        "external_id",
        "index_no",
        "title",
        "doc_no",
        "org",
        "published_at",
        "url",
        "score",
        "snippet",
    }
    assert result["external_id"] == f"pk:{item.pk}"
    assert result["index_no"] == item.index_no and result["doc_no"] == "示人社发〔2026〕3号"
    assert result["org"] == {"code": agency.org.code, "name": agency.org.name}
    assert result["url"] == f"http://testserver/items/{item.pk}/"
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$", result["published_at"])
    assert result["title"] == "关于调整最低生活保障标准的通知"  # plain text; the snippet is HTML
    assert result["snippet"] == "城乡居民<mark>最低生活保障</mark>标准每人每月提高50元。"
    assert result["score"] > 0
    assert data["facets"]["org"] == [
        {"value": agency.org.code, "label": agency.org.name, "count": 1, "selected": False}
    ]


def test_api_pages(client, agency):
    for n in range(3):
        publish(agency, f"分页测试的低保通知{n}")
    data = api(client, q="低保", page_size=2).json()
    assert data["total"] == 3 and len(data["results"]) == 2 and data["pages"] == 2
    assert data["next"].startswith("http://testserver/api/v1/search?") and "page=2" in data["next"]
    assert data["previous"] is None
    second = api(client, q="低保", page_size=2, page=2).json()
    assert len(second["results"]) == 1 and second["next"] is None and "page=1" in second["previous"]


def test_api_empty_query_is_guidance_not_an_error(client):
    data = api(client, q="  ").json()
    assert data["total"] == 0 and data["results"] == [] and "请输入要查找的词语" in data["message"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"published_after": "2025-02-30"}, "bad_date"),
        ({"published_before": "yesterday"}, "bad_date"),
        ({"published_after": "20250101"}, "bad_date"),
        ({"published_after": "2025-05-01", "published_before": "2025-01-01"}, "bad_date"),
        ({"page": "0"}, "bad_page"),
        ({"page": "abc"}, "bad_page"),
        ({"page": "-1"}, "bad_page"),
        ({"page": "99999"}, "bad_page"),
        ({"page_size": "1000"}, "bad_page_size"),
        ({"sort": "random"}, "bad_sort"),
        ({"validity": "maybe"}, "bad_validity"),
        ({"year": "二〇二五"}, "bad_year"),
        ({"column": "x"}, "bad_column"),
        ({"column": "999999"}, "unknown_column"),
        ({"org": "NOSUCHORG"}, "unknown_org"),
    ],
)
def test_api_bad_parameters_are_400_with_error_body(client, params, code):
    response = api(client, q="就业", **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def test_api_refuses_post(client):
    assert client.post("/api/v1/search", {"q": "x"}).status_code == 405


@pytest.mark.django_db
def test_search_api_matches_the_openapi_document(client):
    from jsonschema import Draft202012Validator

    from gongkai import api_schema

    doc = api_schema.document()
    assert "/api/v1/search" in doc["paths"]
    for query, status in (("q=通知", 200), ("q=x&published_after=2024-13-01", 400)):
        response = client.get("/api/v1/search?" + query)
        assert response.status_code == status
        schema = doc["paths"]["/api/v1/search"]["get"]["responses"][str(status)]["content"][
            "application/json"
        ]
        Draft202012Validator({**schema["schema"], "components": doc["components"]}).validate(response.json())
