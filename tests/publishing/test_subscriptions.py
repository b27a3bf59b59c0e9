"""精准推送 (issue 7 §10): double opt-in, one-click unsubscribe, a daily digest, feeds with the same filters."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from gongkai.publishing import subscriptions
from gongkai.publishing.models import InfoItem, Subscription
from tests.factories import make_agency, publish

pytestmark = pytest.mark.django_db(transaction=True)


def _link(body, kind):
    return re.search(rf"http://testserver(/subscribe/{kind}/[^/\s]+/)", body).group(1)


@pytest.fixture
def agency():
    return make_agency("sb", name="示例市教育局")


def test_double_opt_in_digest_and_unsubscribe(client, agency):
    response = client.post(
        "/subscribe/", {"email": "Citizen@Example.cn", "org": agency.org.code, "keyword": "招生"}
    )
    assert response.status_code == 200 and "请到邮箱确认订阅" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["citizen@example.cn"]
    sub = Subscription.objects.get()
    assert (
        sub.confirmed_at is None and sub.token_hash not in mail.outbox[0].body
    )  # the token is stored hashed

    publish(agency, "关于2026年秋季招生工作的通知")
    # Not confirmed: no digest.
    assert subscriptions.send_daily_digests(base_url="http://testserver") == 0

    confirm = client.get(_link(mail.outbox[0].body, "confirm"))
    assert confirm.status_code == 200 and "订阅已确认" in confirm.content.decode()
    Subscription.objects.update(confirmed_at=timezone.now() - timedelta(days=1))
    InfoItem.objects.update(published_at=timezone.now() - timedelta(hours=1))
    publish(agency, "关于调整食堂开放时间的通知")  # does not match the keyword
    InfoItem.objects.filter(title__contains="食堂").update(published_at=timezone.now() - timedelta(hours=1))

    assert subscriptions.send_daily_digests(base_url="http://testserver") == 1
    digest = mail.outbox[-1]
    assert "关于2026年秋季招生工作的通知" in digest.body and "食堂" not in digest.body
    # Once a day.
    assert subscriptions.send_daily_digests(base_url="http://testserver") == 0

    cancel = client.get(_link(digest.body, "unsubscribe"))
    assert cancel.status_code == 200 and "已退订" in cancel.content.decode()
    assert not Subscription.objects.get().active


def test_bad_input_keeps_what_was_typed(client, agency):
    page = client.post("/subscribe/", {"email": "not-an-email", "keyword": "社保"}).content.decode()
    assert "电子邮箱格式不正确" in page and 'value="社保"' in page
    page = client.post("/subscribe/", {"email": "a@example.cn"}).content.decode()
    assert "请至少选择一个订阅条件" in page
    page = client.post("/subscribe/", {"email": "a@example.cn", "org": "000000000"}).content.decode()
    assert "机关不存在" in page
    assert not Subscription.objects.exists() and mail.outbox == []


def test_bad_token_is_404(client):
    assert client.get("/subscribe/confirm/nonsense/").status_code == 404
    assert client.get("/subscribe/unsubscribe/nonsense/").status_code == 404


def test_subscribing_is_throttled_per_client(client, agency):
    statuses = [
        client.post("/subscribe/", {"email": f"u{i}@example.cn", "org": agency.org.code}).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]


def test_feed_uses_the_same_filters(client, agency):
    publish(agency, "关于招生的公告", subject="科技、教育\\教育")
    publish(agency, "其他通知", subject="综合政务")
    rss = client.get(f"/feeds/items.rss?org={agency.org.code}&subject=科技、教育")
    assert rss.status_code == 200
    titles = [e.text for e in ET.fromstring(rss.content).iter("title")]
    assert "关于招生的公告" in titles and "其他通知" not in titles
    atom = client.get("/feeds/items.atom?keyword=招生")
    assert atom.status_code == 200 and b"<feed" in atom.content
    assert client.get("/feeds/items.rss?org=000000000").status_code == 400
    assert client.get("/feeds/items.rss?subject=不存在").status_code == 400


def test_unconfirmed_subscriptions_cannot_use_up_the_owners_quota(agency):
    """Review finding: a stranger typing someone's address must not exhaust that address's quota (MAX_PER_EMAIL)."""
    filters = subscriptions.Filters(org=agency.org)
    for n in range(subscriptions.MAX_PER_EMAIL + 3):
        subscriptions.subscription_create(
            email="victim@example.cn",
            filters=subscriptions.Filters(org=agency.org, keyword=f"词{n}"),
            base_url="http://testserver",
        )
    pending = Subscription.objects.filter(email="victim@example.cn", confirmed_at__isnull=True)
    assert pending.count() == subscriptions.MAX_PENDING_PER_EMAIL
    # The newest pending ones are kept; the owner can still subscribe and confirm.
    assert pending.filter(keyword=f"词{subscriptions.MAX_PER_EMAIL + 2}").exists()
    own = subscriptions.subscription_create(
        email="victim@example.cn", filters=filters, base_url="http://testserver"
    )
    assert Subscription.objects.filter(pk=own.pk).exists()


def test_confirmed_subscriptions_count_towards_the_quota(agency):
    for n in range(subscriptions.MAX_PER_EMAIL):
        Subscription.objects.create(
            email="busy@example.cn",
            org=agency.org,
            keyword=f"词{n}",
            token_hash=f"h{n}",
            confirmed_at=timezone.now(),
        )
    with pytest.raises(subscriptions.ApplicationError) as exc:
        subscriptions.subscription_create(
            email="busy@example.cn",
            filters=subscriptions.Filters(org=agency.org),
            base_url="http://testserver",
        )
    assert exc.value.code == "too_many"
