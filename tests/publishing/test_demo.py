"""The demo data (`gongkai demo`): a whole fictional city that exercises every part of the publishing app."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from gongkai.commands.management.commands.serve import gunicorn_options
from gongkai.orgs.codes import org_code_error
from gongkai.orgs.models import Membership, Organization, Role, User
from gongkai.publishing import selectors
from gongkai.publishing.demo import DEMO_PASSWORD, ORGS, demo_docx, demo_org_code, demo_pdf, load_demo
from gongkai.publishing.models import Attachment, Column, InfoItem, ItemRelation


def _locmem() -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "demo-tests"}}


@pytest.mark.django_db
def test_demo_command_loads_and_prints_logins(settings, tmp_path):
    # First in this module: runs before the module-wide demo below is loaded.
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.STATIC_ROOT = tmp_path / "static"
    out, err = StringIO(), StringIO()
    call_command("demo", "--load-only", "--items", "60", stdout=out, stderr=err)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert DEMO_PASSWORD in text
    for username in ("admin", "jyj_drafter", "jyj_reviewer", "jyj_publisher", "szf_foi_head", "zhou_min"):
        assert re.search(rf"^{username}\s", text, re.M), username
    assert "已载入演示数据" in err.getvalue()
    assert (tmp_path / "static").is_dir()
    count = InfoItem.objects.count()
    assert count >= 60

    again, again_err = StringIO(), StringIO()
    call_command("demo", "--load-only", stdout=again, stderr=again_err)
    assert "jyj_publisher" in again.getvalue()
    assert "已存在" in again_err.getvalue()
    assert InfoItem.objects.count() == count


@pytest.mark.django_db
def test_existing_installation_is_left_alone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    User.objects.create_user(username="admin", password="their-own-password-1")
    summary = load_demo(items=60)
    assert not summary.loaded
    assert summary.logins == []
    assert not Organization.objects.exists() and not InfoItem.objects.exists()
    assert User.objects.get(username="admin").check_password("their-own-password-1")


def test_serve_options(monkeypatch):
    monkeypatch.setenv("GONGKAI_FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    monkeypatch.delenv("GONGKAI_WORKERS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    options = gunicorn_options(bind=["127.0.0.1:8765"])
    assert options["bind"] == ["127.0.0.1:8765"]
    assert options["forwarded_allow_ips"] == "10.0.0.0/8"
    assert options["accesslog"] == "-"
    from django.db import connection

    cap = 3 if connection.vendor == "sqlite" else 12  # SQLite has one writer: few workers
    assert 1 <= options["workers"] <= cap
    assert gunicorn_options(workers=5, timeout=90)["workers"] == 5
    monkeypatch.setenv("GONGKAI_WORKERS", "4")
    assert gunicorn_options()["workers"] == 4


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module, inside a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("demo-files")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, CACHES=_locmem()):
        with transaction.atomic():
            summary = load_demo()
            yield summary
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_org_codes_are_valid():
    codes = [spec.code for spec in ORGS]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert org_code_error(code) is None, code
    assert demo_org_code("990100", 1) == ORGS[0].code


def test_agencies(demo):
    city = Organization.objects.get(name="示范市人民政府")
    assert city.kind == Organization.Kind.GOVERNMENT and city.level == Organization.Level.CITY
    assert city.doc_prefix == "示政"
    departments = Organization.objects.filter(parent=city, kind=Organization.Kind.DEPARTMENT)
    assert departments.count() >= 8
    assert all(d.doc_prefix.startswith("示") for d in departments)
    districts = Organization.objects.filter(
        parent=city, kind=Organization.Kind.GOVERNMENT, level=Organization.Level.COUNTY
    )
    assert sorted(d.name for d in districts) == ["示范市东城区人民政府", "示范市西城区人民政府"]
    for district in districts:
        kinds = set(district.children.values_list("kind", flat=True))
        assert {Organization.Kind.DEPARTMENT, Organization.Kind.TOWNSHIP} <= kinds
    for org in Organization.objects.all():
        assert org_code_error(org.code) is None
        assert org.address and org.phone and org.office_hours and org.email, org.name


def test_users_for_every_role(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_platform_admin
    assert admin.check_password(DEMO_PASSWORD)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for dept in Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, parent__level="city"):
        roles = set(Membership.objects.filter(org=dept).values_list("role", flat=True))
        assert {Role.DRAFTER, Role.REVIEWER, Role.PUBLISHER} <= roles, dept.name
    multi = User.objects.annotate(n=Count("memberships__org", distinct=True)).filter(n__gte=2)
    assert multi.exists()
    logins = {login.username for login in demo.logins}
    assert {"admin", "jyj_drafter", "jyj_foi_handler", "szf_org_admin"} <= logins
    assert User.objects.count() == demo.users


def test_items_metadata_and_states(demo):
    items = InfoItem.objects.all()
    assert items.count() >= 200
    assert demo.items == items.count()
    statuses = set(items.values_list("status", flat=True))
    assert statuses >= {"draft", "submitted", "approved", "returned", "published", "withdrawn"}
    assert set(items.values_list("kind", flat=True)) == set(InfoItem.Kind.values)
    assert len(set(items.values_list("genre", flat=True))) >= 5
    assert items.filter(subject__contains="\\").count() == items.exclude(subject="").count()

    published = items.filter(status=InfoItem.Status.PUBLISHED)
    index_nos = list(published.values_list("index_no", flat=True))
    assert all(index_nos)
    all_index = [n for n in items.values_list("index_no", flat=True) if n]
    assert len(all_index) == len(set(all_index))
    dates = sorted(published.values_list("published_at", flat=True))
    assert dates[-1] - dates[0] > timedelta(days=500)
    assert dates[-1] <= timezone.now()
    for item in published.exclude(written_on=None):
        assert item.written_on <= timezone.localdate(item.published_at)

    # 文号 carry their agency's prefix (规章 carry the government's 令号).
    for item in items.exclude(doc_no="").select_related("org"):
        if item.kind == InfoItem.Kind.RULE:
            assert re.fullmatch(r"示范市人民政府令第\d+号", item.doc_no), item.doc_no
        else:
            assert re.fullmatch(rf"{item.org.doc_prefix}\D*〔\d{{4}}〕\d+号", item.doc_no), item.doc_no
    # Joint documents and interpretations.
    assert InfoItem.objects.filter(issuers__isnull=False).exists()
    assert ItemRelation.objects.filter(type=ItemRelation.Type.INTERPRETS, target__isnull=False).count() >= 2


def test_validity_variety(demo):
    stored = set(InfoItem.objects.values_list("validity", flat=True))
    assert {InfoItem.Validity.AMENDED, InfoItem.Validity.REPEALED} <= stored
    for item in InfoItem.objects.filter(validity__in=[InfoItem.Validity.AMENDED, InfoItem.Validity.REPEALED]):
        assert selectors.replacing_item(item) is not None
    shown = {
        selectors.effective_validity(i)
        for i in InfoItem.objects.filter(status=InfoItem.Status.PUBLISHED, validity=InfoItem.Validity.VALID)
    }
    assert {InfoItem.Validity.EXPIRED, InfoItem.Validity.NOT_YET_EFFECTIVE} <= shown


def test_columns(demo):
    custom = Column.objects.filter(is_system=False)
    assert custom.filter(name="部门动态", update_class=Column.UpdateClass.NEWS).count() >= 8
    assert custom.filter(name="通知公告", update_class=Column.UpdateClass.NOTICE).exists()
    assert custom.filter(name="人事信息", update_class=Column.UpdateClass.YEARLY).exists()
    statutory = Column.objects.filter(statutory_code__startswith="a20.", items__isnull=False)
    assert len(set(statutory.values_list("statutory_code", flat=True))) >= 12
    assert Column.objects.filter(statutory_code__startswith="a21.", items__isnull=False).exists()


def test_dashboard_tasks_and_deadlines(demo):
    publisher = User.objects.get(username="szf_publisher")
    reviewer = User.objects.get(username="szf_reviewer")
    assert selectors.staff_tasks(publisher)["publish"].exists()
    assert selectors.staff_tasks(reviewer)["review"].exists()
    states = set()
    for user in User.objects.filter(username__in=["szf_publisher", "fgw_publisher", "jyj_publisher"]):
        states |= {row["state"] for row in selectors.publication_deadlines(user)}
    assert {"soon", "late"} <= states


def test_attachments(demo):
    kinds = set(Attachment.objects.values_list("content_type", flat=True))
    assert "application/pdf" in kinds
    for attachment in Attachment.objects.all():
        assert attachment.file.size == attachment.size > 0


def test_second_run_does_nothing(demo):
    before = (Organization.objects.count(), User.objects.count(), InfoItem.objects.count())
    again = load_demo()
    assert not again.loaded
    assert "已存在" in again.message
    assert (Organization.objects.count(), User.objects.count(), InfoItem.objects.count()) == before
    assert again.logins == demo.logins


def test_demo_pdf_is_well_formed():
    data = demo_pdf("示范市测试文件", ["第一行", "第二行"])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[startxref:].startswith(b"xref")
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n ", data)]
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(b"%d 0 obj" % number)
    stream = re.search(rb"stream\n(.*?)\nendstream", data, re.S).group(1)
    text = zlib.decompress(stream)
    assert "示范市测试文件".encode("utf-16-be").hex().upper().encode() in text


def test_demo_docx_opens():
    from docx import Document

    document = Document(BytesIO(demo_docx("报名表", ["单位名称", "联系人"], timezone.localdate())))
    assert document.tables[0].rows[0].cells[0].text == "单位名称"
