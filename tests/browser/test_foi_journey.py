"""Browser journey (issue 3): apply online → staff confirm receipt → ask for a supplement → record the supplement →
reply with a letter → the applicant tracks the request with the query code and reads the letter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from gongkai.core.workdays import calendar_prefill_from_package
from gongkai.foi.models import Request
from tests.factories import PASSWORD
from tests.foi.factories import ID_OK, make_foi_agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()


def _label(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}(（必填）)?$")


def act(
    page: Page, action: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None
) -> None:
    """Open an action's panel on the request page, fill it and submit."""
    panel = page.locator(f"#action-{action}")
    panel.locator("summary").first.click()
    for label, value in (fields or {}).items():
        panel.get_by_label(_label(label)).fill(value)
    for label, value in (selects or {}).items():
        panel.get_by_label(_label(label)).select_option(value)
    panel.locator(f"button[data-action={action}]").click()


def test_apply_confirm_supplement_reply_and_track(live_server, page: Page):
    calendar_prefill_from_package()  # a transactional test starts with empty tables
    base = live_server.url
    agency = make_foi_agency("j", name="示范市住房和城乡建设局")

    # The applicant applies online from the public nav.
    page.goto(f"{base}/")
    page.get_by_role("link", name="申请公开").click()
    page.get_by_role("link", name="示范市住房和城乡建设局").click()
    page.get_by_label("申请人姓名或名称").fill("陈七")
    page.get_by_label("证件类型").select_option("resident_id")
    page.get_by_label("证件号码").fill("110105194912310021")  # wrong check digit
    page.get_by_label("电子邮箱").fill("chenqi@example.com")
    page.get_by_label("所需信息的内容描述").fill("请公开2025年老旧小区改造资金安排。")
    page.get_by_role("button", name="提交申请").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("居民身份证号码无效")
    expect(page.get_by_label("所需信息的内容描述")).to_have_value("请公开2025年老旧小区改造资金安排。")
    summary.get_by_role("link", name=re.compile("证件号码")).click()
    expect(page.get_by_label("证件号码")).to_be_focused()
    page.get_by_label("证件号码").fill(ID_OK)
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    tracking_no = page.locator("#tracking-no").inner_text()
    query_code = page.locator("#query-code").inner_text()
    assert re.fullmatch(r"YSQ-\d{4}-\d{6}", tracking_no) and len(query_code) == 10
    request = Request.objects.get(tracking_no=tracking_no)

    # The handler confirms receipt, asks for a supplement, records it and replies.
    login(page, base, agency.handler.username)
    page.get_by_role("link", name="依申请公开").click()
    page.get_by_role("link", name=tracking_no).first.click()
    expect(page.locator("#foi-status")).to_have_text("待确认收到")
    act(page, "confirm")
    expect(page.locator("#foi-status")).to_have_text("办理中")
    expect(page.locator("#foi-due")).to_be_visible()
    act(page, "supplement_request", {"需要补正的事项": "请写明需要哪个小区的资金安排。"})
    expect(page.get_by_text("已告知补正。")).to_be_visible()
    expect(page.locator("#ledger")).to_contain_text("告知补正")
    act(page, "supplement_receive", {"说明": "申请人电话补充：幸福小区。"})
    expect(page.locator("#ledger")).to_contain_text("收到补正")
    expect(page.locator("#clock-segments")).to_contain_text("补正")
    act(page, "reply", selects={"办理结果": "disclosed"})
    expect(page.locator("#foi-status")).to_have_text("已答复")
    expect(page.get_by_role("link", name="下载答复书（Word）")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    request.refresh_from_db()
    assert request.outcome == "disclosed"

    # The applicant tracks it with the code and reads the letter.
    page.goto(f"{base}/foi/track/")
    page.get_by_label("申请编号").fill(tracking_no)
    page.get_by_label("查询码").fill(query_code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#foi-status")).to_have_text("已答复")
    expect(page.get_by_role("heading", name="答复期限是怎样计算的")).to_be_visible()
    letter = page.locator("#letter-text")
    expect(letter).to_contain_text("陈七")
    expect(letter).to_contain_text("本机关予以公开")
    expect(letter).to_contain_text("行政复议")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载答复书（Word）").click()
    assert download.value.suggested_filename.endswith(".docx")
