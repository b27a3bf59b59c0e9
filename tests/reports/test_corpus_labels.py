"""Evidence: the row labels of our table 三 are those of real filled reports (R-RPT-3, R-RPT-5).

Reads ../shared/corpus/hebei/*政府信息公开年报.csv (18 real reports flattened into text; nothing is copied into this
repository) and checks that our labels, searched in order from the table's heading, are all found — the 2021 format's
in every report of 2021 or later, the 2019 format's in the 2019–2020 ones. Skips when ../shared is absent.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from gongkai.reports import layout, rules

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "hebei"
HEADING = "收到和处理政府信息公开申请情况"


def normalize(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


def table3_labels(fmt: str) -> list[str]:
    """The row labels of our table 三, top to bottom, as laid out (header rows excluded)."""
    grid = layout.table3_grid(fmt, rules.empty_table3(fmt))
    return [cell.text for row in grid[2:] for cell in row if cell.header]


def table2_labels(fmt: str) -> list[str]:
    grids = layout.table2_grids(fmt, rules.table2_complete({}, {}, fmt))
    return [cell.text for grid in grids for row in grid for cell in row if cell.header]


def table4_labels() -> list[str]:
    return [cell.text for row in layout.table4_grid(rules.complete_table4({})) for cell in row if cell.header]


def real_reports() -> list[tuple[str, int, str]]:
    if not CORPUS.is_dir():
        pytest.skip(f"真实语料不在 {CORPUS}（../shared/corpus 不存在），跳过年报标签核对。")
    csv.field_size_limit(10**9)
    found = []
    for path in sorted(CORPUS.glob("*政府信息公开年报.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                body = row.get("内容") or ""
                if HEADING not in body:
                    continue
                match = re.search(r"(20\d\d)年", row.get("标题") or "")
                assert match, row.get("标题")
                found.append((row.get("标题") or "", int(match.group(1)), body))
    return found


def missing_in_order(body: str, labels: list[str], heading: str = HEADING) -> list[str]:
    text = normalize(body)
    pos = text.find(normalize(heading))
    missing = []
    for label in labels:
        at = text.find(normalize(label), pos)
        if at < 0:
            missing.append(label)
        else:
            pos = at + len(normalize(label))
    return missing


def with_tables(reports: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """Reports whose tables were captured as text. Some sites published the tables as images: their bodies hold the
    section headings and none of the table labels — asserted, so that a partial mismatch cannot hide here."""
    kept = []
    for title, year, body in reports:
        if normalize(rules.ROW_TITLES[rules.NEW]) in normalize(body):
            kept.append((title, year, body))
        else:
            labels = table3_labels(rules.format_for_year(year))
            assert len(missing_in_order(body, labels)) == len(labels), title
    return kept


def test_our_table3_labels_are_found_in_every_real_report():
    reports = real_reports()
    assert len(reports) >= 18
    checked = with_tables(reports)
    years = [year for _, year, _ in checked]
    assert len(checked) >= 12
    assert sum(y <= 2020 for y in years) >= 3 and sum(y >= 2021 for y in years) >= 8
    for title, year, body in checked:
        labels = table3_labels(rules.format_for_year(year))
        assert not missing_in_order(body, labels), (title, missing_in_order(body, labels))


def test_our_table2_and_table4_labels_are_found_in_every_real_report():
    """R-RPT-5 table 二 of each format (规范性文件 vs 行政规范性文件, the 2019 columns, 第（九）项) and table 四."""
    for title, year, body in with_tables(real_reports()):
        labels = table2_labels(rules.format_for_year(year))
        assert not missing_in_order(body, labels, "主动公开政府信息情况"), (title, labels)
        if "行政复议" in body[body.find(HEADING) :] and "结果维持" in body:
            assert not missing_in_order(body, table4_labels(), "结转下年度继续办理"), title


def test_the_2021_rows_are_not_in_the_2019_reports():
    """The 2019 format's single （六）其他处理 row: the 2021 sub-rows do not appear in 2019–2020 reports."""
    for title, year, body in real_reports():
        if year <= 2020:
            assert normalize("逾期未按收费通知要求缴纳费用") not in normalize(body), title
