"""The search index kept in step with publishing, inside the same transaction (ADR 0004).

Publishing calls `item_changed` after every write that can change what the public sees (publish, republish,
withdraw, revise, validity change, relation effects, import). The index entry is rebuilt from the database
state inside the caller's transaction: a public item (`publishing.selectors.items_public`: published and
proactively disclosed) is written, anything else is removed. A rollback of the publishing write rolls the
index back with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

BATCH_SIZE = 500


def item_changed(item: Any) -> None:
    """Bring the index entry of one item in line with its current public state."""
    items_changed([item])


def items_changed(items: Iterable[Any]) -> None:
    """Bulk form of `item_changed` (imports): one batch of queries per 500 items."""
    from gongkai.publishing.selectors import items_public
    from gongkai.search.backends import get_backend
    from gongkai.search.dictionary import segmenter
    from gongkai.search.documents import build_documents

    ids = sorted({item.pk for item in items if item is not None and item.pk})
    if not ids:
        return
    backend = get_backend()
    seg = segmenter()
    with transaction.atomic():
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            public = list(items_public().filter(pk__in=chunk))
            backend.upsert(build_documents(public, seg))
            gone = sorted(set(chunk) - {item.pk for item in public})
            if gone:
                backend.delete(gone)


@dataclass
class ReindexResult:
    indexed: int = 0
    removed: int = 0
    seconds: float = 0.0
    repaired: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.indexed / self.seconds if self.seconds > 0 else 0.0


def reindex(
    *,
    clear: bool = False,
    batch_size: int = BATCH_SIZE,
    on_total: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> ReindexResult:
    """Rebuild the index from the content (`gongkai search reindex`).

    Batches of `batch_size` items in primary-key order, one transaction each, so publishing goes on meanwhile
    and readers always see a usable index; entries of items that are no longer public are removed at the end.
    `clear` empties the index first (faster for a full rebuild, but searches find less until it is done)."""
    from gongkai.publishing.selectors import items_public
    from gongkai.search.backends import get_backend
    from gongkai.search.dictionary import segmenter
    from gongkai.search.documents import build_documents
    from gongkai.search.models import SearchDocument

    started = time.monotonic()
    result = ReindexResult()
    backend = get_backend()
    with transaction.atomic():
        result.repaired = backend.ensure_schema()
        if clear:
            backend.clear()
    seg = segmenter()
    if on_total:
        on_total(items_public().count())
    last = 0
    while True:
        with transaction.atomic():
            batch = list(items_public().filter(pk__gt=last).order_by("pk")[:batch_size])
            if not batch:
                break
            backend.upsert(build_documents(batch, seg))
        last = batch[-1].pk
        result.indexed += len(batch)
        if on_batch:
            on_batch(len(batch))
    with transaction.atomic():
        stale = list(
            SearchDocument.objects.exclude(item__in=items_public().values("pk")).values_list(
                "item_id", flat=True
            )
        )
        backend.delete(stale)
    result.removed = len(stale)
    result.seconds = time.monotonic() - started
    return result
