"""Publishing services: workflow with permissions (R-PUB-9), 索引号 (R-PUB-10), 文号 (R-PUB-11), revisions,
validity (R-PUB-6), disclosure reasons (R-PUB-7), attachments and audit entries."""

from datetime import date

import pytest
from django.test import override_settings

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role
from gongkai.publishing import selectors, services
from gongkai.publishing.models import Column, InfoItem, ItemRelation
from gongkai.publishing.services import ItemData
from tests.factories import draft, make_agency, make_user, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return make_agency("a")


@pytest.fixture
def other():
    return make_agency("b")


def test_skeleton_has_five_sections_and_statutory_columns(agency):
    roots = list(Column.objects.filter(org=agency.org, parent=None).values_list("name", flat=True))
    assert roots == [
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政府信息公开年报",
        "依申请公开",
    ]
    statutory = Column.objects.get(org=agency.org, parent=None, section="statutory")
    codes = list(statutory.children.values_list("statutory_code", flat=True))
    # R-PUB-1: fifteen categories; R-PUB-2: seven more for a city-level department.
    assert [c for c in codes if c.startswith("a20.")] == [f"a20.{i}" for i in range(1, 16)]
    assert len([c for c in codes if c.startswith("a21.")]) == 7
    # Idempotent.
    assert services.column_skeleton_ensure(actor=None, org=agency.org) == 0


def test_r_pub_2_township_gets_its_own_article_21_items():
    from tests.factories import make_org

    town = make_org("某镇人民政府", kind="township", level="township")
    names = set(
        Column.objects.filter(org=town, statutory_code__startswith="a21.").values_list("name", flat=True)
    )
    assert "筹资筹劳" in names and "市政建设" not in names


def test_full_workflow_records_people_and_assigns_index_no(agency):
    item = draft(agency, doc_no="测发[2025]7号")
    assert item.status == "draft" and item.drafter == agency.drafter
    assert item.doc_no_norm == "测发〔2025〕7号"
    item = services.item_transition(actor=agency.drafter, item=item, action="submit")
    item = services.item_transition(actor=agency.reviewer, item=item, action="approve")
    assert item.index_no is None
    item = services.item_transition(actor=agency.publisher, item=item, action="publish")
    assert item.status == "published"
    assert (item.drafter, item.reviewer, item.publisher) == (
        agency.drafter,
        agency.reviewer,
        agency.publisher,
    )
    assert item.index_no and item.index_no.startswith(f"{agency.org.code}/")
    assert item.published_at is not None
    assert item.revisions.count() == 1
    actions = list(
        AuditEntry.objects.filter(object_type="publishing.infoitem", object_id=str(item.pk))
        .order_by("id")
        .values_list("action", "from_state", "to_state")
    )
    assert actions == [
        ("item.create", "", "draft"),
        ("item.submit", "draft", "submitted"),
        ("item.approve", "submitted", "approved"),
        ("item.publish", "approved", "published"),
    ]


def test_return_requires_comment_and_goes_back_to_drafter(agency):
    item = draft(agency)
    item = services.item_transition(actor=agency.drafter, item=item, action="submit")
    with pytest.raises(ApplicationError) as err:
        services.item_transition(actor=agency.reviewer, item=item, action="return", comment="  ")
    assert err.value.code == "missing_comment"
    item = services.item_transition(actor=agency.reviewer, item=item, action="return", comment="请补充文号")
    assert item.status == "returned" and item.review_comment == "请补充文号"
    services.item_update(actor=agency.drafter, item=item, data=ItemData(title="改后的标题"))
    item = services.item_transition(actor=agency.drafter, item=item, action="submit")
    assert item.status == "submitted" and item.review_comment == ""


def test_wrong_role_and_wrong_state_are_refused(agency):
    item = draft(agency)
    with pytest.raises(PermissionDenied):
        services.item_transition(actor=agency.reviewer, item=item, action="submit")
    with pytest.raises(ApplicationError) as err:
        services.item_transition(actor=agency.publisher, item=item, action="publish")
    assert err.value.code == "bad_transition"
    item.refresh_from_db()
    assert item.status == "draft"


def test_other_agency_staff_cannot_act(agency, other):
    item = draft(agency)
    with pytest.raises(PermissionDenied):
        services.item_transition(actor=other.drafter, item=item, action="submit")
    with pytest.raises(PermissionDenied):
        services.item_update(actor=other.drafter, item=item, data=ItemData(title="篡改"))
    with pytest.raises(PermissionDenied):
        services.item_create(actor=other.drafter, org=agency.org, data=ItemData(title="冒名"))


