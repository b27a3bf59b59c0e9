"""The one-click mask (`/staff/inspection/items/<pk>/mask/`, R-PUB-9) after submission: only the agency's reviewer or
publisher may change the body — the same agency's drafter and agency administrator are refused (review test gap)."""

from __future__ import annotations

import pytest

from gongkai.core.models import AuditEntry
from gongkai.inspection.models import Precheck
from gongkai.inspection.services import precheck_record
from gongkai.publishing.services import item_transition
from tests.factories import draft, make_agency

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"


def test_same_agency_staff_without_reviewer_or_publisher_role_is_refused(client):
    agency = make_agency("imk")
    item = draft(agency, body_html=f"<p>联系电话{MOBILE}</p>")
    item = item_transition(actor=agency.drafter, item=item, action="submit")
    record = precheck_record(actor=agency.drafter, item=item)
    match = next(m for m in record.matches if m["kind"] == "mobile")
    url = f"/staff/inspection/items/{item.pk}/mask/"
    post = {"start": match["start"], "masked": match["masked"]}
    for user in (agency.drafter, agency.admin):
        client.force_login(user)
        page = client.post(url, post, follow=True).content.decode()
        assert "没有遮蔽本信息内容的权限" in page and "已遮蔽为" not in page
        item.refresh_from_db()
        assert MOBILE in item.body_html and MOBILE in item.body_text
    assert not AuditEntry.objects.filter(action="item.mask", object_id=str(item.pk)).exists()
    assert Precheck.objects.filter(item=item).count() == 1
    # The reviewer of the same agency may.
    client.force_login(agency.reviewer)
    assert "已遮蔽为" in client.post(url, post, follow=True).content.decode()
    item.refresh_from_db()
    assert MOBILE not in item.body_html
