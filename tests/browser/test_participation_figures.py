"""Browser (issue 8): the 12345 yearly figures page draws its ECharts charts from the json_script islands (served
locally, no inline script) next to the tables."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from gongkai.core.workdays import calendar_prefill_from_package
from tests.participation.factories import make_message, make_msg_agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_figures_page_draws_the_charts(live_server, page: Page):
    calendar_prefill_from_package()  # a transactional test starts with flushed tables
    agency = make_msg_agency("fig")
    make_message(agency.org, category="咨询", received_on=date(2025, 3, 3), subject="甲", body="甲事")
    make_message(agency.org, category="投诉", received_on=date(2025, 4, 7), subject="乙", body="乙事")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/messages/figures/?year=2025")
    expect(page.locator("#figures-total")).to_have_text("2")
    expect(page.locator('[data-chart="figures-chart"][data-chart-ready]')).to_be_attached()
    expect(page.locator('[data-chart="satisfaction-chart"][data-chart-ready]')).to_be_attached()
    expect(
        page.locator("[data-chart=figures-chart] svg rect").first
    ).to_be_attached()  # the SVG renderer drew bars
    expect(page.get_by_role("table", name="按类别")).to_be_visible()
    assert errors == []
