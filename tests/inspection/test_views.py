"""Staff pages: an agency sees its own findings; platform admins see every agency; others get a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gongkai.inspection.models import ColumnPolicy, DeductionRule, SensitiveWord
from gongkai.orgs.models import User
from tests.inspection.helpers import AS_OF, bare_agency, column, put, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    a, b = bare_agency("va"), bare_agency("vb")
    stale_a = column(a, "甲要闻", "news")
    put(a, AS_OF - timedelta(days=30), columns=[stale_a])
    item_b = put(b, AS_OF, body_html='<p><a href="/items/999999/">乙的坏链接</a></p>')
    run(a, persist=True)
    run(b, persist=True)
    admin = User.objects.create_user(username="gkb-admin", password="x-Password-2026", is_platform_admin=True)
    return a, b, stale_a, item_b, admin


def test_anonymous_is_sent_to_login(client, setup):
    response = client.get("/staff/inspection/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_agency_staff_see_their_own_findings_with_fix_links(client, setup):
    a, _b, stale_a, _item_b, _ = setup
    client.force_login(a.drafter)
    response = client.get("/staff/inspection/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "甲要闻" in page
    assert f"/staff/columns/{stale_a.pk}/" in page
    assert "乙的坏链接" not in page and "/items/999999/" not in page


def test_other_agencies_findings_are_a_404(client, setup):
    a, b, *_ = setup
    client.force_login(a.drafter)
    assert client.get(f"/staff/inspection/orgs/{b.org.code}/").status_code == 404
    assert client.get(f"/staff/inspection/orgs/{a.org.code}/").status_code == 200


def test_item_findings_link_to_the_item_page(client, setup):
    _, b, _, item_b, _ = setup
    client.force_login(b.publisher)
    page = client.get(f"/staff/inspection/orgs/{b.org.code}/").content.decode()
    assert f"/staff/items/{item_b.pk}/" in page
    assert "/items/999999/" in page


def test_platform_admin_sees_every_agency_with_verdicts(client, setup):
    a, b, *_, admin = setup
    client.force_login(admin)
    page = client.get("/staff/inspection/").content.decode()
    assert a.org.name in page and b.org.name in page
    assert "合格" in page
    assert client.get(f"/staff/inspection/orgs/{b.org.code}/").status_code == 200


def test_word_and_rule_pages_are_for_platform_admins_only(client, setup):
    a, _, stale_a, _, _admin = setup
    client.force_login(a.admin)
    for url in [
        "/staff/inspection/words/",
        "/staff/inspection/rules/",
        f"/staff/inspection/columns/{stale_a.pk}/policy/",
    ]:
        assert client.get(url).status_code == 404
    assert client.post("/staff/inspection/words/", {"word": "x", "kind": "block"}).status_code == 404
    assert not SensitiveWord.objects.exists()


def test_admin_keeps_words_rules_and_exemptions(client, setup):
    _a, _, stale_a, _, admin = setup
    client.force_login(admin)
    response = client.post("/staff/inspection/words/", {"word": "赌博", "kind": "block", "note": ""})
    assert response.status_code == 302
    entry = SensitiveWord.objects.get()
    assert client.post("/staff/inspection/words/", {"word": "赌博", "kind": "block"}).status_code == 200
    assert client.post(f"/staff/inspection/words/{entry.pk}/delete/").status_code == 302
    assert not SensitiveWord.objects.exists()

    rule = DeductionRule.objects.get(key="broken_link")
    assert (
        client.post("/staff/inspection/rules/", {"rule": rule.pk, "points": 2, "cap": 8}).status_code == 302
    )
    rule.refresh_from_db()
    assert (rule.points, rule.cap) == (2, 8)
    bad = client.post("/staff/inspection/rules/", {"rule": rule.pk, "points": "很多", "cap": 8})
    assert bad.status_code == 400 and "0 到 100" in bad.content.decode()

    url = f"/staff/inspection/columns/{stale_a.pk}/policy/"
    missing = client.post(url, {"pii_exemption": "sanction", "basis": ""})
    assert missing.status_code == 400 and "豁免依据" in missing.content.decode()
    assert client.post(url, {"pii_exemption": "sanction", "basis": "某条例"}).status_code == 302
    assert ColumnPolicy.objects.get(column=stale_a).pii_exemption == "sanction"
