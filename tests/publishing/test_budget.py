"""R-PUB-13: budgets and final accounts published within 20 (calendar) days of approval; the city-wide table."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.publishing import selectors, services
from gongkai.publishing.budget_rules import budget_state, due_date
from gongkai.publishing.models import InfoItem
from tests.factories import make_agency, publish


def test_r_pub_13_deadline_is_20_calendar_days():
    assert due_date(date(2026, 2, 1)) == date(2026, 2, 21)  # across the Spring Festival: calendar days
    today = date(2026, 3, 1)
    assert (
        budget_state(approved_on=date(2026, 2, 1), published_on=date(2026, 2, 21), today=today).code
        == "on_time"
    )
    late = budget_state(approved_on=date(2026, 2, 1), published_on=date(2026, 2, 22), today=today)
    assert late.code == "late" and "1 天" in late.label
    assert (
        budget_state(approved_on=date(2026, 2, 1), published_on=None, today=date(2026, 2, 21)).code
        == "pending"
    )
    assert (
        budget_state(approved_on=date(2026, 2, 1), published_on=None, today=date(2026, 2, 22)).code
        == "overdue"
    )
    assert budget_state(approved_on=None, published_on=None, today=today).code == "not_approved"


@pytest.mark.django_db
def test_city_wide_table(client):
    a = make_agency("bu", name="示例市财政局")
    b = make_agency("bv", name="示例市教育局")
    item = publish(a, "示例市财政局2026年部门预算")
    InfoItem.objects.filter(pk=item.pk).update(published_at=timezone.make_aware(datetime(2026, 2, 25, 9)))
    item.refresh_from_db()
    services.budget_record(
        actor=a.publisher, org=a.org, year=2026, kind="budget", approved_on=date(2026, 2, 1), item=item
    )
    services.budget_record(
        actor=b.publisher, org=b.org, year=2026, kind="budget", approved_on=date(2026, 2, 1)
    )
    with pytest.raises(PermissionDenied):
        services.budget_record(actor=b.drafter, org=b.org, year=2026, kind="budget", approved_on=None)
    with pytest.raises(ApplicationError) as err:
        services.budget_record(
            actor=b.publisher, org=b.org, year=2026, kind="budget", approved_on=None, item=item
        )
    assert err.value.code == "bad_item"  # another agency's item
    table = selectors.budget_table(2026, today=date(2026, 3, 1))
    states = {row["org"].name: row["cells"][0]["state"].code for row in table["rows"]}
    assert states == {"示例市财政局": "late", "示例市教育局": "overdue"}
    page = client.get("/budgets/2026/").content.decode()
    assert "示例市财政局" in page and "逾期" in page


@pytest.mark.django_db
def test_staff_budget_page(client):
    a = make_agency("bw")
    publish(a, "2026年部门决算", doc_no="示财发[2026]5号")
    client.force_login(a.publisher)
    response = client.post(
        "/staff/budgets/",
        {
            "org": a.org.pk,
            "year": "2026",
            "kind": "final_accounts",
            "approved_on": "2026-07-01",
            "item": "示财发〔2026〕5号",
        },
    )
    assert response.status_code == 302
    bad = client.post("/staff/budgets/", {"org": a.org.pk, "year": "明年", "kind": "budget"}, follow=True)
    assert "格式不正确" in bad.content.decode()
    page = client.get("/staff/budgets/").content.decode()
    assert "2026年部门决算" in page
