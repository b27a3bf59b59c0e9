"""R-PUB-10 under concurrent publishing on PostgreSQL: several transactions publish at once, every 索引号 unique."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from gongkai.publishing import services
from gongkai.publishing.models import InfoItem
from tests.factories import draft, make_agency

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL")
def test_concurrent_publishing_never_duplicates_an_index_number():
    agency = make_agency("cc")
    # One publication first, so the counter row exists and the racers contend on it (not on its creation).
    first = draft(agency, "先行发布")
    first = services.item_transition(actor=agency.drafter, item=first, action="submit")
    first = services.item_transition(actor=agency.reviewer, item=first, action="approve")
    services.item_transition(actor=agency.publisher, item=first, action="publish")
    items = []
    for i in range(12):
        item = draft(agency, f"并发发布{i}")
        item = services.item_transition(actor=agency.drafter, item=item, action="submit")
        items.append(services.item_transition(actor=agency.reviewer, item=item, action="approve"))

    barrier = threading.Barrier(len(items))
    errors: list[BaseException] = []

    def publish(item: InfoItem) -> None:
        try:
            barrier.wait(timeout=30)
            services.item_transition(actor=agency.publisher, item=item, action="publish")
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    numbers = list(InfoItem.objects.filter(org=agency.org).values_list("index_no", flat=True))
    assert len(numbers) == 13 and None not in numbers
    assert len(set(numbers)) == 13
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(seqs[0], seqs[0] + 13))
