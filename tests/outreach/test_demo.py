"""The outreach demo data (called by `gongkai demo` through portal.demo_apps): written through the services, with
one case in time and one late, and results that match the answers."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from gongkai.outreach import rules, selectors
from gongkai.outreach.demo import load_outreach_demo
from gongkai.outreach.models import Interview, OpinionCase, Survey, SurveyResponse
from gongkai.publishing.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_once(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        load_demo(items=60, today=date(2026, 9, 15))
    counts = load_outreach_demo(today=date(2026, 9, 15))
    assert counts == {"opinion_cases": 2, "interviews": 2, "surveys": 2}
    rows = {r.case.level: r for r in selectors.case_rows(OpinionCase.objects.all())}
    assert [c.state for c in rows[rules.MAJOR].checks] == [rules.MET, rules.MET]
    assert [c.state for c in rows[rules.GENERAL].checks] == [rules.LATE]
    assert [p.state for p in rows[rules.GENERAL].promises] == ["overdue"]
    assert set(Interview.objects.values_list("status", flat=True)) == {rules.FINISHED, rules.SCHEDULED}
    closed = Survey.objects.get(results_live=False)
    assert closed.closed_early_on is not None
    total, results = selectors.survey_results(closed)
    assert total == SurveyResponse.objects.filter(survey=closed).count() == 36
    assert sum(o.count for o in results[0].options) == 36
    assert not any(load_outreach_demo(today=date(2026, 9, 15)).values())
