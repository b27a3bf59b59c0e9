"""The annual report's state machine. Pure: no Django import.

draft → published (only when every R-RPT-4 check passes) → withdrawn (reason) → draft (reopen);
a published report is corrected by `revise` (reason; a new published version, checks must pass).
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.core import statemachine

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
STAFF_ROLES = frozenset({"org_admin", "foi_head", "publisher"})


@dataclass(frozen=True)
class Transition(statemachine.Transition):
    needs_checks: bool = False


MACHINE: statemachine.StateMachine[Transition] = statemachine.StateMachine(
    (
        Transition("publish", frozenset({DRAFT}), PUBLISHED, STAFF_ROLES, "发布", needs_checks=True),
        Transition(
            "revise",
            frozenset({PUBLISHED}),
            PUBLISHED,
            STAFF_ROLES,
            "更正并重新发布",
            needs_comment=True,
            needs_checks=True,
        ),
        Transition("withdraw", frozenset({PUBLISHED}), WITHDRAWN, STAFF_ROLES, "撤回", needs_comment=True),
        Transition("reopen", frozenset({WITHDRAWN}), DRAFT, STAFF_ROLES, "重新编辑"),
    )
)
TRANSITIONS = MACHINE.table
transition_for = MACHINE.transition_for


def available_actions(state: str) -> list[Transition]:
    """Every action from `state`: who may act on a report is decided once, by the agency roles in STAFF_ROLES."""
    return MACHINE.available(state, STAFF_ROLES)
