"""Staff back office through HTTP: login throttling, dashboard (R-PUB-3), the item editor, workflow
transitions (R-PUB-9), revisions, validity (R-PUB-6), columns, and agency isolation (404, never 403)."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from gongkai.core.models import LoginFailure
from gongkai.orgs.models import Role
from gongkai.orgs.services import membership_grant
from gongkai.publishing import selectors, services
from gongkai.publishing.models import Attachment, Column, InfoItem, ItemRelation
from tests.factories import PASSWORD, draft, make_agency, make_user, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return make_agency("a")


@pytest.fixture
def other():
    return make_agency("b")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def url(name: str, **kwargs: object) -> str:
    return reverse(f"staff:{name}", kwargs=kwargs or None)


def html(response) -> str:
    return response.content.decode()


def section(page: str, heading_id: str) -> str:
    """The text of one <section aria-labelledby=…> of a page."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    assert match, f"section {heading_id} not on the page"
    return match.group(1)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def item_post(org, **overrides: object) -> dict[str, object]:
    """The editor's fields as a browser posts them (every field present, empty when not filled in)."""
    data: dict[str, object] = {
        "org": org.pk,
        "title": "关于开展道路安全检查的通知",
        "doc_no": "测发[2026]3号",
        "subject_parent": "",
        "subject_child": "",
        "genre": "通知",
        "kind": "other",
        "disclosure": "proactive",
        "disclosure_reason": "",
        "validity": "valid",
        "written_on": "",
        "formed_on": "",
        "effective_on": "",
        "valid_until": "",
        "keywords": "安全检查",
        "source": "",
        "body_html": "<p>各有关单位：现将有关事项通知如下。</p>",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- login, logout


def test_anonymous_is_sent_to_login_with_next(client, agency):
    item = draft(agency)
    for path in (url("dashboard"), url("item", pk=item.pk), url("columns"), url("users")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/staff/login/?next={path}"


def test_login_page_renders_in_chinese(client):
    response = client.get(url("login"))
    assert response.status_code == 200
    page = html(response)
    assert "工作人员登录" in page and 'name="username"' in page and 'name="password"' in page


def test_wrong_password_shows_chinese_error_and_counts_failure(client, agency):
    response = client.post(url("login"), {"username": "a_drafter", "password": "wrong-password-1"})
    assert response.status_code == 200
    page = html(response)
    assert "用户名或密码不正确。" in page
    # The typed username is kept, the password is not echoed back.
    assert 'value="a_drafter"' in page and "wrong-password-1" not in page
    assert LoginFailure.objects.filter(username="a_drafter").count() == 1
    assert "_auth_user_id" not in client.session


def test_successful_login_redirects_to_dashboard_and_clears_failures(client, agency):
    client.post(url("login"), {"username": "a_drafter", "password": "nope-nope-nope"})
    response = client.post(url("login"), {"username": "a_drafter", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.session["_auth_user_id"] == str(agency.drafter.pk)
    assert not LoginFailure.objects.filter(username="a_drafter").exists()
    assert client.get(url("dashboard")).status_code == 200


def test_login_follows_local_next_but_not_external(client, agency):
    response = client.post(
        url("login") + "?next=/staff/items/", {"username": "a_drafter", "password": PASSWORD}
    )
    assert response["Location"] == "/staff/items/"
    client.post(url("logout"))
    response = client.post(
        url("login") + "?next=https://evil.example/x", {"username": "a_drafter", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"


@override_settings(GONGKAI_LOGIN_MAX_FAILURES=3)
def test_after_max_failures_even_right_password_is_refused_with_429(client, agency):
    for _ in range(3):
        response = client.post(url("login"), {"username": "a_drafter", "password": "bad-guess-123"})
        assert response.status_code == 200
    assert LoginFailure.objects.filter(username="a_drafter").count() == 3
    response = client.post(url("login"), {"username": "a_drafter", "password": PASSWORD})
    assert response.status_code == 429
    page = html(response)
    assert "登录失败次数过多" in page
    assert "用户名或密码不正确" not in page
    assert "_auth_user_id" not in client.session
    assert client.get(url("dashboard")).status_code == 302


@override_settings(GONGKAI_LOGIN_MAX_FAILURES=2)
def test_login_block_comes_from_the_database_not_the_session(client, agency):
    """Failures recorded by another app server (rows in LoginFailure) block a fresh browser too."""
    for _ in range(2):
        LoginFailure.objects.create(username="a_drafter", address="10.0.0.9")
    response = client.post(url("login"), {"username": "a_drafter", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in html(response)
    # Another user from the same address is not blocked by these two rows.
    response = client.post(url("login"), {"username": "a_reviewer", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_is_post_only(client, agency):
    client.force_login(agency.drafter)
    assert client.get(url("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(url("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(url("dashboard")).status_code == 302


def test_logged_in_user_visiting_login_goes_to_dashboard(client, agency):
    client.force_login(agency.drafter)
    response = client.get(url("login"))
    assert response.status_code == 302 and response["Location"] == "/staff/"


# ---------------------------------------------------------------- dashboard


def test_dashboard_lists_my_tasks_by_role(client, agency):
    mine = draft(agency, "我的草稿一号")
    submitted = draft(agency, "等待审核的通知")
    services.item_transition(actor=agency.drafter, item=submitted, action="submit")
    approved = draft(agency, "等待发布的通知")
    services.item_transition(actor=agency.drafter, item=approved, action="submit")
    services.item_transition(actor=agency.reviewer, item=approved, action="approve")

    client.force_login(agency.drafter)
    page = html(client.get(url("dashboard")))
    assert "我的草稿一号" in section(page, "h-drafts")
    assert "等待审核的通知" not in section(page, "h-drafts")
    assert "暂无" in section(page, "h-review")

    client.force_login(agency.reviewer)
    page = html(client.get(url("dashboard")))
    assert "等待审核的通知" in section(page, "h-review")
    assert "等待发布的通知" not in section(page, "h-review")
    assert mine.title not in page

    client.force_login(agency.publisher)
    page = html(client.get(url("dashboard")))
    assert "等待发布的通知" in section(page, "h-publish")
    assert "等待审核的通知" not in section(page, "h-publish")


def test_dashboard_review_list_leaves_out_my_own_items(client, agency):
    """R-PUB-9: a drafter who is also a reviewer is not asked to review their own item."""
    both = make_user("a_both", agency.org, Role.DRAFTER, Role.REVIEWER)
    item = services.item_create(actor=both, org=agency.org, data=services.ItemData(title="自己起草的通知"))
    services.item_transition(actor=both, item=item, action="submit")
    client.force_login(both)
    assert "自己起草的通知" not in section(html(client.get(url("dashboard"))), "h-review")
    client.force_login(agency.reviewer)
    assert "自己起草的通知" in section(html(client.get(url("dashboard"))), "h-review")


def deadline_rows(page: str) -> dict[str, tuple[str, str]]:
    """title -> (公开期限, 状态) of the dashboard's deadline table."""
    rows = re.findall(
        r'<tr><td><a href="[^"]+">([^<]+)</a></td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>'
        r'<td class="[a-z]+">([^<]+)</td></tr>',
        section(page, "h-deadline"),
    )
    return {title: (due, state) for title, due, state in rows}


def test_r_pub_3_deadline_rows_on_dashboard(client, agency, other, monkeypatch):
    """R-PUB-3: 20 working days from formation; late, due soon (5 working days), or not yet a concern."""
    draft(agency, "早已形成尚未公开的通知", formed_on=date(2025, 1, 2))  # due 2025-02-06 (春节, 1-26 调休)
    draft(agency, "即将到期的通知", formed_on=date(2026, 5, 8))  # due 2026-06-04 (after 劳动节)
    draft(agency, "刚形成的通知", formed_on=date(2026, 5, 29))  # due 2026-06-29
    draft(agency, "日历未载入的旧文件", formed_on=date(2003, 3, 3))
    draft(
        agency,
        "依申请公开的旧文件",
        formed_on=date(2025, 1, 2),
        disclosure="on_request",
        disclosure_reason="涉及内部管理",
    )
    monkeypatch.setattr(selectors, "timezone", SimpleNamespace(localdate=lambda: date(2026, 6, 1)))
    client.force_login(agency.drafter)
    rows = deadline_rows(html(client.get(url("dashboard"))))
    assert rows["早已形成尚未公开的通知"] == ("2025-02-06", "已超过法定公开期限")
    assert rows["即将到期的通知"] == ("2026-06-04", "即将到期")
    # R-CAL-1: a year whose schedule is not loaded is said plainly, not guessed.
    assert rows["日历未载入的旧文件"] == ("—", "2003年的工作日安排尚未载入，无法计算期限。")
    assert "刚形成的通知" not in rows
    assert "依申请公开的旧文件" not in rows
    # Another agency's staff do not see them.
    client.force_login(other.drafter)
    page = html(client.get(url("dashboard")))
    assert deadline_rows(page) == {}
    assert "没有临近或超过公开期限的信息" in section(page, "h-deadline")


def test_r_pub_3_published_item_leaves_deadline_list(client, agency):
    publish(agency, "已经按时公开的通知", formed_on=date(2025, 1, 2))
    client.force_login(agency.drafter)
    assert "已经按时公开的通知" not in section(html(client.get(url("dashboard"))), "h-deadline")


# ---------------------------------------------------------------- item editor


def test_new_item_form_renders_for_drafter(client, agency):
    client.force_login(agency.drafter)
    response = client.get(url("item_new"))
    assert response.status_code == 200
    page = html(response)
    assert "新建信息" in page and 'name="title"' in page and 'name="disclosure_reason"' in page


def test_new_item_refused_without_drafter_role(client, agency):
    client.force_login(agency.reviewer)
    response = client.get(url("item_new"), follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"
    assert "您没有拟稿人角色，不能新建信息。" in html(response)
    response = client.post(url("item_new"), item_post(agency.org))
    assert InfoItem.objects.count() == 0


def test_new_item_valid_post_creates_draft_and_redirects(client, agency):
    client.force_login(agency.drafter)
    response = client.post(url("item_new"), item_post(agency.org, formed_on="2026-11-20"))
    item = InfoItem.objects.get()
    assert response.status_code == 302 and response["Location"] == url("item", pk=item.pk)
    assert item.status == "draft" and item.drafter == agency.drafter and item.org == agency.org
    assert item.title == "关于开展道路安全检查的通知"
    assert item.doc_no_norm == "测发〔2026〕3号"  # R-PUB-11
    assert item.formed_on == date(2026, 11, 20)
    page = html(client.get(response["Location"]))
    assert "草稿已保存。" in page and "草稿" in page


def test_new_item_into_a_column(client, agency):
    column = Column.objects.filter(org=agency.org, statutory_code="a20.1").get()
    client.force_login(agency.drafter)
    client.post(url("item_new"), item_post(agency.org, columns=[column.pk]))
    assert list(InfoItem.objects.get().columns.all()) == [column]


def test_new_item_cannot_use_another_agencys_org_or_column(client, agency, other):
    client.force_login(agency.drafter)
    response = client.post(url("item_new"), item_post(other.org))
    assert response.status_code == 200 and "发布机构无效。" in html(response)
    foreign = Column.objects.filter(org=other.org).first()
    response = client.post(url("item_new"), item_post(agency.org, columns=[foreign.pk]))
    assert response.status_code == 200 and "栏目无效。" in html(response)
    assert InfoItem.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [
        ({"title": ""}, "标题不能为空。", ["测发[2026]3号", "安全检查"]),
        (
            {"disclosure": "withheld", "title": "内部管理事项的说明"},
            "公开属性为依申请公开或不予公开时，必须说明理由。",
            ["内部管理事项的说明", "测发[2026]3号"],
        ),
        (
            {"effective_on": "2026-03-01", "valid_until": "2026-01-31", "title": "有效期设置错误的通知"},
            "有效期至不能早于施行日期。",
            ["有效期设置错误的通知", "2026-03-01", "2026-01-31"],
        ),
        (
            {"written_on": "2026-02-30", "title": "成文日期写错的通知"},
            "请输入有效日期（年-月-日）。",
            ["成文日期写错的通知", "2026-02-30"],
        ),
        (
            {"subject_parent": "不存在的分类", "title": "主题分类错误的通知"},
            "不存在的分类",
            ["主题分类错误的通知"],
        ),
    ],
    ids=["empty-title", "withheld-without-reason", "valid-until-before-effective", "bad-date", "bad-subject"],
)
def test_new_item_invalid_keeps_typed_values(client, agency, overrides, message, kept):
    """R-PUB-7 and the date checks: a Chinese message, status 200, nothing saved, the input kept."""
    client.force_login(agency.drafter)
    response = client.post(url("item_new"), item_post(agency.org, **overrides))
    assert response.status_code == 200
    page = html(response)
    assert message in page
    assert "请修改以下错误后再保存" in page
    for value in kept:
        assert value in page
    assert "各有关单位：现将有关事项通知如下。" in page  # the body the user typed
    assert InfoItem.objects.count() == 0


def test_invalid_choices_get_chinese_messages(client, agency):
    client.force_login(agency.drafter)
    response = client.post(url("item_new"), item_post(agency.org, kind="bogus", genre="不是文种"))
    assert response.status_code == 200
    page = html(response)
    assert "选择一个有效的选项" in page and "Select a valid choice" not in page
    assert InfoItem.objects.count() == 0


def test_withheld_with_reason_is_accepted(client, agency):
    client.force_login(agency.drafter)
    response = client.post(
        url("item_new"), item_post(agency.org, disclosure="withheld", disclosure_reason="涉及国家秘密")
    )
    assert response.status_code == 302
    item = InfoItem.objects.get()
    assert (item.disclosure, item.disclosure_reason) == ("withheld", "涉及国家秘密")


def test_hostile_body_html_is_stored_sanitized(client, agency):
    hostile = (
        '<p onclick="steal()">正文段落</p><script>alert(1)</script>'
        '<a href="javascript:alert(2)">链接</a><img src="x" onerror="alert(3)">'
        '<p style="color:red">样式</p><iframe src="https://evil.example"></iframe>'
    )
    client.force_login(agency.drafter)
    client.post(url("item_new"), item_post(agency.org, body_html=hostile))
    item = InfoItem.objects.get()
    stored = item.body_html.lower()
    for bad in ("<script", "onclick", "onerror", "javascript:", "style=", "<iframe", "alert(1)"):
        assert bad not in stored
    assert "正文段落" in item.body_html and "链接" in item.body_html
    assert "<script" not in html(client.get(url("item", pk=item.pk))).split("<main", 1)[1]


def test_disguised_upload_is_refused_with_reason(client, agency, media):
    client.force_login(agency.drafter)
    upload = SimpleUploadedFile(
        "通知.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = client.post(url("item_new"), {**item_post(agency.org), "attachment": upload}, follow=True)
    page = html(response)
    assert "内容与扩展名不符" in page
    assert "通知.pdf" in page
    assert not Attachment.objects.exists()
    # The draft itself was kept.
    assert InfoItem.objects.get().title == "关于开展道路安全检查的通知"


def test_disguised_upload_on_edit_shows_reason_in_form(client, agency, media):
    item = draft(agency)
    client.force_login(agency.drafter)
    upload = SimpleUploadedFile("表格.xlsx", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    response = client.post(
        url("item", pk=item.pk), {**item_post(agency.org, title="改过的标题"), "attachment": upload}
    )
    assert response.status_code == 200
    page = html(response)
    assert "内容与扩展名不符" in page and "改过的标题" in page
    assert not Attachment.objects.exists()


def test_valid_pdf_upload_attaches(client, agency, media):
    client.force_login(agency.drafter)
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
    upload = SimpleUploadedFile("实施方案.pdf", data, content_type="application/pdf")
    response = client.post(url("item_new"), {**item_post(agency.org), "attachment": upload})
    assert response.status_code == 302
    item = InfoItem.objects.get()
    attachment = item.attachments.get()
    assert attachment.name == "实施方案.pdf" and attachment.size == len(data)
    assert attachment.content_type == "application/pdf"
    with attachment.file.open("rb") as fh:
        assert fh.read() == data
    assert "实施方案.pdf" in html(client.get(url("item", pk=item.pk)))


@override_settings(GONGKAI_ATTACHMENT_MAX_BYTES=16)
def test_oversized_upload_is_refused(client, agency, media):
    client.force_login(agency.drafter)
    upload = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"x" * 64, content_type="application/pdf")
    response = client.post(url("item_new"), {**item_post(agency.org), "attachment": upload}, follow=True)
    assert "超过大小限制" in html(response)
    assert not Attachment.objects.exists()


def test_edit_draft_saves_changes(client, agency):
    item = draft(agency, "原来的标题")
    client.force_login(agency.drafter)
    response = client.post(url("item", pk=item.pk), item_post(agency.org, title="修改后的标题"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "修改后的标题"


def test_reviewer_cannot_post_edits(client, agency):
    item = draft(agency, "原来的标题")
    client.force_login(agency.reviewer)
    response = client.post(url("item", pk=item.pk), item_post(agency.org, title="审核人改的标题"))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.title == "原来的标题"


def test_attachment_delete_on_draft(client, agency, media):
    item = draft(agency)
    att = services.attachment_add(actor=agency.drafter, item=item, name="a.pdf", data=b"%PDF-1.4\n%%EOF")
    client.force_login(agency.drafter)
    assert client.get(url("attachment_delete", pk=item.pk, attachment_id=att.pk)).status_code == 405
    response = client.post(url("attachment_delete", pk=item.pk, attachment_id=att.pk), follow=True)
    assert "附件已删除。" in html(response)
    assert not Attachment.objects.exists()


def test_item_list_filters_and_keeps_filters_across_pages(client, agency, other):
    """Someone working for two agencies pages through one agency's items without losing the filter."""
    both = make_user("ab_drafter", agency.org, Role.DRAFTER)
    membership_grant(actor=None, user=both, org=other.org, role=Role.DRAFTER)
    for i in range(31):
        draft(agency, f"甲局第{i}号")
    draft(other, "乙局的信息")
    client.force_login(both)
    page = html(client.get(url("items") + f"?org={agency.org.code}"))
    assert "共 31 条" in page and "乙局的信息" not in page
    next_link = re.search(r'<a href="([^"]+)">下一页</a>', page).group(1).replace("&amp;", "&")
    page2 = html(client.get(url("items") + next_link))
    assert "第 2 / 2 页，共 31 条" in page2
    assert "乙局的信息" not in page2
    page = html(client.get(url("items") + "?q=乙局&status=draft"))
    assert "乙局的信息" in page and "甲局第" not in page
    page = html(client.get(url("items") + "?status=published"))
    assert "共 0 条" in page


# ---------------------------------------------------------------- transitions (R-PUB-9)


def transition(client, item, action: str, comment: str = ""):
    return client.post(
        url("item_transition", pk=item.pk), {"action": action, "comment": comment}, follow=True
    )


def status_shown(response) -> str:
    match = re.search(r'<span class="status" id="item-status">(.*?)</span>', html(response))
    assert match
    return match.group(1)


def test_full_workflow_through_the_views(client, agency):
    item = draft(agency, "走完流程的通知")
    client.force_login(agency.drafter)
    response = transition(client, item, "submit")
    assert response.redirect_chain[-1][0] == url("item", pk=item.pk)
    assert status_shown(response) == "待审核" and "已提交审核。" in html(response)

    client.force_login(agency.reviewer)
    response = transition(client, item, "approve")
    assert status_shown(response) == "待发布" and "已审核通过。" in html(response)

    client.force_login(agency.publisher)
    response = transition(client, item, "publish")
    assert status_shown(response) == "已发布"
    item.refresh_from_db()
    assert item.status == "published" and item.index_no
    page = html(response)
    assert item.index_no in page
    # R-PUB-9: drafter, reviewer and publisher are recorded and shown.
    for person in (agency.drafter, agency.reviewer, agency.publisher):
        assert person.display_name in page
    assert f'href="{reverse("portal:item", args=[item.pk])}"' in page


def test_return_needs_a_comment(client, agency):
    item = draft(agency)
    services.item_transition(actor=agency.drafter, item=item, action="submit")
    client.force_login(agency.reviewer)
    response = transition(client, item, "return", "   ")
    assert "请填写退回意见或撤回原因。" in html(response)
    assert status_shown(response) == "待审核"
    response = transition(client, item, "return", "请补充附件和文号。")
    assert status_shown(response) == "已退回"
    assert "请补充附件和文号。" in html(response)
    item.refresh_from_db()
    assert item.status == "returned" and item.review_comment == "请补充附件和文号。"
    # The drafter can edit the returned item again.
    client.force_login(agency.drafter)
    assert 'name="title"' in html(client.get(url("item", pk=item.pk)))


def test_self_approval_is_blocked(client, agency):
    """R-PUB-9: a drafter who is also a reviewer cannot approve their own item (button hidden, POST refused)."""
    both = make_user("a_both", agency.org, Role.DRAFTER, Role.REVIEWER)
    item = services.item_create(actor=both, org=agency.org, data=services.ItemData(title="自审的通知"))
    services.item_transition(actor=both, item=item, action="submit")
    client.force_login(both)
    page = html(client.get(url("item", pk=item.pk)))
    assert 'data-action="approve"' not in page
    assert 'data-action="return"' in page
    response = transition(client, item, "approve")
    assert "不能审核自己起草的信息。" in html(response)
    assert status_shown(response) == "待审核"
    item.refresh_from_db()
    assert item.status == "submitted" and item.reviewer is None


def test_wrong_role_and_bad_action_are_refused(client, agency):
    item = draft(agency)
    client.force_login(agency.publisher)
    response = transition(client, item, "publish")
    assert "当前状态为“草稿”，不能执行该操作。" in html(response)
    response = transition(client, item, "")
    assert "操作无效。" in html(response)
    response = transition(client, item, "delete_everything")
    assert "不能执行该操作" in html(response)
    item.refresh_from_db()
    assert item.status == "draft"
    services.item_transition(actor=agency.drafter, item=item, action="submit")
    response = transition(client, item, "approve")  # the publisher is not a reviewer
    assert "您在本单位没有执行该操作的角色。" in html(response)
    assert status_shown(response) == "待审核"


def test_transition_get_is_405(client, agency):
    item = draft(agency)
    client.force_login(agency.drafter)
    assert client.get(url("item_transition", pk=item.pk)).status_code == 405
    item.refresh_from_db()
    assert item.status == "draft"


def test_only_available_actions_are_offered(client, agency):
    item = draft(agency)
    client.force_login(agency.drafter)
    page = html(client.get(url("item", pk=item.pk)))
    assert 'data-action="submit"' in page and 'data-action="publish"' not in page
    client.force_login(agency.publisher)
    page = html(client.get(url("item", pk=item.pk)))
    assert "data-action=" not in page


# ---------------------------------------------------------------- agency isolation


def test_other_agency_gets_404_everywhere(client, agency, other, media):
    """Another agency's item is a 404 (never a 403 that confirms it exists) on every staff URL."""
    published = publish(agency, "甲局已发布的通知")
    drafted = draft(agency, "甲局草稿")
    att = services.attachment_add(actor=agency.drafter, item=drafted, name="a.pdf", data=b"%PDF-1.4\n%%EOF")
    client.force_login(other.publisher)
    checks = [
        ("get", url("item", pk=published.pk), {}),
        ("get", url("item", pk=drafted.pk), {}),
        ("post", url("item", pk=drafted.pk), item_post(agency.org, title="乙局改的")),
        ("post", url("item_transition", pk=drafted.pk), {"action": "submit"}),
        ("get", url("item_revise", pk=published.pk), {}),
        ("post", url("item_revise", pk=published.pk), {"reason": "x"}),
        ("post", url("item_validity", pk=published.pk), {"validity": "expired"}),
        ("post", url("attachment_delete", pk=drafted.pk, attachment_id=att.pk), {}),
        ("get", url("revision", pk=published.pk, number=1), {}),
    ]
    for method, path, data in checks:
        response = getattr(client, method)(path, data)
        assert response.status_code == 404, path
        assert "页面不存在" in html(response)
        assert "甲局" not in html(response)
    drafted.refresh_from_db()
    published.refresh_from_db()
    assert drafted.status == "draft" and drafted.title == "甲局草稿"
    assert published.validity == "valid" and published.revision == 1
    assert Attachment.objects.filter(pk=att.pk).exists()
    # Not listed either.
    assert "甲局" not in html(client.get(url("items")))


def test_attachment_of_another_item_cannot_be_deleted_via_my_item(client, agency, media):
    mine = draft(agency, "我的")
    theirs = draft(agency, "另一条")
    att = services.attachment_add(actor=agency.drafter, item=theirs, name="a.pdf", data=b"%PDF-1.4\n%%EOF")
    client.force_login(agency.drafter)
    response = client.post(url("attachment_delete", pk=mine.pk, attachment_id=att.pk))
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=att.pk).exists()


def test_platform_admin_can_view_any_item(client, agency):
    item = publish(agency, "管理员查看的通知")
    admin = make_user("platform", None, is_platform_admin=True)
    client.force_login(admin)
    response = client.get(url("item", pk=item.pk))
    assert response.status_code == 200 and "管理员查看的通知" in html(response)
    assert client.get(url("revision", pk=item.pk, number=1)).status_code == 200


def test_unknown_item_is_404(client, agency):
    client.force_login(agency.drafter)
    assert client.get(url("item", pk=999999)).status_code == 404


# ---------------------------------------------------------------- revisions


def test_publisher_revises_published_item(client, agency):
    item = publish(agency, "需要更正的通知", body_html="<p>旧的正文内容。</p>")
    client.force_login(agency.publisher)
    response = client.get(url("item_revise", pk=item.pk))
    assert response.status_code == 200
    page = html(response)
    assert "更正已发布信息" in page and "需要更正的通知" in page and 'name="reason"' in page
    assert 'name="attachment"' not in page

    response = client.post(
        url("item_revise", pk=item.pk),
        item_post(agency.org, title="需要更正的通知", body_html="<p>新的正文内容。</p>", reason="更正错别字"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.revision == 2 and "新的正文内容" in item.body_html
    assert item.status == "published"
    assert list(item.revisions.values_list("number", flat=True)) == [2, 1]

    old = client.get(url("revision", pk=item.pk, number=1))
    assert old.status_code == 200
    assert "旧的正文内容。" in html(old) and "新的正文内容" not in html(old)
    new = html(client.get(url("revision", pk=item.pk, number=2)))
    assert "新的正文内容。" in new and "更正错别字" in new
    assert client.get(url("revision", pk=item.pk, number=3)).status_code == 404
    detail = html(client.get(url("item", pk=item.pk)))
    assert url("revision", pk=item.pk, number=1) in detail


def test_revise_needs_a_reason(client, agency):
    item = publish(agency, "需要更正的通知")
    client.force_login(agency.publisher)
    response = client.post(url("item_revise", pk=item.pk), item_post(agency.org, title="新标题"))
    assert response.status_code == 200
    assert "请填写更正原因。" in html(response) and "新标题" in html(response)
    item.refresh_from_db()
    assert item.revision == 1 and item.title == "需要更正的通知"


def test_drafter_gets_404_on_revise(client, agency):
    item = publish(agency)
    client.force_login(agency.drafter)
    assert client.get(url("item_revise", pk=item.pk)).status_code == 404
    response = client.post(url("item_revise", pk=item.pk), item_post(agency.org, reason="x"))
    assert response.status_code == 404
    assert "更正此信息" not in html(client.get(url("item", pk=item.pk)))


def test_revise_of_unpublished_item_is_404(client, agency):
    item = draft(agency)
    client.force_login(agency.publisher)
    assert client.get(url("item_revise", pk=item.pk)).status_code == 404


# ---------------------------------------------------------------- validity (R-PUB-6)


def test_r_pub_6_repeal_by_index_no_links_the_documents(client, agency):
    old = publish(agency, "旧的管理办法")
    new = publish(agency, "新的管理办法", doc_no="测发〔2026〕9号")
    client.force_login(agency.publisher)
    response = client.post(
        url("item_validity", pk=old.pk),
        {"validity": "repealed", "changed_on": "2026-06-01", "by_index_no": f"  {new.index_no} "},
        follow=True,
    )
    assert "有效性已更新。" in html(response)
    old.refresh_from_db()
    assert old.validity == "repealed" and old.validity_changed_on == date(2026, 6, 1)
    assert ItemRelation.objects.filter(source=new, target=old, type="repeals").exists()
    assert old.revisions.count() == 2


def test_r_pub_6_amend_by_doc_no_typed_with_other_brackets(client, agency):
    """R-PUB-11: the amending document may be named by its 文号 typed with [ ]."""
    old = publish(agency, "旧的实施细则")
    new = publish(agency, "修改实施细则的决定", doc_no="测发〔2026〕11号")
    client.force_login(agency.publisher)
    client.post(url("item_validity", pk=old.pk), {"validity": "amended", "by_index_no": "测发[2026]11号"})
    old.refresh_from_db()
    assert old.validity == "amended"
    assert ItemRelation.objects.filter(source=new, target=old, type="amends").exists()


def test_r_pub_6_unknown_reference_gives_chinese_error(client, agency):
    old = publish(agency, "旧的管理办法")
    client.force_login(agency.publisher)
    response = client.post(
        url("item_validity", pk=old.pk),
        {"validity": "repealed", "by_index_no": "不存在/2026-99999"},
        follow=True,
    )
    assert "找不到索引号或文号为“不存在/2026-99999”的已发布文件。" in html(response)
    old.refresh_from_db()
    assert old.validity == "valid"
    assert not ItemRelation.objects.exists()


def test_r_pub_6_reference_to_a_draft_is_not_accepted(client, agency):
    old = publish(agency, "旧的管理办法")
    unpublished = draft(agency, "尚未发布的新办法", doc_no="测发〔2026〕12号")
    client.force_login(agency.publisher)
    response = client.post(
        url("item_validity", pk=old.pk),
        {"validity": "repealed", "by_index_no": unpublished.doc_no},
        follow=True,
    )
    assert "找不到索引号或文号" in html(response)
    old.refresh_from_db()
    assert old.validity == "valid"


def test_r_pub_6_repeal_without_reference_and_by_itself_refused(client, agency):
    old = publish(agency, "旧的管理办法")
    client.force_login(agency.publisher)
    response = client.post(url("item_validity", pk=old.pk), {"validity": "repealed"}, follow=True)
    assert "已修改或废止的文件须指明修改或废止它的文件。" in html(response)
    response = client.post(
        url("item_validity", pk=old.pk), {"validity": "repealed", "by_index_no": old.index_no}, follow=True
    )
    assert "文件不能修改或废止自身。" in html(response)
    response = client.post(
        url("item_validity", pk=old.pk), {"validity": "bogus", "changed_on": "2026-99-01"}, follow=True
    )
    assert "请输入有效日期（年-月-日）。" in html(response)
    old.refresh_from_db()
    assert old.validity == "valid"


def test_validity_change_needs_publisher(client, agency):
    old = publish(agency, "旧的管理办法")
    client.force_login(agency.drafter)
    response = client.post(url("item_validity", pk=old.pk), {"validity": "expired"}, follow=True)
    assert "只有本单位的发布人可以变更有效性。" in html(response)
    old.refresh_from_db()
    assert old.validity == "valid"
    assert client.get(url("item_validity", pk=old.pk)).status_code == 405


# ---------------------------------------------------------------- columns


def column_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "重点项目建设",
        "parent": "",
        "update_class": "notice",
        "responsible": "规划科",
        "sort_order": "5",
    }
    data.update(overrides)
    return data


def test_org_admin_adds_a_column(client, agency):
    parent = Column.objects.get(org=agency.org, parent=None, section="statutory")
    client.force_login(agency.admin)
    response = client.post(url("columns"), column_post(parent=parent.pk), follow=True)
    assert response.redirect_chain[-1][0] == f"{url('columns')}?org={agency.org.code}"
    page = html(response)
    assert "栏目已添加。" in page
    column = Column.objects.get(org=agency.org, name="重点项目建设")
    assert column.parent == parent and column.responsible == "规划科" and not column.is_system
    assert f'href="{url("column", pk=column.pk)}">重点项目建设</a>' in page


def test_duplicate_column_name_is_refused(client, agency):
    client.force_login(agency.admin)
    client.post(url("columns"), column_post())
    response = client.post(url("columns"), column_post(responsible="另一个科室"))
    assert response.status_code == 200
    page = html(response)
    assert "同一上级下已有名为“重点项目建设”的栏目。" in page
    assert "另一个科室" in page
    assert Column.objects.filter(org=agency.org, name="重点项目建设").count() == 1


def test_column_name_required_and_no_slash(client, agency):
    client.force_login(agency.admin)
    assert "栏目名称不能为空。" in html(client.post(url("columns"), column_post(name="")))
    assert "栏目名称不能包含“/”。" in html(client.post(url("columns"), column_post(name="甲/乙")))
    assert not Column.objects.filter(org=agency.org, is_system=False).exists()


def test_drafter_cannot_add_or_edit_columns(client, agency):
    client.force_login(agency.drafter)
    response = client.get(url("columns"))
    assert response.status_code == 200 and "添加栏目" not in html(response)
    response = client.post(url("columns"), column_post())
    assert response.status_code == 404
    assert not Column.objects.filter(name="重点项目建设").exists()
    column = Column.objects.filter(org=agency.org).first()
    assert client.get(url("column", pk=column.pk)).status_code == 404
    assert client.post(url("column", pk=column.pk), {"delete": "1"}).status_code == 404


def test_other_agency_admin_cannot_touch_columns(client, agency, other):
    column = services.column_create(actor=agency.admin, org=agency.org, name="甲局专用栏目")
    client.force_login(other.admin)
    assert client.get(url("column", pk=column.pk)).status_code == 404
    assert client.post(url("column", pk=column.pk), {"delete": "1"}).status_code == 404
    assert Column.objects.filter(pk=column.pk).exists()
    # ?org= of an agency I do not belong to falls back to my own.
    page = html(client.get(url("columns") + f"?org={agency.org.code}"))
    assert "甲局专用栏目" not in page and other.org.name in page


def test_delete_non_empty_column_refused_with_message(client, agency):
    column = services.column_create(actor=agency.admin, org=agency.org, name="有内容的栏目")
    draft(agency, "栏目里的信息", columns=[column])
    client.force_login(agency.admin)
    response = client.post(url("column", pk=column.pk), {"delete": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == url("column", pk=column.pk)
    assert "栏目下还有子栏目或信息，不能删除。" in html(response)
    assert Column.objects.filter(pk=column.pk).exists()


def test_delete_system_column_refused_and_empty_column_deleted(client, agency):
    system = Column.objects.filter(org=agency.org, is_system=True).first()
    empty = services.column_create(actor=agency.admin, org=agency.org, name="空栏目")
    client.force_login(agency.admin)
    response = client.post(url("column", pk=system.pk), {"delete": "1"}, follow=True)
    assert "标准专栏栏目不能删除。" in html(response)
    assert Column.objects.filter(pk=system.pk).exists()
    response = client.post(url("column", pk=empty.pk), {"delete": "1"}, follow=True)
    assert "栏目已删除。" in html(response)
    assert not Column.objects.filter(pk=empty.pk).exists()


def test_column_edit_saves(client, agency):
    column = services.column_create(actor=agency.admin, org=agency.org, name="旧名称")
    client.force_login(agency.admin)
    response = client.post(
        url("column", pk=column.pk), {"name": "新名称", "update_class": "news", "sort_order": "3"}
    )
    assert response.status_code == 302
    column.refresh_from_db()
    assert (column.name, column.update_class, column.sort_order) == ("新名称", "news", 3)
