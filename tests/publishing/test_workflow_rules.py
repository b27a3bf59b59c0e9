"""The workflow transition table (R-PUB-9) and the 索引号 pattern rules (R-PUB-10), without a database."""

from datetime import date

import pytest

from gongkai.publishing import index_no, workflow


def test_r_pub_9_transition_table_allows_only_listed_moves():
    assert workflow.transition_for("submit", "draft").target == "submitted"
    assert workflow.transition_for("submit", "returned").target == "submitted"
    assert workflow.transition_for("approve", "submitted").target == "approved"
    assert workflow.transition_for("publish", "approved").target == "published"
    assert workflow.transition_for("withdraw", "published").target == "withdrawn"
    # Not allowed: skipping review, publishing a draft, approving twice.
    assert workflow.transition_for("publish", "draft") is None
    assert workflow.transition_for("publish", "submitted") is None
    assert workflow.transition_for("approve", "approved") is None
    assert workflow.transition_for("nonsense", "draft") is None


def test_r_pub_9_actions_depend_on_roles():
    assert [t.action for t in workflow.available_actions("submitted", {"drafter"})] == ["recall"]
    assert {t.action for t in workflow.available_actions("submitted", {"reviewer"})} == {"return", "approve"}
    assert workflow.available_actions("approved", {"drafter"}) == []
    assert [t.action for t in workflow.available_actions("approved", {"publisher"})] == ["return", "publish"]


def test_r_pub_9_return_and_withdraw_need_a_comment():
    assert workflow.TRANSITIONS["return"].needs_comment
    assert workflow.TRANSITIONS["withdraw"].needs_comment
    assert not workflow.TRANSITIONS["approve"].needs_comment


@pytest.mark.parametrize(
    ("pattern", "on", "seq", "expected", "scope"),
    [
        ("{org_code}/{year}-{seq:05d}", date(2019, 3, 1), 7, "000014349/2019-00007", "000014349/2019-#"),
        (
            "{org_code}-{yyyymm}-{seq:06d}",
            date(2016, 12, 5),
            480926,
            "000014349-201612-480926",
            "000014349-201612-#",
        ),
    ],
)
def test_r_pub_10_both_conventions_are_expressible(pattern, on, seq, expected, scope):
    assert index_no.format_index_no(pattern, org_code="000014349", on=on, seq=seq) == expected
    assert index_no.scope_of(pattern, org_code="000014349", on=on) == scope


def test_r_pub_10_scope_restarts_per_year_or_month():
    yearly = "{org_code}/{year}-{seq:05d}"
    assert index_no.scope_of(yearly, org_code="A", on=date(2025, 1, 1)) == index_no.scope_of(
        yearly, org_code="A", on=date(2025, 12, 31)
    )
    assert index_no.scope_of(yearly, org_code="A", on=date(2025, 1, 1)) != index_no.scope_of(
        yearly, org_code="A", on=date(2026, 1, 1)
    )
    monthly = "{org_code}-{yyyymm}-{seq:06d}"
    assert index_no.scope_of(monthly, org_code="A", on=date(2025, 1, 1)) != index_no.scope_of(
        monthly, org_code="A", on=date(2025, 2, 1)
    )


@pytest.mark.parametrize("bad", ["{org_code}/{year}", "{seq}-{seq}", "{org_code}/{unknown}-{seq}"])
def test_r_pub_10_invalid_patterns_are_refused(bad):
    with pytest.raises(ValueError):
        index_no.validate_pattern(bad)


def test_r_pub_10_bad_pattern_setting_fails_the_system_check(settings):
    from gongkai.publishing.checks import check_index_no_pattern

    assert check_index_no_pattern() == []
    settings.GONGKAI_INDEX_NO_PATTERN = "{org_code}/{year}"
    errors = check_index_no_pattern()
    assert [e.id for e in errors] == ["gongkai.E001"]


def test_proposed_valid_until_for_normative_documents():
    from gongkai.publishing.metadata import proposed_valid_until

    assert proposed_valid_until(
        kind="normative", effective_on=date(2026, 3, 1), valid_until=None, years=5
    ) == date(2031, 2, 28)
    assert proposed_valid_until(
        kind="normative", effective_on=date(2024, 2, 29), valid_until=None, years=5
    ) == date(2029, 2, 27)
    assert (
        proposed_valid_until(kind="other", effective_on=date(2026, 3, 1), valid_until=None, years=5) is None
    )
    assert (
        proposed_valid_until(
            kind="normative", effective_on=date(2026, 3, 1), valid_until=date(2027, 1, 1), years=5
        )
        is None
    )
