"""Every write of the inspection app: runs (findings with history, verdicts, the link cache), the word list,
the deduction rules and the columns' personal-data exemptions. Each writes one audit entry."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.inspection import linkcheck, rules, selectors
from gongkai.inspection.models import (
    ColumnPolicy,
    DeductionRule,
    Finding,
    InspectionRun,
    LinkCheck,
    OrgVerdict,
    Precheck,
    SensitiveWord,
)
from gongkai.inspection.selectors import FindingData, OrgInspection
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, user_roles
from gongkai.publishing import services as publishing_services
from gongkai.publishing.models import Column, InfoItem

# A read (it lives in selectors); `precheck_record` stores its result at submit time.
precheck_item = selectors.precheck_item


@dataclass
class OrgReport:
    org: Organization
    verdict: rules.Verdict
    findings: list[FindingData] = field(default_factory=list)  # counted findings (exempt ones left out)
    exempt: list[FindingData] = field(default_factory=list)  # recorded, not counted (惩戒公示 / 强制性披露)


@dataclass
class RunReport:
    as_of: date
    network: bool
    orgs: list[OrgReport]
    run: InspectionRun | None = None


def _check_actor(actor: Any) -> None:
    if actor is not None and not is_platform_admin(actor):
        raise PermissionDenied("只有政务公开办管理员可以执行此操作。")


def _url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def _external_results(urls: list[str]) -> tuple[dict[str, linkcheck.LinkResult], list[linkcheck.LinkResult]]:
    """(answers for every URL, the fresh answers to store): a day-old answer is reused."""
    if not urls:
        return {}, []
    fresh_since = timezone.now() - timedelta(hours=selectors.link_cache_hours())
    by_hash = {_url_hash(u): u for u in urls}
    answers: dict[str, linkcheck.LinkResult] = {}
    for row in LinkCheck.objects.filter(url_hash__in=list(by_hash), checked_at__gte=fresh_since):
        url = by_hash.get(row.url_hash)
        if url is not None and row.url == url:
            answers[url] = linkcheck.LinkResult(url, row.state, row.reason, row.status)
    todo = [u for u in urls if u not in answers]
    checked = linkcheck.check_urls(todo, selectors.linkcheck_config()) if todo else {}
    answers.update(checked)
    return answers, list(checked.values())


def _verdict(result: OrgInspection, rule_list: list[rules.DeductionRule]) -> rules.Verdict:
    counts: dict[str, int] = {}
    for f in result.findings:
        if f.score_key and not f.exemption:
            counts[f.score_key] = counts.get(f.score_key, 0) + 1
    return rules.verdict(
        stale_columns=result.stale,
        empty_columns=result.empty_columns,
        homepage_is_stale=result.homepage_is_stale,
        counts=counts,
        rules=rule_list,
        unanswered_messages=sum(1 for f in result.findings if f.code == rules.UNANSWERED_MESSAGE),
        guides=result.guides,
        incomplete_guides=sum(1 for f in result.findings if f.code == rules.MISSING_GUIDE_ELEMENT),
        guide_veto_share=selectors.guide_veto_share(),
    )


def inspection_run(
    *,
    actor: Any,
    as_of: date | None = None,
    orgs: list[Organization] | None = None,
    network: bool = True,
    persist: bool = True,
) -> RunReport:
    """Inspect agencies (all active ones by default) as of a date and, when `persist`, store the findings.

    Nothing is held open while links are fetched: the checks read, the network part runs outside any
    transaction, and everything is written in one transaction at the end (findings not seen again are
    resolved — except external broken links when the network was not used, which were not checked)."""
    _check_actor(actor)
    as_of = as_of or timezone.localdate()
    scope = "" if orgs is None else ",".join(o.code for o in orgs)[:20]
    org_list = list(Organization.objects.filter(is_active=True)) if orgs is None else list(orgs)
    run = InspectionRun.objects.create(as_of=as_of, scope=scope, network=network) if persist else None

    results = [selectors.collect_findings(org, as_of) for org in org_list]
    stored_links: list[linkcheck.LinkResult] = []
    if network:
        urls = list(dict.fromkeys(u for r in results for u in r.external_links))
        answers, stored_links = _external_results(urls)
        for r in results:
            for url, places in r.external_links.items():
                answer = answers.get(url)
                if answer is None or answer.state != linkcheck.BROKEN:
                    continue
                for item, source in places:
                    r.findings.append(
                        selectors.broken_link_finding(r.org, item, url, source, answer, external=True)
                    )
    rule_list = selectors.deduction_rules()
    reports = []
    for r in results:
        unique: dict[str, FindingData] = {}
        for f in r.findings:
            unique.setdefault(f.key, f)
        r.findings = list(unique.values())
        reports.append(
            OrgReport(
                org=r.org,
                verdict=_verdict(r, rule_list),
                findings=[f for f in r.findings if not f.exemption],
                exempt=[f for f in r.findings if f.exemption],
            )
        )
    report = RunReport(as_of=as_of, network=network, orgs=reports, run=run)
    if run is not None:
        _store(actor=actor, run=run, report=report, results=results, links=stored_links)
    return report


@transaction.atomic
def _store(
    *,
    actor: Any,
    run: InspectionRun,
    report: RunReport,
    results: list[OrgInspection],
    links: list[linkcheck.LinkResult],
) -> None:
    now = timezone.now()
    for answer in links:
        LinkCheck.objects.update_or_create(
            url_hash=_url_hash(answer.url),
            defaults={
                "url": answer.url,
                "state": answer.state,
                "reason": answer.reason[:40],
                "status": answer.status,
                "checked_at": now,
            },
        )
    total = opened = resolved = 0
    for org_report, result in zip(report.orgs, results, strict=True):
        org = org_report.org
        existing = {f.key: f for f in Finding.objects.select_for_update().filter(org=org, resolved_at=None)}
        to_create: list[Finding] = []
        to_update: list[Finding] = []
        for fd in result.findings:
            row = existing.pop(fd.key, None)
            if row is None:
                row = Finding(key=fd.key, org=org, first_seen_at=now)
                to_create.append(row)
            else:
                to_update.append(row)
            row.code, row.rule, row.score_key = fd.code, fd.rule, fd.score_key
            row.column, row.item, row.target = fd.column, fd.item, fd.target[:1000]
            row.detail, row.exemption, row.data = fd.detail, fd.exemption[:100], fd.data
            row.last_seen_at = now
        gone = [
            row
            for row in existing.values()
            if report.network or not (row.code == rules.BROKEN_LINK and row.data.get("external"))
        ]
        for row in gone:
            row.resolved_at = now
        Finding.objects.bulk_create(to_create, batch_size=500)
        Finding.objects.bulk_update(
            to_update,
            [
                "code",
                "rule",
                "score_key",
                "column",
                "item",
                "target",
                "detail",
                "exemption",
                "data",
                "last_seen_at",
            ],
            batch_size=500,
        )
        Finding.objects.bulk_update(gone, ["resolved_at"], batch_size=500)
        OrgVerdict.objects.create(
            run=run,
            org=org,
            verdict=org_report.verdict.verdict,
            score=org_report.verdict.score,
            vetoes=org_report.verdict.vetoes,
            deductions=org_report.verdict.deductions,
        )
        total += len(result.findings)
        opened += len(to_create)
        resolved += len(gone)
    run.finished_at = now
    run.finding_count = total
    run.save(update_fields=["finished_at", "finding_count"])
    audit_log(
        actor=actor,
        action="inspection.run",
        obj=run,
        data={
            "as_of": report.as_of.isoformat(),
            "orgs": len(report.orgs),
            "findings": total,
            "opened": opened,
            "resolved": resolved,
            "network": report.network,
        },
    )


# ---------------------------------------------------------------- rules kept as data


@transaction.atomic
def sensitive_word_add(
    *, actor: Any, word: str, kind: str = SensitiveWord.Kind.BLOCK, note: str = ""
) -> SensitiveWord:
    _check_actor(actor)
    word = (word or "").strip()
    if not word:
        raise ApplicationError("missing_field", "词语不能为空。", field="word")
    if len(word) > 50:
        raise ApplicationError("too_long", "词语不能超过 50 个字。", field="word")
    if kind not in SensitiveWord.Kind.values:
        raise ApplicationError("bad_kind", "类型无效。", field="kind")
    if SensitiveWord.objects.filter(word=word, kind=kind).exists():
        raise ApplicationError("duplicate", f"“{word}”已在列表中。", field="word")
    entry = SensitiveWord.objects.create(word=word, kind=kind, note=note.strip()[:200])
    audit_log(actor=actor, action="inspection.word_add", obj=entry, data={"word": word, "kind": kind})
    return entry


@transaction.atomic
def sensitive_word_remove(*, actor: Any, entry: SensitiveWord) -> None:
    _check_actor(actor)
    audit_log(
        actor=actor, action="inspection.word_remove", obj=entry, data={"word": entry.word, "kind": entry.kind}
    )
    entry.delete()


@transaction.atomic
def deduction_rule_update(*, actor: Any, rule: DeductionRule, points: int, cap: int) -> DeductionRule:
    _check_actor(actor)
    if not 0 <= points <= 100 or not 0 <= cap <= 100:
        raise ApplicationError("bad_number", "扣分和上限应在 0 到 100 之间。")
    before = {"points": rule.points, "cap": rule.cap}
    rule.points, rule.cap = points, cap
    rule.save(update_fields=["points", "cap", "updated_at"])
    audit_log(
        actor=actor,
        action="inspection.rule_update",
        obj=rule,
        data={"key": rule.key, "before": before, "after": {"points": points, "cap": cap}},
    )
    return rule


@transaction.atomic
def column_policy_set(*, actor: Any, column: Column, pii_exemption: str, basis: str = "") -> ColumnPolicy:
    """Mark a column 惩戒公示 / 强制性披露 (its items may carry personal data, R-PII-1), or clear the mark."""
    _check_actor(actor)
    if pii_exemption not in ColumnPolicy.Exemption.values:
        raise ApplicationError("bad_exemption", "豁免类型无效。", field="pii_exemption")
    if pii_exemption and not basis.strip():
        raise ApplicationError("missing_basis", "请填写豁免依据（法律法规名称及条款）。", field="basis")
    policy, _ = ColumnPolicy.objects.get_or_create(column=column)
    before = policy.pii_exemption
    policy.pii_exemption, policy.basis = pii_exemption, basis.strip()[:300]
    policy.save()
    audit_log(
        actor=actor,
        action="inspection.column_policy",
        obj=policy,
        org_code=column.org.code,
        from_state=before,
        to_state=pii_exemption,
        comment=policy.basis,
        data={"column": column.pk},
    )
    return policy


# ---------------------------------------------------------------- before publishing (issue 10 item 5)


PII_KINDS = frozenset({"id_card", "mobile", "bank_card"})


def _precheck_state(entries: list[dict[str, Any]]) -> str:
    return Precheck.State.PENDING if entries else Precheck.State.CLEAN


@transaction.atomic
def precheck_record(*, actor: Any, item: InfoItem) -> Precheck:
    """Run the personal-data and sensitive-word checks on the item as it is submitted and keep the result.

    In a 惩戒公示 / 强制性披露 column personal data is not checked (R-PII-1); the exemption and the number of
    values it let through are recorded (sensitive words are still checked)."""
    matches = selectors.precheck_item(item)
    exemption = selectors.exemption_of(item)
    exempt_count = 0
    if exemption:
        exempt_count = sum(
            1 for m in selectors.precheck_item(item, include_exempt=True) if m.kind in PII_KINDS
        )
    entries = selectors.precheck_entries(item, matches)
    record = Precheck.objects.create(
        item=item,
        state=_precheck_state(entries),
        matches=entries,
        exemption=exemption[:400],
        exempt_count=exempt_count,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(
        actor=actor,
        action="inspection.precheck",
        obj=item,
        org_code=item.org.code,
        to_state=record.state,
        comment=exemption,
        data={"matches": len(entries), "exempt": exempt_count, "precheck": record.pk},
    )
    return record


def _check_reviewer(actor: Any, item: InfoItem) -> None:
    if not {Role.REVIEWER, Role.PUBLISHER} & user_roles(actor, item.org):
        raise PermissionDenied("只有本单位的审核人或发布人可以核实检查结果。")


@transaction.atomic
def precheck_gate(*, actor: Any, item: InfoItem, confirmed: bool) -> Precheck | None:
    """Before approval: a pending precheck must be confirmed (“已核实，确认发布”), else the item goes back.

    An item submitted before prechecks existed is checked now. Returns the precheck (None when clean)."""
    record = selectors.latest_precheck(item) or precheck_record(actor=actor, item=item)
    if record.state != Precheck.State.PENDING:
        return record
    if not confirmed:
        raise ApplicationError(
            "precheck_unconfirmed",
            f"发布前检查发现 {len(record.matches)} 处疑似个人信息或敏感词：请逐项核实后勾选“已核实，确认发布”，"
            "或遮蔽后再审核，或退回修改。",
            field="precheck_confirm",
        )
    _check_reviewer(actor, item)
    record.state = Precheck.State.CONFIRMED
    record.confirmed_at = timezone.now()
    record.confirmed_by = actor
    record.save(update_fields=["state", "confirmed_at", "confirmed_by"])
    audit_log(
        actor=actor,
        action="inspection.precheck_confirm",
        obj=item,
        org_code=item.org.code,
        from_state=Precheck.State.PENDING,
        to_state=Precheck.State.CONFIRMED,
        data={"matches": len(record.matches), "precheck": record.pk},
    )
    return record


@transaction.atomic
def precheck_mask(*, actor: Any, item: InfoItem, start: int, masked: str) -> Precheck:
    """One-click mask (R-PUB-9 去标识化) of the personal number found at `start` of the body text.

    The match is found again in the current text (the clear value never travels through the browser), the
    body is changed by `publishing.services.item_body_mask` (a revision, audited), and the precheck is run
    again so the reviewer sees what is left."""
    matches = [
        m
        for m in selectors.precheck_item(item, include_exempt=True)
        if m.source == selectors.BODY_SOURCE
        and m.kind in PII_KINDS
        and m.start == start
        and m.masked == masked
    ]
    if not matches:
        raise ApplicationError("mask_not_found", "未找到该处内容，可能已被修改或遮蔽，请刷新页面。")
    match = matches[0]
    old = (item.body_text or "")[match.start : match.end]
    item = publishing_services.item_body_mask(
        actor=actor,
        item=item,
        old=old,
        new=match.masked,
        reason=f"去标识化：遮蔽{match.label} {match.masked}",
    )
    return precheck_record(actor=actor, item=item)
