"""The inspection demo data (called by `gongkai demo` through portal.demo_apps): a stored run with findings, the
year's assessment closed with its 通报 published, the month's 通报, and a 工作要点 ledger with progress and reviews —
all written through the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from gongkai.core.models import AuditEntry
from gongkai.inspection.demo import LEDGER_TASKS, load_inspection_demo
from gongkai.inspection.models import (
    Assessment,
    Bulletin,
    Finding,
    InspectionRun,
    ManualScore,
    Task,
    TaskEvidence,
    TaskUnit,
)
from gongkai.publishing.demo import load_demo

pytestmark = pytest.mark.django_db
TODAY = date(2026, 9, 15)


def test_demo_loads_once_through_the_services(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        load_demo(items=60, today=TODAY)
        counts = load_inspection_demo(today=TODAY)
    assert counts["inspection_findings"] == Finding.objects.count() > 0
    assert InspectionRun.objects.filter(as_of=TODAY).count() == 1
    assessment = Assessment.objects.get()
    assert (assessment.state, assessment.year, counts["assessments"]) == (Assessment.State.CLOSED, 2026, 1)
    assert ManualScore.objects.filter(indicator__assessment=assessment).count() == 4
    bulletins = {b.kind: b for b in Bulletin.objects.all()}
    assert set(bulletins) == {Bulletin.Kind.MONTHLY, Bulletin.Kind.ASSESSMENT} and counts["bulletins"] == 2
    assert all(b.published_at is not None for b in bulletins.values())
    assert bulletins[Bulletin.Kind.MONTHLY].period == "2026-09"
    # The ledger: every row of the 任务分解表 imported, one unit done and reviewed, one partly done.
    assert counts["ledger_tasks"] == Task.objects.count() == len(LEDGER_TASKS)
    reviewed = dict(TaskUnit.objects.exclude(review="").values_list("review", "status"))
    assert reviewed == {TaskUnit.Review.PASSED: TaskUnit.Status.DONE, TaskUnit.Review.PARTIAL: "in_progress"}
    assert TaskEvidence.objects.filter(unit__review=TaskUnit.Review.PASSED).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"inspection.plan_import", "inspection.task_review", "inspection.bulletin_publish"} <= actions
    assert not any(load_inspection_demo(today=TODAY).values())
