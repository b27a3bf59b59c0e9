"""Usage counts of the open data (views, downloads, API calls per dataset and resource), buffered in the process.

A count is not a write per request: `record` adds to an in-process counter keyed by (day, kind, dataset, resource),
and the buffer is written by `services.usage_flush` — one UPDATE (or INSERT) per key, adding the buffered number —
when it is older than `GONGKAI_OPENDATA_USAGE_FLUSH_SECONDS` (30) or holds more than `FLUSH_KEYS` keys, and at
process exit. The counts land in `UsageDay` rows, one per day and key, that the statistics page sums. What a process
holds when it is killed (at most the flush interval) is lost: these are statistics, not records. A count made inside
a transaction of the caller is flushed after its commit (`transaction.on_commit`), never inside it, so that a rollback
cannot take the buffered counts of other requests with it.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

VIEW, DOWNLOAD, API = "view", "download", "api"
KINDS = {VIEW: "浏览", DOWNLOAD: "下载", API: "API 调用"}
FLUSH_KEYS = 500
logger = logging.getLogger(__name__)

Key = tuple[date, str, int | None, int | None]  # day, kind, dataset id, resource id

_lock = threading.Lock()
_pending: Counter[Key] = Counter()
_last_flush = time.monotonic()


def record(kind: str, *, dataset_id: int | None = None, resource_id: int | None = None) -> None:
    """Count one view, download or API call (of a dataset, a resource, or — API only — of neither)."""
    key: Key = (timezone.localdate(), kind, dataset_id, resource_id)
    with _lock:
        _pending[key] += 1
        due = len(_pending) >= FLUSH_KEYS or time.monotonic() - _last_flush >= _flush_seconds()
    if not due:
        return
    if _in_transaction():
        # Counted inside a transaction of the caller (e.g. a CKAN write): the flush must not be part of it, or a
        # rollback would take this process's buffered counts with it. Written after the commit; on a rollback the
        # counts simply stay buffered for the next flush.
        transaction.on_commit(_flush_logged)
    else:
        _flush_logged()


def _in_transaction() -> bool:
    """Whether the default connection is inside an atomic block of the application (a test case's wrapping
    transaction does not count, as for Django's `durable` check)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _flush_logged() -> None:
    try:
        flush()
    except Exception:  # a statistic must never fail the page or the API call that counted it
        logger.exception("opendata usage flush failed; the counts are kept for the next flush")


def flush() -> int:
    """Write what is buffered; returns the number of keys written. Safe to call at any time, from any thread."""
    global _last_flush
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch:
        return 0
    from gongkai.opendata.services import usage_flush

    try:
        usage_flush(batch)
    except Exception:
        with _lock:  # keep the counts for the next flush rather than lose them
            _pending.update(batch)
        raise
    return len(batch)


def _flush_seconds() -> float:
    from gongkai.opendata import conf

    return conf.usage_flush_seconds()


def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:  # noqa: S110 - nothing can be reported at interpreter exit
        pass


atexit.register(_flush_at_exit)
