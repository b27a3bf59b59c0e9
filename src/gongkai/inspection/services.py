"""Every write of the inspection app: runs (findings with history, verdicts, the link cache), the word list,
the deduction rules and the columns' personal-data exemptions. Each writes one audit entry."""

from __future__ import annotations

import hashlib
import hmac
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.textextract import ZipBomb, zip_guard
from gongkai.core.textsafety import control_character_problem
from gongkai.inspection import assessment as calc
from gongkai.inspection import ledger, linkcheck, rules, selectors
from gongkai.inspection.models import (
    Assessment,
    BonusAward,
    Bulletin,
    ColumnPolicy,
    DeductionRule,
    Finding,
    Indicator,
    InspectionRun,
    LinkCheck,
    ManualScore,
    OrgVerdict,
    Precheck,
    SensitiveWord,
    Task,
    TaskEvidence,
    TaskUnit,
    Vote,
    WorkPlan,
)
from gongkai.inspection.selectors import FindingData, OrgInspection
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, user_roles
from gongkai.publishing import services as publishing_services
from gongkai.publishing.models import Column, InfoItem
from gongkai.publishing.selectors import items_public

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
    attachments_read: int = (
        0  # pending attachment texts read before this run (publishing.attachment_texts_pending)
    )
    site: rules.Verdict | None = None  # the whole site's verdict and score (R-WEB-1/3)


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


def _verdict(result: OrgInspection, rule_list: list[rules.DeductionRule], bonus: int = 0) -> rules.Verdict:
    return _judge([result], rule_list, bonus, homepage_is_stale=result.homepage_is_stale)


def _site_verdict(
    results: list[OrgInspection], rule_list: list[rules.DeductionRule], bonus: dict[int, int]
) -> rules.Verdict:
    """R-WEB-1/3 for the whole site: the vetoes' thresholds over all the agencies' columns, messages and guides
    together; the site's homepage is stale only when no agency published within 2 weeks; one score from the
    deduction rules over all findings (each rule's cap applies once), plus the portal's bonus (the highest
    portal bonus among the agencies inspected)."""
    return _judge(
        results,
        rule_list,
        max(bonus.values(), default=0),
        homepage_is_stale=bool(results) and all(r.homepage_is_stale for r in results),
    )


def _judge(
    results: list[OrgInspection], rule_list: list[rules.DeductionRule], bonus: int, *, homepage_is_stale: bool
) -> rules.Verdict:
    findings = [f for r in results for f in r.findings]
    counts: dict[str, int] = {}
    for f in findings:
        if f.score_key and not f.exemption:
            counts[f.score_key] = counts.get(f.score_key, 0) + 1
    return rules.verdict(
        stale_columns=[c for r in results for c in r.stale],
        empty_columns=sum(r.empty_columns for r in results),
        homepage_is_stale=homepage_is_stale,
        counts=counts,
        rules=rule_list,
        unanswered_messages=sum(1 for f in findings if f.code == rules.UNANSWERED_MESSAGE),
        guides=sum(r.guides for r in results),
        incomplete_guides=sum(1 for f in findings if f.code == rules.MISSING_GUIDE_ELEMENT),
        guide_veto_share=selectors.guide_veto_share(),
        bonus=bonus,
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

    read = attachment_texts_pending(
        items=selectors.pending_attachment_items(
            InfoItem.objects.filter(org__in=org_list, status=InfoItem.Status.PUBLISHED)
        )
    )
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
    bonus = selectors.bonus_by_org(org_list, as_of)
    reports = []
    for r in results:
        unique: dict[str, FindingData] = {}
        for f in r.findings:
            unique.setdefault(f.key, f)
        r.findings = list(unique.values())
        reports.append(
            OrgReport(
                org=r.org,
                verdict=_verdict(r, rule_list, bonus.get(r.org.pk, 0)),
                findings=[f for f in r.findings if not f.exemption],
                exempt=[f for f in r.findings if f.exemption],
            )
        )
    report = RunReport(
        as_of=as_of,
        network=network,
        orgs=reports,
        run=run,
        attachments_read=read,
        site=_site_verdict(results, rule_list, bonus),
    )
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
            bonus=org_report.verdict.bonus,
        )
        total += len(result.findings)
        opened += len(to_create)
        resolved += len(gone)
    run.finished_at = now
    run.finding_count = total
    fields = ["finished_at", "finding_count"]
    if report.site is not None:
        run.site_verdict, run.site_score, run.site_vetoes = (
            report.site.verdict,
            report.site.score,
            list(report.site.vetoes),
        )
        fields += ["site_verdict", "site_score", "site_vetoes"]
    run.save(update_fields=fields)
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
            "attachments_read": report.attachments_read,
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
def bonus_add(
    *, actor: Any, org: Organization, label: str, points: int, awarded_on: date, note: str = ""
) -> BonusAward:
    """R-WEB-3 加分项 for a portal (an agency of kind 人民政府)."""
    _check_actor(actor)
    if org.kind != Organization.Kind.GOVERNMENT:
        raise ApplicationError("not_portal", "加分项只适用于人民政府门户网站。", field="org")
    label = (label or "").strip()
    if not label:
        raise ApplicationError("missing_field", "请填写加分事项。", field="label")
    if not 1 <= points <= rules.BONUS_CAP:
        raise ApplicationError("bad_number", f"加分应在 1 到 {rules.BONUS_CAP} 之间。", field="points")
    award = BonusAward.objects.create(
        org=org, label=label[:200], points=points, awarded_on=awarded_on, note=(note or "").strip()[:300]
    )
    audit_log(
        actor=actor,
        action="inspection.bonus_add",
        obj=award,
        org_code=org.code,
        comment=award.label,
        data={"points": points, "awarded_on": awarded_on.isoformat()},
    )
    return award


