"""工作要点 task ledger (issue 10 item 7): import from a 任务分解表 (bad rows reported), progress and evidence by
the agencies, overdue tasks, the 回头看 review, the Excel export read back."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from gongkai.inspection import ledger
from gongkai.inspection.models import TaskEvidence, TaskUnit, WorkPlan
from gongkai.orgs.models import User
from tests.factories import make_agency, publish

# ---------------------------------------------------------------- pure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-30", date(2026, 6, 30)),
        ("2026年6月30日前", date(2026, 6, 30)),
        ("2026年9月底前", date(2026, 9, 30)),
        ("6月底前", date(2026, 6, 30)),
        ("第三季度", date(2026, 9, 30)),
        ("2027年第一季度", date(2027, 3, 31)),
        ("上半年", date(2026, 6, 30)),
        ("年底前", date(2026, 12, 31)),
        ("2026年底", date(2026, 12, 31)),
        ("长期坚持", None),
        ("持续推进", None),
        ("", None),
        (date(2026, 5, 1), date(2026, 5, 1)),
    ],
)
def test_deadlines(text, expected):
    assert ledger.parse_deadline(text, 2026) == (expected, "")


@pytest.mark.parametrize("text", ["下周", "2026年13月", "2026年2月30日"])
def test_bad_deadlines(text):
    deadline, error = ledger.parse_deadline(text, 2026)
    assert deadline is None and text in error


def test_header_found_below_a_title_and_with_level_columns():
    rows = [
        ("2026年政务公开工作要点任务分解表",),
        (),
        ("一级栏目", "二级栏目", "内容说明", "责任单位"),
        ("稳增长", "政策文件", "重大政策", "甲局、乙局"),
    ]
    tasks, errors = ledger.read_rows(rows, 2026)
    assert errors == [] and tasks[0].category == "稳增长/政策文件" and tasks[0].lead == ["甲局", "乙局"]
    assert ledger.read_rows([("a", "b")], 2026)[1][0].startswith("未找到表头")


# ---------------------------------------------------------------- with the database

pytestmark_db = pytest.mark.django_db


def sheet(rows: list[tuple]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(("2026年政务公开工作要点任务分解表",))
    ws.append(("序号", "重点任务", "牵头单位", "配合单位", "完成时限"))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def setting():
    office = User.objects.create_user(username="lg-admin", password="x-Password-2026", is_platform_admin=True)
    a, b = make_agency("lga", name="示范市教育局"), make_agency("lgb", name="示范市民政局")
    return office, a, b


@pytestmark_db
def test_import_progress_evidence_review_and_export(client, setting):
    office, a, b = setting
    past = (timezone.localdate() - timedelta(days=5)).isoformat()
    data = sheet(
        [
            (1, "公开义务教育招生政策", "示范市教育局", "示范市民政局", past),
            (2, "公开低保标准", "示范市民政局", "", "长期坚持"),
            (3, "", "示范市教育局", "", "6月底前"),
            (4, "公开养老服务信息", "示范市不存在局", "", "6月底前"),
            (5, "公开救助信息", "示范市民政局", "", "下周"),
            (6, "做好政策解读", "", "", "6月底前"),
        ]
    )
    client.force_login(office)
    client.post("/staff/inspection/tasks/", {"year": "2026", "title": "2026年政务公开工作要点"})
    plan = WorkPlan.objects.get()
    response = client.post(f"/staff/inspection/tasks/plans/{plan.pk}/", {"file": io.BytesIO(data)})
    page = response.content.decode()
    assert "已导入 2 项任务" in page
    for expected in (
        "第 5 行：缺少任务内容",
        "第 6 行：未找到责任单位“示范市不存在局”",
        "第 7 行：无法识别完成时限“下周”",
        "第 8 行：缺少责任单位",
    ):
        assert expected in page
    units = TaskUnit.objects.filter(task__plan=plan)
    assert units.count() == 3  # 教育局 (lead) + 民政局 (support) for task 1, 民政局 for task 2
    enrolment = units.get(org=a.org)

    # The office sees what is overdue.
    page = client.get(f"/staff/inspection/tasks/plans/{plan.pk}/?overdue=1").content.decode()
    assert "公开义务教育招生政策" in page and "公开低保标准" not in page and "已逾期" in page

    # 教育局 reports progress and evidence; 民政局 cannot touch 教育局's row.
    client.force_login(b.drafter)
    assert client.get(f"/staff/inspection/tasks/units/{enrolment.pk}/").status_code == 404
    client.force_login(a.drafter)
    url = f"/staff/inspection/tasks/units/{enrolment.pk}/"
    response = client.post(url, {"action": "progress", "status": "done", "progress": ""})
    assert response.status_code == 400 and "请填写完成情况" in response.content.decode()
    client.post(url, {"action": "progress", "status": "done", "progress": "已在门户公开招生政策。"})
    item = publish(a, "2026年义务教育招生入学政策")
    client.post(url, {"action": "evidence", "item_ref": item.index_no})
    response = client.post(url, {"action": "evidence", "url": "javascript:alert(1)"})
    assert response.status_code == 400
    client.post(url, {"action": "evidence", "url": "https://example.gov.cn/zsxx", "note": "招生专栏"})
    assert TaskEvidence.objects.filter(unit=enrolment).count() == 2
    assert client.post(url, {"action": "review", "review": "passed"}).status_code == 404  # only the office

    client.force_login(office)
    response = client.post(url, {"action": "review", "review": "partial", "note": ""})
    assert response.status_code == 400
    client.post(url, {"action": "review", "review": "partial", "note": "解读材料未公开"})
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.review) == ("done", "partial")

    response = client.get(f"/staff/inspection/tasks/plans/{plan.pk}/export/")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "2026年政务公开工作要点" and rows[1][:4] == ("序号", "类别", "任务", "责任单位")
    first = rows[2]
    assert first[2] == "公开义务教育招生政策" and first[3] == "示范市教育局" and first[4] == "牵头"
    assert (
        first[6] == "已完成"
        and "2026年义务教育招生入学政策" in first[8]
        and "https://example.gov.cn/zsxx" in first[8]
    )
    assert first[9] == "否" and first[10] == "部分落实" and first[11] == "解读材料未公开"
    support = rows[3]
    assert support[3] == "示范市民政局" and support[4] == "配合" and support[9] == "是"
    assert rows[4][5] == "长期坚持"

    # An agency exports its own rows only.
    client.force_login(b.drafter)
    ws = load_workbook(
        io.BytesIO(client.get(f"/staff/inspection/tasks/plans/{plan.pk}/export/").content)
    ).active
    assert {r[3] for r in list(ws.iter_rows(values_only=True))[2:]} == {"示范市民政局"}


@pytestmark_db
def test_bad_file_is_a_clear_message(client, setting):
    office, *_ = setting
    client.force_login(office)
    client.post("/staff/inspection/tasks/", {"year": "2026", "title": "要点"})
    plan = WorkPlan.objects.get()
    response = client.post(
        f"/staff/inspection/tasks/plans/{plan.pk}/", {"file": io.BytesIO(b"not a workbook")}
    )
    assert response.status_code == 400 and "无法读取该文件" in response.content.decode()
    wb = Workbook()
    wb.active.append(("甲", "乙"))
    out = io.BytesIO()
    wb.save(out)
    response = client.post(f"/staff/inspection/tasks/plans/{plan.pk}/", {"file": io.BytesIO(out.getvalue())})
    assert "未找到表头" in response.content.decode()
