"""Request tests for the message pages: status, permission, errors, escaping, PII absent from public pages."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.participation import services
from gongkai.participation.models import Message
from gongkai.participation.services import ActionParams
from tests.factories import PASSWORD
from tests.participation.factories import WRITER, make_message

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def act(actor, message, action, **params):
    return services.message_transition(
        actor=actor, message=message, action=action, params=ActionParams(**params)
    )


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


FORM = {
    "category": "咨询",
    "subject": "公交线路调整",
    "body": "请问12路公交何时恢复？",
    "name": "孙七",
    "phone": "13655556666",
    "email": "sun7@example.com",
    "public_consent": "on",
}


def test_write_shows_tracking_number_and_code_once(agency, client):
    url = reverse("participation:write", args=[agency.org.code])
    assert client.get(url).status_code == 200
    r = client.post(url, FORM)
    assert r.status_code == 200
    m = Message.objects.get()
    code = re.search(r"查询码：<strong>([A-Z0-9]+)</strong>", r.content.decode()).group(1)
    assert m.tracking_no in r.content.decode()
    assert code not in m.query_code_hash
    # Tracking with the code works; the page never shows the writer's data.
    c = Client()
    r = c.post(reverse("participation:track"), {"tracking_no": m.tracking_no, "query_code": code})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "公交线路调整" in page and "孙七" not in page and "13655556666" not in page


def test_write_unknown_agency_404(client, db):
    assert client.get(reverse("participation:write", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize(
    ("body", "word"),
    [("长" * 50000, "不能超过"), ("😀🎉👍", "表情"), ("<script>alert('x')</script>", "网页代码")],
)
def test_write_bad_text_keeps_what_was_typed(agency, client, body, word):
    r = client.post(reverse("participation:write", args=[agency.org.code]), {**FORM, "body": body})
    assert r.status_code == 400
    page = r.content.decode()
    assert word in page
    assert "公交线路调整" in page and "孙七" in page  # the writer's own form, re-shown to them
    assert "<script>alert" not in page  # escaped
    if len(body) == 50000:
        assert body in page  # nothing lost
    assert Message.objects.count() == 0


def test_write_duplicate_and_throttle(agency, client, settings):
    url = reverse("participation:write", args=[agency.org.code])
    assert client.post(url, FORM).status_code == 200
    r = client.post(url, FORM)
    assert r.status_code == 400 and "请勿重复提交" in r.content.decode()
    settings.GONGKAI_MESSAGE_SUBMIT_LIMIT = 2
    r = client.post(url, {**FORM, "subject": "另一件事"})
    assert r.status_code == 429 and "提交过于频繁" in r.content.decode()
    assert "另一件事" in r.content.decode()


def test_write_missing_contact(agency, client):
    r = client.post(
        reverse("participation:write", args=[agency.org.code]), {**FORM, "phone": "", "email": ""}
    )
    assert r.status_code == 400 and "电话或电子邮箱" in r.content.decode()


def test_track_wrong_code_and_unknown_number_same_answer(agency, client):
    m, _ = make_message(agency.org)
    url = reverse("participation:track")
    a = client.post(url, {"tracking_no": m.tracking_no, "query_code": "WRONG23456"})
    b = client.post(url, {"tracking_no": "LY-2099-999999", "query_code": "WRONG23456"})
    assert a.status_code == b.status_code == 400
    banner = re.compile(r'<div class="banner err".*?</div>', re.S)
    assert "留言编号或查询码不正确" in a.content.decode()
    assert banner.search(a.content.decode()).group(0) == banner.search(b.content.decode()).group(0)


def test_track_detail_needs_the_code_in_this_session(agency, client):
    m, _ = make_message(agency.org)
    assert client.get(reverse("participation:track_detail", args=[m.tracking_no])).status_code == 404


def test_writer_rates_and_unsatisfied_allows_reopen(agency, client):
    m, code = make_message(agency.org)
    act(agency.handler, m, "accept", on=D("2025-01-27"))
    act(agency.handler, m, "reply", on=D("2025-01-28"), text="已答复。")
    m = act(agency.handler, m, "close", on=D("2025-01-28"))
    client.post(reverse("participation:track"), {"tracking_no": m.tracking_no, "query_code": code})
    rate = reverse("participation:rate", args=[m.tracking_no])
    assert client.post(rate, {"rating": "bogus"}).status_code == 400
    assert client.post(rate, {"rating": "unsatisfied"}).status_code == 302
    m.refresh_from_db()
    assert m.rating == "unsatisfied"
    act(agency.handler, m, "reopen")
    m.refresh_from_db()
    assert m.status == "processing" and m.round == 2


def test_every_public_page_hides_the_writers_personal_data(agency, other, client):
    m, _ = make_message(agency.org, subject="<b>路灯</b>不亮", body="<script>alert(1)</script>路灯坏了")
    act(agency.handler, m, "transfer", on=D("2025-01-26"), to_org=other.org)
    act(other.handler, m, "accept", on=D("2025-01-27"))
    act(other.handler, m, "reply", on=D("2025-01-28"), text="已修复<img src=x onerror=alert(1)>")
    report, _ = make_message(agency.org, category="举报", subject="举报某事")
    act(agency.handler, report, "accept", on=D("2025-01-27"))
    act(agency.handler, report, "reply", on=D("2025-01-28"), text="已转纪检部门。")
    urls = [
        "/",
        reverse("participation:list"),
        reverse("participation:org_list", args=[agency.org.code]),
        reverse("participation:org_list", args=[other.org.code]),
        reverse("participation:detail", args=[m.tracking_no]),
        reverse("participation:write_choose"),
        reverse("participation:write", args=[agency.org.code]),
        reverse("participation:track"),
        reverse("participation:figures") + "?year=2025",
        reverse("participation:figures_xlsx", args=[2025]),
        "/open311/v2/requests.json?start_date=2025-01-01&end_date=2025-12-31",
        "/open311/v2/requests.xml?start_date=2025-01-01&end_date=2025-12-31",
        f"/open311/v2/requests/{m.tracking_no}.json",
        f"/open311/v2/requests/{m.tracking_no}.xml",
    ]
    pages, data = [], []
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        if url.endswith(".xlsx"):
            wb = load_workbook(BytesIO(r.content))
            data.append(" ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row))
        elif "html" in r["Content-Type"]:
            pages.append(r.content.decode())
        else:  # JSON and XML carry the text as data (not markup)
            data.append(r.content.decode())
    joined = "\n".join(pages)
    for value in WRITER.values():
        assert value not in joined and value not in "\n".join(data)
    assert "举报某事" not in "\n".join(data)
    assert "路灯坏了" in joined and "<script>alert(1)</script>" not in joined and "&lt;script&gt;" in joined
    assert "<img src=x" not in joined
    # A 举报 is never public, even with consent.
    assert "举报某事" not in joined
    assert client.get(reverse("participation:detail", args=[report.tracking_no])).status_code == 404


def test_unanswered_or_private_message_not_on_public_detail(agency, client):
    m, _ = make_message(agency.org)
    assert client.get(reverse("participation:detail", args=[m.tracking_no])).status_code == 404


# ---------------------------------------------------------------- staff


def test_staff_inbox_and_detail_permissions(agency, other, client):
    m, _ = make_message(agency.org)
    inbox = reverse("participation_staff:inbox")
    detail = reverse("participation_staff:detail", args=[m.pk])
    assert client.get(inbox).status_code == 302  # login
    assert login(agency.drafter).get(inbox).status_code == 404
    r = login(agency.handler).get(inbox)
    assert r.status_code == 200 and m.tracking_no in r.content.decode()
    r = login(agency.handler).get(detail)
    page = r.content.decode()
    assert r.status_code == 200 and "期限推算" in page and "2025年2月13日" in page and "受理" in page
    assert login(other.handler).get(detail).status_code == 404
    assert m.tracking_no not in login(other.handler).get(inbox).content.decode()


def test_staff_actions(agency, other):
    m, _ = make_message(agency.org)
    c = login(agency.handler)
    url = lambda action: reverse("participation_staff:act", args=[m.pk, action])  # noqa: E731
    r = c.post(url("reject"), {"reject-on": "2025-01-27", "reject-comment": ""})
    assert r.status_code == 400 and "需要填写理由" in r.content.decode()
    assert c.post(url("accept"), {"accept-on": "2025-01-27"}).status_code == 302
    r = c.post(
        url("extend"), {"extend-on": "2025-02-10", "extend-working-days": "12", "extend-comment": "复杂"}
    )
    assert r.status_code == 400 and "延期应为 1 至 10 个工作日" in r.content.decode()
    r = c.post(url("reply"), {"reply-on": "2025-02-11", "reply-text": ""})
    assert r.status_code == 400
    assert c.post(url("reply"), {"reply-on": "2025-02-11", "reply-text": "答复内容"}).status_code == 302
    m.refresh_from_db()
    assert m.status == "replied"
    # An action the state does not allow, an unknown action, another agency.
    assert c.post(url("accept"), {"accept-on": "2025-02-12"}).status_code == 400
    assert c.post(url("bogus"), {}).status_code == 404
    assert login(other.handler).post(url("close"), {}).status_code == 404


def test_staff_transfer_redirects_to_inbox(agency, other):
    m, _ = make_message(agency.org)
    c = login(agency.handler)
    r = c.post(
        reverse("participation_staff:act", args=[m.pk, "transfer"]),
        {"transfer-on": "2025-01-27", "transfer-to_org": other.org.pk},
    )
    assert r.status_code == 302 and r["Location"] == reverse("participation_staff:inbox")
    m.refresh_from_db()
    assert m.holder_org == other.org


def test_supervise_only_for_the_office(agency, office):
    m, _ = make_message(agency.org)
    url = reverse("participation_staff:act", args=[m.pk, "supervise"])
    assert login(agency.handler).post(url, {"supervise-comment": "加快"}).status_code == 403
    assert login(office).post(url, {"supervise-comment": "请加快办理"}).status_code == 302
    assert "督办" in login(office).get(reverse("participation_staff:detail", args=[m.pk])).content.decode()


def test_personal_numbers_typed_into_a_public_message_are_masked(agency, client):
    """R-PII-1: a writer who types an ID or mobile number into a public message does not see it published."""
    id_no = "110101199003074477"  # a valid GB 11643 number (check character 7)
    m, _ = make_message(agency.org, category="咨询", body=f"我的身份证{id_no}，电话13912345678，请回电。")
    act(agency.handler, m, "accept", on=D("2025-01-27"))
    act(agency.handler, m, "reply", on=D("2025-01-28"), text="已电话联系13912345678。")
    page = client.get(reverse("participation:detail", args=[m.tracking_no])).content.decode()
    assert id_no not in page and "13912345678" not in page
    assert "110101********4477" in page  # the masked form (R-PII-3 default: first 6 and last 4)