@transaction.atomic
def bonus_remove(*, actor: Any, award: BonusAward) -> None:
    _check_actor(actor)
    audit_log(
        actor=actor,
        action="inspection.bonus_remove",
        obj=award,
        org_code=award.org.code,
        comment=award.label,
        data={"points": award.points},
    )
    award.delete()


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


# ---------------------------------------------------------------- attachment texts


def attachment_texts_pending(*, items: Any) -> int:
    """Read the pending attachment texts of these items now (the checks need them; the tick job would later).
    The text is `Attachment.text`, read once (`publishing.services.attachment_text_fill`)."""
    return publishing_services.attachment_texts_pending(items=items, limit=100_000)


# ---------------------------------------------------------------- before publishing (issue 10 item 5)


PII_KINDS = frozenset({"id_card", "mobile", "bank_card"})


def _precheck_state(entries: list[dict[str, Any]]) -> str:
    return Precheck.State.PENDING if entries else Precheck.State.CLEAN


@transaction.atomic
def precheck_record(*, actor: Any, item: InfoItem) -> Precheck:
    """Run the personal-data and sensitive-word checks on the item as it is submitted and keep the result.

    In a 惩戒公示 / 强制性披露 column personal data is not checked (R-PII-1); the exemption and the number of
    values it let through are recorded (sensitive words are still checked)."""
    attachment_texts_pending(items=InfoItem.objects.filter(pk=item.pk))
    matches = selectors.precheck_item(item)
    exemption = selectors.exemption_of(item)
    exempt_count = 0
    if exemption:
        exempt_count = sum(
            1 for m in selectors.precheck_item(item, include_exempt=True) if m.kind in PII_KINDS
        )
    entries = selectors.precheck_entries(item, matches) + selectors.unchecked_entries(item)
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


def _reviewed_together(item: InfoItem) -> list[InfoItem]:
    """The item and, for a rule or normative document, its interpretations that are under review with it
    (R-PUB-8 三同步: they are submitted and approved in the same transition)."""
    items = [item]
    if item.kind in publishing_services.POLICY_KINDS:
        items += [
            c for c in publishing_services.interpretations_of(item) if c.status == InfoItem.Status.SUBMITTED
        ]
    return items


@transaction.atomic
def precheck_submitted(*, actor: Any, item: InfoItem) -> list[Precheck]:
    """At submit: the precheck of the item and of the interpretations submitted with it."""
    return [precheck_record(actor=actor, item=i) for i in _reviewed_together(item)]


@transaction.atomic
def precheck_ensure(*, actor: Any, item: InfoItem) -> None:
    """Items submitted before prechecks existed are checked when first reviewed (kept even if the approval is then
    refused, so that the reviewer sees what was found)."""
    for i in _reviewed_together(item):
        if selectors.latest_precheck(i) is None:
            precheck_record(actor=actor, item=i)


