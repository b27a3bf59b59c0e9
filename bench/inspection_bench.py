"""Inspection at scale: 60 agencies, 90 days of daily runs, 50 findings each, an assessment with 5,000 votes, and a
500-task ledger.

    GONGKAI_DATA_DIR=/tmp/gk-inspection-bench .venv/bin/python bench/inspection_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench .venv/bin/python bench/inspection_bench.py

Builds (once; a second run reuses it) the data set, then times the reads of the 通报 and the dashboards
(`selectors.assessment_rows`, `monthly_rows`, `problems_by_org`, `trend` for one agency and for all), the staff
pages that draw them, the Word document of a 通报, the ledger import (500 rows) and its Excel export, and prints one
line per measure (median and max of 7 runs, and the number of SQL queries).
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("GONGKAI_DATA_DIR", "/tmp/gk-inspection-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from tests.factories import make_code  # noqa: E402

from gongkai.inspection import assessment as calc  # noqa: E402
from gongkai.inspection import documents, selectors, services  # noqa: E402
from gongkai.inspection.models import (  # noqa: E402
    Assessment,
    Finding,
    InspectionRun,
    ManualScore,
    OrgVerdict,
    Vote,
    WorkPlan,
)
from gongkai.orgs.models import Organization, User  # noqa: E402
from gongkai.publishing.services import org_setup  # noqa: E402

AGENCIES, DAYS, FINDINGS, VOTES, TASKS = 60, 90, 50, 5000, 500
CODES = ("stale_column", "empty_column", "broken_link", "late_publication", "missing_interpretation", "pii")
TZ = ZoneInfo("Asia/Shanghai")


def build() -> tuple[User, Assessment]:
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_platform_admin": True})
    orgs = list(Organization.objects.filter(name__startswith="检查基准局"))
    for n in range(len(orgs), AGENCIES):
        org, _ = org_setup(
            actor=None,
            code=make_code(7000 + n),
            parent_code=None,
            name=f"检查基准局{n:02d}",
            kind="department",
            level="city",
            doc_prefix="检",
        )
        orgs.append(org)
    Organization.objects.exclude(pk__in=[o.pk for o in orgs]).update(is_active=False)
    assessment = Assessment.objects.filter(title="基准考核").first()
    if assessment is not None:
        return admin, assessment
    rng = random.Random(10)
    today = timezone.localdate()
    with transaction.atomic():
        for d in range(DAYS):
            day = today - timedelta(days=DAYS - 1 - d)
            at = datetime.combine(day, dtime(3, 0), tzinfo=TZ)
            run = InspectionRun.objects.create(as_of=day, network=False, finished_at=at)
            InspectionRun.objects.filter(pk=run.pk).update(started_at=at)
            OrgVerdict.objects.bulk_create(
                OrgVerdict(
                    run=run, org=o, verdict="pass", score=rng.randrange(55, 101), vetoes=[], deductions=[]
                )
                for o in orgs
            )
        rows = []
        for o in orgs:
            for i in range(FINDINGS):
                seen = timezone.now() - timedelta(days=rng.randrange(DAYS), hours=rng.randrange(24))
                resolved = seen + timedelta(days=rng.randrange(1, 30)) if i % 2 else None
                rows.append(
                    Finding(
                        key=f"bench-{o.pk}-{i}",
                        code=CODES[i % len(CODES)],
                        rule="R-WEB-1",
                        org=o,
                        detail=f"基准问题 {i}",
                        first_seen_at=seen,
                        last_seen_at=seen,
                        resolved_at=resolved if resolved and resolved < timezone.now() else None,
                    )
                )
        Finding.objects.bulk_create(rows, batch_size=2000)
    assessment = services.assessment_create(actor=admin, title="基准考核", year=today.year, as_of=today)
    services.assessment_transition(actor=admin, assessment=assessment, action="open")
    manual = assessment.indicators.get(kind=calc.MANUAL)
    ManualScore.objects.bulk_create(
        ManualScore(indicator=manual, org=o, score=rng.randrange(21)) for o in orgs
    )
    Vote.objects.bulk_create(
        Vote(
            assessment=assessment,
            org=orgs[i % len(orgs)],
            rating=rng.choice((0, 60, 100)),
            voter=f"v{i}",
            address=f"a{i % 300}",
        )
        for i in range(VOTES)
    )
    return admin, assessment


def ledger_sheet(orgs: list[Organization]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(("序号", "重点任务", "牵头单位", "配合单位", "完成时限"))
    for i in range(TASKS):
        ws.append(
            (i + 1, f"基准任务 {i}", orgs[i % len(orgs)].name, orgs[(i + 1) % len(orgs)].name, "第三季度")
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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


class Rollback(Exception):
    pass


def in_rollback(fn: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            with transaction.atomic():
                fn()
                raise Rollback
        except Rollback:
            pass

    return run


def main() -> None:
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    admin, assessment = build()
    orgs = selectors.assessed_orgs()
    print(
        f"data set: {len(orgs)} agencies, {DAYS} days of runs, {Finding.objects.count()} findings, "
        f"{Vote.objects.count()} votes ({connection.vendor}), ready in {time.perf_counter() - t0:.1f} s"
    )
    today = timezone.localdate()
    first, last = calc.month_bounds(f"{today:%Y-%m}")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    measure("selectors.assessment_rows (60 agencies)", lambda: selectors.assessment_rows(assessment))
    measure("selectors.monthly_rows", lambda: selectors.monthly_rows(first, last))
    measure("selectors.problems_by_org", lambda: selectors.problems_by_org(orgs, selectors.end_of_day(today)))
    measure("selectors.trend (one agency, 90 days)", lambda: selectors.trend(orgs[:1]))
    measure("selectors.trend (60 agencies, 90 days)", lambda: selectors.trend(orgs))
    measure("GET /staff/inspection/ (admin, chart)", lambda: client.get("/staff/inspection/"))
    measure(
        "GET /staff/inspection/orgs/<code>/", lambda: client.get(f"/staff/inspection/orgs/{orgs[0].code}/")
    )
    measure(
        "GET /staff/inspection/assessments/<pk>/",
        lambda: client.get(f"/staff/inspection/assessments/{assessment.pk}/"),
    )
    bulletin = services.bulletin_monthly(actor=admin, month=f"{today:%Y-%m}")
    measure(
        "services.bulletin_monthly (stored)",
        in_rollback(lambda: services.bulletin_monthly(actor=admin, month=f"{today:%Y-%m}")),
    )
    measure("documents.bulletin_docx (60 agencies)", lambda: documents.bulletin_docx(bulletin))
    sheet = ledger_sheet(orgs)
    plan = WorkPlan.objects.create(year=today.year, title="基准工作要点")
    measure(
        f"services.plan_import ({TASKS} rows)",
        in_rollback(lambda: services.plan_import(actor=admin, plan=plan, data=sheet)),
    )
    services.plan_import(actor=admin, plan=plan, data=sheet)
    measure(
        f"GET ledger export ({TASKS * 2} rows)",
        lambda: client.get(f"/staff/inspection/tasks/plans/{plan.pk}/export/"),
    )
    WorkPlan.objects.filter(pk=plan.pk).delete()


if __name__ == "__main__":
    main()
