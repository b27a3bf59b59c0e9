"""The search index kept in step with publishing, inside the same transaction (ADR 0004).

Publishing calls `item_changed` after every write that can change what the public sees (publish, republish,
withdraw, revise, validity change, import). The search issue fills this in with the real index.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def item_changed(item: Any) -> None:
    """Bring the index entry of one item in line with its current public state."""
    items_changed([item])


def items_changed(items: Iterable[Any]) -> None:
    """Bulk form of `item_changed` (imports)."""
    return None
