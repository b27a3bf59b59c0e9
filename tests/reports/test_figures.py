"""Tables 三 and 四, fees and table 二 computed from records with known answers (R-RPT-3, R-RPT-4, R-RPT-5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.orgs.models import Role
from gongkai.reports import rules, selectors, services
from tests.factories import make_agency, make_org, make_user, publish
from tests.reports.factories import fee, remedy, req

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture
def org():
    return make_org("年报测试局")


def build_2025(org):
    """Requests across the year ends; the expected cells are spelled out in the tests."""
    r1 = req(org, D(2024, 12, 20), replied_on=D(2025, 1, 10))  # carried over → disclosed
    req(org, D(2024, 11, 1), replied_on=D(2024, 12, 31))  # closed before the year: not counted
    r3 = req(org, D(2025, 3, 1), replied_on=D(2025, 3, 20), outcome="withheld.third_party")
    req(org, D(2025, 12, 25), replied_on=D(2026, 1, 5))  # new, replied next year → carried forward
    req(org, D(2025, 6, 1))  # new, still open → carried forward
    req(org, D(2024, 12, 30))  # carried over and still open → carried forward
    req(org, D(2025, 5, 5), withdrawn_on=D(2025, 5, 10))  # withdrawn → （六）3.其他
    req(org, None)  # awaiting confirmation: no receipt date, not counted
    req(org, D(2025, 1, 1), replied_on=D(2025, 1, 1))  # new, disclosed the same day
    req(org, D(2024, 12, 31), replied_on=D(2025, 1, 1))  # carried over, disclosed on 1 January
    b1 = req(
        org, D(2025, 2, 2), applicant_type="business", replied_on=D(2025, 2, 20), outcome="other.fee_unpaid"
    )
    req(
        org,
        D(2025, 7, 7),
        applicant_type="business",
        replied_on=D(2025, 7, 30),
        outcome="other.no_supplement",
    )
    req(org, D(2025, 8, 8), applicant_type="legal_service", replied_on=D(2025, 8, 20), outcome="partial")
    remedy(r1, "review", D(2025, 2, 1), "upheld", D(2025, 6, 1))
    remedy(r3, "review", D(2025, 4, 1), "corrected", D(2026, 1, 15))  # decided after 31 December → pending
    remedy(r3, "litigation_direct", D(2025, 5, 1))
    remedy(b1, "litigation_after_review", D(2025, 9, 1), "other", D(2025, 12, 31))
    remedy(r1, "review", D(2024, 12, 1), "upheld", D(2025, 1, 5))  # filed the year before: not counted
    fee(r3, "700", D(2025, 3, 5), paid_on=D(2025, 3, 10))
    fee(b1, "2740", D(2025, 2, 10))
    return r1, r3, b1


def test_table3_every_cell_with_year_end_crossings(org):
    build_2025(org)
    data = selectors.report_data(org, 2025)
    t = data.table3
    expected_nonzero = {
        ("new", "natural"): 5,
        ("new", "business"): 2,
        ("new", "legal_service"): 1,
        ("new", "total"): 8,
        ("carried_over", "natural"): 3,
        ("carried_over", "total"): 3,
        ("disclosed", "natural"): 3,
        ("disclosed", "total"): 3,
        ("partial", "legal_service"): 1,
        ("partial", "total"): 1,
        ("withheld.third_party", "natural"): 1,
        ("withheld.third_party", "total"): 1,
        ("other.other", "natural"): 1,
        ("other.other", "total"): 1,
        ("other.fee_unpaid", "business"): 1,
        ("other.fee_unpaid", "total"): 1,
        ("other.no_supplement", "business"): 1,
        ("other.no_supplement", "total"): 1,
        ("total", "natural"): 5,
        ("total", "business"): 2,
        ("total", "legal_service"): 1,
        ("total", "total"): 8,
        ("carried_forward", "natural"): 3,
        ("carried_forward", "total"): 3,
    }
    for row in rules.table3_rows(rules.FORMAT_2021):
        for col in rules.ALL_COLUMNS:
            assert t[row][col] == expected_nonzero.get((row, col), 0), (row, col)
    assert data.ok, [c.message for c in data.failing_checks]


def test_table4_results_as_of_31_december(org):
    build_2025(org)
    t4 = selectors.report_data(org, 2025).table4
    assert t4 == {
        "review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
    }
    # The next year sees the carried-forward requests closed and the 2026 decision as it is.
    data26 = selectors.report_data(org, 2026)
    assert data26.table3["carried_over"]["natural"] == 3
    assert data26.table3["disclosed"]["natural"] == 1
    assert data26.table3["carried_forward"]["natural"] == 2


def test_fee_summary_from_fee_records(org):
    build_2025(org)
    data = selectors.report_data(org, 2025)
    assert data.fees == rules.FeeSummary(notices=2, amount=Decimal("3440"), paid=1, collected=Decimal("700"))
    assert "2份" in data.fee_text and "3440元" in data.fee_text and "700元" in data.fee_text


def test_2019_format_folds_other_rows(org):
    req(org, D(2020, 2, 2), replied_on=D(2020, 2, 20), outcome="other.fee_unpaid")
    req(org, D(2020, 3, 2), replied_on=D(2020, 3, 20), outcome="other.no_supplement")
    req(org, D(2020, 4, 2), withdrawn_on=D(2020, 4, 3))
    data = selectors.report_data(org, 2020)
    assert data.format_version == "2019"
    assert data.table3["other"]["natural"] == 3 and data.table3["total"]["total"] == 3
    assert "other.fee_unpaid" not in data.table3
    assert set(data.table2) == {
        "rule",
        "normative",
        "licensing",
        "other_services",
        "penalty",
        "coercion",
        "fees",
        "procurement",
    }
    assert data.ok


def test_aggregation_is_done_in_the_database(org):
    for i in range(30):
        req(org, D(2025, 1 + i % 12, 1), applicant_type=rules.COLUMNS[i % 6], replied_on=D(2025, 12, 1))
    with CaptureQueriesContext(connection) as ctx:
        selectors.table3_counts([org.pk], 2025, rules.FORMAT_2021)
    assert len(ctx.captured_queries) == 1
    assert "GROUP BY" in ctx.captured_queries[0]["sql"].upper()


def test_government_report_aggregates_designated_agencies():
    gov = make_org("测试市人民政府", kind="government")
    dept = make_org("测试市某局", parent=gov)
    other = make_org("测试市另一局", parent=gov)
    admin = make_user("gov_admin", gov, Role.ORG_ADMIN)
    req(gov, D(2025, 3, 1), replied_on=D(2025, 3, 5))
    req(dept, D(2025, 3, 1), applicant_type="research", replied_on=D(2025, 3, 5))
    req(other, D(2025, 3, 1), replied_on=D(2025, 3, 5))
    report = services.report_open(actor=admin, org=gov, year=2025)
    assert selectors.report_data(gov, 2025, report=report).table3["new"]["total"] == 1
    report = services.report_designate(actor=admin, report=report, orgs=[dept])
    data = selectors.report_data(gov, 2025, report=report)
    assert data.table3["new"] == {
        **dict.fromkeys(rules.ALL_COLUMNS, 0),
        "natural": 1,
        "research": 1,
        "total": 2,
    }
    assert data.included == ["测试市某局"]
    assert selectors.report_data(gov, 2025, report=report, aggregate=False).table3["new"]["total"] == 1


def test_baseline_sets_carried_over_for_the_first_year_and_extras_balance_it(org):
    user = make_user("foi_head_b", org, Role.FOI_HEAD)
    req(org, D(2025, 5, 1), replied_on=D(2025, 5, 20))
    report = services.report_open(actor=user, org=org, year=2025)
    services.baseline_set(actor=user, org=org, year=2024, counts={"natural": 2, "business": "1"})
    data = selectors.report_data(org, 2025, report=report)
    assert data.baseline_used
    assert data.table3["carried_over"]["natural"] == 2 and data.table3["carried_over"]["total"] == 3
    failing = {c.id for c in data.failing_checks}
    assert failing == {"balance.natural", "balance.business", "balance.total"}
    # The pending requests were answered outside the platform: their outcomes are entered as figures.
    report = services.report_extra_set(
        actor=user, report=report, table="table3", row="disclosed", col="natural", value=2
    )
    report = services.report_extra_set(
        actor=user, report=report, table="table3", row="carried_forward", col="business", value=1
    )
    data = selectors.report_data(org, 2025, report=report)
    assert data.ok, [c.message for c in data.failing_checks]
    assert data.table3["disclosed"]["natural"] == 3 and data.table3["total"]["total"] == 3
    # The year after is computed from the records alone.
    assert selectors.report_data(org, 2026).table3["carried_over"]["total"] == 0


def test_table2_policy_rows_from_published_policies_and_manual_cells():
    agency = make_agency("t2")
    publish(agency, "关于规范测试工作的规定", kind="normative")
    publish(agency, "测试市测试管理办法", kind="rule")
    year = timezone.localdate().year
    head = make_user("t2_head", agency.org, Role.FOI_HEAD)
    report = services.report_open(actor=head, org=agency.org, year=year)
    report = services.report_table2_update(
        actor=head,
        report=report,
        values={
            "licensing": {"decisions": "194"},
            "fees": {"amount_10k_yuan": "650.6"},
            "rule": {"in_force": "5"},
        },
    )
    data = selectors.report_data(agency.org, year, report=report)
    assert data.table2["normative"] == {"made": 1, "repealed": 0, "in_force": 1}
    assert data.table2["rule"] == {"made": 1, "repealed": 0, "in_force": 5}  # a manual correction wins
    assert data.table2["licensing"]["decisions"] == 194
    assert data.table2["fees"]["amount_10k_yuan"] == Decimal("650.6")
    assert data.as_json()["table2"]["fees"]["amount_10k_yuan"] == 650.6
    # An empty value takes a computed cell back to the computed figure.
    report = services.report_table2_update(actor=head, report=report, values={"rule": {"in_force": ""}})
    assert selectors.report_data(agency.org, year, report=report).table2["rule"]["in_force"] == 1
