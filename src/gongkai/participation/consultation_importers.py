"""`gongkai consultations import FILE.jsonl` and `gongkai consultations export --org CODE` (docs/participation.md
"意见征集 files").

One consultation per line with its questions and comments; the same line-level rules as the message import
(publishing.importers.run_jsonl): one transaction per line, a bad line reported as `line N: CODE 中文说明` and
skipped, idempotent on `external_id` (the same line again changes nothing; a changed line replaces the consultation's
questions and upserts its comments — by external_id, or text and time — never deleting a comment the line does not hold,
such as one submitted on the platform since the export). The rules of the platform hold for imported data too: the 30-day period or its reason
(R-INT-1, 第十五条), articles that exist in the draft, answers that fit the questions, a reason for a withheld comment
and for 未采纳 / 部分采纳.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError
from gongkai.orgs.codes import normalize_org_code
from gongkai.orgs.models import Organization
from gongkai.participation import consultation_rules as rules
from gongkai.participation.importers import _org, _text
from gongkai.participation.models import Comment, Consultation, ConsultationQuestion
from gongkai.publishing.importers import ImportResult, JsonlFile, parse_date, parse_datetime, run_jsonl

STATUSES = ("open", "closed")
MAX_COMMENTS = 100_000


def _bool(obj: dict[str, Any], name: str, where: str) -> bool:
    value = obj.get(name, False)
    if not isinstance(value, bool):
        raise ApplicationError("bad_field", f"{where}{name} 应为 true 或 false。")
    return value


def _questions(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApplicationError("bad_field", "questions 应为数组。")
    questions = []
    for i, q in enumerate(raw):
        where = f"questions[{i}]."
        if not isinstance(q, dict):
            raise ApplicationError("bad_question", f"questions[{i}] 应为 JSON 对象。")
        text = _text(q, "text", required=True, max_length=300)
        kind = q.get("kind", "text")
        choices = q.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            raise ApplicationError("bad_question", f"{where}choices 应为字符串数组。")
        problem = rules.question_problems(text=text, kind=str(kind), choices=choices)
        if problem:
            raise ApplicationError("bad_question", f"questions[{i}]：{problem}")
        questions.append(
            {
                "text": text,
                "kind": kind,
                "choices": [c.strip() for c in choices if c.strip()] if kind != "text" else [],
                "required": _bool(q, "required", where),
            }
        )
    return questions


def _moment(value: Any, name: str) -> str | None:
    moment = parse_datetime(value, name)
    return _iso(moment) if moment else None


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _comments(raw: Any, articles: set[int], questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApplicationError("bad_field", "comments 应为数组。")
    if len(raw) > MAX_COMMENTS:
        raise ApplicationError("too_long", f"comments 超过 {MAX_COMMENTS} 条。")
    comments, seen = [], set()
    for i, c in enumerate(raw):
        where = f"comments[{i}]."
        if not isinstance(c, dict):
            raise ApplicationError("bad_comment", f"comments[{i}] 应为 JSON 对象。")
        external_id = _text(c, "external_id", max_length=200)
        if external_id and external_id in seen:
            raise ApplicationError("bad_comment", f"{where}external_id 重复：{external_id}。")
        seen.add(external_id)
        body = _text(c, "body")
        article = c.get("article")
        if article is not None and (
            not isinstance(article, int) or isinstance(article, bool) or article not in articles
        ):
            raise ApplicationError("bad_article", f"{where}article：草案中没有第 {article} 条。")
        answers = c.get("answers") or {}
        if not isinstance(answers, dict):
            raise ApplicationError("bad_answer", f"{where}answers 应为 JSON 对象。")
        known = {str(n) for n in range(1, len(questions) + 1)}
        if set(answers) - known:
            raise ApplicationError("bad_answer", f"{where}answers 回答了不存在的问题。")
        for n, q in enumerate(questions, start=1):
            value = answers.get(str(n), "")
            if not isinstance(value, (str, list)) or (
                isinstance(value, list) and not all(isinstance(v, str) for v in value)
            ):
                raise ApplicationError("bad_answer", f"{where}answers.{n} 应为字符串或字符串数组。")
            problem = rules.answer_problems(
                kind=q["kind"], choices=q["choices"], required=False, answer=value
            )
            if problem:
                raise ApplicationError("bad_answer", f"{where}answers.{n}：{problem}")
        if not body and not any(answers.values()):
            raise ApplicationError("missing_field", f"{where}缺少 body。")
        moderation = c.get("moderation", rules.PENDING)
        if moderation not in rules.MODERATION_LABELS:
            raise ApplicationError("bad_field", f"{where}moderation 应为 pending、published 或 withheld。")
        withheld_reason = _text(c, "withheld_reason")
        if moderation == rules.WITHHELD and withheld_reason not in rules.WITHHELD_REASONS:
            raise ApplicationError(
                "missing_reason",
                f"{where}不予公开须给出 withheld_reason（{'、'.join(rules.WITHHELD_REASONS)}）。",
            )
        if moderation != rules.WITHHELD:
            withheld_reason = ""
        decision = _text(c, "decision")
        reason = _text(c, "reason")
        changes = _text(c, "changes")
        if decision:
            problems = rules.decision_problems(decision=decision, reason=reason, changes=changes)
            if (
                "changes" not in c
            ):  # a file written before `changes` existed (optional field) stays importable
                problems.pop("changes", None)
            if problems:
                raise ApplicationError("bad_decision", f"{where}{next(iter(problems.values()))}")
        writer = c.get("writer")
        if writer is not None and not isinstance(writer, dict):
            raise ApplicationError("bad_field", f"{where}writer 应为 JSON 对象。")
        record: dict[str, Any] = {
            "external_id": external_id,
            "body": body,
            "article": article,
            "answers": {k: v for k, v in answers.items() if v},
            "submitted_at": _moment(c.get("submitted_at"), "submitted_at"),
            "moderation": moderation,
            "withheld_reason": withheld_reason,
            "decision": decision,
            "reason": reason,
            "changes": changes if decision in rules.NEEDS_CHANGES else "",
        }
        if writer is not None:
            record["writer"] = {k: _text(writer, k, max_length=254) for k in ("name", "phone", "email")}
        comments.append(record)
    return comments


def _comparable(consultation: Consultation, incoming: dict[str, Any]) -> dict[str, Any]:
    """The stored consultation in the incoming line's shape (keys the line leaves out are left out)."""
    with_writer = any("writer" in c for c in incoming["comments"])
    stored = consultation_record(consultation, with_writer=with_writer)
    for i, c in enumerate(stored["comments"]):
        line = incoming["comments"][i] if i < len(incoming["comments"]) else {}
        if line.get("submitted_at") is None:
            c["submitted_at"] = None
        if "writer" not in line:
            c.pop("writer", None)
    return {k: stored.get(k) for k in incoming}


