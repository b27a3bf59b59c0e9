"""政府公报 (issue 7 §4): issues by year and number, an ordered table of contents, an optional PDF, public pages."""

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.publishing import selectors, services
from gongkai.publishing.models import GazetteIssue
from tests.factories import draft, make_agency, publish

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def gov():
    return make_agency("g", name="示例市人民政府")


def test_issue_toc_order_publish_and_pages(client, gov):
    first = publish(gov, "示例市人民政府令第1号")
    second = publish(gov, "关于印发某方案的通知")
    other = make_agency("h")
    theirs = publish(other, "部门文件")
    issue = services.gazette_issue_create(actor=gov.publisher, org=gov.org, year=2026, number=3)
    for item in (first, second, theirs):
        services.gazette_entry_add(actor=gov.publisher, issue=issue, item=item)
    entry = issue.entries.get(item=theirs)
    services.gazette_entry_move(actor=gov.publisher, entry=entry, offset=-1)
    assert [i.title for i in selectors.gazette_entries_public(issue)] == [
        "示例市人民政府令第1号",
        "部门文件",
        "关于印发某方案的通知",
    ]
    # Not public before publication.
    assert client.get(f"/gazette/issues/{issue.pk}/").status_code == 404
    services.gazette_pdf_set(actor=gov.publisher, issue=issue, name="2026-3.pdf", data=PDF)
    services.gazette_issue_publish(actor=gov.publisher, issue=issue)
    page = client.get(f"/gazette/issues/{issue.pk}/").content.decode()
    assert page.index("示例市人民政府令第1号") < page.index("部门文件") < page.index("关于印发某方案的通知")
    assert "下载印刷版" in page
    issue.refresh_from_db()
    pdf = client.get(f"/attachments/{issue.pdf.pk}/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == PDF
    assert "2026年" in client.get("/gazette/").content.decode()
    item_page = client.get(f"/items/{first.pk}/").content.decode()
    assert "刊登于" in item_page and "2026年第3期" in item_page


def test_rules(gov):
    issue = services.gazette_issue_create(actor=gov.publisher, org=gov.org, year=2026, number=1)
    with pytest.raises(ApplicationError) as err:
        services.gazette_issue_create(actor=gov.publisher, org=gov.org, year=2026, number=1)
    assert err.value.code == "duplicate"
    with pytest.raises(ApplicationError) as err:
        services.gazette_issue_publish(actor=gov.publisher, issue=issue)
    assert err.value.code == "empty_issue"
    with pytest.raises(ApplicationError) as err:
        services.gazette_entry_add(actor=gov.publisher, issue=issue, item=draft(gov, "草稿"))
    assert err.value.code == "not_public"
    with pytest.raises(PermissionDenied):
        services.gazette_issue_create(actor=gov.drafter, org=gov.org, year=2026, number=2)
    with pytest.raises(ApplicationError) as err:
        services.gazette_pdf_set(
            actor=gov.publisher, issue=issue, name="x.pdf", data=b"<html>not a pdf</html>"
        )
    assert err.value.code == "disguised_file"
    assert GazetteIssue.objects.count() == 1


def test_staff_pages(client, gov):
    item = publish(gov, "收录的文件", doc_no="示政发[2026]1号")
    client.force_login(gov.publisher)
    response = client.post("/staff/gazette/", {"org": gov.org.pk, "year": "2026", "number": "7", "title": ""})
    issue = GazetteIssue.objects.get()
    assert response.status_code == 302 and issue.title == "示例市人民政府公报"
    client.post(f"/staff/gazette/{issue.pk}/", {"op": "add", "ref": "示政发〔2026〕1号"})
    assert list(issue.entries.values_list("item_id", flat=True)) == [item.pk]
    bad = client.post(f"/staff/gazette/{issue.pk}/", {"op": "add", "ref": "无此文号"}, follow=True)
    assert "找不到索引号或文号为“无此文号”的已公开信息" in bad.content.decode()
    client.post(f"/staff/gazette/{issue.pk}/", {"op": "publish"})
    issue.refresh_from_db()
    assert issue.status == "published"
    stranger = make_agency("z")
    client.force_login(stranger.publisher)
    assert client.get(f"/staff/gazette/{issue.pk}/").status_code == 404
