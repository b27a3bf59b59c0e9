"""`gongkai consultations import|export`: line-level rules like the message import (one transaction per line, bad
lines reported and skipped, idempotent on external_id), round trip through the export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from gongkai.core.models import AuditEntry
from gongkai.participation.models import Comment, Consultation

pytestmark = pytest.mark.django_db

DRAFT = "第一条 为了规范养犬行为，制定本规定。\n第二条 本规定自公布之日起施行。"


def line(owner, **kw) -> dict:
    base = {
        "external_id": "ZJ-2025-001",
        "org": owner.code,
        "title": "某市养犬管理规定（草案）",
        "draft_text": DRAFT,
        "explanation": "起草说明。",
        "opens_on": "2025-03-01",
        "closes_on": "2025-03-30",
        "status": "closed",
        "questions": [{"text": "您是否养犬？", "kind": "single", "choices": ["是", "否"], "required": True}],
        "comments": [
            {
                "external_id": "c1",
                "body": "建议放宽遛狗时间。",
                "article": 1,
                "answers": {"1": "是"},
                "submitted_at": "2025-03-02T09:30:00+08:00",
                "moderation": "published",
                "decision": "not_adopted",
                "reason": "保障公共安全。",
                "writer": {"name": "周八", "phone": "13511112222", "email": ""},
            },
            {
                "body": "广告内容",
                "moderation": "withheld",
                "withheld_reason": "advertising",
                "submitted_at": "2025-03-03",
            },
        ],
    }
    base.update(kw)
    return base


def run(tmp_path: Path, rows: list) -> tuple[int, str]:
    path = tmp_path / "c.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    try:
        call_command("consultations", "import", str(path), stdout=io.StringIO(), stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, err.getvalue()


def export(org, *extra: str) -> list[dict]:
    out = io.StringIO()
    call_command("consultations", "export", "--org", org.code, *extra, stdout=out, stderr=io.StringIO())
    return [json.loads(x) for x in out.getvalue().splitlines()]


def test_import_then_reimport_is_idempotent_and_round_trips(agency, tmp_path):
    code, err = run(tmp_path, [line(agency.org)])
    assert code == 0, err
    c = Consultation.objects.get()
    assert c.status == "closed" and c.questions.get().choices == ["是", "否"]
    first, second = Comment.objects.order_by("id")
    assert first.article == 1 and first.decision == "not_adopted" and first.name == "周八"
    assert first.submitted_at.isoformat().startswith("2025-03-02T01:30:00")
    assert second.moderation == "withheld" and second.withheld_reason == "advertising"
    assert run(tmp_path, [line(agency.org)])[0] == 0
    assert Comment.objects.count() == 2 and Consultation.objects.count() == 1
    assert AuditEntry.objects.filter(action="consultation.import_created").count() == 1
    assert not AuditEntry.objects.filter(action="consultation.import_updated").exists()
    # The export without writers, re-imported, changes nothing; its records keep no personal data.
    exported = export(agency.org)
    assert "周八" not in json.dumps(exported, ensure_ascii=False)
    assert exported[0]["comments"][0]["submitted_at"] == "2025-03-02T09:30:00+08:00"
    assert run(tmp_path, exported)[0] == 0
    assert not AuditEntry.objects.filter(action="consultation.import_updated").exists()
    assert Comment.objects.filter(name="周八").exists()
    # With writers (audited).
    assert export(agency.org, "--with-writer")[0]["comments"][0]["writer"]["name"] == "周八"
    assert AuditEntry.objects.filter(action="consultation.export_writer").exists()
    # A changed line adds its new comment; the comments it no longer holds are kept, never deleted.
    changed = line(agency.org, comments=[{"body": "只有一条。"}])
    assert run(tmp_path, [changed])[0] == 0
    assert sorted(Comment.objects.values_list("body", flat=True)) == sorted(
        ["建议放宽遛狗时间。", "广告内容", "只有一条。"]
    )
    assert AuditEntry.objects.filter(action="consultation.import_updated").count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"closes_on": "2025-03-10"}, "short_period"),
        ({"closes_on": "2025-02-10"}, "bad_period"),
        ({"opens_on": "2025/03/01"}, "bad_date"),
        ({"org": "nope"}, "unknown_org"),
        ({"title": ""}, "missing_field"),
        ({"status": "draft"}, "bad_field"),
        ({"questions": [{"text": "选？", "kind": "single", "choices": ["一"]}]}, "bad_question"),
        ({"comments": [{"body": "x", "article": 9}]}, "bad_article"),
        ({"comments": [{"body": "x", "answers": {"1": "也许"}}]}, "bad_answer"),
        ({"comments": [{"body": "x", "answers": {"7": "是"}}]}, "bad_answer"),
        ({"comments": [{"body": "x", "answers": {"1": [1]}}]}, "bad_answer"),
        ({"comments": [{"body": "x", "moderation": "withheld"}]}, "missing_reason"),
        ({"comments": [{"body": "x", "decision": "not_adopted"}]}, "bad_decision"),
        ({"comments": [{"body": ""}]}, "missing_field"),
        ({"comments": "none"}, "bad_field"),
    ],
)
def test_bad_lines_are_reported_and_skipped(agency, tmp_path, change, code):
    good = line(agency.org, external_id="good")
    status, err = run(tmp_path, ["not json", line(agency.org, **change), good])
    assert status == 1
    assert "line 1: bad_json" in err and f"line 2: {code} " in err, err
    assert list(Consultation.objects.values_list("external_id", flat=True)) == ["good"]


def test_unreadable_file_and_unknown_export_org(agency, tmp_path):
    with pytest.raises(SystemExit) as exc:
        call_command("consultations", "import", str(tmp_path / "missing.jsonl"), stderr=io.StringIO())
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        call_command("consultations", "export", "--org", "nope", stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.code == 2


def test_basis_and_adopted_changes_round_trip(agency, tmp_path):
    """R-INT-1: the basis (起草依据) and the change an adopted comment made travel through import and export; both are
    optional so a file written before they existed still imports; an explicit empty `changes` on 采纳 is refused."""
    adopted = {"external_id": "c9", "body": "建议明确犬只登记期限。", "decision": "adopted"}
    code, err = run(
        tmp_path,
        [
            line(
                agency.org,
                basis="《中华人民共和国动物防疫法》",
                comments=[adopted | {"changes": "第二条增加登记期限。"}],
            )
        ],
    )
    assert code == 0, err
    c = Consultation.objects.get()
    assert c.basis == "《中华人民共和国动物防疫法》"
    assert Comment.objects.get().changes == "第二条增加登记期限。"
    exported = export(agency.org)
    assert exported[0]["basis"] == "《中华人民共和国动物防疫法》"
    assert exported[0]["comments"][0]["changes"] == "第二条增加登记期限。"
    assert run(tmp_path, exported)[0] == 0
    assert not AuditEntry.objects.filter(action="consultation.import_updated").exists()
    # An older file: no basis, no changes key.
    code, err = run(tmp_path, [line(agency.org, external_id="ZJ-OLD", comments=[adopted])])
    assert code == 0, err
    assert Consultation.objects.get(external_id="ZJ-OLD").basis == ""
    # `changes` given but empty on 采纳: the line is refused with the stable code.
    code, err = run(tmp_path, [line(agency.org, external_id="ZJ-BAD", comments=[adopted | {"changes": " "}])])
    assert code != 0 and "bad_decision" in err and "作了哪些修改" in err
    assert not Consultation.objects.filter(external_id="ZJ-BAD").exists()
