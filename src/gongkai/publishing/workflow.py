"""The publishing workflow as an explicit state machine (R-PUB-9). Pure: no Django import.

draft → submitted → returned (with comment) | approved → published → withdrawn (with reason).
A returned item is edited and submitted again; a withdrawn one may be republished by a publisher.
"""

from __future__ import annotations

from gongkai.core.statemachine import StateMachine, Transition

DRAFT, SUBMITTED, RETURNED, APPROVED, PUBLISHED, WITHDRAWN = (
    "draft",
    "submitted",
    "returned",
    "approved",
    "published",
    "withdrawn",
)


MACHINE: StateMachine[Transition] = StateMachine(
    (
        Transition("submit", frozenset({DRAFT, RETURNED}), SUBMITTED, frozenset({"drafter"}), "提交审核"),
        Transition("recall", frozenset({SUBMITTED}), DRAFT, frozenset({"drafter"}), "撤回送审"),
        Transition(
            "return",
            frozenset({SUBMITTED, APPROVED}),
            RETURNED,
            frozenset({"reviewer", "publisher"}),
            "退回修改",
            needs_comment=True,
        ),
        Transition("approve", frozenset({SUBMITTED}), APPROVED, frozenset({"reviewer"}), "审核通过"),
        Transition("publish", frozenset({APPROVED}), PUBLISHED, frozenset({"publisher"}), "发布"),
        Transition(
            "withdraw",
            frozenset({PUBLISHED}),
            WITHDRAWN,
            frozenset({"publisher"}),
            "撤回已发布信息",
            needs_comment=True,
        ),
        Transition("republish", frozenset({WITHDRAWN}), PUBLISHED, frozenset({"publisher"}), "重新发布"),
    )
)
TRANSITIONS = MACHINE.table

# States in which the drafter may still edit the content.
EDITABLE = frozenset({DRAFT, RETURNED})


transition_for = MACHINE.transition_for
available_actions = MACHINE.available
