"""The pure inspection rules: R-WEB-1 staleness and vetoes, R-WEB-3 scoring, the word matcher, body links."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.inspection import rules
from gongkai.inspection.rules import DeductionRule, StaleColumn

AS_OF = date(2025, 6, 30)


# ---- R-WEB-1 / R-WEB-2: periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("update_class", "last", "stale"),
    [
        ("news", date(2025, 6, 16), False),  # 14 days: still updated
        ("news", date(2025, 6, 15), True),  # 15 days
        ("notice", date(2024, 12, 30), False),  # exactly 6 months
        ("notice", date(2024, 12, 29), True),
        ("yearly", date(2024, 6, 30), False),
        ("yearly", date(2024, 6, 29), True),
        ("static", date(2000, 1, 1), False),  # exempt
        ("news", None, True),  # R-WEB-2: no publication date = not updated
        ("static", None, False),
    ],
)
def test_column_stale(update_class, last, stale):
    assert rules.column_stale(update_class, last, AS_OF) is stale


def test_add_months_clamps_to_month_end():
    assert rules.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert rules.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_homepage_stale_after_two_weeks():
    assert not rules.homepage_stale(date(2025, 6, 16), AS_OF)
    assert rules.homepage_stale(date(2025, 6, 15), AS_OF)
    assert rules.homepage_stale(None, AS_OF)


# ---- R-WEB-1: 单项否决 at the edges ----------------------------------------------------------------------------


def _vetoes(stale: list[StaleColumn], empty: int = 0, homepage: bool = False) -> list[str]:
    return rules.vetoes(stale_columns=stale, empty_columns=empty, homepage_is_stale=homepage)


def test_four_key_columns_do_not_veto_five_do():
    four = [StaleColumn("news", False)] * 2 + [StaleColumn("notice", True)] * 2
    assert _vetoes(four) == []
    assert _vetoes([*four, StaleColumn("news", False)]) == [rules.VETO_KEY_COLUMNS]


def test_notice_columns_below_first_level_are_not_key_columns():
    stale = [StaleColumn("notice", False)] * 5 + [StaleColumn("notice", True)] * 4
    assert _vetoes(stale) == []


def test_nine_stale_columns_do_not_veto_ten_do():
    nine = [StaleColumn("notice", False)] * 9
    assert _vetoes(nine) == []
    assert _vetoes([*nine, StaleColumn("yearly", False)]) == [rules.VETO_STALE_COLUMNS]


def test_parents_are_not_counted_twice_for_the_ten_rule():
    stale = [StaleColumn("notice", False)] * 9 + [StaleColumn("notice", True, leaf=False)]
    assert _vetoes(stale) == []


def test_four_empty_columns_do_not_veto_five_do():
    assert _vetoes([], empty=4) == []
    assert _vetoes([], empty=5) == [rules.VETO_EMPTY_COLUMNS]


def test_homepage_veto():
    assert _vetoes([], homepage=True) == [rules.VETO_HOMEPAGE]


# ---- R-WEB-3: score --------------------------------------------------------------------------------------------

RULES = [
    DeductionRule("stale_column:notice", 5, 25),
    DeductionRule("broken_link", 1, 10),
    DeductionRule("pii", 5, 0),
]


def test_score_deducts_points_each_with_caps():
    score, lines = rules.score({"stale_column:notice": 2, "broken_link": 3}, RULES)
    assert score == 100 - 10 - 3
    assert {(line["key"], line["points"]) for line in lines} == {
        ("stale_column:notice", 10),
        ("broken_link", 3),
    }


def test_cap_limits_a_rule():
    score, _ = rules.score({"broken_link": 25}, RULES)
    assert score == 90
    score, _ = rules.score({"stale_column:notice": 6}, RULES)
    assert score == 75


def test_no_cap_and_floor_at_zero():
    assert rules.score({"pii": 30}, RULES)[0] == 0


def test_pass_at_sixty_fail_below():
    passing = rules.verdict(
        stale_columns=[], empty_columns=0, homepage_is_stale=False, counts={"pii": 8}, rules=RULES
    )
    assert (passing.verdict, passing.score) == ("pass", 60)
    failing = rules.verdict(
        stale_columns=[],
        empty_columns=0,
        homepage_is_stale=False,
        counts={"pii": 8, "broken_link": 1},
        rules=RULES,
    )
    assert (failing.verdict, failing.score) == ("fail", 59)


def test_a_veto_fails_whatever_the_score():
    v = rules.verdict(stale_columns=[], empty_columns=5, homepage_is_stale=False, counts={}, rules=RULES)
    assert (v.verdict, v.score, v.vetoes) == ("fail", 100, [rules.VETO_EMPTY_COLUMNS])


# ---- sensitive words and links -------------------------------------------------------------------------------


def test_find_words_with_allow_list():
    text = "某某称赌博违法，禁止赌博游戏机，赌博"
    assert rules.find_words(text, ["赌博"]) == [("赌博", 3), ("赌博", 10), ("赌博", 16)]
    assert rules.find_words(text, ["赌博"], ["赌博游戏机"]) == [("赌博", 3), ("赌博", 16)]
    assert rules.find_words("", ["赌博"]) == []


def test_links_in_html():
    html = (
        '<p><a href="https://a.gov.cn/x">x</a><a href="mailto:a@b.cn">m</a><a href="#top">t</a>'
        '<a href="/items/3/">i</a><a href="https://a.gov.cn/x">dup</a><a>none</a><a href="tel:123">t</a></p>'
    )
    assert rules.links_in_html(html) == ["https://a.gov.cn/x", "/items/3/"]
    assert rules.links_in_html("<a href='x") == []


def test_every_code_has_a_rule_id_and_label():
    assert set(rules.RULE_IDS) == set(rules.CODE_LABELS)
