"""The batched item import (issue 4): several lines per transaction, the same outcomes as line by line.

Small batches (`--batch-size 2`) so that each case crosses batch boundaries."""

from __future__ import annotations

import pytest

from gongkai.core.models import AuditEntry
from gongkai.publishing.models import InfoItem, ItemRelation, ItemRevision
from gongkai.search.models import SearchDocument
from tests.publishing.test_import_export import _media, item, orgs, run, write_jsonl  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("orgs")]


def import_batched(path, size: int = 2) -> tuple[int, str, str]:
    return run("import", "items", str(path), "--batch-size", str(size))


def test_each_new_item_gets_revision_audit_entry_index_no_and_index_row(tmp_path):
    lines = [
        item(f"b{n}", columns=["通知公告"], attachments=[{"name": "原文", "url": f"https://e.cn/{n}"}])
        for n in range(5)
    ]
    status, _, err = import_batched(write_jsonl(tmp_path / "items.jsonl", *lines))
    assert status == 0, err
    items = list(InfoItem.objects.filter(external_id__startswith="b").order_by("external_id"))
    assert len(items) == 5
    assert len({i.index_no for i in items}) == 5 and all(i.index_no for i in items)
    for stored in items:
        revision = ItemRevision.objects.get(item=stored)
        assert revision.number == stored.revision == 1
        assert revision.snapshot["columns"] == [c.pk for c in stored.columns.all()]
        assert revision.snapshot["attachments"][0]["url"].startswith("https://e.cn/")
        entry = AuditEntry.objects.get(action="item.import", object_id=str(stored.pk))
        assert entry.data == {"external_id": stored.external_id, "created": True, "revision": 1}
        assert entry.org_code == stored.org.code
    assert SearchDocument.objects.filter(item__in=items).count() == 5


def test_bad_lines_are_reported_in_line_order_across_batches(tmp_path):
    path = write_jsonl(
        tmp_path / "items.jsonl",
        item("a"),
        "{broken",
        item("b", org="999999999"),
        item("c"),
        item("d", valid_until="2020-01-01", effective_on="2021-01-01"),
        item("e"),
    )
    status, _, err = import_batched(path)
    assert status == 1
    reported = [line.split(":")[0] for line in err.splitlines() if line.startswith("line ")]
    assert reported == ["line 2", "line 3", "line 5"]
    assert "line 3: unknown_org " in err and "line 5: bad_date " in err
    assert set(InfoItem.objects.values_list("external_id", flat=True)) == {"a", "c", "e"}
    assert "导入 3 条，跳过 3 条" in err


def test_the_same_external_id_twice_in_one_batch_updates(tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", item("x", title="初稿"), item("x", title="定稿"))
    status, _, err = import_batched(path, size=10)
    assert status == 0, err
    stored = InfoItem.objects.get(external_id="x")
    assert stored.title == "定稿" and stored.revision == 2
    assert ItemRevision.objects.filter(item=stored).count() == 2


def test_an_index_no_claimed_twice_in_one_batch_rejects_the_later_line(tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", item("p", index_no="X-1"), item("q", index_no="X-1"))
    status, _, err = import_batched(path, size=10)
    assert status == 1
    assert "line 2: duplicate_index_no " in err
    assert InfoItem.objects.get(index_no="X-1").external_id == "p"


def test_relations_across_batches_are_resolved(tmp_path):
    path = write_jsonl(
        tmp_path / "items.jsonl",
        item("interp", relations=[{"type": "interprets", "target": "policy"}]),
        item("filler1"),
        item("filler2"),
        item("policy"),
    )
    status, _, err = import_batched(path)
    assert status == 0, err
    relation = ItemRelation.objects.get(source__external_id="interp")
    assert relation.target is not None and relation.target.external_id == "policy"
    assert "pending_target" not in err


def test_reimport_in_batches_is_unchanged(tmp_path):
    path = write_jsonl(tmp_path / "items.jsonl", *[item(f"r{n}", columns=["a/b"]) for n in range(5)])
    assert import_batched(path)[0] == 0
    audit_before = AuditEntry.objects.count()
    status, _, err = import_batched(path)
    assert status == 0, err
    assert AuditEntry.objects.count() == audit_before
    assert ItemRevision.objects.count() == 5
