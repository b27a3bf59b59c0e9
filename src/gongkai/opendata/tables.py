"""Reading CSV and XLSX files into rows, streaming, with the problems found reported. No Django import.

Two passes over the file: the first finds the header, guesses each column's type and collects the issues; the
second yields rows converted to those types. Neither pass holds more than one row in memory.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from gongkai.opendata import rules

SAMPLE_BYTES = 256 * 1024
MAX_ISSUES = 50
csv.field_size_limit(10 * 1024 * 1024)


class TableError(Exception):
    """The file cannot be read as a table; `message` says why, in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class TableScan:
    encoding: str
    fields: list[dict[str, str]]
    row_count: int
    truncated: bool
    issues: list[dict[str, Any]] = field(default_factory=list)
    issue_counts: dict[str, int] = field(default_factory=dict)

    def add_issue(self, code: str, message: str, **where: Any) -> None:
        self.issue_counts[code] = self.issue_counts.get(code, 0) + 1
        if len(self.issues) < MAX_ISSUES:
            self.issues.append({"code": code, "message": message, **where})

    def summary(self) -> str:
        labels = {
            "empty_header": "空表头",
            "duplicate_header": "重复表头",
            "ragged_row": "列数不一致的行",
            "formula": "疑似公式的单元格（导出 CSV 时已中和）",
        }
        parts = [f"{labels.get(code, code)} {n} 处" for code, n in sorted(self.issue_counts.items())]
        head = f"共 {self.row_count} 行，{len(self.fields)} 列"
        if self.truncated:
            head += "（超过行数上限，其余行未导入）"
        return head + ("；发现" + "、".join(parts) if parts else "") + "。"


# ---------------------------------------------------------------- encodings


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), GB18030 (a superset of GBK and GB2312), else charset-normalizer's guess."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if _decodes(sample, "gb18030"):
        return "gb18030"
    lines = sample.split(b"\n")[:-1] or [sample]  # the last line may be cut by the sample's end
    if all(_decodes_fully(line, "utf-8") or _decodes_fully(line, "gb18030") for line in lines):
        return (
            "gb18030"  # GBK and UTF-8 lines mixed: read line by line, which names the line (`_decoded_lines`)
        )
    best = from_bytes(sample).best()
    if best is None:
        raise TableError("unknown_encoding", "无法识别文件的字符编码，请另存为 UTF-8 编码的 CSV 后重新上传。")
    return str(best.encoding)


def _decodes(sample: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is not an error
    except UnicodeDecodeError:
        return False
    return True


# ---------------------------------------------------------------- raw rows


_LINE_DECODED = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
}
_ENCODING_LABEL = {"utf-8": "UTF-8", "gb18030": "GBK/GB18030"}


def _decoded_lines(fh: Any, encoding: str, where: list[int]) -> Iterator[str]:
    """Decode a CSV file line by line, so that a file mixing GBK and UTF-8 is named with its line, never mojibake.

    `where[0]` is kept at the physical line being read. A GB18030 decoder accepts many UTF-8 bytes (as mojibake), so
    each line with non-ASCII bytes that decodes in only one of the two is classified; a change of class is an error.
    A line valid in both (short ones may be) is read in the file's class so far.
    """
    base = _LINE_DECODED[encoding.lower()]
    first_kind = "utf-8" if base == "utf-8" else ""  # a UTF-8 file was detected so on its first part
    first_line = 0
    for n, raw in enumerate(fh, start=1):
        where[0] = n
        if n == 1 and encoding.lower() == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if raw.isascii():
            yield raw.decode("ascii")
            continue
        as_utf8, as_gb = _decodes_fully(raw, "utf-8"), _decodes_fully(raw, "gb18030")
        if as_utf8 == as_gb:  # valid in both (short lines such as "1路" in GBK) or neither: not decisive
            yield raw.decode(first_kind or base) if as_utf8 else _undecodable(n)
            continue
        kind = "utf-8" if as_utf8 else "gb18030"
        if not first_kind:
            first_kind, first_line = kind, n
        if kind != first_kind:
            before = f"第 {first_line} 行" if first_line else "文件前面的内容"
            raise TableError(
                "mixed_encoding",
                f"第 {n} 行是 {_ENCODING_LABEL[kind]} 编码，而{before}是 "
                f"{_ENCODING_LABEL[first_kind]} 编码：文件混用了两种字符编码，无法可靠读取。"
                "请将整个文件另存为 UTF-8 编码的 CSV 后重新上传。",
            )
        yield raw.decode(kind)


def _undecodable(n: int) -> str:
    raise TableError(
        "bad_encoding",
        f"第 {n} 行既不是 UTF-8 也不是 GBK 编码，无法读取。请另存为 UTF-8 编码的 CSV 后重新上传。",
    )


