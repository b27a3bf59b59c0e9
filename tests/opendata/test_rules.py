from datetime import date

from gongkai.opendata import rules


def test_frequency_words_and_codes_are_accepted():
    assert rules.normalize_choice("每月", rules.FREQUENCIES, rules.FREQUENCY_BY_WORD) == "monthly"
    assert rules.normalize_choice("weekly", rules.FREQUENCIES, rules.FREQUENCY_BY_WORD) == "weekly"
    assert rules.normalize_choice("每两月", rules.FREQUENCIES, rules.FREQUENCY_BY_WORD) is None


def test_stale_due_dates():
    assert rules.stale_due("daily", date(2026, 1, 1)) == date(2026, 1, 2)
    assert rules.stale_due("irregular", date(2026, 1, 1)) is None
    assert rules.is_stale("weekly", date(2026, 1, 1), date(2026, 1, 9))
    assert not rules.is_stale("weekly", date(2026, 1, 1), date(2026, 1, 8))
    assert not rules.is_stale("realtime", date(2020, 1, 1), date(2026, 1, 1))


def test_formula_cells_are_recognized_and_neutralized():
    assert rules.is_formula("=cmd|' /C calc'!A0")
    assert rules.is_formula("@SUM(A1)")
    assert rules.is_formula("+1+2")
    assert not rules.is_formula("-3.5")
    assert not rules.is_formula("普通文字")
    assert rules.neutralize("=1+1") == "'=1+1"
    assert rules.neutralize("-3") == "-3"


def test_type_guesses():
    assert rules.guess_type(["1", "22", ""]) == "int"
    assert rules.guess_type(["1", "2.5"]) == "numeric"
    assert rules.guess_type(["2026-01-01", ""]) == "date"
    assert rules.guess_type(["050000", "1"]) == "text"  # a leading zero is a code, not a number
    assert rules.guess_type(["", ""]) == "text"


def test_workflow_table():
    staff = {rules.STAFF}
    publisher = {rules.STAFF, rules.PUBLISHER}
    assert [t.action for t in rules.available_actions(rules.DRAFT, staff)] == ["submit"]
    assert "publish" in [t.action for t in rules.available_actions(rules.DRAFT, publisher)]
    assert "publish" not in [t.action for t in rules.available_actions(rules.SUBMITTED, staff)]
    assert rules.TRANSITIONS["withdraw"].needs_comment
