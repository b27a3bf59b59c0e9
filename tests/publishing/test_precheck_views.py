"""Before publishing (issue 10 item 5): personal data and sensitive words checked at submit, confirmed or masked
at review (R-PII-1, R-PUB-9 去标识化), exempt columns recorded (惩戒公示 / 强制性披露)."""

from __future__ import annotations

import pytest
from stdnum.cn import ric

from gongkai.core.models import AuditEntry
from gongkai.inspection import services as inspection_services
from gongkai.inspection.models import Precheck
from gongkai.orgs.models import User
from gongkai.publishing.models import Column, InfoItem
from tests.factories import draft, make_agency

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519800101002" + ric.calc_check_digit("11010519800101002" + "0")
ID_MASKED = ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
MOBILE = "13812345678"


def submit(client, agency, item):
    client.force_login(agency.drafter)
    return client.post(f"/staff/items/{item.pk}/transition/", {"action": "submit"}, follow=True)


def approve(client, agency, item, **extra):
    client.force_login(agency.reviewer)
    return client.post(f"/staff/items/{item.pk}/transition/", {"action": "approve", **extra}, follow=True)


@pytest.fixture
def agency():
    return make_agency("pc")


def test_submit_records_matches_and_the_reviewer_sees_them_masked(client, agency):
    item = draft(agency, body_html=f"<p>联系人张三，身份证号{ID_NUMBER}，电话{MOBILE}。</p>")
    page = submit(client, agency, item).content.decode()
    assert "发布前检查发现 2 处" in page
    record = Precheck.objects.get(item=item)
    assert record.state == Precheck.State.PENDING
    assert [m["kind"] for m in record.matches] == ["id_card", "mobile"]
    assert ID_NUMBER not in str(record.matches) and MOBILE not in str(record.matches)

    client.force_login(agency.reviewer)
    page = client.get(f"/staff/items/{item.pk}/").content.decode()
    assert f"<mark>{ID_MASKED}</mark>" in page
    assert "<mark>138****5678</mark>" in page
    assert "已核实，确认发布" in page
    # The masked display: the clear values appear only in the body shown below, not in the precheck table.
    table = page.split('id="precheck"', 1)[1].split("</section>", 1)[0]
    assert ID_NUMBER not in table and MOBILE not in table


def test_approval_needs_the_confirmation_and_records_it(client, agency):
    item = draft(agency, body_html=f"<p>电话{MOBILE}</p>")
    submit(client, agency, item)
    page = approve(client, agency, item).content.decode()
    assert "已核实，确认发布" in page
    item.refresh_from_db()
    assert item.status == InfoItem.Status.SUBMITTED

    approve(client, agency, item, precheck_confirm="1")
    item.refresh_from_db()
    assert item.status == InfoItem.Status.APPROVED
    record = Precheck.objects.get(item=item)
    assert record.state == Precheck.State.CONFIRMED and record.confirmed_by == agency.reviewer
    assert AuditEntry.objects.filter(action="inspection.precheck_confirm", object_id=str(item.pk)).exists()


def test_clean_item_is_approved_without_confirmation(client, agency):
    item = draft(agency, body_html="<p>各单位：现将有关事项通知如下。</p>")
    submit(client, agency, item)
    assert Precheck.objects.get(item=item).state == Precheck.State.CLEAN
    approve(client, agency, item)
    item.refresh_from_db()
    assert item.status == InfoItem.Status.APPROVED


def test_one_click_mask_changes_the_body_as_a_revision(client, agency):
    item = draft(agency, body_html=f"<p>身份证号{ID_NUMBER}；再次：{ID_NUMBER}。电话{MOBILE}</p>")
    submit(client, agency, item)
    match = next(m for m in Precheck.objects.get(item=item).matches if m["kind"] == "id_card")
    client.force_login(agency.reviewer)
    response = client.post(
        f"/staff/inspection/items/{item.pk}/mask/",
        {"start": match["start"], "masked": match["masked"]},
        follow=True,
    )
    assert "已遮蔽为" in response.content.decode()
    item.refresh_from_db()
    assert ID_NUMBER not in item.body_html and item.body_html.count(ID_MASKED) == 2
    assert ID_NUMBER not in item.body_text
    revision = item.revisions.get(number=item.revision)
    assert "去标识化" in revision.reason and ID_NUMBER not in revision.reason
    assert AuditEntry.objects.filter(action="item.mask", object_id=str(item.pk)).exists()
    latest = Precheck.objects.filter(item=item).order_by("-id").first()
    assert [m["kind"] for m in latest.matches] == ["mobile"]  # what is left


