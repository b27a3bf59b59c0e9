"""清理 (issue 7 §3): a review batch of the documents in force, decisions per agency, the published result."""

from datetime import date

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.orgs.models import User
from gongkai.publishing import selectors, services
from gongkai.publishing.models import CleanupDecision, InfoItem
from tests.factories import make_agency, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    admin = User.objects.create_user(username="gkb", password="x-Password-2026", is_platform_admin=True)
    a = make_agency("ca")
    b = make_agency("cb")
    keep = publish(a, "继续有效的办法", kind="normative")
    drop = publish(a, "要废止的办法", kind="normative")
    old = publish(b, "过期的办法", kind="normative", valid_until=date(2020, 1, 1))
    other = publish(b, "乙单位办法", kind="normative")
    publish(a, "普通通知")
    return admin, a, b, keep, drop, old, other


def test_open_decide_publish(client, setup):
    admin, a, b, keep, drop, _old, other = setup
    with pytest.raises(PermissionDenied):
        services.cleanup_open(actor=a.publisher, title="清理")
    batch = services.cleanup_open(actor=admin, title="2026年度规范性文件清理", deadline=date(2026, 12, 31))
    # Only documents in force are listed (the expired one and the ordinary notice are not).
    assert {d.item_id for d in batch.decisions.all()} == {keep.pk, drop.pk, other.pk}
    mine = selectors.cleanup_decisions_for_staff(a.publisher, batch)
    assert {d.item_id for d in mine} == {keep.pk, drop.pk}
    d_keep = batch.decisions.get(item=keep)
    d_drop = batch.decisions.get(item=drop)
    d_other = batch.decisions.get(item=other)
    with pytest.raises(PermissionDenied):
        services.cleanup_decide(actor=b.publisher, decision=d_keep, value="continue")
    with pytest.raises(PermissionDenied):
        services.cleanup_decide(actor=a.drafter, decision=d_keep, value="continue")
    with pytest.raises(ApplicationError) as err:
        services.cleanup_decide(actor=a.publisher, decision=d_drop, value="repeal")
    assert err.value.code == "missing_note"
    services.cleanup_decide(actor=a.publisher, decision=d_keep, value="continue")
    services.cleanup_decide(actor=a.publisher, decision=d_drop, value="repeal", note="上位法已废止")
    with pytest.raises(ApplicationError) as err:
        services.cleanup_publish(actor=admin, batch=batch)
    assert err.value.code == "undecided" and b.org.name in err.value.message
    services.cleanup_decide(
        actor=b.publisher, decision=d_other, value="declare_invalid", note="调整对象已消失"
    )
    services.cleanup_publish(actor=admin, batch=batch)
    assert InfoItem.objects.get(pk=drop.pk).validity == "repealed"
    assert InfoItem.objects.get(pk=other.pk).validity == "expired"
    assert InfoItem.objects.get(pk=keep.pk).validity == "valid"
    with pytest.raises(ApplicationError):
        services.cleanup_decide(actor=a.publisher, decision=d_keep, value="amend", note="x")
    page = client.get(f"/cleanup/{batch.pk}/").content.decode()
    assert page.index("继续有效") < page.index("继续有效的办法")
    assert "要废止的办法" in page and "上位法已废止" in page


def test_staff_pages(client, setup):
    admin, a, _b, _keep, drop, *_ = setup
    client.force_login(admin)
    client.post("/staff/cleanup/", {"title": "专项清理", "deadline": "2026-12-31"})
    batch = CleanupDecision.objects.first().batch
    assert client.get(f"/cleanup/{batch.pk}/").status_code == 404  # not yet published
    client.force_login(a.publisher)
    page = client.get(f"/staff/cleanup/{batch.pk}/").content.decode()
    assert "要废止的办法" in page and "乙单位办法" not in page
    decision = batch.decisions.get(item=drop)
    response = client.post(
        f"/staff/cleanup/{batch.pk}/",
        {"decision_id": decision.pk, "decision": "repeal", "note": ""},
        follow=True,
    )
    assert "请说明理由" in response.content.decode()
    other_decision = batch.decisions.exclude(item__org=a.org).first()
    response = client.post(
        f"/staff/cleanup/{batch.pk}/", {"decision_id": other_decision.pk, "decision": "continue"}
    )
    assert response.status_code == 404


def test_result_page_leaves_out_documents_withdrawn_since(client, setup):
    admin, a, b, keep, _drop, _old, _other = setup
    batch = services.cleanup_open(actor=admin, title="专项清理")
    for d in batch.decisions.select_related("item"):
        publisher = a.publisher if d.item.org_id == a.org.pk else b.publisher
        services.cleanup_decide(actor=publisher, decision=d, value="continue")
    services.item_transition(actor=a.publisher, item=keep, action="withdraw", comment="内容有误")
    services.cleanup_publish(actor=admin, batch=batch)
    page = client.get(f"/cleanup/{batch.pk}/").content.decode()
    assert "要废止的办法" in page and "继续有效的办法" not in page
