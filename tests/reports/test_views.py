"""Staff pages (/staff/reports/: org_admin, foi_head, publisher; others 404) and the public report pages."""

from __future__ import annotations

import io
from datetime import date

import pytest

from gongkai.orgs.models import Role
from gongkai.reports import selectors, workflow
from gongkai.reports.models import AnnualReport, CarryBaseline
from tests.factories import make_org, make_user
from tests.reports.factories import req

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    org = make_org("页面测试局")
    req(org, date(2025, 3, 1), replied_on=date(2025, 3, 4))
    req(org, date(2025, 4, 1), applicant_type="business", replied_on=date(2025, 4, 4), outcome="partial")
    return org


@pytest.fixture
def publisher(org):
    return make_user("v_pub", org, Role.PUBLISHER)


def open_report(client, user, org, year=2025) -> AnnualReport:
    client.force_login(user)
    response = client.post("/staff/reports/open/", {"org": org.pk, "year": year})
    assert response.status_code == 302
    return AnnualReport.objects.get(org=org, year=year)


def test_staff_pages_only_for_report_roles(client, org, publisher):
    assert client.get("/staff/reports/").status_code == 302  # anonymous: to the login page
    report = open_report(client, publisher, org)
    page = client.get(f"/staff/reports/{report.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "勾稽关系校验" in html and "全部校验通过" in html and 'data-cell="table3:partial:business">1<' in html
    )
    for role in (Role.DRAFTER, Role.FOI_HANDLER):
        client.force_login(make_user(f"v_{role}", org, role))
        assert client.get("/staff/reports/").status_code == 404
        assert client.get(f"/staff/reports/{report.pk}/").status_code == 404
        assert (
            client.post(f"/staff/reports/{report.pk}/transition/", {"action": "publish"}).status_code == 404
        )
    client.force_login(make_user("v_other_admin", make_org("别的局"), Role.ORG_ADMIN))
    assert client.get(f"/staff/reports/{report.pk}/").status_code == 404
    assert client.get(f"/staff/reports/{report.pk}/report.docx").status_code == 404
    assert client.post("/staff/reports/open/", {"org": org.pk, "year": 2025}).status_code == 404
    client.force_login(make_user("v_platform", is_platform_admin=True))
    assert client.get(f"/staff/reports/{report.pk}/").status_code == 200


