"""Attachment text read once (issue 4): at upload for a small file, by the tick job `attachment_texts` for a large
one or one stored without it (imports); a published item is then found by a word that is only in its attachment.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL. A damaged PDF or a DOCX zip bomb gets a status, never a crash."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from docx import Document

from gongkai.core import textextract
from gongkai.core.models import AuditEntry
from gongkai.publishing import services
from gongkai.publishing.models import Attachment, InfoItem
from gongkai.search.params import parse_params
from gongkai.search.selectors import search
from tests.factories import draft, make_agency
from tests.inspection.test_attachment_text import pdf_bytes
from tests.publishing.test_staff_views import item_post, url

pytestmark = pytest.mark.django_db

WORD = "稳岗返还申领须知"


@pytest.fixture
def agency(db):
    return make_agency("atxt", name="示例市人力资源和社会保障局")


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for p in paragraphs:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_bomb(inflated: int = textextract.MAX_ZIP_MEMBER + 1) -> bytes:
    """A DOCX-shaped zip whose document.xml inflates to more than the member limit (zeros compress ~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * inflated)
    return out.getvalue()


def publish_item(agency, item: InfoItem) -> InfoItem:
    for action, actor in (
        ("submit", agency.drafter),
        ("approve", agency.reviewer),
        ("publish", agency.publisher),
    ):
        item = services.item_transition(actor=actor, item=item, action=action)
    return item


def titles(q: str) -> list[str]:
    return [hit.item.title for hit in search(parse_params({"q": q, "page_size": "100"})).hits]


def test_docx_text_is_read_at_upload_and_the_item_is_found_by_it(agency):
    item = draft(agency, "关于做好失业保险工作的通知", body_html="<p>详见附件。</p>")
    att = services.attachment_add(
        actor=agency.drafter, item=item, name="附件1.docx", data=docx_bytes("一、", f"{WORD}：携带营业执照。")
    )
    att.refresh_from_db()
    assert att.text_status == Attachment.TextStatus.OK and WORD in att.text
    assert AuditEntry.objects.get(action="attachment.add", object_id=str(att.pk)).data["text_status"] == "ok"
    assert titles(WORD) == []  # a draft is not public
    publish_item(agency, item)
    assert titles(WORD) == ["关于做好失业保险工作的通知"]
    assert titles("营业执照") == ["关于做好失业保险工作的通知"]


def test_pdf_text_layer_is_searched(agency):
    item = draft(agency, "关于公布收费目录的通知", body_html="<p>详见附件。</p>")
    att = services.attachment_add(
        actor=agency.drafter, item=item, name="目录.pdf", data=pdf_bytes("Quarterly zygomorphic tariff")
    )
    att.refresh_from_db()
    assert att.text_status == Attachment.TextStatus.OK
    publish_item(agency, item)
    assert titles("zygomorphic") == ["关于公布收费目录的通知"]


def test_damaged_pdf_and_docx_zip_bomb_get_a_status_not_a_crash(agency):
    item = draft(agency)
    broken = services.attachment_add(actor=agency.drafter, item=item, name="坏.pdf", data=b"%PDF-1.4 damaged")
    bomb = services.attachment_add(actor=agency.drafter, item=item, name="炸弹.docx", data=docx_bomb())
    for att in (broken, bomb):
        att.refresh_from_db()
        assert att.text_status == Attachment.TextStatus.UNREADABLE and att.text == ""
    assert "压缩炸弹" in bomb.text_reason
    assert textextract.extract("炸弹.xlsx", docx_bomb()).state == textextract.UNREADABLE
    assert textextract.extract("炸弹.ofd", docx_bomb()).state == textextract.UNREADABLE
    # Below the limit the same shape is merely a damaged document, also a status.
    assert textextract.extract("小.docx", docx_bomb(2048)).state == textextract.UNREADABLE


@override_settings(GONGKAI_ATTACHMENT_TEXT_INLINE_BYTES=100)
def test_large_file_is_read_by_the_tick_job_and_the_index_follows(agency):
    item = draft(agency, "关于发布年度统计公报的通知", body_html="<p>详见附件。</p>")
    att = services.attachment_add(
        actor=agency.drafter, item=item, name="公报.docx", data=docx_bytes(f"{WORD}全文。")
    )
    att.refresh_from_db()
    assert att.text_status == Attachment.TextStatus.PENDING and att.text == ""
    publish_item(agency, item)
    assert titles(WORD) == []  # published before its attachment was read
    call_command("tick", stdout=io.StringIO())
    att.refresh_from_db()
    assert att.text_status == Attachment.TextStatus.OK and WORD in att.text
    assert titles(WORD) == ["关于发布年度统计公报的通知"]
    assert AuditEntry.objects.filter(action="attachment.text", object_id=str(att.pk)).count() == 1
    assert services.attachment_texts_pending() == 0  # nothing left: cheap when the queue is empty


def test_attachments_stored_without_text_are_pending_and_filled(agency):
    """What an import (or any code that stores an Attachment itself) leaves is picked up by the job."""
    item = publish_item(agency, draft(agency, "关于导入信息的通知"))
    stored = Attachment(item=item, name="导入.docx", size=1, sha256="x")
    stored.file.save("导入.docx", ContentFile(docx_bytes(f"导入附件：{WORD}")), save=False)
    stored.save()
    link = Attachment.objects.create(item=item, name="外部链接", url="https://example.org/a.pdf")
    gone = Attachment(item=item, name="丢失.pdf", size=1, sha256="y")
    gone.file.name = "attachments/no/such-file.pdf"
    gone.save()
    assert {a.text_status for a in (stored, link, gone)} == {Attachment.TextStatus.PENDING}
    assert services.attachment_texts_pending() == 3
    for a in (stored, link, gone):
        a.refresh_from_db()
    assert stored.text_status == Attachment.TextStatus.OK
    assert link.text_status == Attachment.TextStatus.NONE
    assert gone.text_status == Attachment.TextStatus.UNREADABLE and "文件缺失" in gone.text_reason
    assert titles(WORD) == ["关于导入信息的通知"]


def test_upload_through_the_staff_editor_fills_the_text(client, agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(agency.drafter)
    upload = SimpleUploadedFile("附件.docx", docx_bytes(f"{WORD}：见下表。"))
    client.post(url("item_new"), {**item_post(agency.org), "attachment": upload}, follow=True)
    att = Attachment.objects.get()
    assert att.text_status == Attachment.TextStatus.OK and WORD in att.text
    publish_item(agency, att.item)
    assert titles(WORD) == [att.item.title]
