"""Reads of the inspection: what each check finds (no writes), the internal-link resolver, staff lists.

`collect_findings` runs every check that needs no network for one agency and returns plain `FindingData`;
`inspection.services.inspection_run` adds the outbound link results and stores everything in one transaction.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db.models import Avg, Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.http.request import validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone

from gongkai.core import pii
from gongkai.core.errors import CalendarNotLoaded
from gongkai.core.workdays import add_working_days
from gongkai.inspection import assessment as calc
from gongkai.inspection import linkcheck, rules
from gongkai.inspection.models import (
    BonusAward,
    Bulletin,
    ColumnPolicy,
    DeductionRule,
    Finding,
    InspectionRun,
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
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import is_platform_admin, orgs_for_staff
from gongkai.publishing import budget_rules
from gongkai.publishing.models import Attachment, BudgetDisclosure, Column, InfoItem, ItemRelation
from gongkai.publishing.selectors import column_path_string, items_public

BODY_SOURCE = "正文"


# ---------------------------------------------------------------- settings (R-PII-3 and the link checker)


def mask_policy() -> pii.MaskPolicy:
    """R-PII-3: masking patterns from the deployment settings, with the rule's defaults."""
    id_keep = getattr(settings, "GONGKAI_PII_ID_KEEP", (6, 4))
    phone_hide = getattr(settings, "GONGKAI_PII_PHONE_HIDE", (4, 7))
    card_keep = getattr(settings, "GONGKAI_PII_CARD_KEEP", (4, 4))
    return pii.MaskPolicy(
        id_keep_head=int(id_keep[0]),
        id_keep_tail=int(id_keep[1]),
        phone_hide_from=int(phone_hide[0]),
        phone_hide_to=int(phone_hide[1]),
        card_keep_head=int(card_keep[0]),
        card_keep_tail=int(card_keep[1]),
    )


def linkcheck_config() -> linkcheck.CheckConfig:
    return linkcheck.CheckConfig(
        timeout=float(getattr(settings, "GONGKAI_LINKCHECK_TIMEOUT", 15)),
        allow_hosts=frozenset(h.lower() for h in settings.GONGKAI_LINKCHECK_ALLOW_HOSTS),
        max_redirects=int(getattr(settings, "GONGKAI_LINKCHECK_MAX_REDIRECTS", 5)),
        workers=int(getattr(settings, "GONGKAI_LINKCHECK_WORKERS", 8)),
    )


def link_cache_hours() -> int:
    return int(getattr(settings, "GONGKAI_LINKCHECK_CACHE_HOURS", 24))


def late_window_days() -> int:
    """R-PUB-3 is checked on items published within this many days before the inspection date."""
    return int(getattr(settings, "GONGKAI_INSPECTION_LATE_WINDOW_DAYS", 365))


# ---------------------------------------------------------------- what a check finds


@dataclass
class FindingData:
    code: str
    org: Organization
    detail: str
    column: Column | None = None
    item: InfoItem | None = None
    target: str = ""
    score_key: str = ""
    exemption: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def rule(self) -> str:
        return rules.RULE_IDS[self.code]

    @property
    def key(self) -> str:
        raw = "|".join(
            [
                self.code,
                str(self.org.pk),
                str(self.column.pk if self.column else ""),
                str(self.item.pk if self.item else ""),
                self.target,
            ]
        )
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class OrgInspection:
    """One agency's findings before the network part, and the external links still to check."""

    org: Organization
    findings: list[FindingData] = field(default_factory=list)
    stale: list[rules.StaleColumn] = field(default_factory=list)
    empty_columns: int = 0
    homepage_is_stale: bool = False
    guides: int = 0  # published 办事指南 (R-WEB-4 veto share)
    # external URL → [(item, where it was found)]
    external_links: dict[str, list[tuple[InfoItem, str]]] = field(default_factory=dict)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def public_items_as_of(org: Organization, as_of: date) -> QuerySet[InfoItem]:
    """The agency's public items as they stood at the end of `as_of` (undated ones included: R-WEB-2)."""
    return items_public().filter(org=org).filter(Q(published_at__lt=end_of_day(as_of)) | Q(published_at=None))