def _decodes_fully(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(path: Path, encoding: str) -> Iterator[list[str]]:
    if encoding.lower() in _LINE_DECODED:
        with path.open("rb") as bfh:
            yield from _csv_reader_rows(_decoded_lines(bfh, encoding, where := [0]), where, encoding)
        return
    with path.open("r", encoding=encoding, newline="") as fh:
        yield from _csv_reader_rows(fh, None, encoding)


def _csv_reader_rows(lines: Any, where: list[int] | None, encoding: str) -> Iterator[list[str]]:
    buffered: list[str] = []
    size = 0
    for line in lines:  # the sample for the dialect sniffer: the first lines, up to 64 KB
        buffered.append(line)
        size += len(line)
        if size >= 64 * 1024:
            break
    try:
        dialect: Any = csv.Sniffer().sniff("".join(buffered), delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(itertools.chain(buffered, lines), dialect)
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except UnicodeDecodeError as exc:
        line = where[0] if where else reader.line_num + 1
        raise TableError("bad_encoding", f"第 {line} 行附近的内容不是 {encoding} 编码，无法读取。") from exc
    except csv.Error as exc:
        raise TableError("bad_csv", f"第 {reader.line_num} 行不是有效的 CSV：{exc}") from exc


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise TableError(
            "bad_xlsx", f"无法读取 Excel 文件：{exc.__class__.__name__}。请确认文件是 .xlsx 格式。"
        ) from exc
    try:
        sheet = wb.worksheets[0] if wb.worksheets else None
        if sheet is None:
            raise TableError("empty_table", "Excel 文件中没有工作表。")
        for row in sheet.iter_rows(values_only=True):
            cells = [_cell_text(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            yield cells
    finally:
        wb.close()


def raw_rows(path: Path, fmt: str, encoding: str) -> Iterator[list[str]]:
    if fmt == "CSV":
        return _csv_rows(path, encoding)
    if fmt == "XLSX":
        return _xlsx_rows(path)
    raise TableError("not_tabular", f"{fmt} 格式的资源不能解析为表格。")


# ---------------------------------------------------------------- scanning


def _header(cells: list[str], scan: TableScan) -> list[str]:
    names: list[str] = []
    for i, cell in enumerate(cells, start=1):
        name = cell.lstrip("\ufeff").strip()
        if not name:
            name = f"列{i}"
            scan.add_issue("empty_header", f"第 {i} 列没有表头，已命名为“{name}”。", column=name)
        if name in names:
            new = f"{name}_{i}"
            scan.add_issue("duplicate_header", f"表头“{name}”重复，第 {i} 列改名为“{new}”。", column=new)
            name = new
        names.append(name)
    return names


class _Guesser:
    def __init__(self) -> None:
        self.candidates = {"int", "numeric", "date"}
        self.seen = False

    def feed(self, value: str) -> None:
        if value == "" or not self.candidates:
            return
        self.seen = True
        self.candidates = {kind for kind in self.candidates if rules.fits(value, kind)}

    def result(self) -> str:
        if not self.seen:
            return "text"
        for kind in ("int", "numeric", "date"):
            if kind in self.candidates:
                return kind
        return "text"


def _fit(cells: list[str], width: int, rownum: int, scan: TableScan | None) -> list[str]:
    if len(cells) != width:
        if scan is not None:
            scan.add_issue(
                "ragged_row",
                f"第 {rownum} 行有 {len(cells)} 列，表头有 {width} 列；"
                + ("多余的单元格已舍弃。" if len(cells) > width else "缺少的单元格按空值处理。"),
                row=rownum,
            )
        cells = (cells + [""] * width)[:width]
    return cells


def _data_rows(path: Path, fmt: str, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(row number in the file, counting the header as 1; cells) for each non-empty data row."""
    rows = raw_rows(path, fmt, encoding)
    for n, cells in enumerate(rows, start=1):
        if not any(cells):
            continue
        yield n, cells


def scan_table(path: Path, fmt: str, *, row_cap: int) -> TableScan:
    """First pass: header, column types, issues, row count (up to `row_cap`)."""
    encoding = detect_encoding(path) if fmt == "CSV" else ""
    scan = TableScan(encoding=encoding, fields=[], row_count=0, truncated=False)
    rows = _data_rows(path, fmt, encoding)
    first = next(rows, None)
    if first is None:
        raise TableError("empty_table", "文件中没有任何内容。")
    names = _header(first[1], scan)
    if not names:
        raise TableError("no_header", "文件的第一行没有表头。")
    guessers = [_Guesser() for _ in names]
    for rownum, raw in rows:
        if scan.row_count >= row_cap:
            scan.truncated = True
            break
        cells = _fit(raw, len(names), rownum, scan)
        for i, value in enumerate(cells):
            guessers[i].feed(value)
            if rules.is_formula(value):
                scan.add_issue(
                    "formula",
                    f"第 {rownum} 行“{names[i]}”列的内容以公式符号开头。",
                    row=rownum,
                    column=names[i],
                )
        scan.row_count += 1
    scan.fields = [{"id": name, "type": g.result()} for name, g in zip(names, guessers, strict=True)]
    return scan


def iter_records(path: Path, fmt: str, scan: TableScan) -> Iterator[dict[str, Any]]:
    """Second pass: each data row as {column: typed value}, at most `scan.row_count` rows."""
    rows = _data_rows(path, fmt, scan.encoding)
    next(rows, None)  # header
    width = len(scan.fields)
    for count, (rownum, raw) in enumerate(rows):
        if count >= scan.row_count:
            break
        cells = _fit(raw, width, rownum, None)
        yield {f["id"]: rules.convert(v, f["type"]) for f, v in zip(scan.fields, cells, strict=True)}
