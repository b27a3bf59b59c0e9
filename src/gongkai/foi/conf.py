"""Deployment settings of the FOI app, with their defaults (docs/foi.md lists them).

Read through these functions, never `settings.X` directly, so that a deployment that has not set a value gets the
documented default (settings.py may add them from the environment).
"""

from __future__ import annotations

from django.conf import settings

from gongkai.core.workdays import get_schedule
from gongkai.core.workdays_rules import Schedule
from gongkai.foi.clock import Rules


def fee_stops_clock() -> bool:
    """R-FOI-7 (unverified): whether notice → payment stops the reply clock. Default: it does."""
    return bool(getattr(settings, "GONGKAI_FOI_FEE_STOPS_CLOCK", True))


def reason_stops_clock() -> bool:
    """R-FOI-5: whether waiting for the applicant's reasons (条例 第三十五条) stops the reply clock. The statute
    names no such pause; default: it does not."""
    return bool(getattr(settings, "GONGKAI_FOI_REASON_STOPS_CLOCK", False))


def max_later_working_days() -> int:
    """R-FOI-5 (条例 第三十五条 "合理期限"): a later reply date at most this many working days after the deadline in
    force (default 60; when that reaches a year without a loaded calendar, the same as weeks plus two)."""
    return int(getattr(settings, "GONGKAI_FOI_MAX_LATER_WORKING_DAYS", 60))


def clock_rules() -> Rules:
    return Rules(
        fee_stops_clock=fee_stops_clock(),
        reason_stops_clock=reason_stops_clock(),
        max_later_working_days=max_later_working_days(),
    )


def schedule() -> Schedule:
    return get_schedule()


def id_mask() -> tuple[int, int]:
    """R-PII-3: characters of an identity number kept at the start and at the end in lists (default 6 and 4)."""
    return (
        int(getattr(settings, "GONGKAI_FOI_ID_MASK_HEAD", 6)),
        int(getattr(settings, "GONGKAI_FOI_ID_MASK_TAIL", 4)),
    )


def tracking_prefix() -> str:
    """Tracking numbers read PREFIX-YYYY-NNNNNN (default YSQ, 依申请)."""
    return str(getattr(settings, "GONGKAI_FOI_TRACKING_PREFIX", "YSQ"))


def query_max_failures() -> int:
    """Wrong query codes allowed per tracking number within the window (per address: four times as many)."""
    return int(getattr(settings, "GONGKAI_FOI_QUERY_MAX_FAILURES", 5))


def query_window_seconds() -> int:
    return int(getattr(settings, "GONGKAI_FOI_QUERY_WINDOW_SECONDS", 900))


def due_soon_working_days() -> int:
    """A request is "due soon" when its deadline is at most this many working days away."""
    return int(getattr(settings, "GONGKAI_FOI_DUE_SOON_WORKING_DAYS", 5))


def submissions_per_hour() -> int:
    """Online submissions accepted per client address per hour (shared cache counter); beyond it: 429."""
    return int(getattr(settings, "GONGKAI_FOI_SUBMISSIONS_PER_HOUR", 20))
