"""`gongkai import|export proposals|guides|powers|policy-qa|gazette` (docs/formats.md "Policy records"): line-level
rules, idempotent re-import, immutability of published versions, and the round trip export → import into an empty
platform → export."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.core.models import AuditEntry
from gongkai.policy import services
from gongkai.policy.models import GuideVersion, PolicyQA, PowerListVersion, ProposalReply, ServiceGuide
from gongkai.publishing import services as publishing_services
from gongkai.publishing.models import GazetteIssue, InfoItem, ItemRelation
from tests.factories import draft, publish
from tests.policy.conftest import COMPLETE_GUIDE, entry_data, guide_data, make_proposal, qa_data

pytestmark = pytest.mark.django_db

KINDS = ("proposals", "guides", "powers", "policy-qa", "gazette")


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
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


def export(kind: str, *args: str) -> list[dict[str, Any]]:
    status, out, err = run("export", kind, *args)
    assert status == 0, err
    return [json.loads(line) for line in out.splitlines()]


def proposal_line(external_id: str, org: str, **fields: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "external_id": external_id,
        "org": org,
        "kind": "suggestion",
        "number": "第12号",
        "session": "十六届三次会议",
        "proposer_type": "npc_deputy",
        "proposer": "李四",
        "subject": "关于改善老旧小区停车的建议",
        "reply_type": "B",
        "reply_date": "2025-07-01",
        "body": "李四代表：您的建议收悉……",
        "published_at": "2025-07-02T09:00:00+08:00",
    }
    line.update(fields)
    return line


# ---------------------------------------------------------------- the round trip


@pytest.fixture
def platform(agency, other):
    """One record of every kind, made on the platform through the services (so named `pk:N` in exports)."""
    policy = publish(agency, "示例市养老服务办法", doc_no="示人社规〔2024〕1号", kind="normative")
    notice = publish(agency, "关于养老服务补贴的通知")
    reply = make_proposal(agency, number=7)
    reply.co_handlers.add(other.org)
    guide = services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data())
    services.guide_transition(actor=agency.publisher, guide=guide, action="publish")
    services.guide_update(actor=agency.drafter, guide=guide, data=guide_data(hours="工作日 8:30-17:30"))
    services.guide_transition(actor=agency.publisher, guide=guide, action="publish", comment="调整办理时间")
    services.power_entry_add(
        actor=agency.drafter, org=agency.org, data=entry_data(agency, "养老机构设立许可")
    )
    services.power_list_publish(actor=agency.publisher, org=agency.org, note="首次公布")
    services.power_entry_add(
        actor=agency.drafter,
        org=agency.org,
        data=entry_data(agency, "养老服务检查", "inspection", responsible=other.org),
    )
    services.power_list_publish(actor=agency.publisher, org=agency.org, note="新增检查事项")
    qa = services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data())
    services.qa_citation_add(actor=agency.drafter, qa=qa, ref="示人社规〔2024〕1号")
    services.qa_citation_add(actor=agency.drafter, qa=qa, ref=notice.index_no)
    services.qa_transition(actor=agency.publisher, qa=qa, action="publish")
    issue = publishing_services.gazette_issue_create(
        actor=agency.publisher, org=agency.org, year=2026, number=3
    )
    publishing_services.gazette_entry_add(actor=agency.publisher, issue=issue, item=notice)
    publishing_services.gazette_entry_add(actor=agency.publisher, issue=issue, item=policy)
    publishing_services.gazette_issue_publish(
        actor=agency.publisher, issue=issue, published_on=date(2026, 3, 15)
    )
    # Not exported: a draft of each kind.
    make_proposal(agency, number=8, publish=False)
    services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data(title="草稿"))
    return agency


def test_export_writes_the_import_format(platform, other):
    [proposal] = export("proposals")
    assert proposal["number"] == 7 and proposal["co_handlers"] == [other.org.code]
    assert proposal["published_at"].endswith("+08:00")
    [guide] = export("guides")
    assert [v["number"] for v in guide["versions"]] == [1, 2]
    assert guide["versions"][1]["elements"]["hours"] == "工作日 8:30-17:30"
    assert guide["versions"][1]["note"] == "调整办理时间"
    powers = export("powers")
    assert [(p["version"], len(p["entries"])) for p in powers] == [(1, 1), (2, 2)]
    assert powers[1]["entries"][1]["category"] == "inspection"
    assert powers[1]["entries"][1]["responsible"] == other.org.code
    assert powers[0]["entries"][0]["key"] == powers[1]["entries"][0]["key"]  # stable across versions
    [qa] = export("policy-qa")
    assert qa["citations"][0]["ref"] == "示人社规〔2024〕1号"
    [issue] = export("gazette")
    assert (issue["year"], issue["number"], issue["published_on"]) == (2026, 3, "2026-03-15")
    assert export("proposals", "--org", other.org.code) == []
    status, _, err = run("export", "proposals", "--org", "999999999")
    assert status == 2 and "unknown_org" in err


def test_round_trip_into_an_empty_platform(client, platform, tmp_path):
    items = export("items")
    exported = {kind: export(kind) for kind in KINDS}
    files = {"items": write_jsonl(tmp_path / "items.jsonl", *items)}
    for kind, records in exported.items():
        files[kind] = write_jsonl(tmp_path / f"{kind}.jsonl", *records)

    # The same platform: nothing changes, no audit entry is written.
    audit = AuditEntry.objects.count()
    for kind in KINDS:
        status, _, err = run("import", kind, str(files[kind]))
        assert status == 0 and "跳过 0 条" in err, err
    assert AuditEntry.objects.count() == audit
    assert ProposalReply.objects.count() == 2 and PolicyQA.objects.count() == 2  # the drafts, no duplicates

    # An empty platform with the same agencies: items first, then the records that cite them.
    PolicyQA.objects.all().delete()
    ProposalReply.objects.all().delete()
    ServiceGuide.objects.all().delete()
    PowerListVersion.objects.all().delete()
    GazetteIssue.objects.all().delete()
    ItemRelation.objects.all().delete()
    InfoItem.objects.all().delete()
    status, _, err = run("import", "items", str(files["items"]))
    assert status == 0, err
    for kind in KINDS:
        status, _, err = run("import", kind, str(files[kind]))
        assert status == 0, err
    for kind in KINDS:
        assert export(kind) == exported[kind], kind
    assert AuditEntry.objects.filter(action="proposal.import").exists()
    assert GuideVersion.objects.count() == 2
    # The imported records are on the public pages and in the API.
    qa = PolicyQA.objects.get()
    assert qa.citations.count() == 2
    detail = client.get(f"/api/v1/policy-qa/{qa.pk}").json()
    assert [c["item"]["title"] for c in detail["citations"]] == [
        "示例市养老服务办法",
        "关于养老服务补贴的通知",
    ]
    assert client.get(f"/orgs/{platform.org.code}/service-guides/").status_code == 200


# ---------------------------------------------------------------- line-level rules


def test_proposal_lines_rejected_with_their_number(agency, other, tmp_path):
    code = agency.org.code
    path = write_jsonl(
        tmp_path / "p.jsonl",
        proposal_line("p-1", code, co_handlers=[other.org.code]),
        proposal_line("p-2", code, number=13, title="关于第13号建议的答复"),  # R-INT-3
        proposal_line("p-3", "999999999", number=14),
        proposal_line("p-4", code, number=15, reply_date="2025-02-30"),
        proposal_line("p-5", code, number=12),  # same session and number as p-1
        "{broken",
        proposal_line("p-7", code, number=16, reply_type="D"),
        proposal_line("", code, number=17),
        proposal_line("p-9", code, number="十二"),
    )
    status, out, err = run("import", "proposals", str(path))
    assert status == 1 and out == ""
    assert "line 2: title_missing_subject " in err
    assert "line 3: unknown_org " in err
    assert "line 4: bad_date " in err
    assert "line 5: duplicate " in err
    assert "line 6: bad_json " in err
    assert "line 7: bad_reply_type " in err
    assert "line 8: missing_field " in err
    assert "line 9: bad_number " in err
    assert "导入 1 条，跳过 8 条" in err
    reply = ProposalReply.objects.get(external_id="p-1")
    assert reply.status == "published" and reply.number == 12
    assert list(reply.co_handlers.all()) == [other.org]
    assert reply.title == "关于《关于改善老旧小区停车的建议》的答复"

    # Re-import: unchanged; a changed field updates the same record (one new audit entry).
    status, _, err = run(
        "import",
        "proposals",
        str(write_jsonl(tmp_path / "again.jsonl", proposal_line("p-1", code, co_handlers=[other.org.code]))),
    )
    assert status == 0
    assert AuditEntry.objects.filter(action="proposal.import").count() == 1
    run(
        "import",
        "proposals",
        str(write_jsonl(tmp_path / "b.jsonl", proposal_line("p-1", code, reply_type="A"))),
    )
    reply.refresh_from_db()
    assert reply.reply_type == "A" and reply.co_handlers.count() == 0
    assert AuditEntry.objects.filter(action="proposal.import").count() == 2


def test_guide_lines(agency, tmp_path):
    code = agency.org.code
    v1 = {"number": 1, "published_at": "2025-01-02", "elements": COMPLETE_GUIDE}
    v2 = {"number": 2, "note": "调整收费", "elements": {**COMPLETE_GUIDE, "fees": "按规定收取工本费"}}
    path = write_jsonl(
        tmp_path / "g.jsonl",
        {"external_id": "g-1", "org": code, "versions": [v2, v1]},
        {
            "external_id": "g-2",
            "org": code,
            "versions": [{"number": 1, "elements": {**COMPLETE_GUIDE, "fees": "无"}}],
        },
        {"external_id": "g-3", "org": code, "versions": []},
        {"external_id": "g-4", "org": code, "versions": [v1, v1]},
    )
    status, _, err = run("import", "guides", str(path))
    assert status == 1
    assert "line 2: missing_elements " in err and "收费标准" in err  # R-WEB-4 for what is published now
    assert "line 3: missing_field " in err
    assert "line 4: duplicate_version " in err
    guide = ServiceGuide.objects.get(external_id="g-1")
    assert guide.version == 2 and guide.fees == "按规定收取工本费" and guide.status == "published"
    assert [v.number for v in guide.versions.order_by("number")] == [1, 2]

    changed_v1 = {**v1, "elements": {**COMPLETE_GUIDE, "phone": "0311-87654321"}}
    status, _, err = run(
        "import",
        "guides",
        str(write_jsonl(tmp_path / "h.jsonl", {"external_id": "g-1", "org": code, "versions": [changed_v1]})),
    )
    assert status == 1 and "line 1: immutable " in err
    v3 = {"number": 3, "elements": {**COMPLETE_GUIDE, "fees": "不收费"}}
    status, _, err = run(
        "import",
        "guides",
        str(write_jsonl(tmp_path / "i.jsonl", {"external_id": "g-1", "org": code, "versions": [v1, v2, v3]})),
    )
    assert status == 0, err
    guide.refresh_from_db()
    assert guide.version == 3 and guide.fees == "不收费"


def test_power_lines(agency, other, tmp_path):
    code = agency.org.code
    entries = [
        {"name": "食品经营许可", "category": "行政许可", "basis": "《食品安全法》第三十五条"},
        {
            "name": "食品安全检查",
            "category": "inspection",
            "basis": "《食品安全法》第一百一十条",
            "responsible": other.org.code,
        },
    ]
    path = write_jsonl(
        tmp_path / "w.jsonl",
        {"org": code, "version": 1, "note": "首次公布", "published_at": "2024-01-01", "entries": entries[:1]},
        {"org": code, "version": 2, "note": "新增检查", "entries": entries},
        {"org": code, "version": 3, "note": "空", "entries": []},
        {"org": code, "version": 4, "note": "x", "entries": [{**entries[0], "category": "许可"}]},
        {"org": code, "version": 5, "note": "x", "entries": [entries[0], entries[0]]},
        {"org": code, "version": 6, "note": "x", "entries": [{**entries[0], "basis": ""}]},
    )
    status, _, err = run("import", "powers", str(path))
    assert status == 1
    assert "line 3: empty_list " in err
    assert "line 4: bad_category " in err
    assert "line 5: duplicate_key " in err
    assert "line 6: missing_field " in err
    versions = list(PowerListVersion.objects.filter(org=agency.org).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].entries.get(name="食品安全检查").responsible == other.org
    # Keys derived from names match the same entry across versions: the diff shows one addition.
    from gongkai.policy import selectors

    diff = selectors.power_version_diff(versions[0], versions[1])
    assert [e["name"] for e in diff.added] == ["食品安全检查"] and not diff.changed and not diff.removed
    # Published versions are immutable; the same line again is unchanged.
    status, _, err = run(
        "import",
        "powers",
        str(
            write_jsonl(
                tmp_path / "x.jsonl",
                {"org": code, "version": 1, "note": "首次公布", "entries": entries[:1]},
                {"org": code, "version": 1, "note": "改过", "entries": entries[:1]},
            )
        ),
    )
    assert status == 1 and "line 2: immutable " in err and "导入 1 条，跳过 1 条" in err


def _qa_line(code: str, *targets: str, external_id: str = "q-1", **citation: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "org": code,
        "title": "问",
        "question": "问题？",
        "answer": "答复。",
        "citations": [{"target": t, **citation} for t in targets],
    }


def _item_line(code: str, external_id: str = "later", doc_no: str = "示发〔2024〕2号") -> dict[str, Any]:
    return {
        "external_id": external_id,
        "org": code,
        "title": f"后到的文件{external_id}",
        "body_text": "正文",
        "published_at": "2024-01-01",
        "doc_no": doc_no,
    }


def test_qa_citation_waits_for_its_document(client, agency, tmp_path):
    """Q&A first, items later: the line is stored with its citation pending (a warning, not a rejection), the
    public page and the API name it by reference, and importing the document links it (as item relations do)."""
    code = agency.org.code
    path = write_jsonl(tmp_path / "q.jsonl", _qa_line(code, "later", "elsewhere"))
    status, _, err = run("import", "policy-qa", str(path))
    assert status == 0, err
    assert "line 1: pending_target " in err and "later" in err and "导入 1 条，跳过 0 条" in err
    qa = PolicyQA.objects.get(external_id="q-1")
    assert qa.status == "published"
    assert [(c.item_id, c.target_external_id) for c in qa.citations.all()] == [
        (None, "later"),
        (None, "elsewhere"),
    ]
    page = client.get(f"/policy-qa/{qa.pk}/").content.decode()
    assert "尚未在本平台发布" in page and "later" in page and 'role="alert"' not in page
    api = client.get(f"/api/v1/policy-qa/{qa.pk}").json()["citations"]
    assert [(c["ref"], c["public"], c["item"]) for c in api] == [
        ("later", False, None),
        ("elsewhere", False, None),
    ]
    assert export("policy-qa")[0]["citations"] == [
        {"target": "later", "ref": ""},
        {"target": "elsewhere", "ref": ""},
    ]
    assert run("import", "policy-qa", str(path))[2].count("pending_target") == 2  # still waiting; unchanged
    assert AuditEntry.objects.filter(action="qa.import").count() == 1

    status, _, err = run("import", "items", str(write_jsonl(tmp_path / "i.jsonl", _item_line(code))))
    assert status == 0, err
    assert "已关联 1 处" in err
    first, second = qa.citations.order_by("position")
    assert (
        first.item.external_id == "later" and first.ref == "示发〔2024〕2号"
    )  # named by its 文号 on arrival
    assert second.pending
    entry = AuditEntry.objects.get(action="qa.cite_resolved")
    assert entry.object_id == str(qa.pk) and entry.data["targets"] == ["later"]
    page = client.get(f"/policy-qa/{qa.pk}/").content.decode()
    assert "后到的文件later" in page
    # The same file again changes nothing and warns only about the one still missing.
    status, _, err = run("import", "policy-qa", str(path))
    assert status == 0 and err.count("pending_target") == 1 and "elsewhere" in err
    assert AuditEntry.objects.filter(action="qa.import").count() == 1


def test_qa_citation_of_a_document_already_there(agency, tmp_path):
    """Items first, Q&A later: the citation is linked at once, named by the document's 文号; no warning."""
    code = agency.org.code
    status, _, err = run("import", "items", str(write_jsonl(tmp_path / "i.jsonl", _item_line(code))))
    assert status == 0, err
    status, _, err = run(
        "import", "policy-qa", str(write_jsonl(tmp_path / "q.jsonl", _qa_line(code, "later")))
    )
    assert status == 0 and "pending_target" not in err, err
    citation = PolicyQA.objects.get(external_id="q-1").citations.get()
    assert citation.item.external_id == "later" and citation.ref == "示发〔2024〕2号"
    assert not AuditEntry.objects.filter(action="qa.cite_resolved").exists()


