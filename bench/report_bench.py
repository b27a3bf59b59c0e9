"""Annual report at scale: one agency with N requests (default 100,000), time to compute its report.

    GONGKAI_DATA_DIR=/tmp/gk-report-bench .venv/bin/python bench/report_bench.py [--requests 100000] [--year 2025]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench .venv/bin/python bench/report_bench.py

Builds (once; a second run reuses the data set) an agency whose requests are spread over three years (received
2024-01-01 … 2026-06-30, replied 0–60 days later, about 3 % still open), with the outcome mix of real reports, 1 %
remedies and 0.5 % fee notices, plus a few thousand requests of ten other agencies (so the filters matter). Then
times `selectors.report_data` (tables 二, 三, 四, the checks, the fee figures) and the Word and Excel exports, and
prints one line per measure with the machine's core count. The issue's target: ≤ 1 s for 100,000 requests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("GONGKAI_DATA_DIR", "/tmp/gk-report-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from gongkai.foi.models import ClockEvent, Remedy, Request  # noqa: E402
from gongkai.orgs.models import Organization  # noqa: E402
from gongkai.reports import exports, rules, selectors  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
BENCH_CODE = "BENCHRPT0"
OUTCOME_WEIGHTS = {
    "disclosed": 40,
    "partial": 8,
    "withheld.third_party": 3,
    "withheld.process_info": 2,
    "withheld.state_secret": 1,
    "unable.not_held": 25,
    "unable.needs_creation": 4,
    "not_processed.petition": 5,
    "not_processed.duplicate": 3,
    "other.no_supplement": 4,
    "other.fee_unpaid": 1,
    "other.other": 4,
}
APPLICANT_WEIGHTS = {
    "natural": 85,
    "business": 8,
    "research": 1,
    "public_interest": 1,
    "legal_service": 3,
    "other_org": 2,
}


def org_for(code: str, name: str) -> Organization:
    org, _ = Organization.objects.get_or_create(code=code, defaults={"name": name, "kind": "department"})
    return org


def build(org: Organization, n: int, prefix: str, rng: random.Random) -> None:
    have = Request.objects.filter(org=org).count()
    if have >= n:
        return
    outcomes, o_weights = zip(*OUTCOME_WEIGHTS.items(), strict=True)
    types, t_weights = zip(*APPLICANT_WEIGHTS.items(), strict=True)
    start = date(2024, 1, 1)
    span = (date(2026, 6, 30) - start).days
    batch: list[Request] = []
    for i in range(have, n):
        received = start + timedelta(days=rng.randrange(span))
        replied = received + timedelta(days=rng.randrange(0, 61))
        is_open = rng.random() < 0.03 or replied > date(2026, 6, 30)
        batch.append(
            Request(
                org=org,
                tracking_no=f"{prefix}-{i:08d}",
                applicant_type=rng.choices(types, t_weights)[0],
                channel="online",
                submitted_at=datetime(received.year, received.month, received.day, 9, tzinfo=SHANGHAI),
                received_on=received,
                status="open" if is_open else "replied",
                outcome="" if is_open else rng.choices(outcomes, o_weights)[0],
                replied_on=None if is_open else replied,
            )
        )
        if len(batch) == 5000:
            Request.objects.bulk_create(batch)
            batch = []
    Request.objects.bulk_create(batch)
    ids = list(Request.objects.filter(org=org).values_list("pk", "received_on"))
    remedies, events = [], []
    for pk, received in rng.sample(ids, len(ids) // 100):
        filed = received + timedelta(days=rng.randrange(20, 120))
        decided = filed + timedelta(days=rng.randrange(30, 200)) if rng.random() < 0.8 else None
        remedies.append(
            Remedy(
                request_id=pk,
                kind=rng.choice(rules.KINDS),
                filed_on=filed,
                decided_on=decided,
                result=rng.choice(("upheld", "corrected", "other")) if decided else "pending",
            )
        )
    for pk, received in rng.sample(ids, len(ids) // 200):
        on = received + timedelta(days=rng.randrange(1, 15))
        events.append(ClockEvent(request_id=pk, type="fee_notice", on=on))
        if rng.random() < 0.6:
            events.append(ClockEvent(request_id=pk, type="fee_paid", on=on + timedelta(days=5)))
    Remedy.objects.bulk_create(remedies, batch_size=5000)
    ClockEvent.objects.bulk_create(events, batch_size=5000)
    Request.objects.filter(pk__in=[e.request_id for e in events]).update(
        fee_basis="per_page", fee_quantity=120, fee_amount=Decimal("1100")
    )


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(20260101)
    org = org_for(BENCH_CODE, "基准测试局")
    t0 = time.perf_counter()
    with transaction.atomic():
        build(org, args.requests, "BENCH", rng)
        for k in range(10):
            build(org_for(f"BENCHOTH{k}", f"其他局{k}"), 500, f"BOTH{k}", rng)
    built = time.perf_counter() - t0
    n = Request.objects.filter(org=org).count()
    vendor = connection.vendor
    cores = os.cpu_count()
    print(f"engine={vendor} cores={cores} requests={n} (data set ready in {built:.1f} s)")

    def compute():
        return selectors.report_data(org, args.year)

    median, worst, data = timed(compute, args.repeat)
    assert isinstance(data, selectors.ReportData)
    print(
        f"report_data year={args.year}: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms "
        f"(new={data.table3['new']['total']}, replied={data.table3['total']['total']}, "
        f"carried_forward={data.table3['carried_forward']['total']}, checks_ok={data.ok})"
    )
    median, worst, _ = timed(
        lambda: selectors.table3_counts([org.pk], args.year, rules.FORMAT_2021), args.repeat
    )
    print(f"table 三 GROUP BY alone: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms")
    for fmt in ("docx", "xlsx"):
        median, worst, payload = timed(lambda fmt=fmt: exports.export(data, fmt), args.repeat)
        print(f"export {fmt}: median {median * 1000:.0f} ms ({len(payload)} bytes)")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
