"""The text of an uploaded file, read once at upload (`publishing.services.attachment_add`, or the tick job
`attachment_texts` for large files and imports) into `Attachment.text`: searched (issue 4) and checked for personal
data and sensitive words by the inspection (R-PII-1; issue 10 items 2 and 5).

No Django: `extract(name, data)` reads .docx (python-docx: paragraphs and tables), .xlsx (openpyxl: cell values),
.pdf (pypdf: the text layer), .ofd (the TextCode of each page's XML), .txt/.csv/.html; anything else (images,
old .doc/.xls/.wps, archives) and a PDF with no text layer (a scan) are `no_text` — the checks cannot see into
them; a file that cannot be opened (damaged, encrypted, not what its name says, a zip bomb) is `unreadable`.
Never raises; bounded: input size (`MAX_INPUT_BYTES`), zip members checked before anything is inflated (`_zip_guard`:
member count, each member's and the total inflated size, compression ratio), PDF pages and a time budget checked
between pages, characters kept."""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

from gongkai.core.html import html_to_text

OK, NO_TEXT, UNREADABLE = "ok", "no_text", "unreadable"
MAX_CHARS = 500_000
MAX_PDF_PAGES = 300
MAX_XLSX_CELLS = 200_000
MAX_INPUT_BYTES = 64 * 1024 * 1024
PDF_SECONDS = 20.0  # stop reading further pages after this long (a hostile PDF must not hold a worker)
MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_MEMBER = 64 * 1024 * 1024  # inflated size of one member (a DOCX's document.xml, an XLSX sheet)
MAX_ZIP_TOTAL = 256 * 1024 * 1024
MAX_ZIP_RATIO = 200  # inflated / compressed, for members over 1 MiB inflated


@dataclass(frozen=True)
class Extracted:
    state: str
    text: str = ""
    reason: str = ""


class ZipBomb(ValueError):
    pass


def _zip_guard(data: bytes) -> None:
    """Refuse a zip (DOCX, XLSX, OFD) whose declared inflated sizes are too large or too compressed, before any
    member is read. The declared sizes bind: `zipfile` stops at a member's declared size and fails its CRC."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ZipBomb("members")
        total = 0
        for info in members:
            total += info.file_size
            if info.file_size > MAX_ZIP_MEMBER or total > MAX_ZIP_TOTAL:
                raise ZipBomb("size")
            if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise ZipBomb("ratio")


def zip_guard(data: bytes) -> None:
    """The same check for other readers of an uploaded DOCX/XLSX (e.g. the inspection ledger import, whose openpyxl
    read would inflate the shared strings whole): raises ZipBomb, or zipfile.BadZipFile when `data` is no zip."""
    _zip_guard(data)


def _docx(data: bytes) -> str:
    from docx import Document

    _zip_guard(data)
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    _zip_guard(data)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts: list[str] = []
    cells = 0
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                values = [str(v) for v in row if v is not None]
                cells += len(row)
                if values:
                    parts.append(" ".join(values))
                if cells > MAX_XLSX_CELLS:
                    return "\n".join(parts)
    finally:
        wb.close()
    return "\n".join(parts)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    parts: list[str] = []
    size = 0
    started = time.monotonic()
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or time.monotonic() - started > PDF_SECONDS:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_CHARS:
            break
    return "\n".join(parts)


MAX_OFD_MEMBER = 20 * 1024 * 1024
MAX_OFD_TOTAL = 100 * 1024 * 1024


def _ofd(data: bytes) -> str:
    """OFD (GB/T 33190): a zip whose pages are XML; the text is in the `TextCode` elements of each page's
    Content.xml. Members are size-checked before they are read (a zip bomb is `unreadable`)."""
    _zip_guard(data)
    parts: list[str] = []
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pages = sorted(
            (
                i
                for i in archive.infolist()
                if i.filename.lower().endswith("content.xml") and "/pages/" in i.filename.lower()
            ),
            key=lambda i: i.filename,
        )
        for info in pages:
            total += info.file_size
            if info.file_size > MAX_OFD_MEMBER or total > MAX_OFD_TOTAL:
                raise ValueError("too large")
            parts.append(_text_codes(archive.read(info)))
    return "\n".join(parts)


def _text_codes(xml: bytes) -> str:
    """The character data inside `TextCode` elements, read with expat; a document type declaration (the door to
    entity expansion) is refused."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parts: list[str] = []
    depth = 0

    def start(name: str, _attrs: object) -> None:
        nonlocal depth
        if name.endswith("TextCode"):
            depth += 1

    def end(name: str) -> None:
        nonlocal depth
        if name.endswith("TextCode"):
            depth -= 1

    def chars(data: str) -> None:
        if depth > 0:
            parts.append(data)

    def doctype(*_args: object) -> None:
        raise ValueError("doctype")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = doctype
    parser.Parse(xml, True)
    return "".join(parts)


def _plain(data: bytes, *, html: bool) -> str:
    best = from_bytes(data[: MAX_CHARS * 4]).best()
    text = str(best) if best is not None else data.decode("utf-8", "replace")
    return html_to_text(text) if html else text


def extract(name: str, data: bytes) -> Extracted:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if len(data) > MAX_INPUT_BYTES:
        return Extracted(NO_TEXT, reason="文件过大，未读取其中文字，请人工核查")
    try:
        if ext == "docx":
            text = _docx(data)
        elif ext == "xlsx":
            text = _xlsx(data)
        elif ext == "pdf":
            text = _pdf(data)
        elif ext == "ofd":
            text = _ofd(data)
        elif ext in ("txt", "csv"):
            text = _plain(data, html=False)
        elif ext in ("html", "htm"):
            text = _plain(data, html=True)
        else:
            return Extracted(NO_TEXT, reason="该格式无法读取文字，请人工核查")
    except Exception as exc:  # a damaged or hostile file is a result, never a crash
        if str(exc) == "encrypted":
            return Extracted(UNREADABLE, reason="文件已加密，无法打开")
        if isinstance(exc, ZipBomb):
            return Extracted(UNREADABLE, reason="文件解压后过大（疑似压缩炸弹），未读取")
        return Extracted(UNREADABLE, reason="文件已损坏或与扩展名不符，无法打开")
    text = text.replace("\x00", "")[:MAX_CHARS]
    if not text.strip():
        return Extracted(NO_TEXT, reason="文件中没有可读取的文字（可能是扫描件），请人工核查")
    return Extracted(OK, text=text)
