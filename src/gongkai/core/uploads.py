"""Uploaded files: the type is decided from the content, not the name; size limits; SHA-256."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO

import filetype

from gongkai.core.errors import ApplicationError

# extension -> the content kind it must have
ALLOWED = {
    "pdf": "pdf",
    "doc": "ole",
    "xls": "ole",
    "docx": "docx",
    "xlsx": "xlsx",
    "ofd": "ofd",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "gif": "gif",
    "wps": "ole",
    "et": "ole",
    "txt": "text",
    "csv": "text",
    "zip": "zip",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ole": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "text": "text/plain; charset=utf-8",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return "bad"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    return "zip"


def sniff(data: bytes) -> str:
    """The kind of file the bytes are, whatever its name says."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    guess = filetype.guess(data)
    if guess is not None:
        return {"jpg": "jpg", "png": "png", "gif": "gif"}.get(guess.extension, guess.extension)
    try:
        data[:65536].decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    sample = data[:4096].lower()
    if b"<script" in sample or b"<html" in sample or b"<svg" in sample:
        return "html"
    return "text"


def check_upload(name: str, data: bytes, *, max_bytes: int) -> CheckedUpload:
    """Refuse oversized files and files whose content is not what their extension claims."""
    clean_name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "附件"
    if len(data) > max_bytes:
        raise ApplicationError(
            "file_too_large", f"文件“{clean_name}”超过大小限制（最大 {max_bytes // (1024 * 1024)} MB）。"
        )
    if not data:
        raise ApplicationError("empty_file", f"文件“{clean_name}”是空文件。")
    ext = clean_name.rsplit(".", 1)[-1].lower() if "." in clean_name else ""
    expected = ALLOWED.get(ext)
    if expected is None:
        raise ApplicationError(
            "bad_file_type", f"不支持“.{ext}”类型的文件。可上传 PDF、DOC/DOCX、XLS/XLSX、OFD、图片等。"
        )
    actual = sniff(data)
    if actual != expected:
        raise ApplicationError(
            "disguised_file", f"文件“{clean_name}”的内容与扩展名不符（扩展名为 .{ext}），已拒绝上传。"
        )
    return CheckedUpload(
        name=clean_name,
        kind=actual,
        content_type=CONTENT_TYPES[actual],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
