"""Open-data settings, each with a default (override in the environment-driven settings module)."""

from __future__ import annotations

from django.conf import settings


def default_license() -> str:
    return str(getattr(settings, "GONGKAI_OPENDATA_DEFAULT_LICENSE", "cc-by-4.0"))


def max_resource_bytes() -> int:
    return int(getattr(settings, "GONGKAI_OPENDATA_MAX_BYTES", 200 * 1024 * 1024))


def datastore_row_cap() -> int:
    """Rows parsed into the datastore per resource; the rest is reported as truncated."""
    return int(getattr(settings, "GONGKAI_OPENDATA_ROW_CAP", 100_000))


def download_link_seconds() -> int:
    """How long a signed download link of a 有条件开放 resource stays valid after it is issued."""
    return int(getattr(settings, "GONGKAI_OPENDATA_LINK_SECONDS", 24 * 3600))


def parse_inline_bytes() -> int:
    """CSV/XLSX uploads up to this size are parsed during the upload; larger ones wait for `gongkai tick`."""
    return int(getattr(settings, "GONGKAI_OPENDATA_PARSE_INLINE_BYTES", 2 * 1024 * 1024))


def parse_per_tick() -> int:
    """Queued tables parsed by one run of the `opendata_parse` tick job."""
    return int(getattr(settings, "GONGKAI_OPENDATA_PARSE_PER_TICK", 5))


def usage_flush_seconds() -> float:
    """How long view/download/API counts may wait in a process before they are written (opendata/usage.py)."""
    return float(getattr(settings, "GONGKAI_OPENDATA_USAGE_FLUSH_SECONDS", 30))


def api_rate_per_minute() -> int:
    return int(getattr(settings, "GONGKAI_OPENDATA_API_RATE", 600))