def test_qa_citation_of_a_non_public_document_never_shows_its_title(client, agency, tmp_path):
    """A line citing a draft (or a document linked later that is not public) with no `ref` does not name the
    citation by the document's 文号 or title: the page, the API and the keyword filter show only the target."""
    code = agency.org.code
    secret = draft(agency, "内部人事调整方案草稿", doc_no="示人〔2026〕9号")
    later = draft(agency, "尚未发布的改革方案草稿", doc_no="示改〔2026〕1号")
    path = write_jsonl(tmp_path / "q.jsonl", _qa_line(code, f"pk:{secret.pk}", "draft-later"))
    status, _, err = run("import", "policy-qa", str(path))
    assert status == 0, err
    InfoItem.objects.filter(pk=later.pk).update(external_id="draft-later")
    assert services.qa_citations_resolve() == 1
    qa = PolicyQA.objects.get(external_id="q-1")
    citations = list(qa.citations.order_by("position"))
    assert [(c.item_id, c.ref, c.cited_as) for c in citations] == [
        (secret.pk, "", f"pk:{secret.pk}"),
        (later.pk, "", "draft-later"),
    ]
    page = client.get(f"/policy-qa/{qa.pk}/").content.decode()
    detail = json.dumps(client.get(f"/api/v1/policy-qa/{qa.pk}").json(), ensure_ascii=False)
    listing = json.dumps(client.get("/api/v1/policy-qa").json(), ensure_ascii=False)
    for text in (page, detail, listing):
        for word in ("人事调整", "示人〔2026〕9号", "改革方案", "示改〔2026〕1号"):
            assert word not in text
    assert "draft-later" in page and "已不再公开" in page
    for q in ("人事调整", "示人〔2026〕9号", "改革方案"):
        assert client.get("/api/v1/policy-qa", {"q": q}).json()["count"] == 0


