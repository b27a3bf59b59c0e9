"""Demo data for the open-data workflows beyond plain datasets (`gongkai demo`, called from portal/demo_apps.py
after the demo datasets are loaded): a 有条件开放 dataset with an approved application (whose code is known, so the
demo user can enter it and see the signed download links) and a pending one, usage counts for the last weeks, a
resource waiting for the background parse, and a staff change proposal waiting for the data publisher.

Everything goes through the services (audit entries included), except that the approved application's random code
is replaced by `DEMO_ACCESS_CODE` — a demo-only convenience, documented in docs/opendata.md.
"""

from __future__ import annotations

import csv
import io
import logging
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.opendata import services, usage
from gongkai.opendata.models import AccessApplication, Dataset, DatasetChange, DatastoreTable
from gongkai.orgs.models import Membership, Role, User

log = logging.getLogger(__name__)

DEMO_ACCESS_CODE = "shifan-demo-2026"
CONDITIONAL_NAME = "shifan-enterprise-credit"
USAGE_DAYS = 30
KEYS = ("od_conditional", "od_applications", "od_usage_rows", "od_pending_parse", "od_changes")


def _user(key: str, role: str) -> User:
    return User.objects.get(username=f"{key}_{role}")


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _conditional(today: date, rng: random.Random, counts: Counter[str]) -> None:
    publisher = _user("szf", "data_publisher")
    org = Membership.objects.select_related("org").get(user=publisher, role=Role.DATA_PUBLISHER).org
    dataset = services.dataset_create(
        actor=publisher,
        org=org,
        data=services.DatasetData(
            name=CONDITIONAL_NAME,
            title="示范市企业公共信用综合评价结果",
            description="市场主体公共信用综合评价等级明细（含统一社会信用代码）。因涉及经营主体信息，"
            "属有条件开放数据，经申请同意后方可下载和通过接口读取。",
            domain="信用服务",
            tags=["信用", "企业"],
            update_frequency="quarterly",
            temporal_start=date(today.year - 1, 1, 1),
            temporal_end=date(today.year - 1, 12, 31),
            spatial="示范市",
            contact_name="市政府办公室数据开放联系人",
            contact_email="data_szf@shifan.example",
            open_type="conditional",
        ),
        publish=True,
    )
    trades = ("建材", "物流", "餐饮", "软件", "印刷", "家政", "医药", "农业")
    rows: list[list[object]] = [
        [
            f"示范市{rng.choice(('华兴', '瑞丰', '恒达', '新源', '博远', '安泰'))}{trade}有限公司",
            f"91990100MA{i:07d}X",
            rng.choice(("A", "A", "B", "B", "B", "C", "D")),
            today.year - 1,
        ]
        for i, trade in enumerate(trades * 3, start=1)
    ]
    resource = services.resource_create(
        actor=publisher,
        dataset=dataset,
        name="企业公共信用综合评价结果",
        upload_name="credit.csv",
        data=_csv(["企业名称", "统一社会信用代码", "评价等级", "评价年度"], rows),
    )
    counts.update({"od_conditional": 1, "datasets": 1, "resources": 1})
    approved, _ = services.access_apply(
        dataset=dataset,
        applicant_name="周明哲",
        applicant_org="示范大学城市治理研究院",
        phone="0990-12345678",
        email="zhou@univ.shifan.example",
        purpose="开展营商环境与市场主体信用状况关联研究，数据仅用于课题分析，不对外提供。",
    )
    AccessApplication.objects.filter(pk=approved.pk).update(
        code_prefix=DEMO_ACCESS_CODE[:6], code_hash=services.token_hash(DEMO_ACCESS_CODE)
    )
    approved = services.access_decide(
        actor=publisher, application=approved, approve=True, reply="同意，请按申请用途使用，不得对外提供。"
    )
    services.access_open_log(application=approved, address="198.51.100.23")
    services.access_download_log(application=approved, resource=resource, address="198.51.100.23")
    services.access_apply(
        dataset=dataset,
        applicant_name="钱雨桐",
        applicant_org="示范市通达运输有限公司",
        phone="13900000000",
        email="",
        purpose="核查合作物流企业的信用等级，用于供应商准入评估。",
    )
    counts["od_applications"] += 2


