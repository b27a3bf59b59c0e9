"""Fixed-window rate limits counted in the shared cache (Redis in production, the file cache in the demo) — never
in a per-process memory cache, so that a limit holds across several app servers (contracts.md)."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in the current window; True when the window's count exceeds `limit`."""
    window = int(timezone.now().timestamp() // window_seconds)
    cache_key = f"gongkai:rl:{key}:{window}"
    if cache.add(cache_key, 1, window_seconds * 2):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window_seconds * 2)
        return limit < 1
    return count > limit