@transaction.atomic
def precheck_gate(*, actor: Any, item: InfoItem, confirmed: bool) -> list[Precheck]:
    """Before approval: every pending precheck of the item and of the interpretations approved with it must be
    confirmed (“已核实，确认发布”), else the item goes back. An item submitted before prechecks existed is checked
    now. Returns the prechecks."""
    records = [
        selectors.latest_precheck(i) or precheck_record(actor=actor, item=i) for i in _reviewed_together(item)
    ]
    pending = [r for r in records if r.state == Precheck.State.PENDING]
    if not pending:
        return records
    if not confirmed:
        count = sum(len(r.matches) for r in pending)
        raise ApplicationError(
            "precheck_unconfirmed",
            f"发布前检查发现 {count} 处疑似个人信息或敏感词{'（含政策解读）' if len(records) > 1 else ''}："
            "请逐项核实后勾选“已核实，确认发布”，或遮蔽后再审核，或退回修改。",
            field="precheck_confirm",
        )
    _check_reviewer(actor, item)
    now = timezone.now()
    for record in pending:
        record.state = Precheck.State.CONFIRMED
        record.confirmed_at = now
        record.confirmed_by = actor
        record.save(update_fields=["state", "confirmed_at", "confirmed_by"])
        audit_log(
            actor=actor,
            action="inspection.precheck_confirm",
            obj=record.item,
            org_code=item.org.code,
            from_state=Precheck.State.PENDING,
            to_state=Precheck.State.CONFIRMED,
            data={"matches": len(record.matches), "precheck": record.pk},
        )
    return records


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


# ---------------------------------------------------------------- assessment and 通报 (issue 10 item 6)


@transaction.atomic
def assessment_create(*, actor: Any, title: str, year: int, as_of: date) -> Assessment:
    """A new assessment with the default indicators (edited while it is a draft)."""
    _check_actor(actor)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("missing_field", "请填写考核名称。", field="title")
    if not 2000 <= year <= 2999:
        raise ApplicationError("bad_year", "年度无效。", field="year")
    assessment = Assessment.objects.create(title=title[:200], year=year, as_of=as_of)
    Indicator.objects.bulk_create(
        Indicator(
            assessment=assessment,
            name=name,
            kind=kind,
            weight=weight,
            codes=list(codes),
            per_finding=per,
            sort_order=n,
        )
        for n, (name, kind, weight, codes, per) in enumerate(calc.DEFAULT_INDICATORS, start=1)
    )
    audit_log(actor=actor, action="inspection.assessment_create", obj=assessment, data={"year": year})
    return assessment


def _require_state(assessment: Assessment, state: str, message: str) -> None:
    """The state as stored now (the caller's object may be older), locked until the end of the transaction."""
    assessment.state = (
        Assessment.objects.select_for_update().values_list("state", flat=True).get(pk=assessment.pk)
    )
    if assessment.state != state:
        raise ApplicationError("bad_state", message)


@transaction.atomic
def indicator_add(
    *,
    actor: Any,
    assessment: Assessment,
    name: str,
    kind: str,
    weight: int,
    codes: list[str],
    per_finding: int = 0,
) -> Indicator:
    _check_actor(actor)
    _require_state(assessment, Assessment.State.DRAFT, "考核已开始评分，不能再修改指标。")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("missing_field", "请填写指标名称。", field="name")
    if kind not in calc.KINDS:
        raise ApplicationError("bad_kind", "计分方式无效。", field="kind")
    if not 1 <= weight <= 100 or not 0 <= per_finding <= 100:
        raise ApplicationError("bad_number", "分值应在 1 到 100 之间，每个问题扣分在 0 到 100 之间。")
    unknown = [c for c in codes if c not in rules.CODE_LABELS]
    if unknown:
        raise ApplicationError("bad_code", f"未知的问题类型：{'、'.join(unknown)}。", field="codes")
    if kind == calc.FINDINGS and (not codes or per_finding <= 0):
        raise ApplicationError("missing_field", "按问题扣分的指标须选择问题类型并填写每个问题扣分。")
    last = assessment.indicators.order_by("-sort_order").first()
    indicator = Indicator.objects.create(
        assessment=assessment,
        name=name[:100],
        kind=kind,
        weight=weight,
        codes=codes if kind == calc.FINDINGS else [],
        per_finding=per_finding if kind == calc.FINDINGS else 0,
        sort_order=(last.sort_order + 1) if last else 1,
    )
    audit_log(
        actor=actor,
        action="inspection.indicator_add",
        obj=assessment,
        data={"name": indicator.name, "kind": kind, "weight": weight, "codes": indicator.codes},
    )
    return indicator