def test_fix_a_failing_check_publish_and_read_the_public_page(client, org, publisher):
    report = open_report(client, publisher, org)
    url = f"/staff/reports/{report.pk}/"
    # A baseline without the matching outcomes breaks 一+二 = (七)+四: publishing is refused, with the cell named.
    response = client.post(url + "baseline/", {"b.natural": "2", "note": "2024年度报告"})
    assert response.status_code == 302
    assert CarryBaseline.objects.get(org=org, year=2024).counts["natural"] == 2
    response = client.post(url + "transition/", {"action": "publish"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "不能发布" in html and "“自然人”列" in html
    assert AnnualReport.objects.get(pk=report.pk).status == workflow.DRAFT
    response = client.post(
        url + "extra/", {"table": "table3", "row": "disclosed", "col": "natural", "value": "2"}
    )
    assert response.status_code == 302
    response = client.post(url + "table2/", {"t2.licensing.decisions": "abc"})
    assert response.status_code == 400 and "不是整数" in response.content.decode()
    assert 'value="abc"' in response.content.decode()  # what the user typed is kept
    assert client.post(url + "table2/", {"t2.licensing.decisions": "12"}).status_code == 302
    assert (
        client.post(url + "texts/", {"overview": "本年度总体情况。", "problems": "", "other": ""}).status_code
        == 302
    )
    assert client.post(url + "transition/", {"action": "publish"}).status_code == 302
    report.refresh_from_db()
    assert report.status == workflow.PUBLISHED
    client.logout()
    page = client.get(f"/orgs/{org.code}/annual-reports/2025/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "本年度总体情况。" in html and 'data-cell="table2:licensing:decisions">12<' in html
    assert 'data-cell="table3:carried_over:natural">2<' in html
    assert "政府信息公开年报" in html  # the breadcrumb names the agency's column
    column = selectors.annual_report_column(org)
    assert column is not None and f"/orgs/{org.code}/columns/{column.pk}/" in html
    listing = client.get(f"/orgs/{org.code}/annual-reports/").content.decode()
    assert f"/orgs/{org.code}/annual-reports/2025/" in listing
    docx = client.get(f"/orgs/{org.code}/annual-reports/2025.docx")
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    from docx import Document

    assert "本年度总体情况。" in "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert client.get(f"/orgs/{org.code}/annual-reports/2025.exe").status_code == 404
    assert client.get(f"/orgs/{org.code}/annual-reports/2024/").status_code == 404


def test_draft_and_withdrawn_reports_are_not_public(client, org, publisher):
    report = open_report(client, publisher, org)
    client.logout()
    assert client.get(f"/orgs/{org.code}/annual-reports/2025/").status_code == 404
    client.force_login(publisher)
    client.post(f"/staff/reports/{report.pk}/transition/", {"action": "publish"})
    response = client.post(f"/staff/reports/{report.pk}/transition/", {"action": "withdraw", "comment": ""})
    assert response.status_code == 400 and "请填写原因" in response.content.decode()
    client.post(f"/staff/reports/{report.pk}/transition/", {"action": "withdraw", "comment": "重新核对"})
    client.logout()
    assert client.get(f"/orgs/{org.code}/annual-reports/2025/").status_code == 404


def test_staff_downloads_and_workbook_import(client, org, publisher):
    report = open_report(client, publisher, org)
    client.post(f"/staff/reports/{report.pk}/table2/", {"t2.penalty.decisions": "9"})
    xlsx = client.get(f"/staff/reports/{report.pk}/report.xlsx")
    assert xlsx.status_code == 200
    other = open_report(client, publisher, org, year=2026)
    upload = io.BytesIO(xlsx.content)
    upload.name = "report.xlsx"
    response = client.post(f"/staff/reports/{other.pk}/import/", {"file": upload})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.table2_manual["penalty"]["decisions"] == "9"
    bad = io.BytesIO(b"plain text")
    bad.name = "x.xlsx"
    response = client.post(f"/staff/reports/{other.pk}/import/", {"file": bad})
    assert response.status_code == 400 and "无法读取" in response.content.decode()
    assert client.get(f"/staff/reports/{report.pk}/report.pdf").status_code == 404
    assert client.get(f"/staff/reports/{report.pk}/report.json").json()["year"] == 2025


def test_template_tag_lists_published_reports_for_the_column(client, org, publisher):
    from django.template import Context, Template

    report = open_report(client, publisher, org)
    tag = Template("{% load reports_tags %}{% annual_reports org %}")
    assert "暂无已发布的年度报告" in tag.render(Context({"org": org}))
    client.post(f"/staff/reports/{report.pk}/transition/", {"action": "publish"})
    html = tag.render(Context({"org": org}))
    assert (
        f"/orgs/{org.code}/annual-reports/2025/" in html
        and "页面测试局2025年政府信息公开工作年度报告" in html
    )


def test_government_admin_designates_agencies_on_the_page(client):
    gov = make_org("页面测试县人民政府", kind="government", level="county")
    dept = make_org("页面测试县某局", parent=gov, level="county")
    req(dept, date(2025, 5, 5), applicant_type="legal_service", replied_on=date(2025, 5, 9))
    admin = make_user("v_gov_admin", gov, Role.ORG_ADMIN)
    report = open_report(client, admin, gov)
    html = client.get(f"/staff/reports/{report.pk}/").content.decode()
    assert "汇总的机关" in html and "页面测试县某局" in html
    assert client.post(f"/staff/reports/{report.pk}/designate/", {"orgs": [str(dept.pk)]}).status_code == 302
    html = client.get(f"/staff/reports/{report.pk}/").content.decode()
    assert 'data-cell="table3:new:legal_service">1<' in html and "汇总：本机关及页面测试县某局" in html
    publisher = make_user("v_gov_pub", gov, Role.PUBLISHER)
    client.force_login(publisher)
    assert "汇总的机关</h2>" not in client.get(f"/staff/reports/{report.pk}/").content.decode()
    assert client.post(f"/staff/reports/{report.pk}/designate/", {"orgs": []}).status_code == 400