def _handle(line_no: int, obj: Any) -> str:
    if not isinstance(obj, dict):
        raise ApplicationError("bad_json", "每行应为一个 JSON 对象。")
    external_id = _text(obj, "external_id", required=True, max_length=200)
    org = _org(obj.get("org"), "org")
    title = _text(obj, "title", required=True, max_length=200)
    draft_text = _text(obj, "draft_text", required=True)
    explanation = _text(obj, "explanation", required=True)
    basis = _text(obj, "basis")
    opens_on = parse_date(obj.get("opens_on"), "opens_on")
    closes_on = parse_date(obj.get("closes_on"), "closes_on")
    if opens_on is None or closes_on is None:
        raise ApplicationError("missing_field", "缺少字段 opens_on 或 closes_on。")
    short_reason = _text(obj, "short_reason")
    problems = rules.period_problems(opens_on=opens_on, closes_on=closes_on, short_reason=short_reason)
    if problems:
        field, text = next(iter(problems.items()))
        raise ApplicationError("short_period" if field == "short_reason" else "bad_period", text)
    status = obj.get("status", "open")
    if status not in STATUSES:
        raise ApplicationError("bad_field", "status 应为 open 或 closed。")
    questions = _questions(obj.get("questions"))
    articles = {a.number for a in rules.parse_articles(draft_text)}
    comments = _comments(obj.get("comments"), articles, questions)
    incoming = {
        "org": org.code,
        "title": title,
        "draft_text": draft_text,
        "explanation": explanation,
        "basis": basis,
        "how_to_comment": _text(obj, "how_to_comment"),
        "opens_on": opens_on.isoformat(),
        "closes_on": closes_on.isoformat(),
        "short_reason": short_reason,
        "status": status,
        "questions": questions,
        "comments": comments,
    }
    source_hash = hashlib.sha256(
        json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    ).hexdigest()
    with transaction.atomic():
        existing = Consultation.objects.select_for_update().filter(external_id=external_id).first()
        if existing is None and external_id.startswith("consultation-") and external_id[13:].isdigit():
            # A consultation of this platform exported without an external_id.
            existing = (
                Consultation.objects.select_for_update()
                .filter(external_id="", pk=int(external_id[13:]))
                .first()
            )
        if existing is not None and (
            existing.source_hash == source_hash or _comparable(existing, incoming) == incoming
        ):
            return "unchanged"
        fields = {
            "org": org,
            "title": title,
            "draft_text": draft_text,
            "explanation": explanation,
            "basis": basis,
            "how_to_comment": incoming["how_to_comment"],
            "opens_on": opens_on,
            "closes_on": closes_on,
            "short_reason": short_reason,
            "status": status,
            "source_hash": source_hash,
        }
        if existing is not None:
            consultation = existing
            for name, value in fields.items():
                setattr(consultation, name, value)
            consultation.save()
            consultation.questions.all().delete()
            outcome = "updated"
        else:
            consultation = Consultation.objects.create(external_id=external_id, **fields)
            outcome = "created"
        ConsultationQuestion.objects.bulk_create(
            ConsultationQuestion(consultation=consultation, position=n, **q)
            for n, q in enumerate(questions, start=1)
        )
        _store_comments(consultation, comments)
        audit_log(
            actor=None,
            action=f"consultation.import_{outcome}",
            obj=consultation,
            org_code=org.code,
            data={"external_id": external_id, "line": line_no, "comments": len(comments)},
        )
    return outcome


