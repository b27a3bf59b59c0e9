"""Dashboards: the trend of open findings and score per agency and for the whole site (ECharts + a table)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from gongkai.inspection import selectors
from gongkai.inspection.models import Finding, InspectionRun, OrgVerdict
from gongkai.orgs.models import User
from tests.inspection.helpers import AS_OF, bare_agency, column, put, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """An agency with two stale columns seen 10 days ago, one fixed 3 days ago; runs 10 and 3 days ago."""
    a = bare_agency("tr")
    put(a, AS_OF - timedelta(days=30), columns=[column(a, "动态一", "news")])
    put(a, AS_OF - timedelta(days=30), columns=[column(a, "动态二", "news")])
    put(a, AS_OF)
    run(a, persist=True)
    today = timezone.localdate()
    ten, three = timezone.now() - timedelta(days=10), timezone.now() - timedelta(days=3)
    Finding.objects.filter(org=a.org).update(first_seen_at=ten)
    fixed = Finding.objects.filter(org=a.org).order_by("id").first()
    Finding.objects.filter(pk=fixed.pk).update(resolved_at=three)
    InspectionRun.objects.update(as_of=today - timedelta(days=10))
    later = InspectionRun.objects.create(as_of=today - timedelta(days=3), network=False, finished_at=three)
    OrgVerdict.objects.create(run=later, org=a.org, verdict="pass", score=97, vetoes=[], deductions=[])
    return a


def test_trend_counts_open_new_fixed_and_scores(history):
    today = timezone.localdate()
    rows = {r["day"]: r for r in selectors.trend([history.org])}
    assert min(rows) == today - timedelta(days=10) and max(rows) == today
    assert (rows[today - timedelta(days=10)]["open"], rows[today - timedelta(days=10)]["new"]) == (2, 2)
    assert rows[today - timedelta(days=10)]["score"] == 94
    assert rows[today - timedelta(days=4)]["open"] == 2 and rows[today - timedelta(days=4)]["score"] is None
    assert (rows[today - timedelta(days=3)]["open"], rows[today - timedelta(days=3)]["fixed"]) == (1, 1)
    assert rows[today - timedelta(days=3)]["score"] == 97 and rows[today]["open"] == 1
    table = selectors.trend_table(list(rows.values()))
    assert [r["day"] for r in table] == [today - timedelta(days=10), today - timedelta(days=3)]


def test_org_page_and_admin_index_draw_the_chart_with_a_table(client, history):
    client.force_login(history.drafter)
    page = client.get(f"/staff/inspection/orgs/{history.org.code}/").content.decode()
    assert 'data-chart="trend-chart"' in page and "echarts.min.js" in page and 'id="trend-table"' in page
    option = json.loads(
        page.split('<script id="trend-chart" type="application/json">', 1)[1].split("</script>")[0]
    )
    assert option["series"][0]["data"][-1] == 1 and 97 in option["series"][1]["data"]
    admin = User.objects.create_user(username="tr-admin", password="x-Password-2026", is_platform_admin=True)
    client.force_login(admin)
    page = client.get("/staff/inspection/").content.decode()
    assert "平均得分" in page and "不合格单位" in page


def test_no_history_no_chart(client):
    a = bare_agency("tn")
    client.force_login(a.drafter)
    page = client.get(f"/staff/inspection/orgs/{a.org.code}/").content.decode()
    assert "data-chart" not in page and "echarts" not in page