def test_pending_citations_are_linked_by_the_tick(agency, tmp_path):
    """A document that arrives another way (here the publishing import called directly) is linked by the tick job;
    a pending citation keeps the reference the line gave, and a duplicate target is still refused."""
    from gongkai.policy.jobs import TICK_JOBS, link_pending_citations
    from gongkai.publishing.importers import import_items

    code = agency.org.code
    lines = write_jsonl(
        tmp_path / "q.jsonl",
        _qa_line(code, "later", ref="示发〔2024〕2号（征求意见稿）"),
        _qa_line(code, "twice", "twice", external_id="q-2"),
    )
    status, _, err = run("import", "policy-qa", str(lines))
    assert status == 1 and "line 2: duplicate " in err
    import_items(write_jsonl(tmp_path / "i.jsonl", _item_line(code)), err=StringIO())
    assert PolicyQA.objects.get(external_id="q-1").citations.get().pending
    assert ("policy_citations", link_pending_citations) in TICK_JOBS
    assert link_pending_citations() == 1
    citation = PolicyQA.objects.get(external_id="q-1").citations.get()
    assert citation.item.external_id == "later" and citation.ref == "示发〔2024〕2号（征求意见稿）"
    assert link_pending_citations() == 0


def test_reimport_leaves_records_withdrawn_on_the_platform_alone(agency, tmp_path):
    """Staff withdrew a reply, a guide and an answer after the import: the same files again publish none of them,
    keep the reasons, write no audit entry and report each line (`withdrawn_on_platform`, exit status unaffected)."""
    code = agency.org.code
    files = {
        "proposals": write_jsonl(tmp_path / "p.jsonl", proposal_line("p-1", code)),
        "guides": write_jsonl(
            tmp_path / "g.jsonl",
            {"external_id": "g-1", "org": code, "versions": [{"number": 1, "elements": COMPLETE_GUIDE}]},
        ),
        "policy-qa": write_jsonl(tmp_path / "q.jsonl", _qa_line(code, "not-yet")),
    }
    for kind, path in files.items():
        status, _, err = run("import", kind, str(path))
        assert status == 0, err
    reply = services.proposal_transition(
        actor=agency.publisher,
        reply=ProposalReply.objects.get(external_id="p-1"),
        action="withdraw",
        comment="答复有误，重新办理",
    )
    guide = services.guide_transition(
        actor=agency.publisher,
        guide=ServiceGuide.objects.get(external_id="g-1"),
        action="withdraw",
        comment="事项已取消",
    )
    qa = services.qa_transition(
        actor=agency.publisher,
        qa=PolicyQA.objects.get(external_id="q-1"),
        action="withdraw",
        comment="政策已调整",
    )
    imports = AuditEntry.objects.filter(action__endswith=".import").count()
    for kind, path in files.items():
        status, _, err = run("import", kind, str(path))
        assert status == 0 and "line 1: withdrawn_on_platform " in err and "跳过 0 条" in err, err
        assert "pending_target" not in err
    for record in (reply, guide, qa):
        record.refresh_from_db()
        assert record.status == "withdrawn"
    assert (reply.withdrawn_reason, guide.withdrawn_reason, qa.withdrawn_reason) == (
        "答复有误，重新办理",
        "事项已取消",
        "政策已调整",
    )
    assert AuditEntry.objects.filter(action__endswith=".import").count() == imports
    assert export("proposals") == export("guides") == export("policy-qa") == []