def test_drafter_cannot_approve_own_item(agency):
    both = make_user("both", agency.org, Role.DRAFTER, Role.REVIEWER)
    item = services.item_create(actor=both, org=agency.org, data=ItemData(title="自审"))
    item = services.item_transition(actor=both, item=item, action="submit")
    with pytest.raises(PermissionDenied):
        services.item_transition(actor=both, item=item, action="approve")
    with override_settings(GONGKAI_FORBID_SELF_APPROVAL=False):
        item = services.item_transition(actor=both, item=item, action="approve")
    assert item.status == "approved"


def test_published_item_cannot_be_edited_only_revised(agency):
    item = publish(agency, body_html="<p>第一版</p>")
    with pytest.raises(ApplicationError):
        services.item_update(actor=agency.drafter, item=item, data=ItemData(title="x"))
    with pytest.raises(PermissionDenied):
        services.item_revise(actor=agency.drafter, item=item, data=ItemData(title="x"), reason="错字")
    with pytest.raises(ApplicationError) as err:
        services.item_revise(actor=agency.publisher, item=item, data=ItemData(title="x"), reason="")
    assert err.value.code == "missing_reason"
    index_no = item.index_no
    item = services.item_revise(
        actor=agency.publisher,
        item=item,
        data=ItemData(title=item.title, body_html="<p>第二版</p>"),
        reason="更正错字",
    )
    assert item.revision == 2 and item.index_no == index_no
    revisions = list(item.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert "第一版" in revisions[0].snapshot["body_html"] and "第二版" in revisions[1].snapshot["body_html"]


def test_withdraw_needs_reason_and_hides_item_index_no_never_reused(agency):
    item = publish(agency)
    first_no = item.index_no
    with pytest.raises(ApplicationError):
        services.item_transition(actor=agency.publisher, item=item, action="withdraw")
    item = services.item_transition(actor=agency.publisher, item=item, action="withdraw", comment="信息有误")
    assert item.status == "withdrawn" and item.withdrawn_reason == "信息有误"
    assert not selectors.items_public().filter(pk=item.pk).exists()
    second = publish(agency, "另一条")
    assert second.index_no != first_no
    assert InfoItem.objects.filter(index_no=first_no).count() == 1


def test_r_pub_10_sequence_numbers_increase_within_year(agency):
    numbers = [publish(agency, f"信息{i}").index_no for i in range(3)]
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == sorted(seqs) and len(set(numbers)) == 3 and seqs[1] == seqs[0] + 1


def test_r_pub_10_existing_imported_number_is_skipped(agency):
    from django.utils import timezone

    year = timezone.localdate().year
    InfoItem.objects.create(
        org=agency.org,
        title="历史",
        status="published",
        index_no=f"{agency.org.code}/{year}-00001",
        published_at=timezone.now(),
    )
    item = publish(agency)
    assert item.index_no == f"{agency.org.code}/{year}-00002"


@override_settings(GONGKAI_INDEX_NO_PATTERN="{org_code}-{yyyymm}-{seq:06d}")
def test_r_pub_10_monthly_pattern(agency):
    from django.utils import timezone

    item = publish(agency)
    assert item.index_no == f"{agency.org.code}-{timezone.localdate():%Y%m}-000001"


def test_r_pub_7_reason_required_when_not_proactive(agency):
    with pytest.raises(ApplicationError) as err:
        draft(agency, disclosure="withheld")
    assert err.value.field == "disclosure_reason"
    item = draft(agency, disclosure="on_request", disclosure_reason="涉及第三方合法权益")
    assert item.disclosure == "on_request"


def test_on_request_items_are_never_public(agency):
    item = draft(agency, disclosure="on_request", disclosure_reason="内部管理信息")
    item = services.item_transition(actor=agency.drafter, item=item, action="submit")
    item = services.item_transition(actor=agency.reviewer, item=item, action="approve")
    item = services.item_transition(actor=agency.publisher, item=item, action="publish")
    assert not selectors.items_public().filter(pk=item.pk).exists()


def test_field_validation_messages(agency):
    cases = [
        (ItemData(title=""), "title"),
        (ItemData(title="x", subject="不存在的分类"), "subject"),
        (ItemData(title="x", genre="小说"), "genre"),
        (ItemData(title="x", kind="law"), "kind"),
        (ItemData(title="x", effective_on=date(2025, 5, 1), valid_until=date(2025, 1, 1)), "valid_until"),
    ]
    for data, field in cases:
        with pytest.raises(ApplicationError) as err:
            services.item_create(actor=agency.drafter, org=agency.org, data=data)
        assert err.value.field == field, data
    assert not InfoItem.objects.exists()


def test_columns_of_another_agency_are_refused(agency, other):
    foreign = Column.objects.filter(org=other.org).first()
    with pytest.raises(ApplicationError) as err:
        draft(agency, columns=[foreign])
    assert err.value.field == "columns"


def test_body_is_sanitized_on_save(agency):
    item = draft(agency, body_html='<p onclick="x()">好</p><script>alert(1)</script>')
    assert "script" not in item.body_html and "onclick" not in item.body_html
    assert item.body_text == "好"


def test_r_pub_6_validity_change_links_the_repealing_document(agency):
    old = publish(agency, "旧办法")
    new = publish(agency, "新办法")
    with pytest.raises(ApplicationError):
        services.item_validity_set(actor=agency.publisher, item=old, validity="repealed", changed_on=None)
    services.item_validity_set(
        actor=agency.publisher, item=old, validity="repealed", changed_on=date(2026, 1, 1), by_item=new
    )
    old.refresh_from_db()
    assert old.validity == "repealed" and old.validity_changed_on == date(2026, 1, 1)
    assert selectors.replacing_item(old) == new
    assert ItemRelation.objects.filter(source=new, target=old, type="repeals").exists()
    assert old.revisions.count() == 2


def test_r_pub_6_expiry_is_derived_from_dates(agency):
    item = publish(agency, effective_on=date(2020, 1, 1), valid_until=date(2024, 12, 31))
    assert selectors.effective_validity(item, today=date(2024, 12, 31)) == "valid"
    assert selectors.effective_validity(item, today=date(2025, 1, 1)) == "expired"
    later = publish(agency, "尚未施行", effective_on=date(2030, 1, 1))
    assert selectors.effective_validity(later, today=date(2026, 1, 1)) == "not_yet_effective"


def test_attachments_checked_and_hashed(agency):
    item = draft(agency)
    att = services.attachment_add(actor=agency.drafter, item=item, name="通知.pdf", data=b"%PDF-1.4\n%%EOF")
    assert att.sha256 and att.size == 14 and att.content_type == "application/pdf"
    with pytest.raises(ApplicationError) as err:
        services.attachment_add(
            actor=agency.drafter, item=item, name="假.pdf", data=b"<script>alert(1)</script>"
        )
    assert err.value.code == "disguised_file"
    with override_settings(GONGKAI_ATTACHMENT_MAX_BYTES=10):
        with pytest.raises(ApplicationError) as err:
            services.attachment_add(actor=agency.drafter, item=item, name="大.pdf", data=b"%PDF-" + b"x" * 20)
    assert err.value.code == "file_too_large"
    assert item.attachments.count() == 1


def test_column_management_permissions(agency, other):
    col = services.column_create(actor=agency.admin, org=agency.org, name="政务动态", update_class="news")
    assert col.first_level
    sub = services.column_create(actor=agency.admin, org=agency.org, name="部门动态", parent=col)
    assert services.column_by_path(org=agency.org, path="政务动态/部门动态") == sub
    with pytest.raises(PermissionDenied):
        services.column_create(actor=other.admin, org=agency.org, name="入侵")
    with pytest.raises(PermissionDenied):
        services.column_create(actor=agency.drafter, org=agency.org, name="越权")
    with pytest.raises(ApplicationError) as err:
        services.column_create(actor=agency.admin, org=agency.org, name="政务动态")
    assert err.value.code == "duplicate"
    system = Column.objects.filter(org=agency.org, is_system=True).first()
    with pytest.raises(ApplicationError):
        services.column_delete(actor=agency.admin, column=system)
    with pytest.raises(ApplicationError):
        services.column_delete(actor=agency.admin, column=col)  # has a child
    services.column_delete(actor=agency.admin, column=sub)
    assert not Column.objects.filter(pk=sub.pk).exists()


def test_r_pub_3_deadline_list(agency):
    # Formed on 2025-09-01 (R-CAL-2): the 20th working day after it is Sunday 2025-09-28, a 调休 working day.
    late = draft(agency, "逾期", formed_on=date(2025, 9, 1))
    soon = draft(agency, "临期", formed_on=date(2025, 9, 15))  # due 2025-10-17
    fresh = draft(agency, "充裕", formed_on=date(2025, 10, 20))
    rows = {
        r["item"].pk: r for r in selectors.publication_deadlines(agency.drafter, today=date(2025, 10, 13))
    }
    assert rows[late.pk]["state"] == "late"
    assert rows[late.pk]["due"] == date(2025, 9, 28)
    assert rows[soon.pk]["state"] == "soon" and rows[soon.pk]["due"] == date(2025, 10, 17)
    assert fresh.pk not in rows


def test_r_pub_6_a_linked_document_only_for_amended_or_repealed(agency):
    old = publish(agency, "旧办法")
    new = publish(agency, "新办法")
    with pytest.raises(ApplicationError) as err:
        services.item_validity_set(
            actor=agency.publisher, item=old, validity="valid", changed_on=None, by_item=new
        )
    assert err.value.code == "bad_target"
    assert not ItemRelation.objects.filter(target=old).exists()
