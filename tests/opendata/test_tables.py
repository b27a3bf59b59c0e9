"""Parsing CSV and XLSX into the datastore: encodings, ragged rows, empty headers, formulas, bad files, the cap."""

import io

import pytest
from openpyxl import Workbook

from gongkai.opendata import selectors, services
from gongkai.opendata.models import DatastoreRow
from tests.opendata.conftest import CSV_TEXT, make_dataset


def _upload(agency, filename: str, data: bytes):
    dataset = make_dataset(agency)
    resource = services.resource_create(
        actor=agency.publisher, dataset=dataset, name=filename, upload_name=filename, data=data
    )
    table = selectors.table_of(resource)
    assert table is not None
    return resource, table


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (CSV_TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"), "utf-8-sig"),
        (CSV_TEXT.encode("gbk"), "gb18030"),
        (CSV_TEXT.replace("夜1路", "𠀀线").encode("gb18030"), "gb18030"),
    ],
)
def test_encodings_are_detected(agency, encoded, encoding):
    _, table = _upload(agency, "lines.csv", encoded)
    assert table.status == "ok"
    assert table.encoding == encoding
    assert [f["id"] for f in table.fields] == ["线路", "站数", "开通日期"]
    first = DatastoreRow.objects.filter(table=table).order_by("rownum").first()
    assert first is not None and first.data == {"线路": "1路", "站数": 25, "开通日期": "2001-05-01"}


def test_ragged_rows_and_empty_header_are_reported(agency):
    data = "名称,,数量\n甲,x,1\n乙,y\n丙,z,3,多余\n".encode()
    _, table = _upload(agency, "r.csv", data)
    assert table.status == "ok"
    assert [f["id"] for f in table.fields] == ["名称", "列2", "数量"]
    codes = [i["code"] for i in table.issues]
    assert codes.count("ragged_row") == 2 and "empty_header" in codes
    assert "列数不一致的行 2 处" in table.message
    rows = list(DatastoreRow.objects.filter(table=table).order_by("rownum").values_list("data", flat=True))
    assert rows[1] == {"名称": "乙", "列2": "y", "数量": None}
    assert rows[2] == {"名称": "丙", "列2": "z", "数量": 3}


def test_formula_cells_are_reported_and_neutralized_on_csv_export(agency, client):
    data = "名称,备注\n甲,\"=cmd|' /C calc'!A0\"\n乙,-5\n".encode()
    resource, table = _upload(agency, "f.csv", data)
    assert [i["code"] for i in table.issues] == ["formula"]
    page = selectors.datastore_rows(table)
    assert page.records[0]["备注"] == "=cmd|' /C calc'!A0"  # stored as given
    response = client.get(f"/dataset/{resource.dataset.name}/resource/{resource.pk}/table.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'=cmd|' /C calc'!A0" in body
    assert "\n乙,-5" in body.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 40, None),
        ("blank.csv", b"\n\n\n", "没有任何内容"),
    ],
)
def test_unreadable_files_get_a_clear_reason(agency, filename, data, reason):
    dataset = make_dataset(agency)
    try:
        resource = services.resource_create(
            actor=agency.publisher, dataset=dataset, name=filename, upload_name=filename, data=data
        )
    except services.ApplicationError as exc:  # the content check may refuse it first
        assert exc.message
        return
    table = selectors.table_of(resource)
    assert table is not None and table.status == "failed"
    assert reason is None or reason in table.message


def test_row_cap_truncates_and_reports(agency, settings):
    settings.GONGKAI_OPENDATA_ROW_CAP = 5
    data = ("n\n" + "".join(f"{i}\n" for i in range(20))).encode()
    _, table = _upload(agency, "big.csv", data)
    assert table.status == "truncated" and table.row_count == 5
    assert "超过行数上限" in table.message
    assert DatastoreRow.objects.filter(table=table).count() == 5


def test_xlsx_is_parsed(agency):
    wb = Workbook()
    ws = wb.active
    ws.append(["区县", "人口（万）", "统计日期"])
    ws.append(["长安区", 56.1, "2025-12-31"])
    ws.append(["桥西区", 70, "2025-12-31"])
    ws.append(["新华区", "=1+2", "2025-12-31"])
    buf = io.BytesIO()
    wb.save(buf)
    _, table = _upload(agency, "pop.xlsx", buf.getvalue())
    assert table.status == "ok" and table.row_count == 3
    assert table.fields[0] == {"id": "区县", "type": "text"}
    page = selectors.datastore_rows(table, filters={"区县": "桥西区"})
    assert page.total == 1 and page.records[0]["统计日期"] == "2025-12-31"


def test_datastore_query_q_filters_sort_fields(agency):
    _, table = _upload(agency, "lines.csv", CSV_TEXT.encode())
    page = selectors.datastore_rows(table, sort=[("站数", True)], fields=["线路"])
    assert [r["线路"] for r in page.records] == ["夜1路", "1路", "2路"]
    assert set(page.records[0]) == {"_id", "线路"}
    assert selectors.datastore_rows(table, q="夜").total == 1
    assert selectors.datastore_rows(table, filters={"站数": "18"}).records[0]["线路"] == "2路"
    assert selectors.datastore_rows(table, filters={"站数": [18, 25]}).total == 2
    with pytest.raises(KeyError):
        selectors.datastore_rows(table, filters={"没有": 1})


HEAD = "线路,站数,开通日期\n1路,25,2001-05-01\n"
TAIL = "公交2路,18,2003-07-01\n"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (HEAD.encode("gbk") + TAIL.encode("utf-8"), 3),  # GBK first, UTF-8 after: no silent mojibake
        (HEAD.encode("utf-8") + TAIL.encode("gbk"), 3),  # UTF-8 first, GBK after
        # a UTF-8 part longer than the detection sample, then GBK: the line is named, not a chunk guess
        (HEAD.encode("utf-8") + "3路,1,2001-01-01\n".encode() * 20_000 + TAIL.encode("gbk"), 20_003),
    ],
)
def test_mixed_encodings_are_refused_with_the_line(agency, data, line):
    _, table = _upload(agency, "mixed.csv", data)
    assert table.status == "failed"
    assert f"第 {line} 行是" in table.message and "混用了两种字符编码" in table.message
    assert DatastoreRow.objects.filter(table=table).count() == 0


def test_mixed_encoding_line_check_is_per_line():
    import tempfile
    from pathlib import Path

    from gongkai.opendata.tables import TableError, _csv_rows

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "m.csv"
        path.write_bytes("名称\n甲\n".encode("gbk") + "乙\n".encode())
        with pytest.raises(TableError) as err:
            list(_csv_rows(path, "gb18030"))
        assert (
            err.value.code == "mixed_encoding"
            and "第 3 行是 UTF-8 编码，而第 1 行是 GBK/GB18030" in err.value.message
        )
        path.write_bytes("名称\n甲\n".encode("gbk"))
        assert list(_csv_rows(path, "gb18030")) == [["名称"], ["甲"]]