def test_gazette_lines_need_their_items(agency, tmp_path):
    code = agency.org.code
    status, _, err = run("import", "items", str(write_jsonl(tmp_path / "i.jsonl", _item_line(code))))
    assert status == 0, err
    gazette = write_jsonl(
        tmp_path / "z.jsonl",
        {"org": code, "year": 2024, "number": 1, "published_on": "2024-02-01", "items": ["later"]},
        {"org": code, "year": 2024, "number": 2, "items": ["missing"]},
        {"org": code, "year": 2024, "number": 3, "items": []},
        {"org": code, "year": 1800, "number": 4, "items": ["later"]},
    )
    status, _, err = run("import", "gazette", str(gazette))
    assert status == 1
    assert "line 2: unknown_target " in err and "line 3: empty_issue " in err and "line 4: bad_field " in err
    issue = GazetteIssue.objects.get(org=agency.org, year=2024, number=1)
    assert issue.status == "published" and issue.published_on == date(2024, 2, 1)
    assert [e.item.external_id for e in issue.entries.all()] == ["later"]
    status, _, err = run("import", "gazette", str(gazette))
    assert "导入 1 条，跳过 3 条" in err  # the published issue again: unchanged


def test_unreadable_file_exits_2(tmp_path):
    status, _, err = run("import", "policy-qa", str(tmp_path / "missing.jsonl"))
    assert status == 2 and "文件不存在" in err
