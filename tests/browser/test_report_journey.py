"""Browser journey (issue 5): open a report, fix a failing check with a figure, publish, download the Word file."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from gongkai.core.workdays import calendar_prefill_from_package
from gongkai.orgs.models import Role
from gongkai.reports.models import AnnualReport
from tests.factories import PASSWORD, make_org, make_user
from tests.reports.factories import req

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fix_a_check_publish_and_download(live_server, page: Page):
    calendar_prefill_from_package()  # a transactional test starts with flushed tables
    base = live_server.url
    org = make_org("示范市统计局")
    user = make_user("journey_pub", org, Role.PUBLISHER)
    req(org, date(2025, 3, 3), replied_on=date(2025, 3, 10))
    req(org, date(2025, 11, 3), applicant_type="business")

    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{base}/staff/reports/")
    page.get_by_label("机关", exact=True).select_option(label="示范市统计局")
    page.get_by_label("年度", exact=True).fill("2025")
    page.get_by_role("button", name="打开").click()
    expect(page.get_by_role("heading", name="示范市统计局2025年政府信息公开工作年度报告")).to_be_visible()
    expect(page.locator("#checks-ok")).to_be_visible()

    # The agency came onto the platform in 2025: two requests were pending from 2024.
    page.locator("#b-natural").fill("2")
    page.get_by_role("button", name="保存上年结转数").click()
    expect(page.locator("#checks-failed")).to_contain_text("“自然人”列")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator("#report-error")).to_contain_text("不能发布")
    expect(page.locator("#report-status")).to_have_text("草稿")

    # They were answered outside the platform: enter that figure and the check passes.
    page.locator("#x-row").select_option("disclosed")
    page.locator("#x-col").select_option("natural")
    page.locator("#x-value").fill("2")
    page.locator("#x-reason").fill("上线前受理、线下答复")
    page.get_by_role("button", name="保存表三平台外数量").click()
    expect(page.locator("#checks-ok")).to_be_visible()
    expect(page.locator('[data-cell="table3:disclosed:natural"]').first).to_have_text("3")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator("#report-status")).to_have_text("已发布")
    assert AnnualReport.objects.get(org=org, year=2025).status == "published"

    with page.expect_download() as info:
        page.locator("#download-docx").click()
    download = info.value
    assert re.search(r"2025-annual-report\.docx$", download.suggested_filename)
    from docx import Document

    with open(download.path(), "rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    texts = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert "（七）总计" in texts and "四、结转下年度继续办理" in texts
    assert "示范市统计局2025年政府信息公开工作年度报告" in doc.paragraphs[0].text

    # The public page in the agency's 政府信息公开年报 column.
    page.goto(f"{base}/orgs/{org.code}/annual-reports/2025/")
    expect(page.locator('[data-cell="table3:carried_over:natural"]')).to_have_text("2")
    expect(page.locator('[data-cell="table3:carried_forward:business"]')).to_have_text("1")