def _usage(today: date, rng: random.Random, counts: Counter[str]) -> None:
    """Views, downloads and API calls of the published datasets, day by day for the last `USAGE_DAYS` days."""
    batch: dict[usage.Key, int] = {}
    datasets = Dataset.objects.filter(status="published").prefetch_related("resources")
    for dataset in datasets:
        weight = rng.uniform(0.5, 2.0)
        for back in range(USAGE_DAYS):
            day = today - timedelta(days=back)
            weekday = day.weekday() < 5
            batch[(day, usage.VIEW, dataset.pk, None)] = max(
                1, int(rng.randrange(8, 40) * weight * (1 if weekday else 0.4))
            )
            batch[(day, usage.API, dataset.pk, None)] = rng.randrange(0, 12)
            for resource in dataset.resources.all():
                downloads = int(rng.randrange(0, 9) * weight)
                if downloads:
                    batch[(day, usage.DOWNLOAD, dataset.pk, resource.pk)] = downloads
    for back in range(USAGE_DAYS):  # the platform's searches, lists and status calls
        batch[(today - timedelta(days=back), usage.API, None, None)] = rng.randrange(20, 80)
    services.usage_flush(batch)
    counts["od_usage_rows"] += len(batch)


def _pending_parse(today: date, rng: random.Random, counts: Counter[str]) -> None:
    """A quarterly progress table added to the key-projects dataset, left for the `opendata_parse` tick job (as a
    large upload would be: the inline limit is lowered while it is stored)."""
    dataset = Dataset.objects.get(name="shifan-key-projects")
    publisher = _user("szf", "data_publisher")
    rows: list[list[object]] = [
        [
            f"{today.year - 1}-{i:03d}",
            f"{today.year}Q{q}",
            rng.randrange(5, 100),
            round(rng.uniform(10, 900), 2),
        ]
        for i in range(1, 26)
        for q in range(1, 5)
    ]
    with override_settings(GONGKAI_OPENDATA_PARSE_INLINE_BYTES=0):
        resource = services.resource_create(
            actor=publisher,
            dataset=dataset,
            name="重点建设项目季度进度",
            upload_name="progress.csv",
            data=_csv(["项目编号", "季度", "形象进度（%）", "完成投资（万元）"], rows),
        )
    if DatastoreTable.objects.filter(resource=resource, status=DatastoreTable.Status.PENDING).exists():
        counts["od_pending_parse"] += 1


def _change(today: date, rng: random.Random, counts: Counter[str]) -> None:
    """A drafter of the 市政府办公室 (staff, not data publisher) proposes a metadata change and a new resource for
    a published dataset."""
    dataset = Dataset.objects.get(name="shifan-air-quality-monthly")
    services.dataset_change_propose(
        actor=_user("szf", "drafter"),
        dataset=dataset,
        data=services.DatasetData(
            description="各区逐月 PM2.5 平均浓度和优良天数比例。数据来源：市生态环境监测站自动监测数据，"
            "每月 10 日前更新上月数据。",
            tags=["环境", "空气质量", "PM2.5"],
        ),
    )
    counts["od_changes"] += 1
    rows: list[list[object]] = [
        [f"{today.year - 1}-{m:02d}", "示范市", rng.randrange(25, 60)] for m in range(1, 13)
    ]
    services.resource_propose(
        actor=_user("szf", "drafter"),
        dataset=dataset,
        name="全市空气质量月度汇总",
        upload_name="air-city.csv",
        data=_csv(["月份", "区域", "PM2.5平均浓度"], rows),
    )
    counts["od_changes"] += 1


def load_opendata_demo(*, today: date | None = None, seed: int = 20261123) -> dict[str, int]:
    """Write the open-data workflow demo data; returns the number written per kind (nothing when some exists)."""
    today = min(today or timezone.localdate(), timezone.localdate())
    counts: Counter[str] = Counter({k: 0 for k in KEYS})
    if Dataset.objects.filter(name=CONDITIONAL_NAME).exists() or DatasetChange.objects.exists():
        return dict(counts)
    rng = random.Random(seed)
    scenarios: list[tuple[str, Callable[[date, random.Random, Counter[str]], None]]] = [
        ("conditional access", _conditional),
        ("pending parse", _pending_parse),
        ("change proposal", _change),
        ("usage counts", _usage),
    ]
    for label, run in scenarios:
        try:
            with transaction.atomic():
                run(today, rng, counts)
        except (ApplicationError, PermissionDenied, ObjectDoesNotExist) as exc:
            log.warning("open-data demo scenario left out: %s: %s", label, exc)
    return dict(counts)
