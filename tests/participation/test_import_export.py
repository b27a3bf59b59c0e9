"""`gongkai messages import|export|sla set` (contracts.md "Messages", command-line conventions)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from gongkai.participation import services
from gongkai.participation.models import CategoryLimit, Message
from gongkai.participation.services import ActionParams
from tests.participation.factories import WRITER, make_message

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("messages", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, out.getvalue(), err.getvalue()


def write(tmp_path, lines):
    path = tmp_path / "messages.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def line(agency, other, external_id="M-1", **extra):
    return {
        "external_id": external_id,
        "org": agency.org.code,
        "channel": "12345网上受理",
        "category": "投诉",
        "received_on": "2025-01-24",
        "subject": "噪音",
        "body": "夜间施工。",
        "public": True,
        "events": [
            {"type": "transferred", "on": "2025-01-26", "to_org": other.org.code},
            {"type": "extension", "on": "2025-02-10", "working_days": 10},
            {"type": "replied", "on": "2025-02-28", "text": "已处理。"},
            {"type": "closed", "on": "2025-03-03"},
            {"type": "rated", "on": "2025-03-04", "rating": "unsatisfied"},
            {"type": "reopened", "on": "2025-03-05"},
        ],
        "writer": {"name": "赵六", "phone": "13700002222", "email": "z6@example.com"},
        **extra,
    }


def test_import_export_round_trip(agency, other, tmp_path):
    status, _, err = run("import", str(write(tmp_path, [line(agency, other)])))
    assert status == 0 and "导入 1 条，跳过 0 条" in err
    m = Message.objects.get(external_id="M-1")
    assert m.holder_org == other.org and m.status == "processing" and m.round == 2
    status, out, err = run("export", "--org", agency.org.code)
    assert status == 0 and "导出 1 条" in err
    record = json.loads(out)
    assert record["org"] == agency.org.code and record["holder_org"] == other.org.code
    assert record["status"] == "open"
    # Round 1: due 2025-02-13 + 10 working days = 02-27, replied 02-28 → late; round 2 from 03-05: 10 working days.
    assert record["rounds"] == [
        {"due_on": "2025-02-27", "replied_on": "2025-02-28", "late": True},
        {"due_on": "2025-03-19", "replied_on": None, "late": None},
    ]
    assert record["due_on"] == "2025-03-19"
    assert "writer" not in record and "赵六" not in out
    # Re-import the export (same external_id): nothing changes.
    path = tmp_path / "again.jsonl"
    path.write_text(out, encoding="utf-8")
    status, _, err = run("import", str(path))
    assert status == 0
    assert Message.objects.count() == 1
    m2 = Message.objects.get(external_id="M-1")
    assert (m2.tracking_no, m2.status, m2.holder_org_id, m2.due_on) == (
        m.tracking_no,
        m.status,
        m.holder_org_id,
        m.due_on,
    )
    _, out2, _ = run("export", "--org", agency.org.code)
    assert json.loads(out2)["events"] == record["events"]


def test_import_is_idempotent(agency, other, tmp_path):
    path = write(tmp_path, [line(agency, other)])
    run("import", str(path))
    status, _, err = run("import", str(path))
    assert status == 0 and Message.objects.count() == 1 and "导入 1 条，跳过 0 条" in err
    assert Message.objects.get().events.count() == 7  # 6 + the implicit acceptance


def test_bad_lines_reported_and_skipped(agency, other, tmp_path):
    good = line(agency, other, external_id="OK")
    lines = [
        good,
        "{not json",
        line(agency, other, external_id="U", org="91110000000000000X"),
        line(agency, other, external_id="C", category="闲聊"),
        line(agency, other, external_id="D", received_on="2025-13-01"),
        {**line(agency, other, external_id="R"), "events": [{"type": "reopened", "on": "2025-02-01"}]},
        {
            **line(agency, other, external_id="E"),
            "events": [{"type": "extension", "on": "2025-02-01", "working_days": 11}],
        },
        {**line(agency, other, external_id="O"), "events": [{"type": "replied", "on": "2025-01-01"}]},
        {k: v for k, v in line(agency, other, external_id="M").items() if k != "subject"},
    ]
    status, _, err = run("import", str(write(tmp_path, lines)))
    assert status == 1
    assert "line 2: bad_json" in err
    assert "line 3: unknown_org" in err
    assert "line 4: bad_category" in err
    assert "line 5: bad_date" in err
    assert "line 6: bad_event" in err
    assert "line 7: bad_extension" in err
    assert "line 8: bad_order" in err
    assert "line 9: missing_field" in err
    assert "导入 1 条，跳过 8 条" in err
    assert list(Message.objects.values_list("external_id", flat=True)) == ["OK"]


def test_not_accepted_and_statuses(agency, other, tmp_path):
    lines = [
        {
            **line(agency, other, external_id="N"),
            "events": [{"type": "not_accepted", "on": "2025-01-27", "reason": "重复留言"}],
        },
        {
            **line(agency, other, external_id="Q"),
            "events": [{"type": "replied", "on": "2025-01-27", "text": "答复"}],
        },
        {
            **line(agency, other, external_id="Z"),
            "events": [{"type": "replied", "on": "2025-01-27"}, {"type": "closed", "on": "2025-01-28"}],
        },
    ]
    assert run("import", str(write(tmp_path, lines)))[0] == 0
    _, out, _ = run("export", "--org", agency.org.code)
    statuses = {json.loads(x)["external_id"]: json.loads(x)["status"] for x in out.splitlines()}
    assert statuses == {"N": "not_accepted", "Q": "replied", "Z": "closed"}


def test_export_unknown_org_and_unreadable_file(tmp_path):
    assert run("export", "--org", "91110000000000000X")[0] == 2
    status, _, err = run("import", str(tmp_path / "missing.jsonl"))
    assert status == 2 and "不存在" in err


def test_sla_set(db):
    status, out, _ = run("sla", "set", "咨询", "5")
    assert status == 0 and out.strip() == "咨询\t5"
    assert CategoryLimit.objects.get(category="咨询").working_days == 5
    assert run("sla", "set", "闲聊", "5")[0] == 2
    assert run("sla", "set", "咨询", "abc")[0] == 2
    assert run("sla", "set", "咨询", "0")[0] == 2
    status, out, _ = run("sla", "show")
    assert "咨询\t5" in out and "举报\t15" in out


def test_reimporting_an_export_changes_nothing(agency, other, office, tmp_path):
    run("import", str(write(tmp_path, [line(agency, other)])))
    online, _ = make_message(agency.org)  # no external_id: exported under its tracking number
    services.message_transition(
        actor=agency.handler, message=online, action="accept", params=ActionParams(on=date(2025, 1, 27))
    )
    services.message_transition(
        actor=office, message=online, action="supervise", params=ActionParams(comment="请加快")
    )
    _, out, _ = run("export", "--org", agency.org.code)
    path = tmp_path / "export.jsonl"
    path.write_text(out, encoding="utf-8")
    status, _, err = run("import", str(path))
    assert status == 0 and "导入 2 条，跳过 0 条" in err
    assert Message.objects.count() == 2
    online.refresh_from_db()
    assert online.writer_name == WRITER["name"] and online.events.filter(type="supervised").exists()
    imported = Message.objects.get(external_id="M-1")
    assert imported.writer_name == "赵六"  # a line without "writer" keeps the stored personal data


def test_changed_line_updates_in_place(agency, other, tmp_path):
    run("import", str(write(tmp_path, [line(agency, other)])))
    number = Message.objects.get().tracking_no
    changed = {**line(agency, other), "events": [{"type": "replied", "on": "2025-01-27", "text": "改了"}]}
    assert run("import", str(write(tmp_path, [changed])))[0] == 0
    m = Message.objects.get()
    assert (m.tracking_no, m.status, m.holder_org, m.reply_text, m.round) == (
        number,
        "replied",
        agency.org,
        "改了",
        1,
    )
