"""Explicit state machines (ADR 0003): a table of transitions and the two questions every workflow asks of it.

Pure: no Django import. Each app declares its states and a tuple of `Transition`s (subclassing it when an app needs
more fields, e.g. the FOI ledger event an action appends) and builds one `StateMachine`; services ask
`transition_for(action, state)` before writing, pages ask `available(state, roles)` for the buttons to show.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

KEEP_STATE = ""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    # KEEP_STATE: the state does not change (an action recorded on the object, e.g. 督办).
    target: str
    roles: frozenset[str]
    label: str
    needs_comment: bool = False


T = TypeVar("T", bound=Transition)


class StateMachine(Generic[T]):
    """The transitions of one workflow, keyed by action (an action appears once)."""

    def __init__(self, transitions: Iterable[T]) -> None:
        table: dict[str, T] = {}
        for transition in transitions:
            if transition.action in table:
                raise ValueError(f"duplicate action {transition.action!r}")
            table[transition.action] = transition
        self.table = table

    def __getitem__(self, action: str) -> T:
        return self.table[action]

    def __iter__(self) -> Iterator[T]:
        return iter(self.table.values())

    def get(self, action: str) -> T | None:
        return self.table.get(action)

    def transition_for(self, action: str, state: str) -> T | None:
        """The transition `action` from `state`, or None when the table does not allow it."""
        transition = self.table.get(action)
        if transition is None or state not in transition.sources:
            return None
        return transition

    def available(self, state: str, roles: Collection[str]) -> list[T]:
        """The actions a holder of `roles` may take in `state` (what the pages offer)."""
        return [t for t in self.table.values() if state in t.sources and not t.roles.isdisjoint(roles)]

    def states(self) -> frozenset[str]:
        """Every state the table mentions (sources and targets)."""
        found: set[str] = set()
        for t in self.table.values():
            found |= t.sources
            if t.target != KEEP_STATE:
                found.add(t.target)
        return frozenset(found)
