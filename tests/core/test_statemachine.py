"""The shared state-machine table (ADR 0003) and the two workflows built on it here."""

import pytest

from gongkai.core.statemachine import KEEP_STATE, StateMachine, Transition
from gongkai.publishing import workflow as publishing
from gongkai.reports import workflow as reports

A, B, C = "a", "b", "c"
MACHINE = StateMachine(
    (
        Transition("go", frozenset({A}), B, frozenset({"clerk"}), "前进"),
        Transition("back", frozenset({B}), A, frozenset({"boss"}), "退回", needs_comment=True),
        Transition("note", frozenset({A, B}), KEEP_STATE, frozenset({"boss", "clerk"}), "备注"),
    )
)


def test_transition_for_respects_sources():
    assert MACHINE.transition_for("go", A) is MACHINE["go"]
    assert MACHINE.transition_for("go", B) is None
    assert MACHINE.transition_for("fly", A) is None


def test_available_filters_by_state_and_role():
    assert [t.action for t in MACHINE.available(A, {"clerk"})] == ["go", "note"]
    assert [t.action for t in MACHINE.available(B, {"clerk"})] == ["note"]
    assert [t.action for t in MACHINE.available(B, {"boss", "x"})] == ["back", "note"]
    assert MACHINE.available(C, {"boss", "clerk"}) == []
    assert MACHINE.available(A, set()) == []


def test_states_ignore_keep_state_and_duplicates_are_refused():
    assert MACHINE.states() == frozenset({A, B})
    with pytest.raises(ValueError, match="duplicate"):
        StateMachine([MACHINE["go"], MACHINE["go"]])


def test_publishing_workflow_roles_follow_r_pub_9():
    """R-PUB-9: the drafter submits, the reviewer approves, the publisher publishes — never someone else."""
    assert [t.action for t in publishing.available_actions(publishing.SUBMITTED, {"drafter"})] == ["recall"]
    assert {t.action for t in publishing.available_actions(publishing.SUBMITTED, {"reviewer"})} == {
        "return",
        "approve",
    }
    assert publishing.transition_for("publish", publishing.SUBMITTED) is None
    assert publishing.transition_for("publish", publishing.APPROVED).target == publishing.PUBLISHED


def test_report_workflow_checks_flag_survives_subclassing():
    revise = reports.transition_for("revise", reports.PUBLISHED)
    assert revise is not None and revise.needs_checks and revise.needs_comment
    assert [t.action for t in reports.available_actions(reports.DRAFT)] == ["publish"]
    assert reports.transition_for("publish", reports.PUBLISHED) is None