def _local_date(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


def check_columns(org: Organization, as_of: date, result: OrgInspection) -> None:
    """stale_column / empty_column (R-WEB-1, R-WEB-2). See docs/inspection.md for how parents are counted:
    leaves are judged on their own items; a first-level column with children is judged on its whole subtree."""
    columns = list(Column.objects.filter(org=org).order_by("sort_order", "id"))
    if not columns:
        return
    through = InfoItem.columns.through
    stats = {
        row["column_id"]: (row["last"], row["n"])
        for row in through.objects.filter(column__org=org, infoitem__in=public_items_as_of(org, as_of))
        .values("column_id")
        .annotate(last=Max("infoitem__published_at"), n=Count("infoitem_id"))
    }
    children: dict[int | None, list[Column]] = defaultdict(list)
    for c in columns:
        children[c.parent_id].append(c)

    subtree: dict[int, tuple[date | None, int]] = {}

    def walk(column: Column, seen: frozenset[int]) -> tuple[date | None, int]:
        last_dt, n = stats.get(column.pk, (None, 0))
        last = _local_date(last_dt)
        for child in children.get(column.pk, []):
            if child.pk in seen:
                continue
            c_last, c_n = walk(child, seen | {child.pk})
            n += c_n
            if c_last and (last is None or c_last > last):
                last = c_last
        subtree[column.pk] = (last, n)
        return last, n

    for root in children.get(None, []):
        walk(root, frozenset({root.pk}))

    for column in columns:
        if column.update_class == Column.UpdateClass.STATIC:
            continue
        leaf = not children.get(column.pk)
        last, n = subtree.get(column.pk) or (None, 0)
        if leaf and n == 0:
            result.empty_columns += 1
            result.findings.append(
                FindingData(
                    rules.EMPTY_COLUMN,
                    org,
                    f"栏目“{column_path_string(column)}”没有已发布的信息（空白栏目）。",
                    column=column,
                    score_key=rules.EMPTY_COLUMN,
                )
            )
            continue
        if n == 0 or not (leaf or column.first_level):
            continue
        if rules.column_stale(column.update_class, last, as_of):
            result.stale.append(rules.StaleColumn(column.update_class, column.first_level, leaf))
            when = f"最近一次发布为 {last.isoformat()}" if last else "已发布的信息均无发布日期"
            result.findings.append(
                FindingData(
                    rules.STALE_COLUMN,
                    org,
                    f"栏目“{column_path_string(column)}”（{rules.UPDATE_CLASS_LABELS.get(column.update_class, '')}，"
                    f"应 {rules.PERIOD_LABELS.get(column.update_class, '')} 内更新）未按期更新，{when}。",
                    column=column,
                    # A parent is counted for the veto on first-level columns only; its leaves carry the deductions.
                    score_key=f"{rules.STALE_COLUMN}:{column.update_class}" if leaf else "",
                    data={
                        "update_class": column.update_class,
                        "leaf": leaf,
                        "last": last.isoformat() if last else None,
                    },
                )
            )


def check_homepage(org: Organization, as_of: date, result: OrgInspection) -> None:
    last_dt = (
        public_items_as_of(org, as_of)
        .exclude(published_at=None)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    last = _local_date(last_dt)
    if rules.homepage_stale(last, as_of):
        result.homepage_is_stale = True
        when = f"最近一次发布为 {last.isoformat()}" if last else "尚未发布任何信息"
        result.findings.append(
            FindingData(
                rules.HOMEPAGE_STALE,
                org,
                f"本单位超过 {rules.HOMEPAGE_DAYS} 天没有发布信息，{when}。",
                score_key=rules.HOMEPAGE_STALE,
            )
        )


def check_late_publication(org: Organization, as_of: date, result: OrgInspection) -> None:
    """R-PUB-3: published later than 20 working days after formation (historical imports are not judged);
    R-PUB-13 for 预决算: 20 calendar days after approval."""
    n = settings.GONGKAI_PUBLISH_DEADLINE_WORKING_DAYS
    since = end_of_day(as_of - timedelta(days=late_window_days()))
    qs = (
        public_items_as_of(org, as_of)
        .filter(is_historical=False, formed_on__isnull=False, published_at__gte=since)
        .only("id", "external_id", "title", "formed_on", "published_at", "org")
    )
    # R-PUB-13: 预决算 linked from a BudgetDisclosure are due 20 calendar days after 批复 (另有规定的，从其规定, R-PUB-3).
    budget_approved = {
        item_id: approved_on
        for item_id, approved_on in BudgetDisclosure.objects.filter(org=org, item__isnull=False).values_list(
            "item_id", "approved_on"
        )
    }
    missing_years: set[int] = set()
    for item in qs.iterator(chunk_size=500):
        assert item.formed_on is not None and item.published_at is not None
        published_on = timezone.localdate(item.published_at)
        if item.pk in budget_approved:
            budget_due = budget_rules.due_date(budget_approved[item.pk] or item.formed_on)
            if published_on > budget_due:
                result.findings.append(
                    FindingData(
                        rules.LATE_PUBLICATION,
                        org,
                        f"《{item.title}》（财政预决算）应于 {budget_due.isoformat()} 前公开，"
                        f"实际发布于 {published_on.isoformat()}（超过批复后 {budget_rules.DEADLINE_DAYS} 日）。",
                        item=item,
                        score_key=rules.LATE_PUBLICATION,
                    )
                )
            continue
        try:
            due = add_working_days(item.formed_on, n)
        except CalendarNotLoaded as exc:
            if exc.year not in missing_years:
                missing_years.add(exc.year)
                result.findings.append(
                    FindingData(
                        rules.CALENDAR_MISSING,
                        org,
                        f"{exc.year}年的工作日安排尚未载入，无法判断部分信息是否超期公开。",
                        target=str(exc.year),
                    )
                )
            continue
        if published_on > due:
            result.findings.append(
                FindingData(
                    rules.LATE_PUBLICATION,
                    org,
                    f"《{item.title}》形成于 {item.formed_on.isoformat()}，应于 {due.isoformat()} 前公开，"
                    f"实际发布于 {published_on.isoformat()}（超过 {n} 个工作日）。",
                    item=item,
                    score_key=rules.LATE_PUBLICATION,
                )
            )


def check_interpretations(org: Organization, as_of: date, result: OrgInspection) -> None:
    """R-PUB-8, the rule of `publishing.selectors.missing_interpretations` for one agency as of a date."""
    grace = settings.GONGKAI_INTERPRETATION_GRACE_WORKING_DAYS
    interpreted = ItemRelation.objects.filter(
        type=ItemRelation.Type.INTERPRETS,
        source__status=InfoItem.Status.PUBLISHED,
        source__published_at__lt=end_of_day(as_of),
    ).values("target_id")
    qs = (
        public_items_as_of(org, as_of)
        .filter(
            kind__in=[InfoItem.Kind.RULE, InfoItem.Kind.NORMATIVE],
            is_historical=False,
            interpretation_exemption="",
        )
        .exclude(published_at=None)
        .exclude(pk__in=interpreted)
        .only("id", "external_id", "title", "published_at", "org")
    )
    for item in qs.iterator(chunk_size=500):
        assert item.published_at is not None
        published_on = timezone.localdate(item.published_at)
        try:
            due = add_working_days(published_on, grace) if grace > 0 else published_on
        except CalendarNotLoaded:
            continue  # reported once by the late-publication check's calendar finding
        if due < as_of:
            result.findings.append(
                FindingData(
                    rules.MISSING_INTERPRETATION,
                    org,
                    f"《{item.title}》发布于 {published_on.isoformat()}，至 {due.isoformat()} 仍无政策解读（三同步）。",
                    item=item,
                    score_key=rules.MISSING_INTERPRETATION,
                )
            )


def check_messages(org: Organization, as_of: date, result: OrgInspection) -> None:
    """R-INT-2 / R-WEB-1 互动回应差: valid messages unanswered for more than three months (participation app)."""
    from gongkai.participation.selectors import unanswered_over_three_months

    for message in unanswered_over_three_months(org=org, as_of=as_of):
        holder = message.holder_org or message.org
        if holder.pk != org.pk:
            continue  # counted at the agency holding it
        replied = message.first_replied_on.isoformat() if message.first_replied_on else "至今未回复"
        result.findings.append(
            FindingData(
                rules.UNANSWERED_MESSAGE,
                org,
                f"留言“{message.subject[:40]}”（{message.tracking_no}）于 {message.received_on.isoformat()} 收到，"
                f"超过3个月未回应（{replied}）。",
                target=f"message:{message.pk}",
                score_key=rules.UNANSWERED_MESSAGE,
            )
        )


def check_datasets(org: Organization, as_of: date, result: OrgInspection) -> None:
    """Open datasets whose promised update frequency has passed without a new resource (opendata app)."""
    from gongkai.opendata.selectors import stale_datasets

    for stale in stale_datasets(org=org, as_of=as_of):
        result.findings.append(
            FindingData(
                rules.STALE_DATASET,
                org,
                f"数据集“{stale.dataset.title}”最近更新于 {stale.last_update.isoformat()}，"
                f"按其更新频率应于 {stale.due.isoformat()} 前更新。",
                target=f"dataset:{stale.dataset.pk}",
                score_key=rules.STALE_DATASET,
            )
        )


def guide_veto_share() -> float:
    return float(getattr(settings, "GONGKAI_INSPECTION_GUIDE_VETO_SHARE", rules.GUIDE_VETO_SHARE))


def check_guides(org: Organization, as_of: date, result: OrgInspection) -> None:
    """R-WEB-4: each published 办事指南 whose version current at `as_of` misses a key element (guides published
    before the policy app refused incomplete ones, or imported). For a past `as_of` that is the last version
    published by then, not the guide's current one (review finding I11). One query."""
    from gongkai.policy.models import GuideVersion
    from gongkai.policy.rules import PUBLISHED, guide_missing_elements

    cutoff = end_of_day(as_of)
    current_then = (
        GuideVersion.objects.filter(guide=OuterRef("guide"), published_at__lt=cutoff)
        .order_by("-number")
        .values("number")[:1]
    )
    versions = GuideVersion.objects.filter(
        guide__org=org,
        guide__status=PUBLISHED,
        published_at__lt=cutoff,
        number=Subquery(current_then),
    ).values_list("guide_id", "snapshot")
    for guide_id, snapshot in versions:
        result.guides += 1
        missing = guide_missing_elements(snapshot or {})
        if not missing:
            continue
        name = str((snapshot or {}).get("name") or "") or f"第 {guide_id} 号"
        result.findings.append(
            FindingData(
                rules.MISSING_GUIDE_ELEMENT,
                org,
                f"办事指南“{name}”缺少要素：{'、'.join(missing)}。",
                target=f"guide:{guide_id}",
                score_key=rules.MISSING_GUIDE_ELEMENT,
                data={"guide": guide_id, "missing": missing},
            )
        )


def word_lists() -> tuple[list[str], list[str]]:
    words = list(SensitiveWord.objects.values_list("word", "kind"))
    return (
        [w for w, k in words if k == SensitiveWord.Kind.BLOCK],
        [w for w, k in words if k == SensitiveWord.Kind.ALLOW],
    )


def exempt_column_ids() -> dict[int, str]:
    """Columns whose items may carry personal data (惩戒公示 / 强制性披露), with the exemption's label."""
    labels = dict(ColumnPolicy.Exemption.choices)
    return {
        p.column_id: labels.get(p.pii_exemption, p.pii_exemption)
        for p in ColumnPolicy.objects.exclude(pii_exemption="")
    }


def attachment_text(attachment: Attachment) -> str:
    """The attachment's text, read once at upload or by the tick job (`publishing.services.attachment_text_fill`)."""
    return attachment.text


def attachment_source(attachment: Attachment) -> str:
    return f"附件“{attachment.name}”"


def _texts(item: InfoItem) -> list[tuple[str, str]]:
    texts = [(BODY_SOURCE, item.body_text or "")]
    for a in item.attachments.all():
        text = attachment_text(a)
        if text:
            texts.append((attachment_source(a), text))
    return texts


UNCHECKED_STATES = (Attachment.TextStatus.NO_TEXT, Attachment.TextStatus.UNREADABLE)


def unchecked_attachments(item: InfoItem) -> list[Attachment]:
    """Attachments of the item whose file could not be read as text (a scan, an image, a damaged file): their
    `text_status` and `text_reason` say why."""
    return [a for a in item.attachments.all() if a.text_status in UNCHECKED_STATES and not a.text]


def pending_attachment_items(items: QuerySet[InfoItem]) -> QuerySet[InfoItem]:
    """Those of these items with an attachment whose text is not read yet (read before the checks run)."""
    return items.filter(attachments__text_status=Attachment.TextStatus.PENDING).distinct()


def site_hosts() -> list[str]:
    return [h for h in settings.ALLOWED_HOSTS if h != "*"]


def is_internal(url: str) -> bool:
    """Relative links, and absolute ones to this platform's own host (ALLOWED_HOSTS, default port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return True
    if parts.scheme.lower() not in {"http", "https", ""}:
        return False
    host = (parts.hostname or "").lower()
    default_port = port is None or port == (443 if parts.scheme.lower() == "https" else 80)
    return bool(host) and default_port and validate_host(host, site_hosts())


def internal_link_result(url: str, base: str = "/") -> linkcheck.LinkResult:
    """Check a link to the platform's own pages without the network: resolve it against the urlconf and the
    visibility of what it names (a withdrawn item's page is a 404 for the public)."""
    path = urlsplit(urljoin(base, url)).path or "/"
    broken = linkcheck.LinkResult(url, linkcheck.BROKEN, "http_404", 404)
    ok = linkcheck.LinkResult(url, linkcheck.OK, "ok", 200)
    if path.startswith(settings.STATIC_URL):
        return ok if finders.find(path[len(settings.STATIC_URL) :]) else broken
    if settings.MEDIA_URL and path.startswith(settings.MEDIA_URL):
        return ok if default_storage.exists(path[len(settings.MEDIA_URL) :]) else broken
    try:
        match = resolve(path)
    except Resolver404:
        if path.endswith("/"):
            return broken
        try:
            match = resolve(path + "/")  # APPEND_SLASH redirects there
        except Resolver404:
            return broken
    name, kw = match.view_name, match.kwargs
    if name.startswith("staff") or name.startswith("admin"):
        return linkcheck.LinkResult(url, linkcheck.NOT_CHECKABLE, "http_403", 403)
    if name == "portal:item":
        return ok if items_public().filter(pk=kw["pk"]).exists() else broken
    if name == "portal:attachment":
        visible = Attachment.objects.filter(pk=kw["pk"], item__in=items_public()).exists()
        return ok if visible else broken
    if name == "portal:org":
        return ok if Organization.objects.filter(code=kw["code"], is_active=True).exists() else broken
    if name in {"portal:column", "portal:column_rss", "portal:column_atom"}:
        return ok if Column.objects.filter(pk=kw["pk"], org__code=kw["code"]).exists() else broken
    return ok


def check_items(
    org: Organization,
    as_of: date,
    result: OrgInspection,
    *,
    words: tuple[list[str], list[str]],
    exempt: dict[int, str],
    policy: pii.MaskPolicy,
) -> None:
    """pii, sensitive_word and the links of every public item: bodies and attachment texts / URLs."""
    qs = public_items_as_of(org, as_of).prefetch_related(
        Prefetch(
            "attachments",
            queryset=Attachment.objects.only(
                "id", "item_id", "name", "text", "url", "text_status", "text_reason"
            ),
        ),
        Prefetch("columns", queryset=Column.objects.only("id")),
    )
    blocked, allowed = words
    for item in qs.iterator(chunk_size=200):
        texts = _texts(item)
        exemption = next((exempt[c.pk] for c in item.columns.all() if c.pk in exempt), "")
        for source, text in texts:
            by_kind: dict[str, list[pii.Match]] = defaultdict(list)
            for m in pii.find_pii(text, policy):
                by_kind[m.kind].append(m)
            for kind, matches in by_kind.items():
                shown = "、".join(m.masked for m in matches[:3]) + ("等" if len(matches) > 3 else "")
                result.findings.append(
                    FindingData(
                        rules.PII,
                        org,
                        f"《{item.title}》{source}中有 {len(matches)} 处疑似{pii.LABELS[kind]}（{shown}），"
                        + (
                            f"所在栏目属于{exemption}，依法豁免，予以记录。"
                            if exemption
                            else "请去标识化后重新发布。"
                        ),
                        item=item,
                        target=f"{source}:{kind}",
                        score_key="" if exemption else rules.PII,
                        exemption=exemption,
                        data={
                            "kind": kind,
                            "count": len(matches),
                            "masked": [m.masked for m in matches[:20]],
                        },
                    )
                )
        if blocked:
            hits: dict[str, list[str]] = defaultdict(list)
            for source, text in texts:
                for word, _offset in rules.find_words(text, blocked, allowed):
                    if source not in hits[word]:
                        hits[word].append(source)
            for word, sources in hits.items():
                result.findings.append(
                    FindingData(
                        rules.SENSITIVE_WORD,
                        org,
                        f"《{item.title}》{'、'.join(sources)}中含有敏感词“{word}”。",
                        item=item,
                        target=word,
                        score_key=rules.SENSITIVE_WORD,
                    )
                )
        for attachment in unchecked_attachments(item):
            if attachment.text_status == Attachment.TextStatus.UNREADABLE:
                result.findings.append(
                    FindingData(
                        rules.ATTACHMENT_UNREADABLE,
                        org,
                        f"《{item.title}》的附件“{attachment.name}”无法打开（{attachment.text_reason}），公众无法阅读，"
                        "也无法检查其中的个人信息。",
                        item=item,
                        target=f"attachment:{attachment.pk}",
                        score_key=rules.ATTACHMENT_UNREADABLE,
                    )
                )
        links = [(href, BODY_SOURCE) for href in rules.links_in_html(item.body_html)]
        links += [(a.url, attachment_source(a)) for a in item.attachments.all() if a.url]
        base = f"/items/{item.pk}/"
        for url, source in links:
            if is_internal(url):
                answer = internal_link_result(url, base)
                if answer.state == linkcheck.BROKEN:
                    result.findings.append(
                        broken_link_finding(org, item, url, source, answer, external=False)
                    )
            else:
                result.external_links.setdefault(url, []).append((item, source))


def broken_link_finding(
    org: Organization, item: InfoItem, url: str, source: str, answer: linkcheck.LinkResult, *, external: bool
) -> FindingData:
    return FindingData(
        rules.BROKEN_LINK,
        org,
        f"《{item.title}》{source}中的链接 {url} 无法访问（{answer.label}）。",
        item=item,
        target=url[:1000],
        score_key=rules.BROKEN_LINK,
        data={"external": external, "reason": answer.reason, "status": answer.status},
    )


def collect_findings(org: Organization, as_of: date) -> OrgInspection:
    """Every check that needs no network, for one agency."""
    result = OrgInspection(org=org)
    check_columns(org, as_of, result)
    check_homepage(org, as_of, result)
    check_late_publication(org, as_of, result)
    check_interpretations(org, as_of, result)
    check_messages(org, as_of, result)
    check_datasets(org, as_of, result)
    check_guides(org, as_of, result)
    check_items(org, as_of, result, words=word_lists(), exempt=exempt_column_ids(), policy=mask_policy())
    return result


def bonus_by_org(orgs: list[Organization], as_of: date) -> dict[int, int]:
    """R-WEB-3: each portal's (an agency of kind 人民政府) bonus points awarded within the year before `as_of`
    (uncapped here; `rules.verdict` caps at 30). One query."""
    portals = [o.pk for o in orgs if o.kind == Organization.Kind.GOVERNMENT]
    rows = (
        BonusAward.objects.filter(
            org_id__in=portals, awarded_on__lte=as_of, awarded_on__gt=as_of - timedelta(days=365)
        )
        .values("org_id")
        .annotate(n=Sum("points"))
        .values_list("org_id", "n")
    )
    return {org_id: int(n or 0) for org_id, n in rows}


def deduction_rules() -> list[rules.DeductionRule]:
    return [rules.DeductionRule(r.key, r.points, r.cap) for r in DeductionRule.objects.all()]


# ---------------------------------------------------------------- before publishing


def precheck_item(item: InfoItem, *, include_exempt: bool = False) -> list[pii.Match]:
    """Personal data and sensitive words in an item's body text and its attachments' extracted text.

    For the lead's submit/review step: each `Match` has `kind` (id_card, mobile, bank_card, sensitive_word),
    `start`/`end` in that text, `masked` (the masked value, or the word) and `source` (正文 or 附件“名称”).
    Personal data is not reported for an item in a 惩戒公示 / 强制性披露 column unless `include_exempt`."""
    policy = mask_policy()
    exempt = exempt_column_ids()
    skip_pii = not include_exempt and item.pk is not None and any(c.pk in exempt for c in item.columns.all())
    texts = _texts(item) if item.pk is not None else [(BODY_SOURCE, item.body_text or "")]
    blocked, allowed = word_lists()
    found: list[pii.Match] = []
    for source, text in texts:
        if not skip_pii:
            found += [pii.Match(m.kind, m.start, m.end, m.masked, source) for m in pii.find_pii(text, policy)]
        for word, offset in rules.find_words(text, blocked, allowed):
            found.append(pii.Match("sensitive_word", offset, offset + len(word), word, source))
    return found


PRECHECK_CONTEXT = 20  # characters shown on each side of a match


def precheck_entries(item: InfoItem, matches: list[pii.Match]) -> list[dict[str, Any]]:
    """What the reviewer sees of each match: its place and a context with every personal number masked
    (the clear value is never stored nor shown; R-PII-3)."""
    texts = dict(_texts(item)) if item.pk is not None else {BODY_SOURCE: item.body_text or ""}
    policy = mask_policy()
    masked_texts: dict[str, str] = {}
    entries = []
    for m in matches:
        # Mask the whole text, then cut the context (masking keeps the length: digits become '*'). Cutting first
        # would leave a number split by the window undetected and shown in clear (review finding I10).
        if m.source not in masked_texts:
            masked_texts[m.source] = pii.mask_text(texts.get(m.source, ""), policy)
        text = masked_texts[m.source]
        before = text[max(0, m.start - PRECHECK_CONTEXT) : m.start]
        after = text[m.end : m.end + PRECHECK_CONTEXT]
        entries.append(
            {
                "kind": m.kind,
                "label": m.label,
                "source": m.source,
                "start": m.start,
                "end": m.end,
                "masked": m.masked,
                "before": before.replace("\n", " "),
                "after": after.replace("\n", " "),
                "maskable": m.source == BODY_SOURCE and m.kind != "sensitive_word",
            }
        )
    return entries


def unchecked_entries(item: InfoItem) -> list[dict[str, Any]]:
    """Precheck entries for the attachments the checks could not read: the reviewer checks them by hand."""
    return [
        {
            "kind": "unchecked",
            "label": "附件未能检查",
            "source": attachment_source(a),
            "start": 0,
            "end": 0,
            "masked": a.text_reason,
            "before": "",
            "after": "",
            "maskable": False,
        }
        for a in unchecked_attachments(item)
    ]


def exemption_of(item: InfoItem) -> str:
    """The 惩戒公示 / 强制性披露 exemption of one of the item's columns, with its basis, or ''."""
    policy = (
        ColumnPolicy.objects.filter(column__in=item.columns.all())
        .exclude(pii_exemption="")
        .select_related("column")
        .first()
    )
    if policy is None:
        return ""
    text = f"{policy.get_pii_exemption_display()}栏目“{policy.column.name}”"
    return f"{text}（依据：{policy.basis}）" if policy.basis else text


def latest_precheck(item: InfoItem) -> Precheck | None:
    return Precheck.objects.filter(item=item).order_by("-id").first()


# ---------------------------------------------------------------- staff pages


def get_org_for_inspection(user: Any, code: str) -> Organization:
    """The one road to an agency's findings: someone else's agency is a 404."""
    org = orgs_for_staff(user).filter(code=code).first()
    if org is None:
        raise Http404
    return org


def open_findings(org: Organization, *, include_exempt: bool = True) -> QuerySet[Finding]:
    qs = Finding.objects.filter(org=org, resolved_at=None).select_related("column", "item")
    if not include_exempt:
        qs = qs.filter(exemption="")
    return qs.order_by("code", "id")


def resolved_findings(org: Organization, limit: int = 50) -> list[Finding]:
    return list(
        Finding.objects.filter(org=org, resolved_at__isnull=False)
        .select_related("column", "item")
        .order_by("-resolved_at", "-id")[:limit]
    )


def latest_verdict(org: Organization) -> OrgVerdict | None:
    return (
        OrgVerdict.objects.filter(org=org).select_related("run").order_by("-run__started_at", "-id").first()
    )


def latest_site_run() -> InspectionRun | None:
    """The latest stored run over all agencies that judged the whole site (R-WEB-1/3), for the staff index."""
    return (
        InspectionRun.objects.filter(scope="").exclude(site_verdict="").order_by("-started_at", "-id").first()
    )


def overview_for_staff(user: Any) -> list[dict[str, Any]]:
    """Each agency the user may see, with its latest verdict and the number of open findings."""
    orgs = list(orgs_for_staff(user).order_by("sort_order", "code"))
    counts = dict(
        Finding.objects.filter(org__in=orgs, resolved_at=None, exemption="")
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    verdicts = latest_verdicts(orgs)
    return [{"org": o, "verdict": verdicts.get(o.pk), "open": counts.get(o.pk, 0)} for o in orgs]


def may_manage_inspection(user: Any) -> bool:
    """Word lists, deduction rules and column exemptions are kept by the 政务公开办 (platform admins)."""
    return is_platform_admin(user)


# ---------------------------------------------------------------- assessment and 通报 (issue 10 item 6)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def assessed_orgs() -> list[Organization]:
    return list(Organization.objects.filter(is_active=True).order_by("sort_order", "code"))


def findings_open_at(orgs: list[Organization], moment: datetime) -> QuerySet[Finding]:
    """Counted findings (exempt ones left out) that were open at `moment`."""
    return Finding.objects.filter(org__in=orgs, exemption="", first_seen_at__lt=moment).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=moment)
    )


def latest_verdicts(
    orgs: list[Organization], until: date | None = None, since: date | None = None
) -> dict[int, OrgVerdict]:
    """Each agency's verdict of the newest stored run dated in [since, until] (by date, then start time).

    Runs are read newest first, 20 at a time, until every agency has its verdict: usually one query for the runs
    and one for the verdicts, whatever the length of the history."""
    runs = InspectionRun.objects.order_by("-as_of", "-started_at", "-id")
    if until is not None:
        runs = runs.filter(as_of__lte=until)
    if since is not None:
        runs = runs.filter(as_of__gte=since)
    remaining = {o.pk for o in orgs}
    found: dict[int, OrgVerdict] = {}
    offset, size = 0, 20
    while remaining:
        chunk = list(runs.values_list("pk", flat=True)[offset : offset + size])
        if not chunk:
            break
        order = {pk: n for n, pk in enumerate(chunk)}
        newest: dict[int, OrgVerdict] = {}
        for v in OrgVerdict.objects.filter(run_id__in=chunk, org_id__in=remaining).select_related("run"):
            if v.org_id not in newest or order[v.run_id] < order[newest[v.org_id].run_id]:
                newest[v.org_id] = v
        found.update(newest)
        remaining -= set(newest)
        offset += size
    return found


def _counts(qs: QuerySet[Finding]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, code, n in (
        qs.values("org_id", "code").annotate(n=Count("id")).values_list("org_id", "code", "n")
    ):
        counts[org_id][code] = n
    return counts


def public_detail(code: str, detail: str) -> str:
    """A finding's text as the public 通报 prints it: a sensitive-word finding names the item, never the word
    (printing it would publish the blocked-word list; review finding I10)."""
    if code != rules.SENSITIVE_WORD:
        return detail
    cut = detail.rfind("中含有敏感词")
    return detail[:cut] + "中含有敏感词。" if cut >= 0 else rules.CODE_LABELS[code] + "。"


def problems_by_org(
    orgs: list[Organization], moment: datetime, limit: int = 30
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, int]]:
    """What each agency must still fix: open at `moment` (the period's end) and not fixed since, oldest first, at
    most `limit` each; and the number of such problems of each agency."""
    qs = findings_open_at(orgs, moment).filter(resolved_at__isnull=True)
    totals = dict(qs.values("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in qs.order_by("org_id", "first_seen_at", "id").only(
        "org_id", "code", "rule", "detail", "first_seen_at"
    ):
        rows = result[f.org_id]
        if len(rows) < limit:
            rows.append(
                {
                    "label": f.label,
                    "rule": f.rule,
                    "detail": public_detail(f.code, f.detail),
                    "since": timezone.localdate(f.first_seen_at).isoformat(),
                }
            )
    return result, totals


def assessment_rows(assessment: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """(indicator names, one row per agency ranked): every indicator scored by its kind, the total and the rank.
    A fixed number of queries whatever the number of agencies."""
    orgs = assessed_orgs()
    indicators = list(assessment.indicators.all())
    moment = end_of_day(assessment.as_of)
    verdicts = latest_verdicts(orgs, assessment.as_of)
    counts = _counts(findings_open_at(orgs, moment))
    manual = {
        (s.indicator_id, s.org_id): float(s.score)
        for s in ManualScore.objects.filter(indicator__in=indicators)
    }
    votes = {
        row["org_id"]: (float(row["avg"]), row["n"])
        for row in Vote.objects.filter(assessment=assessment)
        .values("org_id")
        .annotate(avg=Avg("rating"), n=Count("id"))
    }
    fallback = calc.vote_fallback([mean for mean, _ in votes.values()])
    rows = []
    for org in orgs:
        verdict = verdicts.get(org.pk)
        org_counts = counts.get(org.pk, {})
        scores = []
        for ind in indicators:
            scores.append(
                calc.indicator_score(
                    ind.kind,
                    ind.weight,
                    inspection_score=verdict.score if verdict else None,
                    vetoed=bool(verdict and verdict.vetoes),
                    findings=sum(org_counts.get(code, 0) for code in ind.codes),
                    per_finding=ind.per_finding,
                    manual=manual.get((ind.pk, org.pk)),
                    vote_mean=votes[org.pk][0] if org.pk in votes else fallback,
                )
            )
        rows.append(
            {
                "org": org,
                "code": org.code,
                "name": org.name,
                "scores": scores,
                "total": calc.round2(sum(scores)),
                "votes": votes.get(org.pk, (0.0, 0))[1],
                "verdict": verdict.verdict if verdict else "",
                "vetoes": [rules.VETO_LABELS.get(v, v) for v in (verdict.vetoes if verdict else [])],
            }
        )
    ranking = calc.ranks([(r["code"], r["total"]) for r in rows])
    for r in rows:
        r["rank"] = ranking[r["code"]]
    rows.sort(key=lambda r: (r["rank"], r["code"]))
    return [ind.name for ind in indicators], rows


def monthly_rows(first: date, last: date) -> list[dict[str, Any]]:
    """The month's 检查情况: per agency the newest verdict of a run dated in the month, the findings seen during the
    month by type, how many were new and how many were fixed; ranked by score (agencies not inspected last)."""
    orgs = assessed_orgs()
    start, end = start_of_day(first), end_of_day(last)
    verdicts = latest_verdicts(orgs, last, since=first)
    seen = Finding.objects.filter(org__in=orgs, exemption="", first_seen_at__lt=end).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=start)
    )
    counts = _counts(seen)
    new = dict(
        seen.filter(first_seen_at__gte=start)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    fixed = dict(
        seen.filter(resolved_at__gte=start, resolved_at__lt=end)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    rows = []
    for org in orgs:
        verdict = verdicts.get(org.pk)
        rows.append(
            {
                "org": org,
                "code": org.code,
                "name": org.name,
                "total": float(verdict.score) if verdict else None,
                "verdict": verdict.verdict if verdict else "",
                "vetoes": [rules.VETO_LABELS.get(v, v) for v in (verdict.vetoes if verdict else [])],
                "counts": {
                    rules.CODE_LABELS.get(code, code): n for code, n in sorted(counts.get(org.pk, {}).items())
                },
                "new": new.get(org.pk, 0),
                "fixed": fixed.get(org.pk, 0),
            }
        )
    inspected = calc.ranks([(r["code"], r["total"]) for r in rows if r["total"] is not None])
    for r in rows:
        r["rank"] = inspected.get(r["code"])
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
    return rows


def bulletins_public() -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(published_at__isnull=False).order_by("-published_at", "-id")


def bulletins() -> QuerySet[Bulletin]:
    return Bulletin.objects.select_related("created_by", "assessment")


def manual_grid(indicators: list[Any]) -> list[dict[str, Any]]:
    """The hand-scoring grid: per agency, one cell per manual indicator with the score already entered."""
    values = {
        (s.indicator_id, s.org_id): f"{s.score.normalize():f}"
        for s in ManualScore.objects.filter(indicator__in=indicators)
    }
    return [
        {
            "name": org.name,
            "cells": [
                {
                    "field": f"score-{ind.pk}-{org.pk}",
                    "label": f"{org.name} {ind.name}",
                    "max": ind.weight,
                    "value": values.get((ind.pk, org.pk), ""),
                }
                for ind in indicators
            ],
        }
        for org in assessed_orgs()
    ]


# ---------------------------------------------------------------- dashboards (issue 10 item 6: trends)

TREND_DAYS = 90


def trend(
    orgs: list[Organization], *, days: int = TREND_DAYS, today: date | None = None
) -> list[dict[str, Any]]:
    """Per day of the last `days` (from the first day with data): open counted findings at the end of the day,
    new and fixed that day, and from the stored runs dated that day the mean score and the number of agencies
    不合格 (None on days without a run). Two queries whatever the number of days and agencies."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    spans = [
        (timezone.localdate(seen), timezone.localdate(resolved) if resolved else None)
        for seen, resolved in Finding.objects.filter(
            org__in=orgs, exemption="", first_seen_at__lt=end_of_day(today)
        )
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=start_of_day(first)))
        .values_list("first_seen_at", "resolved_at")
    ]
    newest: dict[tuple[date, int], tuple[int, str]] = {}  # (day, org) → (score, verdict) of the newest run
    for day, org_id, score, verdict in (
        OrgVerdict.objects.filter(org__in=orgs, run__as_of__gte=first, run__as_of__lte=today)
        .order_by("run__started_at", "id")
        .values_list("run__as_of", "org_id", "score", "verdict")
    ):
        newest[(day, org_id)] = (score, verdict)
    by_day: dict[date, list[tuple[int, str]]] = defaultdict(list)
    for (day, _org), value in newest.items():
        by_day[day].append(value)
    starts = [s for s, _ in spans] + list(by_day)
    if not starts:
        return []
    begin = max(first, min(starts))
    # Open at the end of a day = seen on or before it and not resolved on or before it: running sums.
    opened: Counter[date] = Counter(max(s, begin) for s, _ in spans)
    closed: Counter[date] = Counter(r for _, r in spans if r is not None and r >= begin)
    new = Counter(s for s, _ in spans)
    rows = []
    day, open_now = begin, 0
    while day <= today:
        open_now += opened[day] - closed[day]
        verdicts = by_day.get(day, [])
        rows.append(
            {
                "day": day,
                "open": open_now,
                "new": new[day],
                "fixed": closed[day],
                "score": calc.round2(sum(v[0] for v in verdicts) / len(verdicts)) if verdicts else None,
                "failing": sum(1 for v in verdicts if v[1] == "fail") if verdicts else None,
            }
        )
        day += timedelta(days=1)
    return rows


def trend_chart(rows: list[dict[str, Any]], *, score_label: str = "得分") -> dict[str, Any]:
    """ECharts option: open findings (bars, left axis) and the score (line, right axis, 0–100)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["待整改问题", score_label]},
        "xAxis": {"type": "category", "data": [r["day"].isoformat() for r in rows]},
        "yAxis": [
            {"type": "value", "name": "问题数", "minInterval": 1},
            {"type": "value", "name": score_label, "min": 0, "max": 100},
        ],
        "series": [
            {"name": "待整改问题", "type": "bar", "data": [r["open"] for r in rows]},
            {
                "name": score_label,
                "type": "line",
                "yAxisIndex": 1,
                "connectNulls": True,
                "data": [r["score"] for r in rows],
            },
        ],
    }


def trend_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The days worth a table row (accessibility: the chart's figures as text): a run, or a change."""
    return [r for r in rows if r["score"] is not None or r["new"] or r["fixed"]]


# ---------------------------------------------------------------- 工作要点 task ledger (issue 10 item 7)


def ledger_units(
    plan: WorkPlan, *, orgs: list[Organization] | None = None, overdue_on: date | None = None
) -> list[TaskUnit]:
    """The plan's ledger, one row per task and responsible unit, with the evidence (no query per row).
    `overdue_on`: only the units not done whose deadline is before that day."""
    qs = TaskUnit.objects.filter(task__plan=plan).select_related("task", "org")
    if orgs is not None:
        qs = qs.filter(org__in=orgs)
    if overdue_on is not None:
        qs = qs.filter(task__deadline__lt=overdue_on).exclude(status=TaskUnit.Status.DONE)
    qs = qs.prefetch_related(Prefetch("evidence", queryset=TaskEvidence.objects.select_related("item")))
    today = timezone.localdate()
    units = list(qs.order_by("task__sort_order", "task_id", "-lead", "id"))
    for u in units:
        u.overdue = bool(u.task.deadline and u.task.deadline < today and u.status != TaskUnit.Status.DONE)  # type: ignore[attr-defined]
    return units


def plans_overview() -> list[dict[str, Any]]:
    """Each plan with its number of tasks, of units done and of units overdue today."""
    today = timezone.localdate()
    plans = list(WorkPlan.objects.all())
    stats = {
        row["task__plan"]: row
        for row in TaskUnit.objects.filter(task__plan__in=plans)
        .values("task__plan")
        .annotate(
            units=Count("id"),
            done=Count("id", filter=Q(status=TaskUnit.Status.DONE)),
            overdue=Count("id", filter=Q(task__deadline__lt=today) & ~Q(status=TaskUnit.Status.DONE)),
        )
    }
    tasks = dict(
        Task.objects.filter(plan__in=plans).values("plan").annotate(n=Count("id")).values_list("plan", "n")
    )
    return [
        {
            "plan": p,
            "tasks": tasks.get(p.pk, 0),
            "units": stats.get(p.pk, {}).get("units", 0),
            "done": stats.get(p.pk, {}).get("done", 0),
            "overdue": stats.get(p.pk, {}).get("overdue", 0),
        }
        for p in plans
    ]


def get_unit_for_staff(user: Any, pk: int) -> TaskUnit:
    """The one road to a ledger row: the office, or the staff of the responsible agency; anyone else a 404."""
    unit = TaskUnit.objects.select_related("task__plan", "org").filter(pk=pk).first()
    if unit is None or not orgs_for_staff(user).filter(pk=unit.org_id).exists():
        raise Http404
    return unit
