"""Staff registration of messages received by phone, letter or in person: same loop and clock, receipt date theirs."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import AuditEntry
from gongkai.participation import selectors, services
from gongkai.participation.models import Message
from gongkai.participation.services import MessageData
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def data(**kw) -> MessageData:
    base = {
        "category": "投诉",
        "subject": "来电反映：小区垃圾清运不及时",
        "body": "来电人反映幸福小区垃圾已三天未清运。",
        "channel": "12345热线电话",
    }
    base.update(kw)
    return MessageData(**base)


def test_register_counts_the_clock_from_the_receipt_date(agency):
    created = services.message_register(
        actor=agency.handler, org=agency.org, data=data(), received_on=D("2026-02-13")
    )
    m = created.message
    # R-CAL-2: 投诉 10 working days strictly after Friday 2026-02-13, across the Spring Festival, is 2026-03-05.
    assert m.received_on == D("2026-02-13") and m.due_on == D("2026-03-05")
    assert m.channel == "12345热线电话" and m.registered_by == agency.handler and m.status == "received"
    assert AuditEntry.objects.filter(action="message.register", actor=agency.handler).exists()
    # The query code tracks it like a message written on the site.
    assert (
        selectors.get_message_for_writer(
            tracking_no=m.tracking_no, query_code=created.query_code, address="x"
        )
        == m
    )
    services.message_transition(actor=agency.handler, message=m, action="accept")
    assert Message.objects.get().status == "processing"


def test_register_refusals(agency, other):
    today = timezone.localdate()
    with pytest.raises(services.PermissionDenied):
        services.message_register(actor=other.handler, org=agency.org, data=data(), received_on=today)
    with pytest.raises(services.PermissionDenied):
        services.message_register(actor=agency.drafter, org=agency.org, data=data(), received_on=today)
    for received_on, code in (
        (today + timedelta(days=1), "bad_date"),
        (today - timedelta(days=400), "bad_date"),
    ):
        with pytest.raises(services.ApplicationError) as exc:
            services.message_register(
                actor=agency.handler, org=agency.org, data=data(), received_on=received_on
            )
        assert exc.value.code == code and exc.value.field == "received_on"
    with pytest.raises(services.ApplicationError) as exc:
        services.message_register(
            actor=agency.handler, org=agency.org, data=data(body="<script>x</script>"), received_on=today
        )
    assert exc.value.code == "bad_text"
    assert not Message.objects.exists()


def test_register_page(agency, other):
    c = login(agency.handler)
    url = reverse("participation_staff:register")
    page = c.get(url)
    assert page.status_code == 200 and other.org.name not in page.content.decode()
    form = {
        "org": agency.org.pk,
        "channel": "来信",
        "received_on": "2026-02-13",
        "category": "建议",
        "subject": "关于增设公交站的建议",
        "body": "建议在幸福路口增设公交站。",
        "name": "王来信",
        "address": "幸福路1号",
    }
    r = c.post(url, form)
    assert r.status_code == 200
    m = Message.objects.get()
    code = re.search(r"查询码：<strong>([A-Z0-9]+)</strong>", r.content.decode()).group(1)
    assert m.tracking_no in r.content.decode() and len(code) == 10
    assert m.writer_address == "幸福路1号" and m.channel == "来信" and m.due_on == D("2026-03-05")
    detail = c.get(reverse("participation_staff:detail", args=[m.pk])).content.decode()
    assert "王来信" in detail and "登记人" in detail
    # Bad input comes back with everything typed and a message.
    bad = c.post(url, {**form, "received_on": "2099-01-01", "subject": "再一条"})
    assert bad.status_code == 400 and "收到日期不能晚于今天" in bad.content.decode()
    assert "建议在幸福路口增设公交站。" in bad.content.decode()
    bad = c.post(url, {**form, "received_on": "24/01/2025", "body": "😀😀"})
    assert bad.status_code == 400
    assert "日期应为 YYYY-MM-DD" in bad.content.decode() and "表情" in bad.content.decode()
    # Another agency's org cannot be chosen; someone without the role gets 404.
    assert login(agency.handler).post(url, {**form, "org": other.org.pk}).status_code == 400
    assert login(agency.drafter).get(url).status_code == 404
    assert Message.objects.count() == 1
