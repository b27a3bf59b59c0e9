"""Query-code throttling, counted in the database so that it holds across app servers (contracts.md "Shared state").

Same pattern as `core.throttle` (login failures), in its own table (`QueryFailure`): a failed look-up counts against
the tracking number typed and against the client address. A wrong code and a tracking number that does not exist
count the same way, so the answers cannot be told apart.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gongkai.foi import conf
from gongkai.foi.models import QueryFailure


def normalize_tracking_no(raw: str) -> str:
    return "".join((raw or "").split()).upper()[:40]


TRACK, WITHDRAW = "track", "withdraw"


def query_blocked(*, tracking_no: str, address: str, scope: str = TRACK) -> bool:
    """Too many failures for this number or this address within the window, in this `scope` (looking up and
    withdrawing are counted apart, so that guessing through one does not lock the applicant out of the other)."""
    since = timezone.now() - timedelta(seconds=conf.query_window_seconds())
    recent = QueryFailure.objects.filter(at__gte=since, scope=scope)
    limit = conf.query_max_failures()
    by_number = recent.filter(tracking_no=normalize_tracking_no(tracking_no)).count()
    # An office NAT may look up a few requests, but not guess endlessly.
    by_address = recent.filter(address=address[:64]).count()
    return by_number >= limit or by_address >= limit * 4


def query_failure_record(*, tracking_no: str, address: str, scope: str = TRACK) -> None:
    QueryFailure.objects.create(
        tracking_no=normalize_tracking_no(tracking_no), address=address[:64], scope=scope
    )
    QueryFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