def _store_comments(consultation: Consultation, comments: list[dict[str, Any]]) -> None:
    """Upsert the line's comments; a comment of the consultation the line does not hold (one submitted on the platform
    since the export) is kept, never deleted. A comment is the line's when it has the same external_id, or — without
    one, as the platform's own comments are exported — the same text and submission time."""
    now = timezone.now()
    stored = list(consultation.comments.all())
    by_id = {c.external_id: c for c in stored if c.external_id}
    by_text = {(c.body, _iso(c.submitted_at)): c for c in stored if not c.external_id}
    rows, updated, times = [], [], []
    values_fields = [
        "body",
        "body_hash",
        "article",
        "answers",
        "moderation",
        "withheld_reason",
        "decision",
        "reason",
        "changes",
    ]
    for c in comments:
        writer = c.get("writer")
        values: dict[str, Any] = {
            "body": c["body"],
            "body_hash": rules.group_key(c["body"]) if c["body"] else "",
            "article": c["article"],
            "answers": c["answers"],
            "moderation": c["moderation"],
            "withheld_reason": c["withheld_reason"],
            "decision": c["decision"],
            "reason": c["reason"],
            "changes": c["changes"],
        }
        if writer is not None:  # a line without writers leaves the stored names and contacts as they are
            values.update(
                name=writer.get("name", "")[:50],
                phone=writer.get("phone", "")[:30],
                email=writer.get("email", ""),
            )
        if c["external_id"]:
            comment = by_id.pop(c["external_id"], None)
        else:
            comment = by_text.pop((c["body"], c["submitted_at"]), None)
        if comment is None:
            comment = Comment(consultation=consultation, external_id=c["external_id"], **values)
            comment.decided_at = now if c["decision"] else None
            comment.moderated_at = now if c["moderation"] != rules.PENDING else None
            rows.append(comment)
        else:
            if comment.decision != c["decision"]:
                comment.decided_at = now if c["decision"] else None
            if comment.moderation != c["moderation"]:
                comment.moderated_at = now if c["moderation"] != rules.PENDING else None
            for name, value in values.items():
                setattr(comment, name, value)
            updated.append(comment)
        times.append((comment, c["submitted_at"]))
    Comment.objects.bulk_create(rows)
    if updated:
        fields = [*values_fields, "decided_at", "moderated_at", "name", "phone", "email"]
        Comment.objects.bulk_update(updated, fields)
    # submitted_at is auto_now_add: the original times are set afterwards.
    dated = []
    for comment, submitted_at in times:
        if submitted_at:
            comment.submitted_at = datetime.fromisoformat(submitted_at)
            dated.append(comment)
    Comment.objects.bulk_update(dated, ["submitted_at"])


