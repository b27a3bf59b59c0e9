"""The annual report's state machine. Pure: no Django import.

draft → published (only when every R-RPT-4 check passes) → withdrawn (reason) → draft (reopen);
a published report is corrected by `revise` (reason; a new published version, checks must pass).
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
STAFF_ROLES = frozenset({"org_admin", "foi_head", "publisher"})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: str
    needs_comment: bool = False
    needs_checks: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("publish", frozenset({DRAFT}), PUBLISHED, "发布", needs_checks=True),
        Transition("revise", frozenset({PUBLISHED}), PUBLISHED, "更正并重新发布", True, True),
        Transition("withdraw", frozenset({PUBLISHED}), WITHDRAWN, "撤回", needs_comment=True),
        Transition("reopen", frozenset({WITHDRAWN}), DRAFT, "重新编辑"),
    )
}


def transition_for(action: str, state: str) -> Transition | None:
    transition = TRANSITIONS.get(action)
    if transition is None or state not in transition.sources:
        return None
    return transition


def available_actions(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]