def test_mask_of_a_stale_match_and_by_someone_else_is_refused(client, agency):
    item = draft(agency, body_html=f"<p>电话{MOBILE}</p>")
    submit(client, agency, item)
    client.force_login(agency.reviewer)
    page = client.post(
        f"/staff/inspection/items/{item.pk}/mask/", {"start": "99", "masked": "138****5678"}, follow=True
    ).content.decode()
    assert "未找到该处内容" in page
    assert (
        client.post(f"/staff/inspection/items/{item.pk}/mask/", {"start": "x", "masked": ""}).status_code
        == 302
    )
    other = make_agency("pco")
    client.force_login(other.reviewer)
    assert (
        client.post(f"/staff/inspection/items/{item.pk}/mask/", {"start": "2", "masked": "x"}).status_code
        == 404
    )
    item.refresh_from_db()
    assert MOBILE in item.body_html


def test_sensitive_word_is_listed_not_maskable(client, agency):
    admin = User.objects.create_user(username="pc-admin", password="x-Password-2026", is_platform_admin=True)
    inspection_services.sensitive_word_add(actor=admin, word="绝密")
    item = draft(agency, body_html="<p>此件绝密。</p>")
    submit(client, agency, item)
    client.force_login(agency.reviewer)
    page = client.get(f"/staff/items/{item.pk}/").content.decode()
    assert "<mark>绝密</mark>" in page and "请核实用语" in page


def test_exempt_column_records_the_exemption(client, agency):
    admin = User.objects.create_user(username="pc-admin2", password="x-Password-2026", is_platform_admin=True)
    col = Column.objects.filter(org=agency.org).first()
    inspection_services.column_policy_set(
        actor=admin, column=col, pii_exemption="sanction", basis="《行政处罚法》第四十八条"
    )
    item = draft(agency, body_html=f"<p>当事人身份证号{ID_NUMBER}</p>", columns=[col])
    submit(client, agency, item)
    record = Precheck.objects.get(item=item)
    assert record.state == Precheck.State.CLEAN
    assert record.exempt_count == 1 and "惩戒公示" in record.exemption and "行政处罚法" in record.exemption
    approve(client, agency, item)
    item.refresh_from_db()
    assert item.status == InfoItem.Status.APPROVED


def test_interpretation_reviewed_with_its_policy_is_prechecked_too(client, agency):
    from gongkai.publishing import services as publishing_services

    policy = draft(agency, "某某管理办法", kind="normative", body_html="<p>第一条 为了规范管理。</p>")
    reading = draft(agency, "《某某管理办法》解读", body_html=f"<p>咨询电话{MOBILE}</p>")
    publishing_services.item_relation_add(
        actor=agency.drafter, source=reading, type="interprets", target=policy
    )
    page = submit(client, agency, policy).content.decode()
    assert "发布前检查发现 1 处" in page
    assert Precheck.objects.get(item=policy).state == Precheck.State.CLEAN
    assert Precheck.objects.get(item=reading).state == Precheck.State.PENDING
    page = approve(client, agency, policy).content.decode()
    assert "含政策解读" in page
    policy.refresh_from_db()
    assert policy.status == InfoItem.Status.SUBMITTED
    approve(client, agency, policy, precheck_confirm="1")
    policy.refresh_from_db()
    reading.refresh_from_db()
    assert policy.status == reading.status == InfoItem.Status.APPROVED
    assert Precheck.objects.get(item=reading).confirmed_by == agency.reviewer


def test_item_submitted_before_prechecks_is_checked_at_first_review(client, agency):
    from gongkai.publishing.services import item_transition

    item = draft(agency, body_html=f"<p>电话{MOBILE}</p>")
    item_transition(actor=agency.drafter, item=item, action="submit")  # no precheck recorded
    page = approve(client, agency, item).content.decode()
    assert "已核实，确认发布" in page and "<mark>138****5678</mark>" in page
    item.refresh_from_db()
    assert item.status == InfoItem.Status.SUBMITTED
    assert Precheck.objects.get(item=item).state == Precheck.State.PENDING


def test_publisher_rechecks_a_published_item_and_masks_it(client, agency):
    from tests.factories import publish

    item = publish(agency, "关于某某事项的公示", body_html=f"<p>联系人身份证号{ID_NUMBER}</p>")
    client.force_login(agency.drafter)
    page = client.get(f"/staff/items/{item.pk}/").content.decode()
    assert "重新检查个人信息和敏感词" not in page  # a drafter cannot change a published item
    client.force_login(agency.publisher)
    page = client.post(f"/staff/inspection/items/{item.pk}/precheck/", follow=True).content.decode()
    assert "发现 1 处" in page and f"<mark>{ID_MASKED}</mark>" in page and "一键遮蔽" in page
    match = Precheck.objects.filter(item=item).latest("id").matches[0]
    client.post(
        f"/staff/inspection/items/{item.pk}/mask/", {"start": match["start"], "masked": match["masked"]}
    )
    item.refresh_from_db()
    assert item.status == InfoItem.Status.PUBLISHED and ID_NUMBER not in item.body_html
    assert item.revisions.count() == 2
    other = make_agency("pcr")
    client.force_login(other.publisher)
    assert client.post(f"/staff/inspection/items/{item.pk}/precheck/").status_code == 404
