"""Participation at scale: a 12345 year of N messages (default 50,000) over 20 agencies.

    GONGKAI_DATA_DIR=/tmp/gk-participation-bench .venv/bin/python bench/participation_bench.py [--messages 50000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench .venv/bin/python bench/participation_bench.py

Builds (once; a second run reuses the data set) N messages received over last year, spread over the six categories,
five channels and 20 agencies, four in five answered (one in ten of those after the due date), half of the answered
ones rated. Then times `selectors.yearly_figures` (the three grouped breakdowns), the public figures page, the Excel
workbook, and the Open311 `requests.json` / `requests.xml` lists (the default 90-day window, at most 1,000 records),
and prints one line per measure (median and max of 7 runs, and the number of SQL queries).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("GONGKAI_DATA_DIR", "/tmp/gk-participation-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from tests.factories import make_code  # noqa: E402

from gongkai.orgs.models import Organization  # noqa: E402
from gongkai.participation import selectors, workflow  # noqa: E402
from gongkai.participation.models import Message  # noqa: E402
from gongkai.publishing.services import org_setup  # noqa: E402

CHANNELS = ("12345网上受理", "12345热线电话", "领导信箱", "部门信箱", "来信")
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")


def _code(n: int) -> str:
    return make_code(9000 + n)  # a valid 统一社会信用代码


def build(count: int, year: int) -> None:
    if Message.objects.filter(received_on__year=year).count() >= count:
        return
    orgs = list(Organization.objects.filter(name__startswith="基准局")[:20])
    for n in range(len(orgs), 20):
        org, _ = org_setup(
            actor=None,
            code=_code(n),
            parent_code=None,
            name=f"基准局{n:02d}",
            kind="department",
            level="city",
            doc_prefix="基",
        )
        orgs.append(org)
    rng = random.Random(8)
    start = date(year, 1, 1)
    rows = []
    for i in range(count):
        received = start + timedelta(days=rng.randrange(365))
        due = received + timedelta(days=rng.choice((5, 7, 14, 21)))
        status, replied, rating = workflow.PROCESSING, None, ""
        if rng.random() < 0.8:
            late = rng.random() < 0.1
            replied = (
                due + timedelta(days=rng.randrange(1, 10)) if late else due - timedelta(days=rng.randrange(4))
            )
            status = workflow.CLOSED if rng.random() < 0.7 else workflow.REPLIED
            rating = rng.choice(RATINGS) if rng.random() < 0.5 else ""
        org = orgs[i % len(orgs)]
        rows.append(
            Message(
                tracking_no=f"BM-{year}-{i:07d}",
                org=org,
                holder_org=org,
                channel=CHANNELS[i % len(CHANNELS)],
                category=workflow.CATEGORIES[i % len(workflow.CATEGORIES)],
                subject=f"基准留言 {i}",
                body="基准留言内容。" * 10,
                public_consent=i % 3 == 0,
                received_on=received,
                limit_days=10,
                status=status,
                due_on=due,
                replied_on=replied,
                first_replied_on=replied,
                reply_text="已办理。" if replied else "",
                rating=rating,
            )
        )
    with transaction.atomic():
        Message.objects.filter(tracking_no__startswith=f"BM-{year}-").delete()
        Message.objects.bulk_create(rows, batch_size=2000)


def ok(response: object) -> object:
    status = getattr(response, "status_code", 0)
    if status != 200:
        raise SystemExit(f"unexpected status {status}")
    return response


def measure(label: str, fn: Callable[[], object]) -> None:
    times, queries = [], 0
    for _ in range(7):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        queries = len(ctx.captured_queries)
    print(
        f"{label:<44} median {statistics.median(times) * 1000:8.1f} ms  max {max(times) * 1000:8.1f} ms"
        f"  {queries} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=50_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    year = date.today().year - 1
    t0 = time.perf_counter()
    build(args.messages, year)
    print(
        f"data set: {args.messages} messages of {year} ({connection.vendor}), ready in {time.perf_counter() - t0:.1f} s"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    measure("selectors.yearly_figures", lambda: selectors.yearly_figures(year))
    measure("GET /messages/figures/?year=", lambda: client.get(f"/messages/figures/?year={year}"))
    measure("GET /messages/figures/<year>.xlsx", lambda: client.get(f"/messages/figures/{year}.xlsx"))
    window = f"start_date={year}-10-01&end_date={year}-12-31"
    measure(
        "GET /open311/v2/requests.json (90 days)", lambda: client.get(f"/open311/v2/requests.json?{window}")
    )
    measure(
        "GET /open311/v2/requests.xml (90 days)", lambda: client.get(f"/open311/v2/requests.xml?{window}")
    )


if __name__ == "__main__":
    main()
