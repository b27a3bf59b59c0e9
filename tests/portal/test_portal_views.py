"""The public portal through HTTP: only published, proactively disclosed items are visible; statutory metadata
(R-PUB-10), validity banners (R-PUB-6), 文号 search (R-PUB-11), feeds, sitemap, accessibility and error pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.orgs.models import Organization
from gongkai.portal import views as portal_views
from gongkai.publishing import selectors, services
from gongkai.publishing.models import Column, InfoItem
from tests.factories import draft, make_agency, make_org, publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def agency():
    return make_agency("a", name="示例市交通运输局")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def html(response) -> str:
    return response.content.decode()


def item_url(item: InfoItem) -> str:
    return reverse("portal:item", args=[item.pk])


def column_url(column: Column, **query: object) -> str:
    path = reverse("portal:column", args=[column.org.code, column.pk])
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def on_request(agency, title: str) -> InfoItem:
    return publish(agency, title, disclosure="on_request", disclosure_reason="涉及个人隐私")


def withdrawn(agency, title: str) -> InfoItem:
    item = publish(agency, title)
    return services.item_transition(actor=agency.publisher, item=item, action="withdraw", comment="内容有误")


def set_published(item: InfoItem, when: datetime) -> None:
    InfoItem.objects.filter(pk=item.pk).update(published_at=when)


def assert_chinese_404(response) -> None:
    assert response.status_code == 404
    page = html(response)
    assert "页面不存在" in page and "返回首页" in page


# ---------------------------------------------------------------- home, agencies


def test_home_lists_only_public_items(client, agency):
    publish(agency, "已经公开的通知")
    draft(agency, "仍是草稿的通知")
    on_request(agency, "依申请公开的文件")
    withdrawn(agency, "已经撤回的通知")
    submitted = draft(agency, "送审中的通知")
    services.item_transition(actor=agency.drafter, item=submitted, action="submit")
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert "已经公开的通知" in page
    for hidden in ("仍是草稿的通知", "依申请公开的文件", "已经撤回的通知", "送审中的通知"):
        assert hidden not in page
    assert agency.org.name in page


def test_home_lists_latest_first_and_at_most_15(client, agency):
    base = timezone.now() - timedelta(days=30)
    for i in range(17):
        set_published(publish(agency, f"第{i:02d}号公告"), base + timedelta(days=i))
    page = html(client.get("/"))
    titles = re.findall(r"第(\d\d)号公告", page)
    assert titles == [f"{i:02d}" for i in range(16, 1, -1)]


def test_org_list_shows_active_agencies_as_a_tree(client, agency):
    government = make_org("示例市人民政府", kind="government")
    child = make_org("示例市教育局", parent=government)
    hidden = make_org("已撤销的局")
    Organization.objects.filter(pk=hidden.pk).update(is_active=False)
    response = client.get("/orgs/")
    assert response.status_code == 200
    page = html(response)
    assert agency.org.name in page and "示例市人民政府" in page and "示例市教育局" in page
    assert "已撤销的局" not in page
    assert page.index("示例市人民政府") < page.index("示例市教育局")
    assert reverse("portal:org", args=[child.code]) in page
    assert client.get(reverse("portal:org", args=[hidden.code])).status_code == 404


def test_org_home_shows_five_sections_and_contact_data(client, agency):
    publish(agency, "本局最新的通知")
    response = client.get(reverse("portal:org", args=[agency.org.code]))
    assert response.status_code == 200
    page = html(response)
    assert f"{agency.org.name} · 政府信息公开专栏" in page
    nav = re.search(r'<nav aria-label="专栏分区" class="sections">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r">([^<]+)</a>", nav) == [
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政府信息公开年报",
        "依申请公开",
    ]
    for contact in ("测试路1号", "0311-12345678", "工作日 9:00-17:00", agency.org.email):
        assert contact in page
    assert "本局最新的通知" in page
    # R-PUB-1: the statutory sub-columns are listed.
    assert "行政法规、规章和规范性文件" in page or "规范性文件" in page


def test_org_code_is_case_insensitive_and_unknown_is_404(client, agency):
    assert client.get(f"/orgs/{agency.org.code.lower()}/").status_code == 200
    assert_chinese_404(client.get("/orgs/NOSUCHCODE/"))


# ---------------------------------------------------------------- columns


@pytest.fixture
def statutory(agency):
    root = Column.objects.get(org=agency.org, parent=None, section="statutory")
    first, second = list(root.children.order_by("sort_order", "id")[:2])
    return root, first, second


def test_column_lists_own_and_subcolumn_items_newest_first(client, agency, statutory):
    root, first, second = statutory
    base = timezone.now() - timedelta(days=10)
    old = publish(agency, "较早的规范性文件", columns=[first])
    new = publish(agency, "最新的规划文件", columns=[second])
    own = publish(agency, "直接放在根栏目的文件", columns=[root])
    set_published(old, base)
    set_published(new, base + timedelta(days=5))
    set_published(own, base + timedelta(days=2))
    draft(agency, "栏目中的草稿", columns=[first])
    on_request(agency, "栏目中的依申请文件").columns.set([first])
    elsewhere = Column.objects.get(org=agency.org, parent=None, section="guide")
    publish(agency, "其他栏目的文件", columns=[elsewhere])

    response = client.get(column_url(root))
    assert response.status_code == 200
    page = html(response)
    titles = re.findall(r'<a href="/items/\d+/">([^<]+)</a><span class="date">', page)
    assert titles == ["最新的规划文件", "直接放在根栏目的文件", "较早的规范性文件"]
    # 发布日期 shown with each item.
    assert (
        f'最新的规划文件</a><span class="date">{timezone.localdate(base + timedelta(days=5)):%Y-%m-%d}</span>'
        in page
    )
    assert "共 3 条" in page
    # Sub-column page lists only its own items; breadcrumb leads back to the root column.
    page = html(client.get(column_url(first)))
    assert "较早的规范性文件" in page and "最新的规划文件" not in page
    assert f'href="{column_url(root)}"' in page


def test_column_pagination(client, agency, statutory, monkeypatch):
    monkeypatch.setattr(portal_views, "PAGE_SIZE", 2)
    _root, first, _ = statutory
    base = timezone.now() - timedelta(days=10)
    for i in range(5):
        set_published(publish(agency, f"分页测试文件{i}", columns=[first]), base + timedelta(days=i))
    page1 = html(client.get(column_url(first)))
    assert re.findall(r"分页测试文件(\d)", page1) == ["4", "3"]
    assert "第 1 / 3 页，共 5 条" in page1 and 'href="?page=2" rel="next"' in page1
    page2 = html(client.get(column_url(first, page=2)))
    assert re.findall(r"分页测试文件(\d)", page2) == ["2", "1"]
    assert 'rel="prev"' in page2 and 'rel="next"' in page2
    page3 = html(client.get(column_url(first, page=3)))
    assert re.findall(r"分页测试文件(\d)", page3) == ["0"]
    for bad in ("abc", "0", "-1", "999", "1.5"):  # a NUL is refused earlier (tests/core/test_middleware.py)
        response = client.get(column_url(first, page=bad))
        assert response.status_code == 200, bad
        assert re.findall(r"分页测试文件(\d)", html(response)), bad


def test_column_of_another_agency_is_404(client, agency):
    other = make_agency("b")
    theirs = Column.objects.filter(org=other.org).first()
    path = reverse("portal:column", args=[agency.org.code, theirs.pk])
    assert_chinese_404(client.get(path))
    assert client.get(reverse("portal:column_rss", args=[agency.org.code, theirs.pk])).status_code == 404


def test_guide_column_shows_how_to_request(client, agency):
    guide = Column.objects.get(org=agency.org, parent=None, section="guide")
    page = html(client.get(column_url(guide)))
    assert "获取政府信息的方式" in page and "测试路1号" in page and "0311-12345678" in page


# ---------------------------------------------------------------- item page


def test_r_pub_10_item_page_shows_metadata_and_people(client, agency):
    """R-PUB-10 metadata table, R-PUB-9 拟稿人/审核人/发布人."""
    item = publish(
        agency,
        "关于做好春运工作的通知",
        doc_no="示交发〔2026〕15号",
        subject="工业、交通\\公路",
        genre="通知",
        written_on=date(2026, 1, 5),
        keywords="春运 安全",
        body_html="<p>春运期间各单位要加强值守。</p>",
    )
    response = client.get(item_url(item))
    assert response.status_code == 200
    page = html(response)
    table = re.search(r'<table class="meta".*?</table>', page, re.S).group(0)
    cells = dict(re.findall(r'<th scope="row">([^<]+)</th><td[^>]*>(.*?)</td>', table))
    assert cells["索引号"] == item.index_no
    assert cells["主题分类"] == "工业、交通\\公路"
    assert cells["发布机构"] == "示例市交通运输局"
    assert cells["成文日期"] == "2026-01-05"
    assert cells["发布日期"] == f"{timezone.localdate(item.published_at):%Y-%m-%d}"
    assert cells["文号"] == "示交发〔2026〕15号"
    assert cells["有效性"] == "有效"
    assert cells["公文种类"] == "通知"
    assert cells["主题词"] == "春运 安全"
    assert "春运期间各单位要加强值守。" in page
    people = re.search(r'<section aria-labelledby="h-resp".*?</section>', page, re.S).group(0)
    assert "拟稿人：a_drafter姓名" in people
    assert "审核人：a_reviewer姓名" in people
    assert "发布人：a_publisher姓名" in people
    assert "validity-banner" not in page


@pytest.mark.parametrize("hidden", ["draft", "submitted", "on_request", "withdrawn"])
def test_unpublished_item_is_chinese_404(client, agency, hidden):
    if hidden == "draft":
        item = draft(agency, "不应公开的信息")
    elif hidden == "submitted":
        item = draft(agency, "不应公开的信息")
        services.item_transition(actor=agency.drafter, item=item, action="submit")
    elif hidden == "on_request":
        item = on_request(agency, "不应公开的信息")
    else:
        item = withdrawn(agency, "不应公开的信息")
    response = client.get(item_url(item))
    assert_chinese_404(response)
    assert "不应公开的信息" not in html(response)


def test_r_pub_6_repealed_item_shows_banner_linking_the_repealing_document(client, agency):
    old = publish(agency, "旧的出租汽车管理办法")
    new = publish(agency, "新的出租汽车管理办法", doc_no="示交发〔2026〕20号")
    services.item_validity_set(
        actor=agency.publisher,
        item=old,
        validity=InfoItem.Validity.REPEALED,
        changed_on=date(2026, 3, 1),
        by_item=new,
    )
    page = html(client.get(item_url(old)))
    banner = re.search(r'<div class="banner err" role="note" id="validity-banner">(.*?)</div>', page, re.S)
    assert banner, "no validity banner"
    text = banner.group(1)
    assert "本文件废止" in text and "2026年3月1日" in text
    assert f'<a href="{item_url(new)}">新的出租汽车管理办法</a>' in text
    assert "示交发〔2026〕20号" in text
    assert "相关文件" in page and "被以下文件废止" in page
    # The repealing document links back.
    new_page = html(client.get(item_url(new)))
    assert "本文废止了" in new_page and f'href="{item_url(old)}"' in new_page
    assert "validity-banner" not in new_page


def test_r_pub_6_banner_never_names_a_repealing_document_that_is_no_longer_public(client, agency):
    """The repealing document was later corrected to 依申请公开: its title must not leak on the old page."""
    old = publish(agency, "旧的出租汽车管理办法")
    new = publish(agency, "后来改为依申请公开的决定")
    services.item_validity_set(
        actor=agency.publisher, item=old, validity=InfoItem.Validity.REPEALED, changed_on=None, by_item=new
    )
    services.item_revise(
        actor=agency.publisher,
        item=new,
        data=services.ItemData(
            title="后来改为依申请公开的决定", disclosure="on_request", disclosure_reason="涉及内部事务"
        ),
        reason="公开属性更正",
    )
    assert client.get(item_url(new)).status_code == 404
    page = html(client.get(item_url(old)))
    assert "本文件废止" in page  # the state itself is still said publicly
    assert "后来改为依申请公开的决定" not in page
    assert f'href="{item_url(new)}"' not in page


def test_r_pub_6_valid_until_in_the_past_shows_expired_without_anyone_changing_it(client, agency):
    item = publish(agency, "有效期已过的实施意见", valid_until=date(2025, 12, 31))
    assert item.validity == "valid"
    page = html(client.get(item_url(item)))
    assert re.search(r'<th scope="row">有效性</th><td>失效</td>', page)
    assert 'id="validity-banner"' in page and "本文件失效" in page and "有效期至 2025年12月31日" in page
    item.refresh_from_db()
    assert item.validity == "valid"  # nobody changed the stored state


def test_r_pub_6_not_yet_effective(client, agency):
    start = timezone.localdate() + timedelta(days=40)
    item = publish(agency, "将来施行的办法", effective_on=start)
    page = html(client.get(item_url(item)))
    assert re.search(r'<th scope="row">有效性</th><td>尚未生效</td>', page)
    assert f"自 {start.year}年{start.month}月{start.day}日 起施行" in page


def test_item_body_is_sanitized_on_the_page(client, agency):
    item = publish(
        agency, "正文含脚本的通知", body_html='<p onmouseover="x()">文字</p><script>alert(1)</script>'
    )
    page = html(client.get(item_url(item)))
    assert "<script>alert(1)" not in page and "onmouseover" not in page and "文字" in page


def test_titles_are_escaped_everywhere(client, agency):
    item = publish(agency, '<script>alert("t")</script>标题', doc_no="示交发〔2026〕99号")
    for path in ("/", item_url(item), "/search/?q=" + "示交发〔2026〕99号"):
        page = html(client.get(path))
        assert '<script>alert("t")' not in page, path
        assert "&lt;script&gt;" in page, path


# ---------------------------------------------------------------- feeds, sitemap


def test_rss_and_atom_feeds_parse_and_list_public_items(client, agency, statutory):
    root, first, _ = statutory
    item = publish(agency, "订阅源中的通知 <特别> & 重要", columns=[first], body_html="<p>摘要文字</p>")
    draft(agency, "订阅源中的草稿", columns=[first])

    response = client.get(reverse("portal:column_rss", args=[agency.org.code, root.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(response.content)
    assert rss.tag == "rss"
    titles = [t.text for t in rss.iter("title")]
    assert "订阅源中的通知 <特别> & 重要" in titles
    assert "订阅源中的草稿" not in titles
    links = [link.text for link in rss.iter("link")]
    assert f"http://testserver{item_url(item)}" in links
    assert [g.text for g in rss.iter("guid")] == [item.index_no]

    response = client.get(reverse("portal:column_atom", args=[agency.org.code, first.pk]))
    assert response.status_code == 200
    atom = ET.fromstring(response.content)
    assert atom.tag == f"{ATOM}feed"
    entries = atom.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["订阅源中的通知 <特别> & 重要"]
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver{item_url(item)}"


def test_sitemap_lists_public_items_only(client, agency):
    public = publish(agency, "地图中的通知")
    hidden = draft(agency, "地图外的草稿")
    requested = on_request(agency, "地图外的依申请文件")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locs = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert f"http://testserver{item_url(public)}" in locs
    assert f"http://testserver{item_url(hidden)}" not in locs
    assert f"http://testserver{item_url(requested)}" not in locs
    assert f"http://testserver{reverse('portal:org', args=[agency.org.code])}" in locs


# ---------------------------------------------------------------- accessibility, redirects


def test_large_text_toggle_sets_cookie_and_class(client, agency):
    assert 'class="large-text"' not in html(client.get("/"))
    response = client.get("/accessibility/large-text/?next=/orgs/")
    assert response.status_code == 302 and response["Location"] == "/orgs/"
    cookie = response.cookies["gk_large"]
    assert cookie.value == "1" and cookie["httponly"] and cookie["max-age"]
    page = html(client.get("/orgs/"))
    assert '<html lang="zh-CN" class="large-text">' in page and "标准字号" in page
    # Toggling again switches it off.
    response = client.get("/accessibility/large-text/?next=/")
    assert response.cookies["gk_large"].value == ""
    assert 'class="large-text"' not in html(client.get("/"))


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/phish",
        "//evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_large_text_refuses_open_redirect(client, target):
    response = client.get("/accessibility/large-text/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_large_text_keeps_local_path_with_query(client):
    response = client.get("/accessibility/large-text/", {"next": "/search/?q=通知&page=2"})
    assert response["Location"] == "/search/?q=%E9%80%9A%E7%9F%A5&page=2"


# ---------------------------------------------------------------- attachments


def published_with_attachment(agency, title: str, **fields: object):
    item = draft(agency, title, **fields)
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
    att = services.attachment_add(actor=agency.drafter, item=item, name="实施细则.pdf", data=data)
    item = services.item_transition(actor=agency.drafter, item=item, action="submit")
    item = services.item_transition(actor=agency.reviewer, item=item, action="approve")
    item = services.item_transition(actor=agency.publisher, item=item, action="publish")
    return item, att, data


def test_attachment_download_of_public_item(client, agency, media):
    item, att, data = published_with_attachment(agency, "带附件的通知")
    page = html(client.get(item_url(item)))
    assert f'href="{reverse("portal:attachment", args=[att.pk])}"' in page and "实施细则.pdf" in page
    response = client.get(reverse("portal:attachment", args=[att.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%AE%9E%E6%96%BD%E7%BB%86%E5%88%99.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == data


def test_attachment_of_unpublished_item_is_404(client, agency, media):
    item = draft(agency, "草稿附件")
    att = services.attachment_add(actor=agency.drafter, item=item, name="草稿.pdf", data=b"%PDF-1.4\n%%EOF")
    assert_chinese_404(client.get(reverse("portal:attachment", args=[att.pk])))
    _, req_att, _ = published_with_attachment(
        agency, "依申请公开附件", disclosure="on_request", disclosure_reason="涉及个人隐私"
    )
    assert client.get(reverse("portal:attachment", args=[req_att.pk])).status_code == 404
    pub, pub_att, _ = published_with_attachment(agency, "后来撤回的附件")
    services.item_transition(actor=agency.publisher, item=pub, action="withdraw", comment="撤回")
    assert client.get(reverse("portal:attachment", args=[pub_att.pk])).status_code == 404
    assert client.get(reverse("portal:attachment", args=[999999])).status_code == 404


# ---------------------------------------------------------------- errors


def test_unknown_url_is_chinese_404(client):
    assert_chinese_404(client.get("/no/such/page/"))
    assert_chinese_404(client.get("/items/999999/"))


def test_forced_error_returns_chinese_500(client, monkeypatch):
    def broken():
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "items_public", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    page = html(response)
    assert "服务暂时出现问题" in page and "返回首页" in page
    assert "database on fire" not in page and "Traceback" not in page


def test_portal_pages_refuse_post(client, agency):
    assert client.post("/").status_code == 405
    assert client.post("/search/", {"q": "x"}).status_code == 405
