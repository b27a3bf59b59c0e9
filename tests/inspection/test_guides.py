"""R-WEB-4 办事指南 key elements and the R-WEB-1 服务不实用 veto."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gongkai.inspection import rules
from gongkai.policy.models import GuideVersion, ServiceGuide
from gongkai.policy.rules import GUIDE_ELEMENTS, PUBLISHED
from tests.inspection.helpers import AS_OF, at, bare_agency, run

FULL = {key: f"{label}内容" for key, label in GUIDE_ELEMENTS}


def published_guide(agency, name: str, **blank: str) -> ServiceGuide:
    """A guide published before the policy app refused incomplete ones (legacy data): stored as such."""
    values = {**FULL, "name": name, **blank}
    guide = ServiceGuide.objects.create(org=agency.org, status=PUBLISHED, version=1, **values)
    GuideVersion.objects.create(
        guide=guide, number=1, snapshot=values, published_at=at(AS_OF - timedelta(days=3))
    )
    return guide


def test_veto_rule_needs_a_large_share():
    base = {"stale_columns": [], "empty_columns": 0, "homepage_is_stale": False}
    assert rules.VETO_GUIDES not in rules.vetoes(**base, guides=10, incomplete_guides=3)
    assert rules.VETO_GUIDES in rules.vetoes(**base, guides=9, incomplete_guides=3)
    assert rules.VETO_GUIDES not in rules.vetoes(**base, guides=0, incomplete_guides=0)
    assert rules.VETO_GUIDES in rules.vetoes(**base, guides=10, incomplete_guides=2, guide_veto_share=0.2)


@pytest.mark.django_db
def test_missing_elements_are_found_named_and_deducted():
    agency = bare_agency("gd")
    for n in range(3):
        published_guide(agency, f"完整事项{n}")
    published_guide(agency, "缺项事项", fees="", phone="暂无")
    report = run(agency)
    found = [f for f in report.findings if f.code == rules.MISSING_GUIDE_ELEMENT]
    assert len(found) == 1
    assert found[0].rule == "R-WEB-4"
    assert "缺项事项" in found[0].detail and "收费标准、联系电话" in found[0].detail
    assert {"key": "missing_guide_element", "count": 1, "points": 2} in report.verdict.deductions
    assert rules.VETO_GUIDES not in report.verdict.vetoes  # 1 of 4: the veto needs a third


@pytest.mark.django_db
def test_veto_when_a_large_share_is_incomplete_and_drafts_do_not_count():
    agency = bare_agency("gv")
    published_guide(agency, "缺项一", basis="")
    published_guide(agency, "完整二")
    ServiceGuide.objects.create(org=agency.org, name="草稿", status="draft")  # never published: not judged
    report = run(agency)
    assert rules.VETO_GUIDES in report.verdict.vetoes and report.verdict.verdict == "fail"


@pytest.mark.django_db
def test_guide_published_after_the_inspection_date_is_not_judged():
    agency = bare_agency("gf")
    guide = published_guide(agency, "未来事项", basis="")
    GuideVersion.objects.filter(guide=guide).update(published_at=timezone.now() + timedelta(days=400))
    assert not [f for f in run(agency).findings if f.code == rules.MISSING_GUIDE_ELEMENT]


@pytest.mark.django_db
def test_past_inspection_judges_the_version_current_then():
    """Review finding I11: a guide whose current version came after `as_of` is judged by its version of that day."""
    agency = bare_agency("gp")
    guide = published_guide(agency, "旧版缺项", fees="")
    later = {**FULL, "name": "新版完整"}
    ServiceGuide.objects.filter(pk=guide.pk).update(
        version=2, **{k: v for k, v in later.items() if k != "name"}
    )
    GuideVersion.objects.create(
        guide=guide, number=2, snapshot=later, published_at=at(AS_OF + timedelta(days=10))
    )
    report = run(agency)  # AS_OF: version 1, still missing 收费标准
    found = [f for f in report.findings if f.code == rules.MISSING_GUIDE_ELEMENT]
    assert len(found) == 1 and "旧版缺项" in found[0].detail and "收费标准" in found[0].detail
    later_report = run(agency, as_of=AS_OF + timedelta(days=11))  # version 2 is complete
    assert not [f for f in later_report.findings if f.code == rules.MISSING_GUIDE_ELEMENT]
