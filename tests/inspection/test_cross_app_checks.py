"""Inspection reads the participation and open-data apps: R-WEB-1 互动回应差 (a veto) and stale datasets."""

from datetime import date

import pytest

from gongkai.inspection import rules, selectors
from gongkai.inspection.services import _verdict
from tests.factories import make_agency

pytestmark = pytest.mark.django_db


def test_r_web_1_unanswered_message_is_a_veto():
    from tests.participation.factories import make_message

    agency = make_agency("ia")
    make_message(agency.org, category="咨询", subject="关于办事时间的咨询", received_on=date(2026, 1, 5))
    result = selectors.collect_findings(agency.org, date(2026, 5, 1))
    assert rules.UNANSWERED_MESSAGE in [f.code for f in result.findings]
    verdict = _verdict(result, selectors.deduction_rules())
    assert verdict.verdict == "fail" and rules.VETO_UNANSWERED in verdict.vetoes
    # Before three months have passed there is nothing to find.
    early = selectors.collect_findings(agency.org, date(2026, 3, 1))
    assert rules.UNANSWERED_MESSAGE not in [f.code for f in early.findings]


def test_vetoes_rule_counts_unanswered_messages():
    assert rules.vetoes(
        stale_columns=[], empty_columns=0, homepage_is_stale=False, unanswered_messages=1
    ) == [rules.VETO_UNANSWERED]
    assert rules.vetoes(stale_columns=[], empty_columns=0, homepage_is_stale=False) == []


def test_stale_dataset_finding():
    from datetime import timedelta

    from django.utils import timezone

    from gongkai.opendata import services as data_services
    from gongkai.orgs.models import Role
    from tests.factories import make_user

    agency = make_agency("ib")
    publisher = make_user("ib_data", agency.org, Role.DATA_PUBLISHER)
    data_services.dataset_create(
        actor=publisher,
        org=agency.org,
        publish=True,
        data=data_services.DatasetData(
            name="monthly", title="月度统计", description="每月更新", update_frequency="monthly"
        ),
    )
    today = timezone.localdate()
    assert rules.STALE_DATASET not in [f.code for f in selectors.collect_findings(agency.org, today).findings]
    later = selectors.collect_findings(agency.org, today + timedelta(days=40))
    found = [f for f in later.findings if f.code == rules.STALE_DATASET]
    assert len(found) == 1 and "月度统计" in found[0].detail
