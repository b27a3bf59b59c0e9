"""Failed-login throttling, counted in the database so it holds across app servers (contracts.md)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gongkai.core.models import LoginFailure


def login_blocked(*, username: str, address: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.GONGKAI_LOGIN_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    by_user = recent.filter(username=username.replace("\x00", "").strip().lower()).count()
    by_addr = recent.filter(address=address).count()
    limit = settings.GONGKAI_LOGIN_MAX_FAILURES
    # An address may try a few usernames (shared office NAT), but not endlessly.
    return by_user >= limit or by_addr >= limit * 4


def login_failure_record(*, username: str, address: str) -> None:
    username = username.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    LoginFailure.objects.create(username=username.strip().lower()[:150], address=address[:64])
    # Keep the table small: forget failures older than a day.
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def login_success_record(*, username: str, address: str) -> None:
    LoginFailure.objects.filter(Q(username=username.replace("\x00", "").strip().lower())).delete()


def client_address(meta: dict[str, str]) -> str:
    return meta.get("REMOTE_ADDR", "") or "unknown"
