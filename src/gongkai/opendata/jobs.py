"""Periodic work of the open-data app, run by `gongkai tick` (ADR 0007): parse the CSV/XLSX uploads too large to
parse during the upload (`services.datastore_parse_pending`)."""

from __future__ import annotations

from gongkai.opendata import services


def parse_pending_tables() -> int:
    """Parse up to GONGKAI_OPENDATA_PARSE_PER_TICK queued tables; cheap when the queue is empty."""
    return services.datastore_parse_pending()


# Found by `gongkai tick` (commands/management/commands/tick.py).
TICK_JOBS = [("opendata_parse", parse_pending_tables)]
