"""The pure rules of the annual report: formats (R-RPT-5), tables (R-RPT-3), checks (R-RPT-4), layout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gongkai.reports import layout, rules

F19, F21 = rules.FORMAT_2019, rules.FORMAT_2021


def balanced_table3(fmt: str = F21) -> dict[str, dict[str, int]]:
    # natural: 5 new + 2 carried over = 4 disclosed + 1 not held + 2 forward; business: 1 new = 1 partial
    return rules.complete_table3(
        {
            "new": {"natural": 5, "business": 1},
            "carried_over": {"natural": 2},
            "disclosed": {"natural": 4},
            "unable.not_held": {"natural": 1},
            "partial": {"business": 1},
            "carried_forward": {"natural": 2},
        },
        fmt,
    )


def by_id(checks: list[rules.Check]) -> dict[str, rules.Check]:
    return {c.id: c for c in checks}


def test_r_rpt_5_format_by_year():
    assert rules.format_for_year(2019) == F19
    assert rules.format_for_year(2020) == F19
    assert rules.format_for_year(2021) == F21
    assert rules.format_for_year(2026) == F21
    with pytest.raises(ValueError):
        rules.format_for_year(2018)


def test_r_rpt_5_2019_has_one_other_row_and_its_table2():
    rows19, rows21 = rules.table3_rows(F19), rules.table3_rows(F21)
    assert "other" in rows19 and not set(rules.OTHER_CODES) & set(rows19)
    assert set(rules.OTHER_CODES) <= set(rows21) and "other" not in rows21
    assert len(rows21) == len(rows19) + 2
    assert rules.outcome_key("other.fee_unpaid", F19) == "other"
    assert rules.outcome_key("other.fee_unpaid", F21) == "other.fee_unpaid"
    cells19 = {(r, c) for r, c, _ in rules.table2_cells(F19)}
    assert ("normative", "public_total") in cells19 and ("other_services", "items_change") in cells19
    assert ("procurement", "amount_10k_yuan") in cells19
    labels19 = [label for g in rules.table2_groups(F19) for _, label in g.rows]
    assert "规范性文件" in labels19 and "行政规范性文件" not in labels19
    assert [g.heading for g in rules.table2_groups(F19)][-1] == "第二十条第（九）项"


def test_r_rpt_3_table3_totals_are_computed():
    table = balanced_table3()
    assert table["new"]["total"] == 6
    assert table["total"]["natural"] == 5 and table["total"]["business"] == 1 and table["total"]["total"] == 6
    assert set(table) == set(rules.table3_rows(F21))
    assert all(set(cols) == set(rules.ALL_COLUMNS) for cols in table.values())
    with pytest.raises(ValueError):
        rules.complete_table3({"nonsense": {"natural": 1}}, F21)


def test_r_rpt_3_table4_and_results_as_of_year_end():
    end = date(2025, 12, 31)
    assert rules.remedy_result_at("upheld", date(2025, 12, 31), end) == "upheld"
    assert rules.remedy_result_at("upheld", date(2026, 1, 2), end) == "pending"
    assert rules.remedy_result_at("corrected", None, end) == "pending"
    table = rules.complete_table4({"review": {"upheld": 2, "pending": 1}})
    assert table["review"]["total"] == 3 and table["litigation_direct"]["total"] == 0


def test_r_rpt_4_checks_pass_on_a_consistent_table():
    checks = rules.checks(balanced_table3(), rules.complete_table4({}), F21)
    assert checks and all(c.ok for c in checks)


def test_r_rpt_4_balance_per_column():
    table = balanced_table3()
    table["carried_forward"]["natural"] = 3  # hand-broken: 5+2 ≠ 5+3
    table["carried_forward"]["total"] = 4
    result = by_id(rules.checks(table, rules.complete_table4({}), F21))
    bad = result["balance.natural"]
    assert not bad.ok
    assert "自然人" in bad.message and "第一项加第二项之和" in bad.message and "5+2≠5+3" in bad.message
    assert not result["balance.total"].ok and result["balance.business"].ok


def test_r_rpt_4_outcome_total_is_sum_of_outcome_rows():
    table = balanced_table3()
    table["total"]["business"] = 2
    result = by_id(rules.checks(table, rules.complete_table4({}), F21))
    assert not result["outcome_sum.business"].ok
    assert (
        "（七）总计" in result["outcome_sum.business"].message
        and "商业企业" in result["outcome_sum.business"].message
    )


def test_r_rpt_4_total_column_is_sum_of_six_applicant_columns():
    table = balanced_table3()
    table["disclosed"]["total"] = 9
    result = by_id(rules.checks(table, rules.complete_table4({}), F21))
    bad = result["column_sum.disclosed"]
    assert not bad.ok and "（一）予以公开" in bad.message and "总计" in bad.message and "9≠4" in bad.message


def test_r_rpt_4_table4_total_is_sum_of_four_results():
    table4 = rules.complete_table4({"litigation_after_review": {"corrected": 1}})
    table4["litigation_after_review"]["total"] = 0
    result = by_id(rules.checks(balanced_table3(), table4, F21))
    bad = result["remedy_sum.litigation_after_review"]
    assert (
        not bad.ok and "复议后起诉" in bad.message and "结果维持、结果纠正、其他结果、尚未审结" in bad.message
    )
    assert result["remedy_sum.review"].ok


def test_r_rpt_4_negative_counts_are_rejected():
    table = balanced_table3()
    table["withheld.state_secret"]["research"] = -1
    result = by_id(rules.checks(table, rules.complete_table4({}), F21))
    assert not result["non_negative.table3"].ok and "科研机构" in result["non_negative.table3"].message


def test_r_rpt_4_2019_checks_use_the_other_row():
    table = rules.complete_table3({"new": {"natural": 1}, "other": {"natural": 1}}, F19)
    assert table["total"]["natural"] == 1
    assert all(c.ok for c in rules.checks(table, rules.complete_table4({}), F19))


def test_table2_values_and_manual_override():
    assert rules.table2_value("650.6", rules.AMOUNT) == Decimal("650.6")
    assert rules.table2_value("-59", rules.SIGNED_INT) == -59
    for bad, kind in (
        ("-1", rules.INT),
        ("1.5", rules.INT),
        ("abc", rules.AMOUNT),
        ("1.00001", rules.AMOUNT),
        ("-2", rules.AMOUNT),
    ):
        with pytest.raises(ValueError):
            rules.table2_value(bad, kind)
    table = rules.table2_complete(
        {"rule": {"made": 1, "repealed": 0, "in_force": 3}},
        {"rule": {"in_force": "4"}, "fees": {"amount_10k_yuan": "1.25"}},
        F21,
    )
    assert table["rule"] == {"made": 1, "repealed": 0, "in_force": 4}
    assert table["fees"]["amount_10k_yuan"] == Decimal("1.25") and table["licensing"]["decisions"] == 0


def test_r_rpt_2_overview_draft_and_fee_text():
    table3 = balanced_table3()
    text = rules.overview_draft(
        org_name="测试局",
        year=2025,
        table2=rules.table2_complete({}, {}, F21),
        table3=table3,
        table4=rules.complete_table4({"review": {"upheld": 1}}),
        fmt=F21,
    )
    assert "本年新收政府信息公开申请6件" in text and "上年结转2件" in text and "行政复议1件" in text
    assert "未发出" in rules.fee_text(2025, rules.FeeSummary())
    text = rules.fee_text(2025, rules.FeeSummary(2, Decimal("3400"), 1, Decimal("700")))
    assert "2份" in text and "3400元" in text and "1笔" in text and "700元" in text


def test_layout_spans_cover_the_official_tables():
    for fmt in (F19, F21):
        grid = layout.table3_grid(fmt, balanced_table3() if fmt == F21 else rules.empty_table3(fmt))
        placed, width = layout.place(grid)
        assert width == 10
        data_cells = {cell.key: (r, c) for r, c, cell in placed if cell.key}
        assert len(data_cells) == len(rules.table3_rows(fmt)) * 7
        assert {c for _, c in data_cells.values()} == set(range(3, 10))
    placed, width = layout.place(layout.table4_grid(rules.complete_table4({})))
    assert width == 15 and sum(1 for _, _, c in placed if c.key) == 15
