"""领导信箱 per leader (issue 8 item 2): an agency's org admin opens a leader's mailbox; the public write page offers it;
a message written to it is the agency's message on the channel 领导信箱, marked with the mailbox, in the same loop; a
closed mailbox or another agency's is refused with a clear message and what was typed kept."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role
from gongkai.participation import selectors, services
from gongkai.participation.models import Mailbox, Message
from gongkai.participation.services import MessageData
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

FORM = {
    "category": "建议",
    "subject": "关于老旧小区加装电梯的建议",
    "body": "建议简化加装电梯的审批流程。",
    "name": "孙七",
    "phone": "13655556666",
}


@pytest.fixture
def org_admin(agency):
    return make_user("a_orgadmin", agency.org, Role.ORG_ADMIN)


@pytest.fixture
def mayor(agency, org_admin) -> Mailbox:
    return services.mailbox_set(actor=org_admin, org=agency.org, title="市长", name="张明")


def test_only_org_admins_open_mailboxes_and_every_change_is_audited(agency, other, org_admin, mayor):
    with pytest.raises(PermissionDenied):
        services.mailbox_set(actor=agency.handler, org=agency.org, title="副市长", name="李华")
    with pytest.raises(PermissionDenied):
        services.mailbox_set(actor=org_admin, org=other.org, title="区长", name="王强")
    with pytest.raises(ApplicationError) as exc:
        services.mailbox_set(actor=org_admin, org=agency.org, title=" ", name="李华")
    assert exc.value.field == "title"
    closed = services.mailbox_set(actor=org_admin, org=agency.org, title="市长", name="张明", is_active=False)
    assert closed.pk == mayor.pk and not closed.is_active  # the same mailbox, closed, its messages kept
    assert AuditEntry.objects.filter(action="message.mailbox_set").count() == 2
    assert selectors.open_mailboxes(agency.org) == []


def test_message_to_a_mailbox_is_the_agencys_message_on_the_leader_channel(agency, other, mayor, client):
    url = reverse("participation:write", args=[agency.org.code])
    page = client.get(f"{url}?to={mayor.pk}").content.decode()
    assert "写信给" in page and "市长张明信箱" in page
    assert "市长张明信箱" in client.get(reverse("participation:write_choose")).content.decode()
    r = client.post(url, {**FORM, "mailbox": str(mayor.pk)})
    assert r.status_code == 200
    m = Message.objects.get()
    assert (m.org, m.holder_org, m.channel, m.mailbox) == (agency.org, agency.org, "领导信箱", mayor)
    assert m.due_on is not None  # the same clock
    staff = Client()
    assert staff.login(username=agency.handler.username, password=PASSWORD)
    assert "领导信箱（市长张明信箱）" in staff.get(f"/staff/participation/{m.pk}/").content.decode()
    # Without a choice: the 部门信箱, as before.
    client.post(url, {**FORM, "subject": "另一件事", "body": "另一件事的内容。", "phone": "13655557777"})
    assert Message.objects.filter(mailbox=None, channel="部门信箱").count() == 1


def test_closed_or_foreign_mailbox_refused_with_the_text_kept(agency, other, org_admin, mayor, client):
    url = reverse("participation:write", args=[agency.org.code])
    services.mailbox_set(actor=org_admin, org=agency.org, title="市长", name="张明", is_active=False)
    r = client.post(url, {**FORM, "mailbox": str(mayor.pk)})
    assert r.status_code == 400 and FORM["body"] in r.content.decode()
    assert not Message.objects.exists()
    other_admin = make_user("b_orgadmin", other.org, Role.ORG_ADMIN)
    foreign = services.mailbox_set(actor=other_admin, org=other.org, title="区长", name="王强")
    with pytest.raises(ApplicationError) as exc:
        services.message_submit(
            org=agency.org,
            data=MessageData(category="建议", subject="题目", body="内容。", name="孙七", phone="1"),
            address="192.0.2.9",
            mailbox=foreign,
        )
    assert exc.value.code == "bad_mailbox"


def test_staff_page_opens_and_closes_mailboxes(agency, other, org_admin):
    staff = Client()
    assert staff.login(username="a_orgadmin", password=PASSWORD)
    url = "/staff/participation/mailboxes/"
    assert staff.get(url).status_code == 200
    r = staff.post(url, {"org": agency.org.pk, "title": "", "name": "李华"})
    assert r.status_code == 400 and "请填写职务" in r.content.decode()
    r = staff.post(url, {"org": other.org.pk, "title": "区长", "name": "王强"})
    assert r.status_code == 400 and not Mailbox.objects.exists()  # not an agency it administers
    assert (
        staff.post(
            url, {"org": agency.org.pk, "title": "副市长", "name": "李华", "position": "2"}
        ).status_code
        == 302
    )
    box = Mailbox.objects.get()
    assert staff.post(f"{url}{box.pk}/toggle/").status_code == 302
    assert not Mailbox.objects.get().is_active
    # A message handler (not an admin) has no mailbox page and cannot reach a mailbox.
    handler = Client()
    assert handler.login(username=agency.handler.username, password=PASSWORD)
    assert handler.get(url).status_code == 404
    assert handler.post(f"{url}{box.pk}/toggle/").status_code == 404
