"""`gongkai foi import` / `gongkai foi export` (contracts.md "Command line", "Files → FOI requests"; docs/foi.md).

Every JSONL file is written by the test itself in tmp_path."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.core.models import AuditEntry
from gongkai.foi import services
from gongkai.foi.models import ClockEvent, Remedy, Request
from tests.foi.factories import ID_OK, register

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("foi", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()


def write_jsonl(path: Path, *lines: Any) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")
    return path


def line(external_id: str, org: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "external_id": external_id,
        "org": org,
        "applicant_type": "natural",
        "channel": "post",
        "received_on": "2025-01-20",
    }
    record.update(fields)
    return record


def export(org: str, *extra: str) -> tuple[int, list[dict[str, Any]], str]:
    code, out, err = run("export", "--org", org, *extra)
    return code, [json.loads(x) for x in out.splitlines() if x.strip()], err


def test_import_stores_ledger_outcome_and_remedies(agency, tmp_path):
    code = agency.org.code
    path = write_jsonl(
        tmp_path / "foi.jsonl",
        line(
            "h-1",
            code,
            events=[
                {"type": "supplement_requested", "on": "2025-01-27"},
                {"type": "supplement_received", "on": "2025-02-10"},
                {"type": "extension", "on": "2025-03-10", "working_days": 15},
            ],
            outcome="withheld.third_party",
            replied_on="2025-03-20",
            remedies=[
                {"kind": "review", "filed_on": "2025-04-01", "decided_on": "2025-06-01", "result": "upheld"},
                {"kind": "litigation_after_review", "filed_on": "2025-06-10"},
            ],
        ),
        line("h-2", code, channel="online", applicant_type="legal_service"),
    )
    status, out, err = run("import", str(path))
    assert (status, out) == (0, "")
    assert err.strip().endswith("导入 2 条，跳过 0 条")
    first = Request.objects.get(external_id="h-1")
    assert first.status == "replied" and first.outcome == "withheld.third_party" and first.is_historical
    assert [e.type for e in first.events.all()] == [
        "supplement_requested",
        "supplement_received",
        "extension",
    ]
    assert [(r.kind, r.result) for r in first.remedies.all()] == [
        ("review", "upheld"),
        ("litigation_after_review", "pending"),  # no result: pending
    ]
    assert Request.objects.get(external_id="h-2").status == "open"
    assert first.tracking_no.startswith("YSQ-2025-")
    assert AuditEntry.objects.filter(action="foi.import").count() == 2


def test_bad_lines_reported_with_number_and_code_and_nothing_stored(agency, tmp_path):
    code = agency.org.code
    path = write_jsonl(
        tmp_path / "foi.jsonl",
        line("ok-1", code),
        "{not json",
        line("no-org", ""),
        line("bad-org", "999999999"),
        line("bad-type", code, applicant_type="person"),
        line("bad-channel", code, channel="pigeon"),
        line("bad-date", code, received_on="2025-02-30"),
        line("late-supplement", code, events=[{"type": "supplement_requested", "on": "2025-02-06"}]),
        line(
            "two-extensions",
            code,
            events=[
                {"type": "extension", "on": "2025-02-03", "working_days": 5},
                {"type": "extension", "on": "2025-02-04", "working_days": 5},
            ],
        ),
        line("long-extension", code, events=[{"type": "extension", "on": "2025-02-03", "working_days": 25}]),
        line("bad-event", code, events=[{"type": "holiday", "on": "2025-02-03"}]),
        line("bad-outcome", code, outcome="granted", replied_on="2025-02-10"),
        line("replied-no-date", code, status="replied", outcome="disclosed"),
        line("bad-status", code, status="closed"),
        line(
            "bad-remedy",
            code,
            outcome="disclosed",
            replied_on="2025-02-10",
            remedies=[{"kind": "appeal", "filed_on": "2025-03-01"}],
        ),
        line("bad-id", code, id_type="resident_id", id_number="110105194912310021"),
        line("ok-2", code, received_on="2025-02-03"),
    )
    status, out, err = run("import", str(path))
    assert status == 1 and out == ""
    for expected in (
        "line 2: bad_json ",
        "line 3: missing_field ",
        "line 4: unknown_org ",
        "line 5: bad_applicant_type ",
        "line 6: bad_channel ",
        "line 7: bad_date ",
        "line 8: supplement_too_late ",
        "line 9: extension_twice ",
        "line 10: extension_too_long ",
        "line 11: bad_event ",
        "line 12: bad_outcome ",
        "line 13: missing_field ",
        "line 14: bad_status ",
        "line 15: bad_remedy ",
        "line 16: bad_id_number ",
    ):
        assert expected in err, expected
    assert "导入 2 条，跳过 15 条" in err
    assert set(Request.objects.values_list("external_id", flat=True)) == {"ok-1", "ok-2"}
    assert not ClockEvent.objects.exists()


def test_import_is_idempotent_on_external_id(agency, tmp_path):
    record = line(
        "h-1",
        agency.org.code,
        events=[
            {"type": "consultation_started", "on": "2025-01-22", "party": "third_party"},
            {"type": "consultation_ended", "on": "2025-01-24"},
        ],
        applicant_name="王五",
        id_type="resident_id",
        id_number=ID_OK,
    )
    path = write_jsonl(tmp_path / "foi.jsonl", record)
    assert run("import", str(path))[0] == 0
    first = Request.objects.get()
    events_before = list(first.events.values_list("pk", flat=True))
    assert run("import", str(path))[0] == 0
    assert Request.objects.count() == 1 and list(first.events.values_list("pk", flat=True)) == events_before
    assert AuditEntry.objects.filter(action="foi.import").count() == 1  # unchanged: no second entry
    # A changed line updates in place; identity absent from the line is kept.
    changed = {k: v for k, v in record.items() if k not in {"applicant_name", "id_type", "id_number"}}
    changed.update(outcome="disclosed", replied_on="2025-02-20")
    assert run("import", str(write_jsonl(tmp_path / "v2.jsonl", changed)))[0] == 0
    again = Request.objects.get()
    assert (again.pk, again.status, again.outcome) == (first.pk, "replied", "disclosed")
    assert (again.applicant_name, again.id_number) == ("王五", ID_OK)
    assert again.tracking_no == first.tracking_no


def test_export_round_trip(agency, other, tmp_path):
    live = register(agency, received_on=date(2025, 1, 20))
    services.consultation_start(actor=agency.handler, request=live, on=date(2025, 1, 22), party_name="某公司")
    services.consultation_end(actor=agency.handler, request=live, on=date(2025, 1, 24))
    services.extension_approve(
        actor=agency.head, request=live, on=date(2025, 2, 10), working_days=5, reason="量大"
    )
    services.fee_notice(
        actor=agency.handler, request=live, on=date(2025, 2, 11), basis="per_page", quantity=120
    )
    services.fee_paid(actor=agency.handler, request=live, on=date(2025, 2, 13))
    services.request_reply(
        actor=agency.handler,
        request=live,
        outcome="partial",
        replied_on=date(2025, 3, 3),
        details={"withheld_part": "个人信息", "reason": "保护隐私", "legal_basis": "条例第十五条"},
    )
    services.remedy_add(actor=agency.handler, request=live, kind="review", filed_on=date(2025, 3, 20))
    open_one = register(agency, received_on=date(2025, 2, 3))
    status, records, err = export(agency.org.code)
    assert status == 0 and "导出 2 条" in err
    by_tracking = {r["tracking_no"]: r for r in records}
    first = by_tracking[live.tracking_no]
    assert first["status"] == "replied" and first["outcome"] == "partial"
    assert [e["type"] for e in first["events"]] == [
        "consultation_started",
        "consultation_ended",
        "extension",
        "fee_notice",
        "fee_paid",
    ]
    assert first["events"][3]["amount"] == 1100  # pages 31–100 at 10, 101–120 at 20
    # Due at the reply: 2025-02-21 + 2 paused (01-23, 01-24) + 5 extension + 2 paused (02-12, 02-13):
    # 02-24 … 28, 03-03 … 06 → 2025-03-06.
    assert first["due_on"] == "2025-03-06"
    assert first["remedies"] == [{"kind": "review", "filed_on": "2025-03-20", "result": "pending"}]
    assert "applicant_name" not in first and ID_OK not in json.dumps(records, ensure_ascii=False)
    assert by_tracking[open_one.tracking_no]["status"] == "open"

    # Into an empty agency's twin on another platform: rename the org code and import.
    exported = tmp_path / "export.jsonl"
    write_jsonl(
        exported,
        *[
            {**r, "org": other.org.code, "external_id": f"x-{r['external_id']}", "tracking_no": None}
            for r in records
        ],
    )
    assert run("import", str(exported))[0] == 0
    status, again, _ = export(other.org.code)
    strip = {"external_id", "tracking_no", "org"}
    assert sorted(({k: v for k, v in r.items() if k not in strip} for r in again), key=str) == sorted(
        ({k: v for k, v in r.items() if k not in strip} for r in records), key=str
    )


def test_reimporting_an_export_into_the_same_platform_changes_nothing(agency, tmp_path):
    register(agency, received_on=date(2025, 1, 20))
    _, records, _ = export(agency.org.code)
    path = write_jsonl(tmp_path / "same.jsonl", *records)
    status, _, err = run("import", str(path))
    assert status == 0 and "导入 1 条" in err
    assert Request.objects.count() == 1
    assert not AuditEntry.objects.filter(action="foi.import").exists()


def test_export_with_applicant_is_audited(agency):
    register(agency)
    status, records, _ = export(agency.org.code, "--with-applicant")
    assert status == 0 and records[0]["id_number"] == ID_OK and records[0]["applicant_name"] == "张三"
    assert AuditEntry.objects.filter(action="foi.export", org_code=agency.org.code).count() == 1


def test_export_year_covers_received_open_or_replied_that_year(agency, tmp_path):
    code = agency.org.code
    path = write_jsonl(
        tmp_path / "years.jsonl",
        line("r2024", code, received_on="2024-05-06", outcome="disclosed", replied_on="2024-05-20"),
        line("carried", code, received_on="2024-12-20", outcome="disclosed", replied_on="2025-01-10"),
        line("r2025", code, received_on="2025-03-03"),
        line("w2024", code, received_on="2024-03-01", status="withdrawn", withdrawn_on="2024-03-05"),
        line("open-since-2024", code, received_on="2024-11-04"),
    )
    assert run("import", str(path))[0] == 0
    _, in_2024, _ = export(code, "--year", "2024")
    _, in_2025, _ = export(code, "--year", "2025")
    assert {r["external_id"] for r in in_2024} == {"r2024", "carried", "w2024", "open-since-2024"}
    assert {r["external_id"] for r in in_2025} == {"carried", "r2025", "open-since-2024"}
    _, in_2023, _ = export(code, "--year", "2023")
    assert in_2023 == []


def test_year_not_loaded_warns_and_exports_a_null_due_date(agency, tmp_path):
    path = write_jsonl(
        tmp_path / "future.jsonl",
        line(
            "far",
            agency.org.code,
            received_on="2031-03-03",
            events=[{"type": "extension", "on": "2031-03-10", "working_days": 5}],
        ),
    )
    status, _, err = run("import", str(path))
    assert status == 0  # a warning, not a rejection
    assert "line 1: calendar_not_loaded" in err and "2031年" in err
    _, records, _ = export(agency.org.code)
    assert records[0]["due_on"] is None and "2031年的工作日安排尚未载入" in records[0]["due_note"]


def test_forwarded_link_survives_the_round_trip(agency, other, tmp_path):
    code_a, code_b = agency.org.code, other.org.code
    path = write_jsonl(
        tmp_path / "fw.jsonl",
        line("copy", code_b, status="awaiting_confirmation", received_on=None, forwarded_from="orig"),
        line(
            "orig",
            code_a,
            outcome="unable.not_held",
            replied_on="2025-01-22",
        ),
        line("lost", code_b, forwarded_from="nowhere"),
    )
    status, _, err = run("import", str(path))
    assert status == 0 and "line 3: pending_target" in err
    copy = Request.objects.get(external_id="copy")
    assert copy.forwarded_from == Request.objects.get(external_id="orig")
    _, records, _ = export(code_b)
    # The unresolved reference is kept (and exported) until its original arrives.
    assert {r["external_id"]: r.get("forwarded_from") for r in records} == {"copy": "orig", "lost": "nowhere"}
    awaiting = next(r for r in records if r["external_id"] == "copy")
    assert awaiting["due_on"] is None and awaiting["due_note"].startswith("尚未确认收到")


@pytest.mark.parametrize("forwarded_first", [True, False])
def test_forwarded_from_resolves_whichever_file_comes_first(agency, other, tmp_path, forwarded_first):
    code_a, code_b = agency.org.code, other.org.code
    original = write_jsonl(
        tmp_path / "orig.jsonl", line("2024-0007", code_a, outcome="unable.not_held", replied_on="2025-01-22")
    )
    forwarded = write_jsonl(
        tmp_path / "copy.jsonl",
        line("B-0001", code_b, status="awaiting_confirmation", received_on=None, forwarded_from="2024-0007"),
    )
    first, second = (forwarded, original) if forwarded_first else (original, forwarded)
    status, _, err = run("import", str(first))
    assert status == 0
    copy = Request.objects.filter(external_id="B-0001").first()
    if forwarded_first:
        assert "line 1: pending_target" in err and "待其导入后自动关联" in err
        assert copy is not None and copy.forwarded_from is None and copy.forwarded_from_ref == "2024-0007"
    status, _, err = run("import", str(second))
    assert status == 0 and "pending_target" not in err
    copy = Request.objects.get(external_id="B-0001")
    assert copy.forwarded_from == Request.objects.get(external_id="2024-0007")
    assert copy.forwarded_from_ref == ""
    # Importing the same files again changes nothing.
    assert run("import", str(forwarded))[0] == 0
    assert Request.objects.get(external_id="B-0001").forwarded_from_id == copy.forwarded_from_id


def test_r_foi_5_later_reply_date_round_trips(agency, tmp_path):
    code = agency.org.code
    events = [
        {"type": "reason_requested", "on": "2025-01-22"},
        {"type": "reason_received", "on": "2025-01-27"},
        {"type": "later_reply_date", "on": "2025-02-10", "reply_by": "2025-03-31"},
    ]
    path = write_jsonl(tmp_path / "r5.jsonl", line("r5", code, events=events))
    assert run("import", str(path))[0] == 0
    assert ClockEvent.objects.get(type="later_reply_date").reply_by == date(2025, 3, 31)
    _, records, _ = export(code)
    record = next(r for r in records if r["external_id"] == "r5")
    assert record["events"] == events and record["due_on"] == "2025-03-31"
    bad = write_jsonl(
        tmp_path / "bad.jsonl",
        line(
            "r5b", code, events=[{"type": "later_reply_date", "on": "2025-02-10", "reply_by": "2025-03-31"}]
        ),
    )
    status, _, err = run("import", str(bad))
    assert status == 1 and "line 1: no_reason_received" in err
    assert not Request.objects.filter(external_id="r5b").exists()


def test_command_exit_status_two_when_nothing_can_be_done(agency, tmp_path):
    assert run("import", str(tmp_path / "missing.jsonl"))[0] == 2
    status, out, err = run("export", "--org", "999999999")
    assert (status, out) == (2, "") and "unknown_org" in err
    status, _, err = run("export", "--org", agency.org.code, "--year", "20x5")
    assert status == 2 and "bad_year" in err
    assert Remedy.objects.count() == 0


def test_command_grants_and_revokes_the_applicant_permission(agency):
    from gongkai.foi import selectors
    from tests.factories import make_user

    request = register(agency)
    admin = make_user("gkb", None, is_platform_admin=True)
    assert run("applicant-access", "nobody", "--grant")[0] == 2
    status, _, err = run("applicant-access", agency.drafter.username, "--grant")
    assert status == 2 and "not_platform_admin" in err
    assert not selectors.may_see_applicant(admin, request)
    status, _, err = run("applicant-access", "gkb", "--grant")
    assert status == 0 and "已授予" in err
    assert selectors.may_see_applicant(admin, request)
    assert AuditEntry.objects.filter(action="foi.applicant_access", actor=None, to_state="granted").exists()
    assert run("applicant-access", "gkb", "--revoke")[0] == 0
    assert not selectors.may_see_applicant(admin, request)
