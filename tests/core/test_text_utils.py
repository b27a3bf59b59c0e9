"""文号 normalization (R-PUB-11), HTML sanitizing and upload checks."""

import hashlib
import io

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.docno import doc_no_prefix_query, normalize_doc_no, parse_doc_no
from gongkai.core.errors import ApplicationError
from gongkai.core.html import html_to_text, sanitize_html, text_to_html
from gongkai.core.uploads import check_upload, sniff


@pytest.mark.parametrize(
    "typed",
    [
        "鞍政办发〔2018〕79号",
        "鞍政办发[2018]79号",
        "鞍政办发【2018】79号",
        "鞍政办发(2018)79号",
        "鞍政办发（2018）79号",
        "鞍政办发［２０１８］７９号",
        "鞍政办发 〔2018〕 79 号",
        "鞍政办发〔2018〕079号",
    ],
)
def test_r_pub_11_bracket_variants_normalize_to_one_form(typed):
    assert normalize_doc_no(typed) == "鞍政办发〔2018〕79号"


def test_r_pub_11_parse_parts():
    parsed = parse_doc_no("国发[2019]5号")
    assert parsed is not None
    assert (parsed.prefix, parsed.year, parsed.seq, parsed.normalized) == ("国发", 2019, 5, "国发〔2019〕5号")


@pytest.mark.parametrize(("raw", "seq"), [("国务院令第711号", 711), ("京政发12号", 12)])
def test_r_pub_11_order_numbers_and_numbers_without_year_are_valid(raw, seq):
    parsed = parse_doc_no(raw)
    assert parsed is not None and parsed.year is None and parsed.seq == seq


def test_r_pub_11_free_text_is_not_a_doc_no():
    assert parse_doc_no("") is None
    assert parse_doc_no("无") is None


def test_prefix_query_normalizes_brackets():
    assert doc_no_prefix_query("国办发[2019]") == "国办发〔2019〕"


@given(st.text(max_size=60))
def test_normalize_never_fails(text):
    assert isinstance(normalize_doc_no(text), str)


XSS = [
    "<script>alert(1)</script><p>正文</p>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">点我</a>',
    '<p style="background:url(javascript:alert(1))" onclick="x()">段落</p>',
    "<svg onload=alert(1)><circle/></svg>",
    '<iframe src="https://evil.example"></iframe>',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
]


@pytest.mark.parametrize("payload", XSS)
def test_hostile_html_is_neutralized(payload):
    clean = sanitize_html(payload).lower()
    assert "<script" not in clean
    assert "javascript:" not in clean
    assert "onerror" not in clean and "onload" not in clean and "onclick" not in clean
    assert "style=" not in clean
    assert "<iframe" not in clean and "<svg" not in clean


def test_safe_html_survives():
    html = '<p>第一段</p><table><tr><td colspan="2">表格</td></tr></table><a href="https://gov.cn/x">链接</a>'
    clean = sanitize_html(html)
    assert "<table>" in clean and 'colspan="2"' in clean and 'href="https://gov.cn/x"' in clean


def test_text_and_html_round_trip():
    assert html_to_text(text_to_html("第一段\n\n第二段 <b>")) == "第一段\n第二段 <b>"


def _docx_bytes() -> bytes:
    doc = Document()
    doc.add_paragraph("测试文档")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_upload_type_is_decided_from_content():
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    checked = check_upload("通知.pdf", pdf, max_bytes=10_000)
    assert checked.kind == "pdf" and checked.sha256 == hashlib.sha256(pdf).hexdigest()
    assert check_upload("附件.docx", _docx_bytes(), max_bytes=10**6).kind == "docx"
    assert sniff(_docx_bytes()) == "docx"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("通知.pdf", b"<html><script>alert(1)</script></html>", "disguised_file"),
        ("表格.xlsx", b"%PDF-1.4 not a workbook", "disguised_file"),
        ("程序.exe", b"MZ\x90\x00", "bad_file_type"),
        ("空.pdf", b"", "empty_file"),
        ("大.pdf", b"%PDF-" + b"0" * 2000, "file_too_large"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(name, data, code):
    with pytest.raises(ApplicationError) as err:
        check_upload(name, data, max_bytes=1000)
    assert err.value.code == code
    assert err.value.message
