"""Word, Excel, HTML and JSON outputs carry the same cells (read back and compared), and the command line."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from gongkai.orgs.models import Role
from gongkai.reports import exports, layout, rules, selectors, services
from tests.factories import make_org, make_user
from tests.reports.factories import remedy, req

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_data():
    org = make_org("导出测试局")
    head = make_user("exp_head", org, Role.FOI_HEAD)
    r = req(org, date(2024, 12, 30), replied_on=date(2025, 1, 6))
    req(
        org,
        date(2025, 2, 1),
        applicant_type="public_interest",
        replied_on=date(2025, 2, 9),
        outcome="unable.not_held",
    )
    req(org, date(2025, 12, 30), applicant_type="other_org")
    remedy(r, "review", date(2025, 3, 1), "corrected", date(2025, 5, 1))
    report = services.report_open(actor=head, org=org, year=2025)
    report = services.report_table2_update(
        actor=head, report=report, values={"fees": {"amount_10k_yuan": "12.5"}, "penalty": {"decisions": "7"}}
    )
    report = services.report_texts_update(actor=head, report=report, texts={"problems": "人员不足。"})
    return selectors.report_data(org, 2025, report=report)


def expected_cells(data: selectors.ReportData) -> dict[str, str]:
    cells = {}
    for row, cols in data.table3.items():
        for col, n in cols.items():
            cells[f"table3:{row}:{col}"] = str(n)
    for kind, results in data.table4.items():
        for result, n in results.items():
            cells[f"table4:{kind}:{result}"] = str(n)
    return cells


def test_xlsx_cells_match(report_data):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(exports.export_xlsx(report_data)))
    expected = expected_cells(report_data)
    placed, _ = layout.place(layout.table3_grid(report_data.format_version, report_data.table3))
    ws = wb["表三"]
    seen = 0
    for r, c, cell in placed:
        value = ws.cell(row=exports.TABLE3_TOP + r, column=1 + c).value
        if cell.key:
            assert str(value) == expected[cell.key], cell.key
            seen += 1
        else:
            assert value == cell.text
    assert seen == 7 * len(rules.table3_rows(report_data.format_version))
    assert ws.cell(row=exports.TABLE3_TOP, column=1).value == "申请人情况"
    assert any(str(m) == "A3:C4" for m in ws.merged_cells.ranges)  # 申请人情况 spans 3 columns, 2 rows
    placed4, _ = layout.place(layout.table4_grid(report_data.table4))
    for r, c, cell in placed4:
        if cell.key:
            assert str(wb["表四"].cell(row=exports.TABLE4_TOP + r, column=1 + c).value) == expected[cell.key]
    assert report_data.table4["review"]["corrected"] == 1
    data_rows = {(t, r, c): v for t, r, c, v in wb["数据"].iter_rows(min_row=2, values_only=True)}
    assert data_rows[("table2", "fees", "amount_10k_yuan")] == 12.5
    assert data_rows[("table3", "carried_forward", "other_org")] == 1


def test_docx_cells_match(report_data):
    from docx import Document

    doc = Document(io.BytesIO(exports.export_docx(report_data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for title in exports.SECTION_TITLES.values():
        assert title in text
    assert "人员不足。" in text and "未发出信息处理费缴费通知" in text
    groups = len(rules.table2_groups(report_data.format_version))
    table2_docs, table3_doc, table4_doc = doc.tables[:groups], doc.tables[groups], doc.tables[groups + 1]
    expected = expected_cells(report_data)
    placed, _ = layout.place(layout.table3_grid(report_data.format_version, report_data.table3))
    for r, c, cell in placed:
        assert table3_doc.cell(r, c).text == (expected[cell.key] if cell.key else cell.text)
    placed4, _ = layout.place(layout.table4_grid(report_data.table4))
    for r, c, cell in placed4:
        assert table4_doc.cell(r, c).text == (expected[cell.key] if cell.key else cell.text)
    fees_table = table2_docs[-1]
    assert fees_table.cell(2, 0).text == "行政事业性收费" and fees_table.cell(2, 1).text == "12.5"
    assert table2_docs[2].cell(2, 1).text == "7"


def test_html_cells_match(report_data):
    html = exports.export_html(report_data).decode("utf-8")
    cells = dict(re.findall(r'data-cell="([^"]+)"[^>]*>([^<]*)</td>', html))
    for key, value in expected_cells(report_data).items():
        assert cells[key] == value, key
    assert cells["table2:fees:amount_10k_yuan"] == "12.5"
    assert 'rowspan="2" colspan="3">申请人情况</th>' in html
    assert f'rowspan="{len(rules.outcome_rows(report_data.format_version)) + 1}">三、本年度办理结果' in html


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return (exc.code if isinstance(exc.code, int) else 1), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_command_json_and_files(report_data, tmp_path):
    code, out, _ = run(
        "report", "annual", "--org", report_data.org_code, "--year", "2025", "--format", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"org", "year", "format_version", "table2", "table3", "table4", "checks"}
    assert doc["org"] == report_data.org_code and doc["year"] == 2025 and doc["format_version"] == "2021"
    assert doc["table3"] == report_data.table3 and doc["table4"] == report_data.table4
    assert doc["table2"]["fees"]["amount_10k_yuan"] == 12.5
    assert set(doc["table2"]) >= {"rule", "normative", "licensing", "penalty", "coercion", "fees"}
    assert doc["table2"]["rule"].keys() == {"made", "repealed", "in_force"}
    assert all(set(c) == {"id", "ok", "message"} and c["ok"] for c in doc["checks"])
    for fmt in ("docx", "xlsx", "html"):
        path = tmp_path / f"r.{fmt}"
        code, _, err = run(
            "report",
            "annual",
            "--org",
            report_data.org_code,
            "--year",
            "2025",
            "--format",
            fmt,
            "--output",
            str(path),
        )
        assert code == 0 and path.stat().st_size > 1000, err
    code, out, _ = run("report", "annual", "--org", report_data.org_code, "--year", "2020", "--aggregate")
    assert code == 0 and json.loads(out)["format_version"] == "2019" and "other" in json.loads(out)["table3"]


def test_command_exit_2(report_data):
    assert run("report", "annual", "--org", "NOPE", "--year", "2025")[0] == 2
    assert run("report", "annual", "--org", report_data.org_code, "--year", "2018")[0] == 2
    assert run("report", "annual", "--org", report_data.org_code, "--year", "20x5")[0] == 2
    code, _, err = run(
        "report",
        "annual",
        "--org",
        report_data.org_code,
        "--year",
        "2025",
        "--output",
        "/nonexistent/dir/x.json",
    )
    assert code == 2 and "无法写入" in err
