"""Deployment settings of the participation app with their defaults (docs/participation.md lists them)."""

from __future__ import annotations

from django.conf import settings

from gongkai.participation import clock


def tracking_prefix() -> str:
    """Tracking numbers read PREFIX-YYYY-NNNNNN (default LY, 留言)."""
    return str(getattr(settings, "GONGKAI_MESSAGE_TRACKING_PREFIX", "LY"))


def extension_max() -> int:
    return int(getattr(settings, "GONGKAI_MESSAGE_EXTENSION_MAX", clock.EXTENSION_MAX))


def send_back_within() -> int:
    """Working days after a transfer within which the receiving agency may send a wrongly routed message back."""
    return int(getattr(settings, "GONGKAI_MESSAGE_SEND_BACK_WITHIN", clock.SEND_BACK_WITHIN))


def due_soon_working_days() -> int:
    return int(getattr(settings, "GONGKAI_MESSAGE_DUE_SOON_WORKING_DAYS", 1))


def query_max_failures() -> int:
    return int(getattr(settings, "GONGKAI_MESSAGE_QUERY_MAX_FAILURES", 5))


def query_window_seconds() -> int:
    return int(getattr(settings, "GONGKAI_MESSAGE_QUERY_WINDOW_SECONDS", 900))


def submit_limit() -> tuple[int, int]:
    """Messages one client address may send per window (count, seconds); default 5 per 10 minutes."""
    return (
        int(getattr(settings, "GONGKAI_MESSAGE_SUBMIT_LIMIT", 5)),
        int(getattr(settings, "GONGKAI_MESSAGE_SUBMIT_WINDOW_SECONDS", 600)),
    )


def body_max() -> int:
    return int(getattr(settings, "GONGKAI_MESSAGE_BODY_MAX", 5000))


def open311_post_limit() -> tuple[int, int]:
    """Open311 POSTs per key and per client address per window (count, seconds); default 60 per 10 minutes."""
    return (
        int(getattr(settings, "GONGKAI_OPEN311_POST_LIMIT", 60)),
        int(getattr(settings, "GONGKAI_OPEN311_POST_WINDOW_SECONDS", 600)),
    )


def open311_get_limit() -> tuple[int, int]:
    """Open311 GETs (discovery, services, requests) per client address per window (count, seconds); default 600 per
    10 minutes — a client polling every few seconds, not one walking the whole history in a loop."""
    return (
        int(getattr(settings, "GONGKAI_OPEN311_GET_LIMIT", 600)),
        int(getattr(settings, "GONGKAI_OPEN311_GET_WINDOW_SECONDS", 600)),
    )


def attachment_max_bytes() -> int:
    """Largest file a writer may attach to a message or a comment (default 10 MB)."""
    return int(getattr(settings, "GONGKAI_MESSAGE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
