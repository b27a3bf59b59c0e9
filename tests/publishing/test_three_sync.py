"""R-PUB-8 三同步: a rule or normative document is reviewed and released together with its interpretation."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.publishing import selectors, services
from gongkai.publishing.models import InfoItem
from gongkai.publishing.services import ItemData
from tests.factories import make_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return make_agency("s")


def _policy(agency, **extra):
    return services.item_create(
        actor=agency.drafter, org=agency.org, data=ItemData(title="某某管理办法", kind="normative", **extra)
    )


def _interpretation(agency, policy):
    reading = services.item_create(
        actor=agency.drafter, org=agency.org, data=ItemData(title="《某某管理办法》解读")
    )
    services.item_relation_add(actor=agency.drafter, source=reading, type="interprets", target=policy)
    return reading


def test_r_pub_8_policy_without_interpretation_or_reason_cannot_be_submitted(agency):
    policy = _policy(agency)
    with pytest.raises(ApplicationError) as err:
        services.item_transition(actor=agency.drafter, item=policy, action="submit")
    assert err.value.code == "missing_interpretation"
    assert InfoItem.objects.get(pk=policy.pk).status == "draft"


def test_r_pub_8_reason_lets_the_reviewer_decide(agency):
    policy = _policy(agency, interpretation_exemption="仅调整个别文字，不涉及实质内容。")
    policy = services.item_transition(actor=agency.drafter, item=policy, action="submit")
    assert policy.status == "submitted"
    policy = services.item_transition(actor=agency.reviewer, item=policy, action="return", comment="应当解读")
    assert policy.status == "returned"


def test_r_pub_8_policy_and_interpretation_move_together(agency):
    policy = _policy(agency)
    reading = _interpretation(agency, policy)
    services.item_transition(actor=agency.drafter, item=policy, action="submit")
    assert InfoItem.objects.get(pk=reading.pk).status == "submitted"
    services.item_transition(actor=agency.reviewer, item=policy, action="return", comment="解读要更通俗")
    assert InfoItem.objects.get(pk=reading.pk).status == "returned"
    services.item_transition(actor=agency.drafter, item=policy, action="submit")
    services.item_transition(actor=agency.reviewer, item=policy, action="approve")
    assert InfoItem.objects.get(pk=reading.pk).status == "approved"
    services.item_transition(actor=agency.publisher, item=policy, action="publish")
    reading = InfoItem.objects.get(pk=reading.pk)
    policy = InfoItem.objects.get(pk=policy.pk)
    assert reading.status == policy.status == "published"
    assert reading.index_no and reading.index_no != policy.index_no
    assert selectors.item_relations(policy)["in"] == [("interprets", reading)]


def test_ordinary_items_need_no_interpretation(agency):
    item = services.item_create(actor=agency.drafter, org=agency.org, data=ItemData(title="工作动态"))
    assert services.item_transition(actor=agency.drafter, item=item, action="submit").status == "submitted"


def test_r_pub_8_dashboard_lists_policies_still_missing_one(agency, settings):
    settings.GONGKAI_INTERPRETATION_GRACE_WORKING_DAYS = 3
    policy = _policy(agency)
    reading = _interpretation(agency, policy)
    services.item_transition(actor=agency.drafter, item=policy, action="submit")
    services.item_transition(actor=agency.reviewer, item=policy, action="approve")
    services.item_transition(actor=agency.publisher, item=policy, action="publish")
    # The interpretation is withdrawn afterwards: the policy is again without one.
    services.item_transition(actor=agency.publisher, item=reading, action="withdraw", comment="内容有误")
    # Published on Monday 2025-06-02: three working days later is Thursday 06-05.
    InfoItem.objects.filter(pk=policy.pk).update(
        published_at=timezone.make_aware(timezone.datetime(2025, 6, 2, 10, 0))
    )
    assert selectors.missing_interpretations(agency.drafter, today=date(2025, 6, 5)) == []
    rows = selectors.missing_interpretations(agency.drafter, today=date(2025, 6, 6))
    assert [(r["item"].pk, r["due"]) for r in rows] == [(policy.pk, date(2025, 6, 5))]
    assert date(2025, 6, 6) - timedelta(days=1) == rows[0]["due"]


def test_editor_proposes_an_end_date_for_normative_documents(client, agency):
    client.force_login(agency.drafter)
    response = client.post(
        "/staff/items/new/",
        {
            "org": agency.org.pk,
            "title": "某某管理办法",
            "kind": "normative",
            "disclosure": "proactive",
            "validity": "valid",
            "effective_on": "2026-03-01",
            "interpretation_exemption": "",
        },
        follow=True,
    )
    assert "建议“有效期至”填写 2031-02-28" in response.content.decode()
    item = InfoItem.objects.get(title="某某管理办法")
    assert item.valid_until is None  # proposed, never filled in
