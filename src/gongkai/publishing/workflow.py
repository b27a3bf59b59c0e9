"""The publishing workflow as an explicit state machine (R-PUB-9). Pure: no Django import.

draft → submitted → returned (with comment) | approved → published → withdrawn (with reason).
A returned item is edited and submitted again; a withdrawn one may be republished by a publisher.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT, SUBMITTED, RETURNED, APPROVED, PUBLISHED, WITHDRAWN = (
    "draft",
    "submitted",
    "returned",
    "approved",
    "published",
    "withdrawn",
)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: str
    needs_comment: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
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
}

# States in which the drafter may still edit the content.
EDITABLE = frozenset({DRAFT, RETURNED})


def transition_for(action: str, state: str) -> Transition | None:
    """The transition `action` from `state`, or None when the table does not allow it."""
    transition = TRANSITIONS.get(action)
    if transition is None or state not in transition.sources:
        return None
    return transition


def available_actions(state: str, roles: set[str]) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources and t.roles & roles]
