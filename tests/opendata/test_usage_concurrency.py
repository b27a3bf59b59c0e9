"""Concurrent usage flushes on PostgreSQL (review O2): two processes writing the first counts of one day and key at
once end with one `UsageDay` row holding both counts — the unique constraint refuses the second INSERT and that
flush adds to the other's row instead."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from gongkai.opendata import services, usage
from gongkai.opendata.models import UsageDay
from tests.opendata.conftest import make_dataset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _blocked_backends() -> int:
    with connections["default"].cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return int(cur.fetchone()[0])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions are exercised on PostgreSQL"
)
def test_two_flushes_of_the_first_counts_of_a_day_make_one_row(agency):
    from gongkai.core.workdays import calendar_prefill_from_package

    calendar_prefill_from_package()  # a transactional test starts from flushed tables
    dataset = make_dataset(agency)
    today = timezone.localdate()
    key: usage.Key = (today, usage.VIEW, dataset.pk, None)
    api_key: usage.Key = (today, usage.API, None, None)  # the NULL-dataset key: one row too
    first_written, second_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                services.usage_flush({key: 3, api_key: 1})
                first_written.set()
                # Hold the uncommitted rows until the other flush waits on them (or has finished without waiting).
                deadline = time.monotonic() + 20
                while not second_done.is_set() and time.monotonic() < deadline:
                    if _blocked_backends():
                        break
                    time.sleep(0.05)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_written.wait(timeout=20)
            services.usage_flush({key: 4, api_key: 2})
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            second_done.set()
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert list(UsageDay.objects.filter(kind=usage.VIEW).values_list("dataset_id", "count")) == [
        (dataset.pk, 7)
    ]
    assert list(UsageDay.objects.filter(kind=usage.API).values_list("dataset_id", "count")) == [(None, 3)]
