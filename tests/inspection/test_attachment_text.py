"""Attachment texts: personal data in Word, Excel and PDF attachments is found at submit and by the daily run; a
file that cannot be opened is a finding (not a crash); a scan or an image is listed for a check by hand."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from docx import Document
from openpyxl import Workbook
from stdnum.cn import ric

from gongkai.core import textextract as attachment_text
from gongkai.inspection import rules
from gongkai.inspection.models import Precheck
from gongkai.inspection.services import precheck_record
from gongkai.publishing.models import Attachment, InfoItem
from gongkai.publishing.services import attachment_add, item_transition
from tests.factories import draft
from tests.inspection.helpers import AS_OF, bare_agency, run

ID_NUMBER = "11010519800101002" + ric.calc_check_digit("11010519800101002" + "0")
MOBILE = "13812345678"


def docx_bytes(*paragraphs: str, cell: str = "") -> bytes:
    document = Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if cell:
        document.add_table(rows=1, cols=1).rows[0].cells[0].text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(*rows: tuple) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF whose text layer says `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_extract_reads_word_excel_pdf_and_text():
    got = attachment_text.extract("名单.docx", docx_bytes("联系人", cell=f"身份证 {ID_NUMBER}"))
    assert got.state == attachment_text.OK and ID_NUMBER in got.text
    got = attachment_text.extract("表.xlsx", xlsx_bytes(("姓名", "电话"), ("张三", int(MOBILE))))
    assert got.state == attachment_text.OK and MOBILE in got.text
    got = attachment_text.extract("公示.pdf", pdf_bytes(f"Tel {MOBILE}"))
    assert got.state == attachment_text.OK and MOBILE in got.text
    assert MOBILE in attachment_text.extract("a.csv", f"姓名,电话\n张三,{MOBILE}".encode("gb18030")).text


def test_extract_never_raises():
    assert attachment_text.extract("坏.pdf", b"%PDF-1.4 not really").state == attachment_text.UNREADABLE
    assert attachment_text.extract("坏.docx", b"PK\x03\x04broken").state == attachment_text.UNREADABLE
    assert attachment_text.extract("图.png", b"\x89PNG\r\n\x1a\n").state == attachment_text.NO_TEXT
    assert attachment_text.extract("空.pdf", pdf_bytes("")).state == attachment_text.NO_TEXT


@pytest.mark.django_db
def test_submit_checks_attachments_and_lists_what_it_cannot_read():
    agency = bare_agency("atx")
    item = draft(agency, body_html="<p>见附件。</p>")
    attachment_add(actor=agency.drafter, item=item, name="名单.docx", data=docx_bytes(f"电话 {MOBILE}"))
    attachment_add(actor=agency.drafter, item=item, name="照片.png", data=b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    item = item_transition(actor=agency.drafter, item=item, action="submit")
    record = precheck_record(actor=agency.drafter, item=item)
    assert record.state == Precheck.State.PENDING
    kinds = {(m["kind"], m["source"]) for m in record.matches}
    assert kinds == {("mobile", "附件“名单.docx”"), ("unchecked", "附件“照片.png”")}
    assert MOBILE not in str(record.matches)
    statuses = set(Attachment.objects.filter(item=item).values_list("text_status", flat=True))
    assert statuses == {Attachment.TextStatus.OK, Attachment.TextStatus.NO_TEXT}


@pytest.mark.django_db
def test_daily_run_finds_pii_in_a_pdf_and_reports_an_unreadable_file():
    agency = bare_agency("aty")
    item = draft(agency, body_html="<p>公示。</p>")
    attachment_add(actor=agency.drafter, item=item, name="公示.pdf", data=pdf_bytes(f"ID {ID_NUMBER}"))
    broken = attachment_add(actor=agency.drafter, item=item, name="名册.pdf", data=b"%PDF-1.4 damaged")
    for action, who in (
        ("submit", agency.drafter),
        ("approve", agency.reviewer),
        ("publish", agency.publisher),
    ):
        item = item_transition(actor=who, item=item, action=action)
    InfoItem.objects.filter(pk=item.pk).update(
        published_at=item.published_at.replace(year=AS_OF.year, month=6, day=20)
    )
    report = run(agency)
    found = {f.code: f for f in report.findings}
    assert "附件“公示.pdf”" in found[rules.PII].detail
    assert found[rules.ATTACHMENT_UNREADABLE].target == f"attachment:{broken.pk}"
    assert "无法打开" in found[rules.ATTACHMENT_UNREADABLE].detail

    # Read once (at upload): a second run reads nothing; a file gone from storage is unreadable too.
    assert not Attachment.objects.filter(text_status=Attachment.TextStatus.PENDING).exists()
    assert run(agency).findings
    Attachment.objects.filter(pk=broken.pk).update(text_status=Attachment.TextStatus.PENDING, text_reason="")
    default_storage.delete(broken.file.name)
    report = run(agency)
    assert "文件缺失" in next(f for f in report.findings if f.code == rules.ATTACHMENT_UNREADABLE).detail


def ofd_bytes(*pages: str, doctype: bool = False) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>',
        )
        for n, text in enumerate(pages):
            head = '<!DOCTYPE x [<!ENTITY a "aaaa">]>' if doctype else ""
            archive.writestr(
                f"Doc_0/Pages/Page_{n}/Content.xml",
                f'<?xml version="1.0" encoding="UTF-8"?>{head}<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">'
                f'<ofd:Content><ofd:Layer><ofd:TextObject><ofd:TextCode X="0" Y="0">{text}</ofd:TextCode>'
                "</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>",
            )
    return out.getvalue()


def test_extract_reads_ofd_pages_and_refuses_entities():
    got = attachment_text.extract("公示.ofd", ofd_bytes("第一页", f"联系电话{MOBILE}"))
    assert got.state == attachment_text.OK and "第一页" in got.text and MOBILE in got.text
    assert attachment_text.extract("坏.ofd", ofd_bytes("x", doctype=True)).state == attachment_text.UNREADABLE
    assert attachment_text.extract("坏.ofd", b"PK\x03\x04broken").state == attachment_text.UNREADABLE
