"""`gongkai import items` / `gongkai export items` (contracts.md "Command line" and "Files → Items").

Every JSONL file here is written by the test itself in tmp_path."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from gongkai.core.models import AuditEntry
from gongkai.publishing import services
from gongkai.publishing.models import Attachment, Column, InfoItem, ItemRelation, ItemRevision

pytestmark = pytest.mark.django_db

CITY = "000014349"  # valid 组织机构代码 (GB 11714 check character)
BUREAU = "123456788"
OTHER = "GK0000018"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHANGHAI = ZoneInfo("Asia/Shanghai")


# ---------------------------------------------------------------- helpers and fixtures


def run(*args: str) -> tuple[int, str, str]:
    """Run a management command in-process: (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()


def write_jsonl(path: Path, *lines: Any) -> Path:
    """Objects are dumped as JSON; strings are written as they are (to make broken lines)."""
    with open(path, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")
    return path


def item(external_id: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "external_id": external_id,
        "org": CITY,
        "title": f"关于{external_id}的通知",
        "body_text": "第一段。\n第二段。",
        "published_at": "2024-03-01",
    }
    record.update(fields)
    return record


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def orgs(db):
    city, _ = services.org_setup(
        actor=None, code=CITY, name="测试市人民政府", kind="government", level="city"
    )
    bureau, _ = services.org_setup(
        actor=None, code=BUREAU, parent_code=CITY, name="测试市教育局", kind="department"
    )
    other, _ = services.org_setup(actor=None, code=OTHER, name="另一机关", kind="department", level="county")
    return city, bureau, other


def import_items(path: Path) -> tuple[int, str, str]:
    return run("import", "items", str(path))


# ---------------------------------------------------------------- good and bad lines


def test_good_lines_stored_and_bad_lines_reported_with_number_and_code(orgs, tmp_path):
    path = write_jsonl(
        tmp_path / "items.jsonl",
        item(
            "ok-1", doc_no="测政发[2024]5号", written_on="2024-02-27", subject="综合政务\\其他", genre="通知"
        ),
        "{not json",
        {"external_id": "no-title", "org": CITY, "published_at": "2024-03-01"},
        item("bad-date", published_at="2024-02-30"),
        item("unknown-org", org="999999999"),
        item("ok-2", published_at="2024-03-02T09:30:00+08:00", kind="normative", genre="实施方案"),
        item("bad-relation", relations=[{"type": "cites", "target": "ok-1"}]),
        item("late", written_on="2024-03-05"),  # 成文 after 发布
        item("no-date", published_at=None),
        item("naive", published_at="2024-03-01T09:00:00"),
        item("bad-kind", kind="law"),
    )
    status, out, err = import_items(path)

    assert status == 1
    assert out == ""  # stdout carries results only; an import has none
    for expected in (
        "line 2: bad_json ",
        "line 3: missing_field ",
        "line 4: bad_date ",
        "line 5: unknown_org ",
        "line 7: bad_relation ",
        "line 8: bad_date ",
        "line 9: missing_field ",
        "line 10: bad_date ",
        "line 11: bad_kind ",
    ):
        assert expected in err
    assert "line 1:" not in err and "line 6:" not in err
    assert err.rstrip().endswith("导入 2 条，跳过 9 条")
    assert set(InfoItem.objects.values_list("external_id", flat=True)) == {"ok-1", "ok-2"}

    first = InfoItem.objects.get(external_id="ok-1")
    assert first.status == InfoItem.Status.PUBLISHED and first.is_historical
    assert first.org.code == CITY
    assert first.published_at == datetime(2024, 3, 1, tzinfo=SHANGHAI)  # a date means 00:00 Beijing time
    assert first.written_on == date(2024, 2, 27)
    assert first.doc_no == "测政发[2024]5号" and first.doc_no_norm == "测政发〔2024〕5号"
    assert first.index_no == f"{CITY}/2024-00001"  # assigned at the publication date
    assert first.body_html == "<p>第一段。</p><p>第二段。</p>"
    assert list(first.revisions.values_list("number", flat=True)) == [1]
    assert first.revisions.get().snapshot["title"] == first.title
    second = InfoItem.objects.get(external_id="ok-2")
    assert second.genre == "实施方案"  # lenient 公文种类 for historical records
    assert second.kind == "normative"
    assert second.index_no == f"{CITY}/2024-00002"


def test_all_lines_accepted_exit_zero(orgs, tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", item("a"), "", item("b"))  # blank lines are ignored
    status, out, err = import_items(path)
    assert status == 0, err
    assert out == ""
    assert "导入 2 条，跳过 0 条" in err


def test_bom_crlf_and_line_numbers_of_blank_lines(orgs, tmp_path):
    path = tmp_path / "items.jsonl"
    lines = [json.dumps(item("a"), ensure_ascii=False), "", json.dumps({"external_id": "b"})]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    status, _, err = import_items(path)
    assert status == 1
    assert "line 3: missing_field " in err  # the blank line 2 still counts
    assert InfoItem.objects.filter(external_id="a").exists()


@pytest.mark.parametrize("what", ["items", "orgs", "columns"])
def test_unreadable_file_exit_two(db, tmp_path, what):
    status, out, err = run("import", what, str(tmp_path / "missing.jsonl"))
    assert status == 2
    assert out == ""
    assert "missing.jsonl" in err
    status, _, err = run("import", what, str(tmp_path))
    assert status == 2


def test_a_rejected_line_leaves_nothing_behind(orgs, tmp_path):
    """Columns created on the way by a line that fails later are rolled back with it."""
    path = write_jsonl(
        tmp_path / "items.jsonl",
        item("first", index_no="X-1"),
        item("second", index_no="X-1", columns=["新栏目/子栏目"]),
    )
    status, _, err = import_items(path)
    assert status == 1
    assert "line 2: duplicate_index_no " in err
    assert not Column.objects.filter(name__in=["新栏目", "子栏目"]).exists()
    assert not InfoItem.objects.filter(external_id="second").exists()


def test_index_no_given_is_kept(orgs, tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", item("a", index_no="000014349/2019-00007"))
    assert import_items(path)[0] == 0
    assert InfoItem.objects.get(external_id="a").index_no == "000014349/2019-00007"


def test_valid_until_before_effective_on_is_bad_date(orgs, tmp_path):
    path = write_jsonl(
        tmp_path / "items.jsonl", item("a", effective_on="2024-03-01", valid_until="2023-03-01")
    )
    status, _, err = import_items(path)
    assert status == 1 and "line 1: bad_date " in err


def test_disclosure_other_than_proactive_needs_a_reason(orgs, tmp_path):
    path = write_jsonl(
        tmp_path / "items.jsonl",
        item("a", disclosure="on_request"),
        item("b", disclosure="on_request", disclosure_reason="涉及第三方合法权益"),
    )
    status, _, err = import_items(path)
    assert status == 1 and "line 1: missing_reason " in err
    assert InfoItem.objects.get(external_id="b").disclosure_reason == "涉及第三方合法权益"


# ---------------------------------------------------------------- idempotent re-import


def test_reimport_is_idempotent_and_updates_in_place(orgs, tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", item("a", columns=["政务动态"]), item("b"))
    assert import_items(path)[0] == 0
    audits = AuditEntry.objects.filter(action="item.import").count()
    index_no = InfoItem.objects.get(external_id="a").index_no

    status, _, err = import_items(path)
    assert status == 0 and "导入 2 条，跳过 0 条" in err
    assert InfoItem.objects.count() == 2
    assert ItemRevision.objects.count() == 2  # nothing changed: no new revision
    assert AuditEntry.objects.filter(action="item.import").count() == audits

    write_jsonl(tmp_path / "items.jsonl", item("a", title="更正后的标题", columns=["政务动态"]), item("b"))
    assert import_items(path)[0] == 0
    assert InfoItem.objects.count() == 2
    updated = InfoItem.objects.get(external_id="a")
    assert updated.title == "更正后的标题"
    assert updated.index_no == index_no  # the number assigned at the first import stays
    assert list(updated.revisions.values_list("number", flat=True)) == [2, 1]
    assert updated.revisions.get(number=2).snapshot["title"] == "更正后的标题"
    assert InfoItem.objects.get(external_id="b").revision == 1


# ---------------------------------------------------------------- relations


def test_pending_relation_resolved_when_target_comes_later_in_the_file(orgs, tmp_path):
    path = write_jsonl(
        tmp_path / "items.jsonl",
        item("interp", relations=[{"type": "interprets", "target": "policy"}]),
        item("policy"),
    )
    status, _, err = import_items(path)
    assert status == 0
    assert "pending_target" not in err
    relation = ItemRelation.objects.get()
    assert relation.source.external_id == "interp"
    assert relation.target is not None and relation.target.external_id == "policy"


def test_pending_relation_resolved_as_soon_as_the_target_line_is_stored(orgs, tmp_path):
    """Not only at the end of the file: the target's own transaction completes the waiting relation."""
    from gongkai.publishing.importers import ItemImporter, item_line_parse

    importer = ItemImporter(base_dir=tmp_path)
    importer.store(
        1,
        item_line_parse(item("interp", relations=[{"type": "interprets", "target": "p"}]), base_dir=tmp_path),
    )
    assert ItemRelation.objects.get().target is None
    importer.store(2, item_line_parse(item("p"), base_dir=tmp_path))
    assert ItemRelation.objects.get().target == InfoItem.objects.get(external_id="p")
    assert importer.pending_warnings() == []


def test_pending_relation_resolved_in_a_later_import(orgs, tmp_path):
    first = write_jsonl(tmp_path / "one.jsonl", item("new", relations=[{"type": "repeals", "target": "old"}]))
    status, _, err = import_items(first)
    assert status == 0  # a pending relation is a warning, not a rejection
    assert "line 1: pending_target " in err and "old" in err
    assert "导入 1 条，跳过 0 条" in err
    relation = ItemRelation.objects.get()
    assert relation.target is None and relation.target_external_id == "old"

    second = write_jsonl(tmp_path / "two.jsonl", item("old"))
    assert import_items(second)[0] == 0
    relation.refresh_from_db()
    assert relation.target == InfoItem.objects.get(external_id="old")


def test_relation_to_an_existing_item_is_resolved_at_once(orgs, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", item("target"))
    import_items(tmp_path / "a.jsonl")
    write_jsonl(tmp_path / "b.jsonl", item("source", relations=[{"type": "amends", "target": "target"}]))
    status, _, err = import_items(tmp_path / "b.jsonl")
    assert status == 0 and "pending_target" not in err
    assert ItemRelation.objects.get().target == InfoItem.objects.get(external_id="target")


def test_self_relation_rejected(orgs, tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", item("a", relations=[{"type": "replaces", "target": "a"}]))
    status, _, err = import_items(path)
    assert status == 1
    assert "line 1: self_relation " in err
    assert not InfoItem.objects.exists()


# ---------------------------------------------------------------- attachments and bodies


def test_attachment_from_path_is_stored_with_sha256(orgs, tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "plan.pdf").write_bytes(PDF)
    path = write_jsonl(
        tmp_path / "items.jsonl",
        item(
            "a",
            attachments=[
                {"name": "实施方案.pdf", "path": "files/plan.pdf"},
                {"name": "原文链接", "url": "https://www.example.gov.cn/doc/1.doc"},
            ],
        ),
    )
    status, _, err = import_items(path)
    assert status == 0, err
    stored, link = Attachment.objects.order_by("sort_order")
    assert stored.name == "实施方案.pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.size == len(PDF) and stored.content_type == "application/pdf"
    assert default_storage.exists(stored.file.name)
    with default_storage.open(stored.file.name, "rb") as fh:
        assert fh.read() == PDF
    assert link.url == "https://www.example.gov.cn/doc/1.doc" and not link.file
    assert InfoItem.objects.get().revisions.get().snapshot["attachments"][0]["sha256"] == stored.sha256


def test_attachment_name_without_extension_takes_the_files(orgs, tmp_path):
    (tmp_path / "plan.pdf").write_bytes(PDF)
    path = write_jsonl(
        tmp_path / "items.jsonl", item("a", attachments=[{"name": "实施方案", "path": "plan.pdf"}])
    )
    assert import_items(path)[0] == 0
    assert Attachment.objects.get().name == "实施方案.pdf"


def test_disguised_attachment_rejects_the_line(orgs, tmp_path):
    (tmp_path / "report.pdf").write_bytes(b"<html><body><script>alert(1)</script></body></html>")
    path = write_jsonl(
        tmp_path / "items.jsonl",
        item("a", attachments=[{"name": "report.pdf", "path": "report.pdf"}]),
        item("b"),
    )
    status, _, err = import_items(path)
    assert status == 1
    assert "line 1: disguised_file " in err
    assert list(InfoItem.objects.values_list("external_id", flat=True)) == ["b"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("attachment", "code"),
    [
        ({"name": "x.pdf", "path": "../outside.pdf"}, "bad_path"),
        ({"name": "x.pdf", "path": "/etc/passwd"}, "bad_path"),
        ({"name": "x.pdf", "path": "nowhere.pdf"}, "missing_file"),
        ({"name": "x", "url": "javascript:alert(1)"}, "bad_url"),
        ({"name": "x", "url": "//evil.example/x.pdf"}, "bad_url"),
        ({"name": "x"}, "bad_attachment"),
    ],
)
def test_bad_attachments_reject_the_line(orgs, tmp_path, attachment, code):
    path = write_jsonl(tmp_path / "items.jsonl", item("a", attachments=[attachment]))
    status, _, err = import_items(path)
    assert status == 1
    assert f"line 1: {code} " in err
    assert not InfoItem.objects.exists()


def test_symlink_out_of_the_directory_is_refused(orgs, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(PDF)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "link.pdf").symlink_to(outside / "secret.pdf")
    path = write_jsonl(
        tmp_path / "in" / "items.jsonl", item("a", attachments=[{"name": "a.pdf", "path": "link.pdf"}])
    )
    status, _, err = import_items(path)
    assert status == 1 and "line 1: bad_path " in err


def test_xss_in_body_html_is_neutralized(orgs, tmp_path):
    body = (
        '<p onclick="steal()">正文<script>alert(1)</script></p>'
        '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">链接</a>'
    )
    path = write_jsonl(tmp_path / "items.jsonl", item("a", body_html=body, body_text=None))
    assert import_items(path)[0] == 0
    stored = InfoItem.objects.get().body_html
    lowered = stored.lower()
    assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "正文" in stored


def test_body_text_is_escaped(orgs, tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", item("a", body_text="<script>alert(1)</script>"))
    assert import_items(path)[0] == 0
    assert "<script" not in InfoItem.objects.get().body_html


# ---------------------------------------------------------------- export


def rich_file(tmp_path: Path) -> Path:
    (tmp_path / "a.pdf").write_bytes(PDF)
    return write_jsonl(
        tmp_path / "items.jsonl",
        item(
            "policy",
            title="测试市人民政府关于印发某某办法的通知",
            body_html="<p>第一条 为了……</p><h2>第二章</h2>",
            body_text=None,
            doc_no="测政规〔2023〕3号",
            written_on="2023-05-06",
            published_at="2023-05-08T10:00:00+08:00",
            formed_on="2023-05-06",
            subject="科技、教育\\教育",
            genre="通知",
            kind="normative",
            validity="valid",
            effective_on="2023-06-01",
            valid_until="2028-05-31",
            issuers=[BUREAU],
            columns=["政策文件/规范性文件", "法定主动公开内容/行政法规、规章和规范性文件"],
            keywords=["教育", "办法"],
            attachments=[
                {"name": "附件.pdf", "path": "a.pdf"},
                {"name": "链接", "url": "https://example.cn/x"},
            ],
            relations=[{"type": "replaces", "target": "older"}],
        ),
        item("interp", title="《某某办法》解读", relations=[{"type": "interprets", "target": "policy"}]),
        item("older", validity="repealed", published_at="2018-01-02"),
        item("withheld", disclosure="withheld", disclosure_reason="涉及国家秘密"),
        item("elsewhere", org=OTHER, columns=["通知公告"]),
    )


def export(*args: str) -> list[dict[str, Any]]:
    status, out, err = run("export", "items", *args)
    assert status == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_export_writes_the_import_format(orgs, tmp_path):
    assert import_items(rich_file(tmp_path))[0] == 0
    records = {r["external_id"]: r for r in export()}
    assert set(records) == {"policy", "interp", "older", "withheld", "elsewhere"}
    policy = records["policy"]
    assert policy["org"] == CITY
    assert policy["published_at"] == "2023-05-08T10:00:00+08:00"
    assert policy["issuers"] == [BUREAU]
    assert policy["columns"] == ["政策文件/规范性文件", "法定主动公开内容/行政法规、规章和规范性文件"]
    assert policy["keywords"] == "教育 办法"
    assert policy["relations"] == [{"type": "replaces", "target": "older"}]  # outgoing only
    assert records["older"]["relations"] == []
    stored = Attachment.objects.get(name="附件.pdf")
    assert policy["attachments"] == [
        {"name": "附件.pdf", "url": f"/files/{stored.file.name}"},
        {"name": "链接", "url": "https://example.cn/x"},
    ]
    only_other = export("--org", OTHER)
    assert [r["external_id"] for r in only_other] == ["elsewhere"]


def test_export_unknown_org_exits_two(orgs):
    status, out, err = run("export", "items", "--org", "999999999")
    assert status == 2 and out == "" and "unknown_org" in err


def test_export_to_output_file(orgs, tmp_path):
    import_items(rich_file(tmp_path))
    target = tmp_path / "out.jsonl"
    status, out, err = run("export", "items", "--output", str(target))
    assert status == 0 and out == ""
    assert "导出 5 条" in err
    assert len(target.read_text(encoding="utf-8").splitlines()) == 5


def test_export_import_round_trip(orgs, tmp_path):
    assert import_items(rich_file(tmp_path))[0] == 0
    exported = export()
    (tmp_path / "export").mkdir()
    dump = write_jsonl(tmp_path / "export" / "items.jsonl", *exported)

    # The same platform: every line is unchanged.
    revisions = ItemRevision.objects.count()
    status, _, err = import_items(dump)
    assert status == 0 and "导入 5 条，跳过 0 条" in err
    assert ItemRevision.objects.count() == revisions
    assert export() == exported

    # An empty platform (same agencies, same stored files): the export brings everything back.
    ItemRelation.objects.all().delete()
    Attachment.objects.all().delete()
    InfoItem.objects.all().delete()
    status, _, err = import_items(dump)
    assert status == 0, err
    assert export() == exported
    assert Attachment.objects.get(name="附件.pdf").sha256 == hashlib.sha256(PDF).hexdigest()
    assert ItemRelation.objects.get(type="interprets").target.external_id == "policy"


# ---------------------------------------------------------------- columns


def test_import_columns_creates_parents_and_sets_attributes(orgs, tmp_path):
    path = write_jsonl(
        tmp_path / "columns.jsonl",
        {"org": CITY, "path": "政务动态/部门动态", "update_class": "news", "responsible": "办公室"},
        {"org": CITY, "path": "政务动态/部门动态"},  # again: unchanged
        {"org": "999999999", "path": "x"},
        {"org": CITY, "path": "政务动态/图片新闻", "update_class": "weekly"},
        {"org": CITY, "path": ""},
    )
    status, out, err = run("import", "columns", str(path))
    assert status == 1 and out == ""
    assert "line 3: unknown_org " in err
    assert "line 4: bad_update_class " in err
    assert "line 5: missing_field " in err
    assert "导入 2 条，跳过 3 条" in err
    city = orgs[0]
    parent = Column.objects.get(org=city, parent=None, name="政务动态")
    child = Column.objects.get(org=city, parent=parent, name="部门动态")
    assert child.update_class == "news" and child.responsible == "办公室"
    assert not Column.objects.filter(name="图片新闻").exists()


def test_import_columns_name_renames_last_segment_and_first_level(orgs, tmp_path):
    line = {
        "org": CITY,
        "path": "政务动态/bmdt",
        "name": "部门动态",
        "first_level": True,
        "update_class": "news",
    }
    path = write_jsonl(
        tmp_path / "columns.jsonl",
        line,
        line,  # again: finds the renamed column, unchanged
        {"org": CITY, "path": "政务动态/x", "name": "a/b"},
    )
    status, _, err = run("import", "columns", str(path))
    assert status == 1
    assert "line 3: bad_field " in err
    assert "导入 2 条，跳过 1 条" in err
    city = orgs[0]
    parent = Column.objects.get(org=city, parent=None, name="政务动态")
    child = Column.objects.get(org=city, parent=parent, name="部门动态")
    assert child.first_level is True and child.update_class == "news"
    assert not Column.objects.filter(org=city, name__in=["bmdt", "x"]).exists()
    assert Column.objects.filter(org=city, parent=parent).count() == 1
