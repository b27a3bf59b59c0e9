"""Browser journey (issue 2): draft → return with comment → resubmit → approve → publish → the public 专栏 shows it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gongkai.publishing.models import Column, InfoItem
from tests.factories import PASSWORD, make_agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_draft_review_publish_and_read_publicly(live_server, page: Page):
    base = live_server.url
    agency = make_agency("j", name="示范市教育局")
    column = Column.objects.get(org=agency.org, statutory_code="a20.1")

    # 拟稿人 drafts and submits.
    login(page, base, agency.drafter.username)
    page.get_by_role("link", name="新建信息").click()
    page.get_by_label("标题").fill("关于做好2026年春季学期开学工作的通知")
    page.get_by_label("文号").fill("示教发[2026]3号")
    page.get_by_label("主题分类", exact=True).select_option("科技、教育")
    page.get_by_label("公文种类").select_option("通知")
    page.get_by_label("所属栏目").select_option(str(column.pk))
    page.get_by_label("正文").fill("<p>各区教育局：现将有关事项通知如下。</p><script>alert(1)</script>")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#item-status")).to_have_text("待审核")
    item_url = page.url
    logout(page)

    # 审核人 returns it with a comment.
    login(page, base, agency.reviewer.username)
    page.get_by_role("link", name="关于做好2026年春季学期开学工作的通知").first.click()
    page.get_by_label("退回意见").fill("请补充施行日期")
    page.locator("button[data-action=return]").click()
    expect(page.locator("#item-status")).to_have_text("已退回")
    logout(page)

    # 拟稿人 sees the comment, fixes and resubmits.
    login(page, base, agency.drafter.username)
    page.goto(item_url)
    expect(page.get_by_role("note")).to_contain_text("请补充施行日期")
    page.get_by_label("施行日期").fill("2026-02-20")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#item-status")).to_have_text("待审核")
    logout(page)

    # 审核人 approves.
    login(page, base, agency.reviewer.username)
    page.goto(item_url)
    page.locator("button[data-action=approve]").click()
    expect(page.locator("#item-status")).to_have_text("待发布")
    logout(page)

    # 发布人 publishes.
    login(page, base, agency.publisher.username)
    page.get_by_role("link", name="关于做好2026年春季学期开学工作的通知").first.click()
    page.locator("button[data-action=publish]").click()
    expect(page.locator("#item-status")).to_have_text("已发布")
    item = InfoItem.objects.get(title="关于做好2026年春季学期开学工作的通知")
    assert item.index_no
    logout(page)

    # The public: the agency's 专栏 → the statutory column → the item with its metadata.
    page.goto(f"{base}/orgs/{agency.org.code}/")
    expect(page.get_by_role("heading", name=re.compile("政府信息公开专栏"))).to_be_visible()
    page.get_by_role("link", name="法定主动公开内容").first.click()
    page.get_by_role("link", name=column.name).first.click()
    page.get_by_role("link", name="关于做好2026年春季学期开学工作的通知").click()
    meta = page.get_by_role("table", name="信息元数据")
    expect(meta).to_contain_text(item.index_no)
    expect(meta).to_contain_text("示教发〔2026〕3号")
    expect(meta).to_contain_text("科技、教育")
    expect(meta).to_contain_text("示范市教育局")
    expect(meta).to_contain_text("有效")
    expect(page.get_by_text("各区教育局：现将有关事项通知如下。")).to_be_visible()
    expect(page.get_by_text(agency.reviewer.full_name)).to_be_visible()
    assert "<script>alert(1)</script>" not in page.content()
