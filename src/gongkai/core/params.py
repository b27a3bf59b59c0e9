"""Reading ids from requests without trusting them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def int_id(data: Mapping[str, Any], name: str) -> int:
    """A positive integer id from a form or query, or 0 when absent or not a plain number (never raises)."""
    raw = str(data.get(name) or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return 0
