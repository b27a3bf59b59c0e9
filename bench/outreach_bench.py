"""Outreach at scale: a survey with N answer sheets (default 50,000) and a 舆情 ledger of M cases (default 2,000).

    GONGKAI_DATA_DIR=/tmp/gk-outreach-bench .venv/bin/python bench/outreach_bench.py [--sheets 50000] [--cases 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench .venv/bin/python bench/outreach_bench.py

Builds (once; a second run reuses the data set) one survey of 10 questions (6 single choice with 5 options, 2
multiple choice with 6 options, 2 text questions answered by one person in five) answered N times, and M cases with
three responses and two promises each (four in five kept). Then times `selectors.survey_results` (public, and staff with the texts), the
public survey page (results after closing, with the chart options), the R-INT-4 evaluation of the whole ledger
(`case_rows`) and the staff attention lists of a platform admin (`cases_needing_attention`), and prints one line per
measure (median and max of 7 runs).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("GONGKAI_DATA_DIR", "/tmp/gk-outreach-bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongkai.orgs.models import Organization, User  # noqa: E402
from gongkai.outreach import rules, selectors, services  # noqa: E402
from gongkai.outreach.models import (  # noqa: E402
    CasePromise,
    CaseResponse,
    OpinionCase,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)

BENCH_TITLE = "BENCH 满意度调查"


def _definition() -> str:
    blocks = [f"单选：第{i}题\n" + "\n".join(f"选项{j}" for j in range(1, 6)) for i in range(1, 7)]
    blocks += [f"多选：第{i}题\n" + "\n".join(f"选项{j}" for j in range(1, 7)) for i in range(7, 9)]
    blocks += ["文字：第9题", "文字：第10题"]
    return "\n\n".join(blocks)


def _org_and_admin() -> tuple[Organization, User]:
    org = Organization.objects.filter(name="BENCH 宣传局").first()
    if org is None:
        from stdnum.cn import uscc

        from gongkai.publishing.services import org_setup

        body17 = "11990100000000917"
        org, _ = org_setup(
            actor=None,
            code=body17 + uscc.calc_check_digit(body17),
            parent_code=None,
            name="BENCH 宣传局",
            kind="department",
            level="city",
            doc_prefix="测",
            address="测试路1号",
            phone="0311-12345678",
            office_hours="工作日",
            email="bench@example.gov.cn",
        )
    admin = User.objects.filter(username="bench_admin").first() or User.objects.create_user(
        username="bench_admin", password="x", is_platform_admin=True
    )
    return org, admin


def build(sheets: int, cases: int, rng: random.Random) -> Survey:
    org, admin = _org_and_admin()
    survey = Survey.objects.filter(title=BENCH_TITLE).first()
    if survey is None:
        today = timezone.localdate()
        survey = services.survey_create(
            actor=admin,
            org=org,
            data=services.SurveyData(
                BENCH_TITLE, _definition(), today - timedelta(days=30), today + timedelta(days=1)
            ),
        )
    have = survey.responses.count()
    questions = list(survey.questions.prefetch_related("options"))
    started = time.monotonic()
    for start in range(have, sheets, 2000):
        with transaction.atomic():
            batch = SurveyResponse.objects.bulk_create(
                SurveyResponse(survey=survey, voter=f"bench-{n}", address_hash=f"{n % 5000:064d}")
                for n in range(start, min(start + 2000, sheets))
            )
            rows = []
            for response in batch:
                for q in questions:
                    options = list(q.options.all())
                    if q.kind == rules.SINGLE:
                        rows.append(SurveyAnswer(response=response, question=q, option=rng.choice(options)))
                    elif q.kind == rules.MULTIPLE:
                        for o in rng.sample(options, rng.randint(1, 3)):
                            rows.append(SurveyAnswer(response=response, question=q, option=o))
                    elif rng.random() < 0.2:
                        rows.append(
                            SurveyAnswer(response=response, question=q, text="建议增加服务时间。" * 3)
                        )
            SurveyAnswer.objects.bulk_create(rows, batch_size=5000)
    if survey.closed_early_on is None:
        services.survey_close(actor=admin, survey=survey)
    have_cases = OpinionCase.objects.filter(org=org).count()
    now = timezone.now()
    with transaction.atomic():
        new = OpinionCase.objects.bulk_create(
            OpinionCase(
                org=org,
                title=f"BENCH 舆情 {n}",
                summary="概述",
                source="网络",
                first_seen_at=now - timedelta(hours=rng.randint(1, 24 * 365)),
                level=rng.choice(list(rules.LEVEL_LABELS)),
            )
            for n in range(have_cases, cases)
        )
        CaseResponse.objects.bulk_create(
            CaseResponse(
                case=c,
                kind=rng.choice(list(rules.RESPONSE_KINDS)),
                at=c.first_seen_at + timedelta(hours=rng.randint(1, 72)),
                summary="回应",
            )
            for c in new
            for _ in range(3)
        )
        CasePromise.objects.bulk_create(
            _promise(c, c.first_seen_at.date() + timedelta(days=rng.randint(1, 60)), kept=rng.random() < 0.8)
            for c in new
            for _ in range(2)
        )
    with connection.cursor() as cursor:  # fresh statistics after the bulk load, as autovacuum would give
        cursor.execute("ANALYZE")
    print(f"data: {sheets} sheets, {cases} cases ready in {time.monotonic() - started:.1f} s", flush=True)
    return survey


def _promise(case: OpinionCase, due_on: date, *, kept: bool) -> CasePromise:
    """Four promises in five were kept on their due date; the rest are still pending."""
    if kept and due_on <= timezone.localdate():
        return CasePromise(
            case=case, text="承诺", due_on=due_on, outcome=rules.KEPT, settled_on=due_on, settlement="已兑现"
        )
    return CasePromise(case=case, text="承诺", due_on=due_on)


def timed(label: str, fn: Callable[[], object], runs: int = 7) -> None:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"{label}: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms "
        f"({connection.vendor}, {os.cpu_count()} cores, {datetime.now(UTC).date().isoformat()})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=2_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    survey = build(args.sheets, args.cases, random.Random(20261123))
    _org, admin = _org_and_admin()
    client = Client()
    timed(f"survey_results, public ({args.sheets} sheets)", lambda: selectors.survey_results(survey))
    timed("survey_results, export with every text", lambda: selectors.survey_results(survey, with_texts=True))
    timed(
        f"survey_results, staff page (first {selectors.STAFF_TEXTS_SHOWN} texts per question)",
        lambda: selectors.survey_results(survey, with_texts=True, text_limit=selectors.STAFF_TEXTS_SHOWN),
    )
    timed(
        "public survey page (results, charts, tables)",
        lambda: client.get(f"/surveys/{survey.pk}/", HTTP_HOST="127.0.0.1"),
    )
    timed(
        f"R-INT-4 whole ledger evaluated ({args.cases} cases)",
        lambda: selectors.case_rows(OpinionCase.objects.all()),
    )
    timed(
        "staff attention lists (90 days + overdue promises)", lambda: selectors.cases_needing_attention(admin)
    )
    staff = Client()
    staff.force_login(admin)
    timed(
        f"staff survey page (first {selectors.STAFF_TEXTS_SHOWN} text answers per question)",
        lambda: staff.get(f"/staff/outreach/surveys/{survey.pk}/", HTTP_HOST="127.0.0.1"),
    )


if __name__ == "__main__":
    main()
