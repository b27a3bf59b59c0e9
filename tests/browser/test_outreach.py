"""Browser journey (issue 8, item 7): a citizen answers a survey with live results and sees the chart render."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gongkai.outreach.models import SurveyAnswer, SurveyResponse
from tests.outreach.factories import make_outreach_agency, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_answer_a_survey_and_see_the_chart(live_server, page: Page):
    survey = make_survey(make_outreach_agency("j"), live=True)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    expect(page.get_by_role("heading", name="公交服务满意度调查")).to_be_visible()

    page.get_by_role("radio", name="基本满意").check()
    page.get_by_role("checkbox", name="公交").check()
    page.get_by_role("checkbox", name="地铁").check()
    page.get_by_label("您还有什么建议？").fill("希望增加夜班车")
    page.get_by_role("button", name="提交答卷").click()

    expect(page.locator("#survey-done")).to_be_visible()
    expect(page.locator("#survey-total")).to_have_text("1")
    expect(page.locator('[data-chart="q1-chart"][data-chart-ready]')).to_be_attached()
    expect(page.locator('[data-chart="q1-chart"] svg')).to_be_attached()
    expect(page.get_by_role("button", name="提交答卷")).to_have_count(0)
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyAnswer.objects.filter(response__survey=survey).count() == 4

    # Coming back with the same browser: no second answer sheet.
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    expect(page.get_by_text("您已经参加过本次调查")).to_be_visible()
