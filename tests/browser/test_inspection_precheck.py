"""Browser journey (issue 10 item 5): a submitted item with a mobile number; the reviewer masks it in one click."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gongkai.core.workdays import calendar_prefill_from_package
from gongkai.inspection.models import Precheck
from gongkai.publishing.models import InfoItem
from tests.browser.test_publishing_journey import login
from tests.factories import draft, make_agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_masks_a_mobile_number_then_approves(live_server, page: Page):
    calendar_prefill_from_package()  # a transactional test starts with flushed tables
    base = live_server.url
    agency = make_agency("bpc", name="示范市民政局")
    item = draft(agency, "关于低保审核情况的公示", body_html="<p>经办人联系电话13812345678。</p>")

    login(page, base, agency.drafter.username)
    page.goto(f"{base}/staff/items/{item.pk}/")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("发布前检查发现 1 处")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    login(page, base, agency.reviewer.username)
    page.goto(f"{base}/staff/items/{item.pk}/")
    expect(page.locator("#precheck mark")).to_have_text("138****5678")
    page.get_by_role("button", name="一键遮蔽").click()
    expect(page.get_by_text("已遮蔽为 138****5678")).to_be_visible()
    expect(page.locator("#precheck-state")).to_have_text("未发现问题")
    page.locator("button[data-action=approve]").click()
    expect(page.locator("#item-status")).to_have_text("待发布")
    item.refresh_from_db()
    assert item.status == InfoItem.Status.APPROVED and "13812345678" not in item.body_html
    assert Precheck.objects.filter(item=item).count() == 2