@transaction.atomic
def indicator_remove(*, actor: Any, indicator: Indicator) -> None:
    _check_actor(actor)
    _require_state(indicator.assessment, Assessment.State.DRAFT, "考核已开始评分，不能再修改指标。")
    audit_log(
        actor=actor,
        action="inspection.indicator_remove",
        obj=indicator.assessment,
        data={"name": indicator.name, "weight": indicator.weight},
    )
    indicator.delete()


@transaction.atomic
def assessment_transition(*, actor: Any, assessment: Assessment, action: str) -> Assessment:
    """open (the weights must add up to 100) · close (the vote ends; the 通报 can be generated) · reopen."""
    _check_actor(actor)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    move = calc.TRANSITIONS.get(action)
    if move is None or assessment.state != move[0]:
        raise ApplicationError(
            "bad_transition", f"当前状态为“{assessment.get_state_display()}”，不能执行该操作。"
        )
    if action == "open":
        error = calc.weights_error([i.weight for i in assessment.indicators.all()])
        if error:
            raise ApplicationError("bad_weights", error)
    before = assessment.state
    assessment.state = move[1]
    assessment.save(update_fields=["state"])
    audit_log(
        actor=actor,
        action=f"inspection.assessment_{action}",
        obj=assessment,
        from_state=before,
        to_state=assessment.state,
    )
    return assessment


@transaction.atomic
def manual_score_set(
    *, actor: Any, indicator: Indicator, org: Organization, score: Decimal, note: str = ""
) -> ManualScore:
    _check_actor(actor)
    _require_state(indicator.assessment, Assessment.State.OPEN, "只有评分中的考核可以录入得分。")
    if indicator.kind != calc.MANUAL:
        raise ApplicationError("not_manual", "该指标不是人工评分指标。")
    if not Decimal(0) <= score <= Decimal(indicator.weight):
        raise ApplicationError("bad_number", f"得分应在 0 到 {indicator.weight} 之间。", field="score")
    entry, _ = ManualScore.objects.get_or_create(indicator=indicator, org=org, defaults={"score": score})
    before = str(entry.score)
    entry.score, entry.note = score, (note or "").strip()[:300]
    entry.save()
    audit_log(
        actor=actor,
        action="inspection.manual_score",
        obj=indicator.assessment,
        org_code=org.code,
        comment=entry.note,
        data={"indicator": indicator.name, "before": before, "after": str(score)},
    )
    return entry


