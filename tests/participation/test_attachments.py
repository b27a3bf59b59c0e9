"""Bad input with attachments: a disguised file (HTML named .pdf, a program named .jpg) or an oversized one gets a
clear message, nothing else typed is lost and nothing is stored; a real file is stored and only staff download it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.orgs.models import Role
from gongkai.participation import services
from gongkai.participation.models import Attachment, Comment, Message
from gongkai.participation.services import ConsultationData
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = {
    "category": "投诉",
    "subject": "路面坑洼",
    "body": "幸福路路面坑洼，附照片。",
    "name": "孙七",
    "phone": "13655556666",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    cache.clear()
    yield
    cache.clear()


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.mark.parametrize(
    ("name", "data", "word"),
    [
        ("证据.pdf", b"<html><script>alert(1)</script></html>", "内容与扩展名不符"),
        (
            "照片.jpg",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
            "内容与扩展名不符",
        ),
        ("病毒.exe", b"MZ\x90\x00", "不支持"),
    ],
)
def test_message_with_disguised_attachment_is_refused(agency, client, name, data, word):
    url = reverse("participation:write", args=[agency.org.code])
    r = client.post(url, {**FORM, "attachment": SimpleUploadedFile(name, data)})
    assert r.status_code == 400
    page = r.content.decode()
    assert word in page and "请重新选择文件" in page
    assert "幸福路路面坑洼，附照片。" in page and "孙七" in page  # nothing typed is lost
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_oversized_attachment_is_refused_before_reading(agency, client, settings):
    settings.GONGKAI_MESSAGE_ATTACHMENT_MAX_BYTES = 100
    url = reverse("participation:write", args=[agency.org.code])
    r = client.post(url, {**FORM, "attachment": SimpleUploadedFile("a.pdf", PDF + b"0" * 200)})
    assert r.status_code == 400 and "超过大小限制" in r.content.decode()
    assert not Message.objects.exists()


def test_real_attachment_stored_and_only_staff_download_it(agency, other, client):
    url = reverse("participation:write", args=[agency.org.code])
    r = client.post(url, {**FORM, "attachment": SimpleUploadedFile("照片说明.pdf", PDF)})
    assert r.status_code == 200
    m = Message.objects.get()
    a = m.attachments.get()
    assert a.name == "照片说明.pdf" and a.content_type == "application/pdf" and a.size == len(PDF)
    download = reverse("participation_staff:attachment", args=[m.pk, a.pk])
    staff = login(agency.handler)
    assert "照片说明.pdf" in staff.get(reverse("participation_staff:detail", args=[m.pk])).content.decode()
    r = staff.get(download)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert login(other.handler).get(download).status_code == 404
    assert client.get(download).status_code == 302  # to the login page
    # An attachment id that is not this message's: 404.
    assert staff.get(reverse("participation_staff:attachment", args=[m.pk, a.pk + 99])).status_code == 404


def test_comment_attachment(agency, client):
    publisher = make_user("a_pub", agency.org, Role.PUBLISHER)
    today = timezone.localdate()
    c = services.consultation_open(
        actor=publisher,
        org=agency.org,
        data=ConsultationData(
            title="草案",
            draft_text="第一条 x",
            explanation="e",
            opens_on=today,
            closes_on=today + timedelta(days=29),
        ),
    )
    page = reverse("participation:consultation", args=[c.pk])
    r = client.post(page, {"body": "见附件。", "attachment": SimpleUploadedFile("意见.docx", b"not a docx")})
    assert (
        r.status_code == 400 and "内容与扩展名不符" in r.content.decode() and "见附件。" in r.content.decode()
    )
    assert not Comment.objects.exists()
    assert (
        client.post(page, {"body": "见附件。", "attachment": SimpleUploadedFile("意见.pdf", PDF)}).status_code
        == 200
    )
    comment = Comment.objects.get()
    a = comment.attachments.get()
    staff = login(publisher)
    assert "意见.pdf" in staff.get(reverse("participation_staff:consultation", args=[c.pk])).content.decode()
    r = staff.get(reverse("participation_staff:comment_attachment", args=[c.pk, a.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    # The public page never links the file.
    assert "意见.pdf" not in client.get(page).content.decode()


def test_draft_attachments_published_with_the_consultation(agency, other, client):
    publisher = make_user("a_pub", agency.org, Role.PUBLISHER)
    today = timezone.localdate()
    c = services.consultation_open(
        actor=publisher,
        org=agency.org,
        data=ConsultationData(
            title="草案",
            draft_text="第一条 x",
            explanation="e",
            opens_on=today,
            closes_on=today + timedelta(days=29),
        ),
    )
    staff = login(publisher)
    add = reverse("participation_staff:consultation_file_add", args=[c.pk])
    r = staff.post(add, {"file": SimpleUploadedFile("草案.pdf", b"<html>not a pdf</html>")})
    assert r.status_code == 400 and "内容与扩展名不符" in r.content.decode()
    assert staff.post(add, {}).status_code == 400
    assert staff.post(add, {"file": SimpleUploadedFile("草案文本.pdf", PDF)}).status_code == 302
    a = c.draft_attachments.get()
    page = client.get(reverse("participation:consultation", args=[c.pk])).content.decode()
    assert "草案文本.pdf" in page
    r = client.get(reverse("participation:consultation_file", args=[c.pk, a.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    # Another agency's staff cannot add or remove; a commenter's file is never served on the public road.
    other_pub = make_user("b_pub", other.org, Role.PUBLISHER)
    assert login(other_pub).post(add, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    client.post(
        reverse("participation:consultation", args=[c.pk]),
        {"body": "见附件。", "attachment": SimpleUploadedFile("私人.pdf", PDF)},
    )
    private = Comment.objects.get().attachments.get()
    assert client.get(reverse("participation:consultation_file", args=[c.pk, private.pk])).status_code == 404
    remove = reverse("participation_staff:consultation_file_remove", args=[c.pk, a.pk])
    assert staff.post(remove).status_code == 302
    assert not c.draft_attachments.exists()
