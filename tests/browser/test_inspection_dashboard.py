"""Browser: the agency's inspection page draws the trend chart (ECharts served locally)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from gongkai.core.workdays import calendar_prefill_from_package
from tests.browser.test_publishing_journey import login
from tests.inspection.helpers import AS_OF, bare_agency, column, put, run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trend_chart_is_drawn(live_server, page: Page):
    calendar_prefill_from_package()  # a transactional test starts with flushed tables
    agency = bare_agency("bdash")
    put(agency, AS_OF - timedelta(days=30), columns=[column(agency, "部门动态", "news")])
    run(agency, persist=True)
    login(page, live_server.url, agency.drafter.username)
    page.goto(f"{live_server.url}/staff/inspection/orgs/{agency.org.code}/")
    expect(page.locator('[data-chart="trend-chart"][data-chart-ready]')).to_be_attached()
    expect(page.locator("#trend-table tbody tr")).to_have_count(1)
