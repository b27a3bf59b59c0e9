"""Demo data of the inspection app for the demo city (called by `gongkai.portal.demo_apps.load_demo_apps`): a stored
inspection run over the demo agencies (its findings), the year's assessment scored, voted on, closed and its 通报
published, the month's 检查情况通报, and a 工作要点 ledger imported from a 任务分解表 (xlsx) with progress, 佐证材料
and a 回头看 review.

Every write goes through the services as the demo's 政务公开办 administrator or an agency's own staff, so the audit
log and the permission checks are real. Dates are relative to `today` and never after it. A scenario the rules
refuse is left out whole (its own savepoint)."""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from gongkai.core.errors import ApplicationError
from gongkai.inspection import assessment as calc
from gongkai.inspection import services
from gongkai.inspection.models import Assessment, TaskUnit
from gongkai.orgs.models import Organization, User
from gongkai.publishing.demo import ADMIN_USERNAME, ORG_BY_KEY
from gongkai.publishing.selectors import items_public

log = logging.getLogger(__name__)
KINDS = ("inspection_findings", "assessments", "bulletins", "ledger_tasks")

# 任务分解表 of the year's 政务公开工作要点: (task, lead agency keys, supporting agency keys, deadline as written).
LEDGER_TASKS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("及时公开年度财政预决算及“三公”经费，细化到功能分类项级科目", ("szf",), ("jyj",), "{y}年6月底"),
    ("开展基层政务公开标准目录动态调整，完善教育领域公开事项清单", ("jyj",), (), "{y}年9月30日"),
    ("规范政策解读，重要政策文件与解读材料同步公开", ("szf",), ("dc", "xc"), "{y}年下半年"),
    ("做好依申请公开答复规范化，按时答复率保持100%", ("dc",), (), "{y}年底"),
    ("推进政务公开专区建设，街道（乡镇）全部设立查阅点", ("xc",), ("dc",), "{y}年第三季度"),
)


def _org(key: str) -> Organization:
    return Organization.objects.get(code=ORG_BY_KEY[key].code)


def _staff(key: str) -> User:
    return User.objects.get(username=f"{key}_publisher")


def _attempt(skipped: list[str], label: str, fn: Callable[[], Any]) -> Any:
    try:
        with transaction.atomic():
            return fn()
    except ApplicationError as exc:
        skipped.append(f"{label}: {exc}")
        log.warning("inspection demo scenario left out: %s: %s", label, exc)
        return None


def _ledger_sheet(year: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append([f"{year}年政务公开工作要点任务分解表"])
    ws.append(["序号", "工作任务", "牵头单位", "配合单位", "完成时限"])
    for n, (title, lead, support, deadline) in enumerate(LEDGER_TASKS, start=1):
        ws.append(
            [
                n,
                title,
                "、".join(ORG_BY_KEY[k].short_name for k in lead),
                "、".join(ORG_BY_KEY[k].short_name for k in support),
                deadline.format(y=year),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ledger(admin: User, today: date) -> int:
    plan = services.plan_create(actor=admin, year=today.year, title=f"{today.year}年政务公开工作要点")
    stored, errors = services.plan_import(actor=admin, plan=plan, data=_ledger_sheet(today.year))
    if errors:
        log.warning("inspection demo ledger rows left out: %s", errors)
    units = {
        (u.task.sort_order, u.org.code): u
        for u in TaskUnit.objects.filter(task__plan=plan).select_related("task", "org")
    }
    szf, jyj, dc = ORG_BY_KEY["szf"].code, ORG_BY_KEY["jyj"].code, ORG_BY_KEY["dc"].code
    done = units[(1, szf)]
    services.task_progress(
        actor=_staff("szf"),
        unit=done,
        status=TaskUnit.Status.DONE,
        progress="市级部门预决算及“三公”经费已在财政预决算专栏集中公开，细化到项级科目。",
    )
    published = items_public().filter(org=done.org).exclude(index_no="").order_by("-published_at").first()
    if published is not None and published.index_no:
        services.evidence_add(actor=_staff("szf"), unit=done, item_ref=published.index_no)
    services.evidence_add(actor=_staff("szf"), unit=done, note="预决算公开情况已在常务会议上专题通报。")
    services.task_review(actor=admin, unit=done, review=TaskUnit.Review.PASSED)
    services.task_progress(
        actor=_staff("jyj"),
        unit=units[(2, jyj)],
        status=TaskUnit.Status.IN_PROGRESS,
        progress="已完成义务教育、学前教育两个子领域的目录梳理，民办教育子领域正在征求意见。",
    )
    late = units[(4, dc)]
    services.task_progress(
        actor=_staff("dc"),
        unit=late,
        status=TaskUnit.Status.IN_PROGRESS,
        progress="已建立依申请公开答复台账，个别申请答复期限需延长的正在履行审批手续。",
    )
    services.task_review(
        actor=admin,
        unit=late,
        review=TaskUnit.Review.PARTIAL,
        note="答复台账已建立，但延期答复未按规定书面告知申请人，请限期整改。",
    )
    return stored


def _assessment(admin: User, today: date) -> int:
    assessment = services.assessment_create(
        actor=admin, title=f"{today.year}年度政务公开工作考核", year=today.year, as_of=today
    )
    services.assessment_transition(actor=admin, assessment=assessment, action="open")
    manual = assessment.indicators.filter(kind=calc.MANUAL)
    scores = {"szf": Decimal(19), "jyj": Decimal(17), "dc": Decimal(15), "xc": Decimal(12)}
    for indicator in manual:
        for key, score in scores.items():
            services.manual_score_set(
                actor=admin,
                indicator=indicator,
                org=_org(key),
                score=min(score, Decimal(indicator.weight)),
                note="依据工作要点台账落实情况评分。",
            )
    ratings = ((100, 100, 60, 60), (100, 60, 60, 0), (60, 100, 100, 60), (100, 100, 60, 100))
    for n, row in enumerate(ratings):
        services.vote_cast(
            assessment=assessment,
            voter_token=f"demo-citizen-voter-{n:04d}",
            address=f"192.0.2.{n + 10}",
            ratings={_org(k).pk: r for k, r in zip(scores, row, strict=True)},
        )
    services.assessment_transition(actor=admin, assessment=assessment, action="close")
    bulletin = services.bulletin_assessment(actor=admin, assessment=assessment)
    services.bulletin_publish(actor=admin, bulletin=bulletin)
    return 1


def load_inspection_demo(*, today: date) -> dict[str, int]:
    """Load the inspection demo data; returns the number written per kind. Nothing when an assessment exists."""
    counts: Counter[str] = Counter({k: 0 for k in KINDS})
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None or Assessment.objects.exists():
        return dict(counts)
    skipped: list[str] = []
    report = _attempt(
        skipped,
        "inspection_run",
        lambda: services.inspection_run(actor=admin, as_of=today, network=False, persist=True),
    )
    if report is not None:
        counts["inspection_findings"] = sum(len(o.findings) for o in report.orgs)
    month = f"{today.year}-{today.month:02d}"

    def monthly() -> None:
        bulletin = services.bulletin_monthly(actor=admin, month=month)
        services.bulletin_publish(actor=admin, bulletin=bulletin)
        counts["bulletins"] += 1

    _attempt(skipped, "monthly_bulletin", monthly)
    if _attempt(skipped, "assessment", lambda: _assessment(admin, today)):
        counts["assessments"] += 1
        counts["bulletins"] += 1
    counts["ledger_tasks"] = _attempt(skipped, "ledger", lambda: _ledger(admin, today)) or 0
    return dict(counts)
