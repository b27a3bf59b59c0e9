"""Open data at scale: background parsing of a large CSV, and the cost of usage counting per request.

    GONGKAI_DATA_DIR=/tmp/gk-opendata-bench .venv/bin/python bench/opendata_bench.py [--rows 100000] [--hits 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench .venv/bin/python bench/opendata_bench.py

1. Uploads a generated CSV of N rows (GB18030, 6 columns: text, int, numeric, date) — above the inline limit, so
   it is queued — and times `services.datastore_parse_pending` (the `opendata_parse` tick job): rows/s.
2. Requests the dataset page H times through the test client, first with counts written at every request
   (GONGKAI_OPENDATA_USAGE_FLUSH_SECONDS=0), then buffered (the default, 30 s; one flush at the end), and prints the
   median time per request and the number of statements written to `opendata_usageday` in each mode.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("GONGKAI_DATA_DIR", "/tmp/gk-opendata-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from gongkai.opendata import services, usage  # noqa: E402
from gongkai.opendata.models import Dataset, DatastoreTable, UsageDay  # noqa: E402
from gongkai.orgs.models import Membership, Organization, Role, User  # noqa: E402

NAME = "bench-large-table"


def _csv(rows: int, rng: random.Random) -> bytes:
    out = io.StringIO()
    out.write("站点名称,所属区县,年度,客流量,满意度,统计日期\n")
    districts = ["东城区", "西城区", "青山镇", "和平街道", "高新区"]
    start = date(2020, 1, 1)
    for n in range(rows):
        out.write(
            f"站点{n},{rng.choice(districts)},{2020 + n % 6},{rng.randint(0, 99999)},"
            f"{rng.random() * 100:.2f},{start + timedelta(days=n % 2000)}\n"
        )
    return out.getvalue().encode("gb18030")


def _setup() -> tuple[User, Dataset]:
    call_command("migrate", verbosity=0)
    org = Organization.objects.filter(name="BENCH 数据局").first()
    if org is None:
        from stdnum.cn import uscc

        from gongkai.publishing.services import org_setup

        body17 = "11990100000000825"
        org, _ = org_setup(
            actor=None,
            code=body17 + uscc.calc_check_digit(body17),
            parent_code=None,
            name="BENCH 数据局",
            kind="department",
            level="city",
            doc_prefix="数",
            address="测试路2号",
            phone="0311-12345679",
            office_hours="工作日",
            email="bench-data@example.gov.cn",
        )
    publisher = User.objects.filter(username="bench_data_pub").first()
    if publisher is None:
        publisher = User.objects.create_user(username="bench_data_pub", password="x")
        Membership.objects.create(user=publisher, org=org, role=Role.DATA_PUBLISHER)
    Dataset.objects.filter(name=NAME).delete()
    dataset = services.dataset_create(
        actor=publisher,
        org=org,
        data=services.DatasetData(name=NAME, title="BENCH 站点客流", description="基准测试数据。"),
        publish=True,
    )
    return publisher, dataset


def bench_parse(publisher: User, dataset: Dataset, rows: int) -> None:
    data = _csv(rows, random.Random(7))
    settings.GONGKAI_OPENDATA_PARSE_INLINE_BYTES = 0
    resource = services.resource_create(
        actor=publisher, dataset=dataset, name="客流", upload_name="flow.csv", data=data
    )
    started = time.perf_counter()
    handled = services.datastore_parse_pending(limit=1)
    elapsed = time.perf_counter() - started
    table = DatastoreTable.objects.get(resource=resource)
    print(
        f"parse: {rows} rows, {len(data) / 1e6:.1f} MB GB18030 → {table.status}, {table.row_count} rows, "
        f"{elapsed:.1f} s ({table.row_count / elapsed:,.0f} rows/s), handled={handled}"
    )


def bench_counting(hits: int) -> None:
    client = Client()
    for label, seconds in (("per request", 0.0), ("buffered", 30.0)):
        settings.GONGKAI_OPENDATA_USAGE_FLUSH_SECONDS = seconds
        usage.flush()
        UsageDay.objects.all().delete()
        times = []
        with CaptureQueriesContext(connection) as queries:
            for _ in range(hits):
                started = time.perf_counter()
                response = client.get(f"/dataset/{NAME}/")
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            usage.flush()
        writes = [
            q
            for q in queries.captured_queries
            if "usageday" in q["sql"].lower() and "select" not in q["sql"][:10].lower()
        ]
        total = sum(UsageDay.objects.values_list("count", flat=True))
        print(
            f"count {label}: {hits} page views, median {statistics.median(times) * 1000:.1f} ms/request, "
            f"{len(writes)} writes to opendata_usageday, counted {total}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--hits", type=int, default=2000)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    print(f"engine: {connection.vendor}, cores: {os.cpu_count()}")
    publisher, dataset = _setup()
    bench_parse(publisher, dataset, args.rows)
    bench_counting(args.hits)


if __name__ == "__main__":
    main()