def import_consultations(path: Path, *, err: TextIO) -> ImportResult:
    """Raises publishing.importers.UnreadableFile when the file cannot be read (exit status 2)."""
    return run_jsonl(JsonlFile(path), err=err, desc="导入意见征集", handle=_handle)


# ---------------------------------------------------------------- export


def consultation_record(consultation: Consultation, *, with_writer: bool = False) -> dict[str, Any]:
    comments = []
    for c in consultation.comments.all():
        record: dict[str, Any] = {
            "external_id": c.external_id,
            "body": c.body,
            "article": c.article,
            "answers": c.answers or {},
            "submitted_at": _iso(c.submitted_at),
            "moderation": c.moderation,
            "withheld_reason": c.withheld_reason,
            "decision": c.decision,
            "reason": c.reason,
            "changes": c.changes,
        }
        if with_writer:
            record["writer"] = {"name": c.name, "phone": c.phone, "email": c.email}
        comments.append(record)
    return {
        "external_id": consultation.external_id or f"consultation-{consultation.pk}",
        "org": consultation.org.code,
        "title": consultation.title,
        "draft_text": consultation.draft_text,
        "explanation": consultation.explanation,
        "basis": consultation.basis,
        "how_to_comment": consultation.how_to_comment,
        "opens_on": consultation.opens_on.isoformat(),
        "closes_on": consultation.closes_on.isoformat(),
        "short_reason": consultation.short_reason,
        "status": consultation.status,
        "questions": [
            {"text": q.text, "kind": q.kind, "choices": list(q.choices), "required": q.required}
            for q in consultation.questions.all()
        ],
        "comments": comments,
    }


def export_consultations(out: TextIO, *, org_code: str, with_writer: bool = False) -> int:
    """Every consultation of the agency with its questions and comments, one JSON object per line. Raises
    ApplicationError (`unknown_org`). The commenters' names and contacts only with `with_writer` (audited)."""
    org = Organization.objects.filter(code=normalize_org_code(org_code)).first()
    if org is None:
        raise ApplicationError("unknown_org", f"机构代码 {org_code} 不存在。")
    qs = (
        Consultation.objects.filter(org=org)
        .select_related("org")
        .prefetch_related("questions", "comments")
        .order_by("opens_on", "id")
    )
    if with_writer:
        audit_log(
            actor=None,
            action="consultation.export_writer",
            org_code=org.code,
            object_type="participation.consultation",
        )
    count = 0
    for consultation in qs:
        out.write(
            json.dumps(consultation_record(consultation, with_writer=with_writer), ensure_ascii=False) + "\n"
        )
        count += 1
    return count
