"""主动公开基本目录 and 政府信息公开指南 generated from data (R-PUB-4): pages and exports read back."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from tests.factories import draft, make_agency, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    a = make_agency("c", name="示例市统计局")
    publish(
        a,
        "=cmd|' /C calc'!A0 统计公报",
        body_html="<p>" + "统计数据。" * 60 + "</p>",
        doc_no="示统发[2025]2号",
    )
    publish(a, "第二条信息", body_html="<p>简短正文</p>")
    draft(a, "未发布的草稿")
    return a


def test_r_pub_4_catalog_page_lists_published_items_only(client, agency):
    page = client.get(f"/orgs/{agency.org.code}/catalog/").content.decode()
    assert "第二条信息" in page and "未发布的草稿" not in page
    assert "共 2 条" in page


def test_r_pub_4_xlsx_has_a_header_and_one_row_per_item_with_index_no_first(client, agency):
    response = client.get(f"/orgs/{agency.org.code}/catalog.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("索引号", "名称", "内容概述", "生成日期")
    assert len(rows) == 3
    assert all(r[0].startswith(agency.org.code + "/") for r in rows[1:])
    titles = {r[1] for r in rows[1:]}
    # A title that looks like a formula is stored as text (no formula injection).
    assert "'=cmd|' /C calc'!A0 统计公报" in titles
    summary = next(r[2] for r in rows[1:] if r[1].startswith("'="))
    assert summary.endswith("…") and len(summary) == 120
    assert "示统发〔2025〕2号" in {r[5] for r in rows[1:]}


def test_r_pub_4_docx_and_csv_read_back(client, agency):
    doc = Document(io.BytesIO(client.get(f"/orgs/{agency.org.code}/catalog.docx").content))
    assert doc.paragraphs[0].text == "示例市统计局主动公开基本目录"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["索引号", "名称", "内容概述", "生成日期"]
    assert len(table.rows) == 3
    raw = client.get(f"/orgs/{agency.org.code}/catalog.csv").content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "索引号" and len(rows) == 3
    # The CSV opens in Excel too: the formula-like title is text there as well.
    assert "'=cmd|' /C calc'!A0 统计公报" in {r[1] for r in rows[1:]}


def test_unknown_format_and_org_are_404(client, agency):
    assert client.get(f"/orgs/{agency.org.code}/catalog.pdf").status_code == 404
    assert client.get("/orgs/000000000/catalog/").status_code == 404


def test_r_pub_4_guide_is_generated_from_the_agency_data(client, agency):
    page = client.get(f"/orgs/{agency.org.code}/guide/").content.decode()
    for text in (
        agency.org.name,
        agency.org.address,
        agency.org.phone,
        agency.org.office_hours,
        agency.org.email,
        "法定主动公开内容",
        "依申请公开",
        "已主动公开政府信息 2 条",
    ):
        assert text in page


def test_catalog_export_cli(tmp_path, agency):
    out = tmp_path / "catalog.xlsx"
    call_command(
        "catalog",
        "export",
        "--org",
        agency.org.code,
        "--format",
        "xlsx",
        "--output",
        str(out),
        stderr=StringIO(),
    )
    assert load_workbook(out).active.max_row == 3
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "catalog", "export", "--org", "000000000", "--format", "csv", "--output", str(out), stderr=err
        )
    assert exit_info.value.code == 2 and "不存在" in err.getvalue()