def _keyed_hash(kind: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def votes_per_address() -> int:
    return int(getattr(settings, "GONGKAI_ASSESSMENT_VOTES_PER_ADDRESS", 20))


@transaction.atomic
def vote_cast(*, assessment: Assessment, voter_token: str, address: str, ratings: dict[int, int]) -> int:
    """社会评议: one citizen's ratings of agencies (org pk → 100/60/0). One vote per person and agency — the
    person is the random token of a signed cookie; an address casts at most GONGKAI_ASSESSMENT_VOTES_PER_ADDRESS
    ballots (an office behind one address still votes; a script from one address does not). Agencies already
    rated by this person are skipped. Returns how many ratings were recorded."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state != Assessment.State.OPEN:
        raise ApplicationError("vote_closed", "社会评议未开放或已结束。")
    if not voter_token or len(voter_token) < 16:
        raise ApplicationError("bad_voter", "请开启浏览器 Cookie 后再参加评议。")
    valid = set(Vote.Rating.values)
    if not ratings or any(r not in valid for r in ratings.values()):
        raise ApplicationError("bad_rating", "请为至少一个单位选择评价。")
    voter, place = _keyed_hash("voter", voter_token), _keyed_hash("address", address or "unknown")
    ballots = Vote.objects.filter(assessment=assessment, address=place).values("voter").distinct().count()
    if (
        not Vote.objects.filter(assessment=assessment, voter=voter).exists()
        and ballots >= votes_per_address()
    ):
        raise ApplicationError("too_many_votes", "来自同一网络的评议已达上限。")
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=list(ratings), is_active=True)}
    done = set(Vote.objects.filter(assessment=assessment, voter=voter).values_list("org_id", flat=True))
    new = [
        Vote(assessment=assessment, org=orgs[pk], rating=rating, voter=voter, address=place)
        for pk, rating in ratings.items()
        if pk in orgs and pk not in done
    ]
    Vote.objects.bulk_create(new)
    audit_log(actor=None, action="inspection.vote", obj=assessment, data={"ratings": len(new)})
    return len(new)


def _bulletin_rows(rows: list[dict[str, Any]], moment: datetime, *, grade: bool) -> list[dict[str, Any]]:
    orgs = [r["org"] for r in rows]
    problems, totals = selectors.problems_by_org(orgs, moment)
    out = []
    for r in rows:
        listed = problems.get(r["org"].pk, [])
        if grade:
            conclusion = calc.grade(r["total"])
        else:
            conclusion = {"pass": "合格", "fail": "不合格"}.get(r["verdict"], "未检查")
        out.append(
            {
                "rank": r["rank"],
                "code": r["code"],
                "name": r["name"],
                "scores": r.get("scores", []),
                "total": r["total"],
                "conclusion": conclusion,
                "vetoes": r["vetoes"],
                "counts": r.get("counts", {}),
                "new": r.get("new"),
                "fixed": r.get("fixed"),
                "votes": r.get("votes"),
                "problems": listed,
                "more": max(0, totals.get(r["org"].pk, 0) - len(listed)),
            }
        )
    return out


def _fix_by_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def default_fix_by() -> date:
    return timezone.localdate() + timedelta(days=int(getattr(settings, "GONGKAI_BULLETIN_FIX_DAYS", 15)))


@transaction.atomic
def bulletin_monthly(*, actor: Any, month: str, fix_by: date | None = None) -> Bulletin:
    """The monthly 检查情况通报 of `month` (YYYY-MM) from the month's stored runs and findings."""
    _check_actor(actor)
    try:
        first, last = calc.month_bounds(month)
    except ValueError as exc:
        raise ApplicationError("bad_month", str(exc), field="month") from None
    if first > timezone.localdate():
        raise ApplicationError("bad_month", "不能为尚未开始的月份生成通报。", field="month")
    fix_by = fix_by or default_fix_by()
    rows = _bulletin_rows(selectors.monthly_rows(first, last), selectors.end_of_day(last), grade=False)
    inspected = [r for r in rows if r["total"] is not None]
    failed = sum(1 for r in inspected if r["conclusion"] == "不合格")
    title = f"{first.year}年{first.month}月政府网站及政务公开检查情况通报"
    intro = (
        f"{first.year}年{first.month}月，平台对 {len(rows)} 个单位的政府网站和政务公开专栏进行了检查，"
        f"其中 {len(inspected)} 个单位有检查记录，{failed} 个单位不合格；本月新发现问题 "
        f"{sum(r['new'] or 0 for r in rows)} 个，已整改 {sum(r['fixed'] or 0 for r in rows)} 个。现将有关情况通报如下。"
    )
    bulletin = Bulletin.objects.create(
        kind=Bulletin.Kind.MONTHLY,
        title=title,
        period=month.strip(),
        fix_by=fix_by,
        data={"intro": intro, "columns": [], "rows": rows, "fix_by_text": _fix_by_text(fix_by)},
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(
        actor=actor, action="inspection.bulletin", obj=bulletin, data={"kind": "monthly", "period": month}
    )
    return bulletin


@transaction.atomic
def bulletin_assessment(*, actor: Any, assessment: Assessment, fix_by: date | None = None) -> Bulletin:
    """The assessment's 通报 (ranking, each agency's scores, problems and the deadline to fix); the vote must
    be closed first."""
    _check_actor(actor)
    _require_state(assessment, Assessment.State.CLOSED, "请先结束考核（关闭社会评议）再生成通报。")
    fix_by = fix_by or default_fix_by()
    columns, rows = selectors.assessment_rows(assessment)
    out = _bulletin_rows(rows, selectors.end_of_day(assessment.as_of), grade=True)
    weights = "、".join(f"{i.name}{i.weight}分" for i in assessment.indicators.all())
    intro = (
        f"根据{assessment.year}年度政务公开工作考核安排，政务公开办对 {len(out)} 个单位进行了考核，"
        f"考核指标为：{weights}。考核数据截至{_fix_by_text(assessment.as_of)}。现将考核结果通报如下。"
    )
    bulletin = Bulletin.objects.create(
        kind=Bulletin.Kind.ASSESSMENT,
        title=f"关于{assessment.title}结果的通报",
        period=str(assessment.year),
        assessment=assessment,
        fix_by=fix_by,
        data={"intro": intro, "columns": columns, "rows": out, "fix_by_text": _fix_by_text(fix_by)},
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(
        actor=actor,
        action="inspection.bulletin",
        obj=bulletin,
        data={"kind": "assessment", "assessment": assessment.pk},
    )
    return bulletin


# ---------------------------------------------------------------- 工作要点 task ledger (issue 10 item 7)

LEDGER_MAX_BYTES = 10 * 1024 * 1024
LEDGER_MAX_ROWS = 5000


@transaction.atomic
def plan_create(*, actor: Any, year: int, title: str) -> WorkPlan:
    _check_actor(actor)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("missing_field", "请填写名称。", field="title")
    _refuse_control(title, "名称", "title")
    if not 2000 <= year <= 2999:
        raise ApplicationError("bad_year", "年度无效。", field="year")
    plan = WorkPlan.objects.create(year=year, title=title[:200])
    audit_log(actor=actor, action="inspection.plan_create", obj=plan, data={"year": year})
    return plan


def _sheet_rows(data: bytes) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    if len(data) > LEDGER_MAX_BYTES:
        raise ApplicationError("file_too_large", "文件超过 10 MB。")
    try:
        # Member sizes checked before openpyxl inflates anything (its shared strings are read whole): review I7.
        zip_guard(data)
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows: list[tuple[object, ...]] = []
        for row in wb.worksheets[0].iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) > LEDGER_MAX_ROWS:
                raise ApplicationError("too_many_rows", f"表格超过 {LEDGER_MAX_ROWS} 行，请分批导入。")
        wb.close()
    except ApplicationError:
        raise
    except ZipBomb as exc:
        raise ApplicationError(
            "file_too_large", "文件解压后过大或压缩比异常，无法读取，请检查后重新导出。"
        ) from exc
    except Exception as exc:
        raise ApplicationError("bad_file", "无法读取该文件，请上传 Excel（.xlsx）文件。") from exc
    return rows


def _org_names() -> dict[str, Organization]:
    names: dict[str, Organization] = {}
    for org in Organization.objects.filter(is_active=True):
        names.setdefault(org.name, org)
        if org.short_name:
            names.setdefault(org.short_name, org)
    return names


@transaction.atomic
def plan_import(*, actor: Any, plan: WorkPlan, data: bytes) -> tuple[int, list[str]]:
    """Add the tasks of a 任务分解表 (xlsx) to the plan. Rows that cannot be read — no task text, no responsible
    unit, a unit that is not an agency of the platform, a deadline that is not a date — are reported
    ("第 N 行：…") and skipped; the others are stored. Returns (tasks stored, the reasons of the rows left out)."""
    _check_actor(actor)
    rows, errors = ledger.read_rows(_sheet_rows(data), plan.year)
    names = _org_names()
    last = plan.tasks.order_by("-sort_order").first()
    order = last.sort_order if last else 0
    accepted: list[tuple[Task, list[tuple[Organization, bool]]]] = []
    for row in rows:
        unknown = [u for u in row.lead + row.support if u not in names]
        if unknown:
            errors.append(
                f"第 {row.line} 行：未找到责任单位“{'、'.join(unknown)}”（应为平台上单位的全称或简称）"
            )
            continue
        order += 1
        task = Task(
            plan=plan,
            number=row.number,
            category=row.category,
            title=row.title,
            deadline=row.deadline,
            deadline_text=row.deadline_text,
            sort_order=order,
        )
        members: dict[int, tuple[Organization, bool]] = {}
        for name, lead in [(u, True) for u in row.lead] + [(u, False) for u in row.support]:
            members.setdefault(names[name].pk, (names[name], lead))
        accepted.append((task, list(members.values())))
    Task.objects.bulk_create([task for task, _ in accepted], batch_size=500)  # primary keys set (SQLite, PG)
    TaskUnit.objects.bulk_create(
        [TaskUnit(task=task, org=org, lead=lead) for task, members in accepted for org, lead in members],
        batch_size=1000,
    )
    stored = len(accepted)
    audit_log(
        actor=actor, action="inspection.plan_import", obj=plan, data={"tasks": stored, "skipped": len(errors)}
    )
    return stored, errors


def _refuse_control(text: str, label: str, field: str) -> None:
    """A control character would break the ledger export (XLSX) and PostgreSQL (NUL): refused at input."""
    problem = control_character_problem(text, label)
    if problem:
        raise ApplicationError("bad_character", problem, field=field)


def _check_unit_staff(actor: Any, unit: TaskUnit) -> None:
    if not user_roles(actor, unit.org):
        raise PermissionDenied("只有责任单位的工作人员可以报送进展。")


@transaction.atomic
def task_progress(*, actor: Any, unit: TaskUnit, status: str, progress: str) -> TaskUnit:
    """The responsible unit reports its progress (any role of that agency)."""
    _check_unit_staff(actor, unit)
    if status not in TaskUnit.Status.values:
        raise ApplicationError("bad_status", "进展状态无效。", field="status")
    progress = (progress or "").strip()
    _refuse_control(progress, "完成情况", "progress")
    if status == TaskUnit.Status.DONE and not progress:
        raise ApplicationError("missing_field", "标记为已完成时请填写完成情况。", field="progress")
    before = unit.status
    unit.status, unit.progress, unit.reported_at = status, progress[:4000], timezone.now()
    unit.save(update_fields=["status", "progress", "reported_at"])
    audit_log(
        actor=actor,
        action="inspection.task_progress",
        obj=unit,
        org_code=unit.org.code,
        from_state=before,
        to_state=status,
        comment=progress[:500],
    )
    return unit


@transaction.atomic
def evidence_add(
    *, actor: Any, unit: TaskUnit, item_ref: str = "", url: str = "", note: str = ""
) -> TaskEvidence:
    """佐证材料: a published item of the unit's agency (by its 索引号 or number), a web link, or a note."""
    _check_unit_staff(actor, unit)
    item_ref, url, note = (item_ref or "").strip(), (url or "").strip(), (note or "").strip()
    for text, label, name in (
        (item_ref, "已公开信息", "item_ref"),
        (url, "链接", "url"),
        (note, "说明", "note"),
    ):
        _refuse_control(text, label, name)
    item = None
    if item_ref:
        found = items_public().filter(org=unit.org)
        item = found.filter(index_no=item_ref).first() or (
            found.filter(pk=int(item_ref)).first() if item_ref.isascii() and item_ref.isdigit() else None
        )
        if item is None:
            raise ApplicationError("bad_item", f"未找到本单位已公开的信息“{item_ref}”。", field="item_ref")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000:
            raise ApplicationError("bad_url", "链接应以 http:// 或 https:// 开头。", field="url")
    if not (item or url or note):
        raise ApplicationError("missing_field", "请填写已公开信息、链接或说明中的至少一项。")
    evidence = TaskEvidence.objects.create(
        unit=unit,
        item=item,
        url=url,
        note=note[:500],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(
        actor=actor,
        action="inspection.task_evidence",
        obj=unit,
        org_code=unit.org.code,
        data={"item": item.pk if item else None, "url": url, "note": note[:200]},
    )
    return evidence


@transaction.atomic
def task_review(*, actor: Any, unit: TaskUnit, review: str, note: str = "") -> TaskUnit:
    """回头看: the office records whether the unit's task is 已落实, 部分落实 or 未落实."""
    _check_actor(actor)
    if review not in TaskUnit.Review.values or not review:
        raise ApplicationError("bad_review", "请选择复核结论。", field="review")
    if review != TaskUnit.Review.PASSED and not (note or "").strip():
        raise ApplicationError("missing_field", "未完全落实的，请填写复核意见。", field="note")
    _refuse_control(note or "", "复核意见", "note")
    before = unit.review
    unit.review, unit.review_note, unit.reviewed_at = review, (note or "").strip()[:500], timezone.now()
    unit.save(update_fields=["review", "review_note", "reviewed_at"])
    audit_log(
        actor=actor,
        action="inspection.task_review",
        obj=unit,
        org_code=unit.org.code,
        from_state=before,
        to_state=review,
        comment=unit.review_note,
    )
    return unit


@transaction.atomic
def bulletin_publish(*, actor: Any, bulletin: Bulletin, public: bool = True) -> Bulletin:
    """Publish a 通报 on the portal (检查情况 are made public), or take it down."""
    _check_actor(actor)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if public == (bulletin.published_at is not None):
        raise ApplicationError("unchanged", "通报已公开。" if public else "通报未公开。")
    bulletin.published_at = timezone.now() if public else None
    bulletin.save(update_fields=["published_at"])
    audit_log(
        actor=actor,
        action="inspection.bulletin_publish" if public else "inspection.bulletin_unpublish",
        obj=bulletin,
        comment=bulletin.title,
    )
    return bulletin
