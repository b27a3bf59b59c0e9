"""Reads of the reports app: the figures of an annual report, computed in the database, and the roads to a report.

Tables 三 and 四 are aggregated with GROUP BY (one query each, whatever the number of requests); table 二's policy
rows come from `publishing.selectors.policy_counts`; the rest is what staff entered on the report.
`get_report_for_staff(user, pk)` is the one road to a report in the back office (org_admin, foi_head or publisher of
the agency, or a platform admin); anyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, CharField, Count, DateField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from gongkai.foi.models import ClockEvent, Remedy, Request
from gongkai.orgs.models import Organization, Role
from gongkai.orgs.selectors import is_platform_admin, orgs_with_role
from gongkai.publishing.models import Column, InfoItem
from gongkai.publishing.selectors import items_public, policy_counts
from gongkai.reports import rules, workflow
from gongkai.reports.models import AnnualReport, CarryBaseline

STAFF_ROLES = (Role.ORG_ADMIN, Role.FOI_HEAD, Role.PUBLISHER)
ANNUAL_REPORT_SECTION = "annual_report"

# ---------------------------------------------------------------- the roads to a report


def report_orgs_for_staff(user: Any) -> QuerySet[Organization]:
    """Agencies whose annual reports this user may prepare (every agency for platform admins)."""
    if is_platform_admin(user):
        return Organization.objects.all()
    return orgs_with_role(user, *STAFF_ROLES)


def reports_for_staff(user: Any) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(org__in=report_orgs_for_staff(user)).select_related("org")


def get_report_for_staff(user: Any, pk: int) -> AnnualReport:
    report = AnnualReport.objects.select_related("org").filter(pk=pk).first()
    if report is None or not report_orgs_for_staff(user).filter(pk=report.org_id).exists():
        raise Http404
    return report


def may_prepare(user: Any, org: Organization) -> bool:
    return report_orgs_for_staff(user).filter(pk=org.pk).exists()


def may_designate(user: Any, org: Organization) -> bool:
    """Which agencies a government's report aggregates is decided by its org admin or a platform admin."""
    return is_platform_admin(user) or orgs_with_role(user, Role.ORG_ADMIN).filter(pk=org.pk).exists()


def reports_public(org: Organization) -> QuerySet[AnnualReport]:
    """The agency's published reports, newest year first (for its 政府信息公开年报 column)."""
    return AnnualReport.objects.filter(org=org, status=workflow.PUBLISHED).order_by("-year")


def report_public(org: Organization, year: int) -> AnnualReport:
    report = reports_public(org).filter(year=year).select_related("org").first()
    if report is None:
        raise Http404
    return report


def annual_report_column(org: Organization) -> Column | None:
    """The column with section "annual_report" at the root of the agency's tree."""
    return Column.objects.filter(org=org, parent__isnull=True, section=ANNUAL_REPORT_SECTION).first()


# ---------------------------------------------------------------- figures


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def table3_counts(org_ids: list[int], year: int, fmt: str) -> dict[int, dict[str, dict[str, int]]]:
    """Per agency, table 三 counts by row and applicant column, from the request records (one GROUP BY query).

    A request is closed on its reply date; a withdrawn one on its withdrawal date (its receipt date when unknown) and
    counted under （六）其他处理 3.其他. `new`: received in the year; `carried_over`: received before the year and not
    closed before 1 January; outcome rows: closed in the year; `carried_forward`: received by 31 December and not
    closed by then. Awaiting confirmation (no receipt date): not counted.
    """
    start, end = _year_bounds(year)
    closed = Case(
        When(status=Request.Status.REPLIED, then=F("replied_on")),
        When(status=Request.Status.WITHDRAWN, then=Coalesce(F("withdrawn_on"), F("received_on"))),
        default=None,
        output_field=DateField(),
    )
    outcome = Case(
        When(status=Request.Status.REPLIED, then=F("outcome")),
        When(status=Request.Status.WITHDRAWN, then=Value(rules.WITHDRAWN_OUTCOME)),
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        Request.objects.filter(org_id__in=org_ids, received_on__isnull=False, received_on__lte=end)
        .annotate(closed_on=closed, report_outcome=outcome)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .values("org_id", "applicant_type", "report_outcome")
        .annotate(
            new=Count("pk", filter=Q(received_on__gte=start)),
            carried_over=Count("pk", filter=Q(received_on__lt=start)),
            closed_in_year=Count("pk", filter=Q(closed_on__lte=end)),
            carried_forward=Count("pk", filter=Q(closed_on__isnull=True) | Q(closed_on__gt=end)),
        )
        .order_by()
    )
    result: dict[int, dict[str, dict[str, int]]] = {}
    for r in rows:
        col = r["applicant_type"]
        if col not in rules.COLUMNS:
            continue
        table = result.setdefault(r["org_id"], {})
        for key in (rules.NEW, rules.CARRIED_OVER, rules.CARRIED_FORWARD):
            if r[key]:
                cell = table.setdefault(key, {})
                cell[col] = cell.get(col, 0) + r[key]
        if r["closed_in_year"] and r["report_outcome"]:
            row = rules.outcome_key(r["report_outcome"], fmt)
            cell = table.setdefault(row, {})
            cell[col] = cell.get(col, 0) + r["closed_in_year"]
    return result


def table4_counts(org_ids: list[int], year: int) -> dict[str, dict[str, int]]:
    """Remedies filed in the year, by kind and result as of 31 December (decided later = pending)."""
    start, end = _year_bounds(year)
    result_at = Case(
        When(
            Q(decided_on__isnull=False, decided_on__lte=end) & ~Q(result=Remedy.Result.PENDING),
            then=F("result"),
        ),
        default=Value(Remedy.Result.PENDING),
        output_field=CharField(),
    )
    rows = (
        Remedy.objects.filter(request__org_id__in=org_ids, filed_on__gte=start, filed_on__lte=end)
        .annotate(result_at=result_at)
        .values("kind", "result_at")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        counts.setdefault(r["kind"], {})[r["result_at"]] = r["n"]
    return counts


def fee_summary(org_ids: list[int], year: int) -> rules.FeeSummary:
    """信息处理费: notices sent in the year (with their amounts) and payments received in the year."""
    start, end = _year_bounds(year)
    base = ClockEvent.objects.filter(
        request__org_id__in=org_ids, cancelled_at__isnull=True, on__gte=start, on__lte=end
    )
    zero = Value(Decimal("0"))
    notices = base.filter(type=ClockEvent.Type.FEE_NOTICE).aggregate(
        n=Count("pk"), amount=Coalesce(Sum("request__fee_amount"), zero)
    )
    paid = base.filter(type=ClockEvent.Type.FEE_PAID).aggregate(
        n=Count("pk"), amount=Coalesce(Sum("request__fee_amount"), zero)
    )
    return rules.FeeSummary(
        notices=notices["n"],
        amount=Decimal(notices["amount"]),
        paid=paid["n"],
        collected=Decimal(paid["amount"]),
    )


def table2_computed(orgs: list[Organization], year: int, fmt: str) -> dict[str, dict[str, int]]:
    """Table 二 第（一）项 from the published policies of the agencies (R-RPT-3; R-RPT-5 for the 2019 columns)."""
    total: dict[str, dict[str, int]] = {"rule": {}, "normative": {}}
    for org in orgs:
        for kind, counts in policy_counts(org, year).items():
            for key, n in counts.items():
                total[kind][key] = total[kind].get(key, 0) + n
    if fmt == rules.FORMAT_2021:
        return total
    end = datetime.combine(date(year, 12, 31), time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))
    published = dict(
        items_public()
        .filter(org__in=orgs, kind__in=[InfoItem.Kind.RULE, InfoItem.Kind.NORMATIVE], published_at__lte=end)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        kind: {
            "made": total[kind].get("made", 0),
            "published": total[kind].get("made", 0),
            "public_total": published.get(kind, 0),
        }
        for kind in ("rule", "normative")
    }


def baselines(org_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """Pre-platform 结转下年度 figures of `year` per agency (used as 上年结转 of year + 1)."""
    return {
        b.org_id: {c: int(b.counts.get(c, 0) or 0) for c in rules.COLUMNS}
        for b in CarryBaseline.objects.filter(org_id__in=org_ids, year=year)
    }


@dataclass
class ReportData:
    """Everything a report shows; `as_json` is the `gongkai report annual --format json` document."""

    org_code: str
    org_name: str
    year: int
    format_version: str
    table2: dict[str, dict[str, int | Decimal]]
    table3: dict[str, dict[str, int]]
    table4: dict[str, dict[str, int]]
    checks: list[rules.Check]
    overview: str = ""
    problems: str = ""
    other: str = ""
    fees: rules.FeeSummary = field(default_factory=rules.FeeSummary)
    included: list[str] = field(default_factory=list)  # names of the aggregated agencies
    baseline_used: bool = False
    revision: int = 0
    published_on: str = ""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failing_checks(self) -> list[rules.Check]:
        return rules.failing(self.checks)

    @property
    def title(self) -> str:
        return f"{self.org_name}{self.year}年政府信息公开工作年度报告"

    @property
    def fee_text(self) -> str:
        return rules.fee_text(self.year, self.fees)

    def as_json(self) -> dict[str, Any]:
        return {
            "org": self.org_code,
            "year": self.year,
            "format_version": self.format_version,
            "table2": {r: {c: _json_number(v) for c, v in cols.items()} for r, cols in self.table2.items()},
            "table3": self.table3,
            "table4": self.table4,
            "checks": [c.as_dict() for c in self.checks],
        }

    def as_snapshot(self) -> dict[str, Any]:
        data = self.as_json()
        data["table2"] = {r: {c: str(v) for c, v in cols.items()} for r, cols in self.table2.items()}
        data.update(
            {
                "org_name": self.org_name,
                "overview": self.overview,
                "problems": self.problems,
                "other": self.other,
                "fees": {
                    "notices": self.fees.notices,
                    "amount": str(self.fees.amount),
                    "paid": self.fees.paid,
                    "collected": str(self.fees.collected),
                },
                "included": self.included,
                "baseline_used": self.baseline_used,
                "revision": self.revision,
                "published_on": self.published_on,
            }
        )
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> ReportData:
        fmt = data["format_version"]
        kinds = {(r, c): k for r, c, k in rules.table2_cells(fmt)}
        table2 = {
            r: {c: rules.table2_value(v, kinds.get((r, c), rules.SIGNED_INT)) for c, v in cols.items()}
            for r, cols in data["table2"].items()
        }
        fees = data.get("fees", {})
        return cls(
            org_code=data["org"],
            org_name=data.get("org_name", ""),
            year=data["year"],
            format_version=fmt,
            table2=table2,
            table3=data["table3"],
            table4=data["table4"],
            checks=[rules.Check(c["id"], c["ok"], c["message"]) for c in data["checks"]],
            overview=data.get("overview", ""),
            problems=data.get("problems", ""),
            other=data.get("other", ""),
            fees=rules.FeeSummary(
                notices=int(fees.get("notices", 0)),
                amount=Decimal(fees.get("amount", "0")),
                paid=int(fees.get("paid", 0)),
                collected=Decimal(fees.get("collected", "0")),
            ),
            included=list(data.get("included", [])),
            baseline_used=bool(data.get("baseline_used", False)),
            revision=int(data.get("revision", 0)),
            published_on=data.get("published_on", ""),
        )


def _json_number(value: int | Decimal) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


def report_orgs(org: Organization, report: AnnualReport | None, *, aggregate: bool) -> list[Organization]:
    """The agency itself, plus — for an aggregated government report — the agencies designated on the report."""
    orgs = [org]
    if aggregate and report is not None and report.pk:
        orgs += [o for o in report.included_orgs.order_by("sort_order", "code") if o.pk != org.pk]
    return orgs


def report_data(
    org: Organization, year: int, *, report: AnnualReport | None = None, aggregate: bool | None = None
) -> ReportData:
    """The report as it stands now: figures computed from the records, plus what staff entered on `report`.

    `aggregate` (default: whether the report designates agencies) adds the designated agencies' records.
    """
    fmt = rules.format_for_year(year)
    if aggregate is None:
        aggregate = bool(report is not None and report.pk and report.included_orgs.exists())
    orgs = report_orgs(org, report, aggregate=aggregate)
    ids = [o.pk for o in orgs]

    per_org = table3_counts(ids, year, fmt)
    base = baselines(ids, year - 1)
    counts: dict[str, dict[str, int]] = {}
    for org_id in ids:
        table = dict(per_org.get(org_id, {}))
        if org_id in base:
            table[rules.CARRIED_OVER] = base[org_id]  # the first year on the platform
        counts = rules.add_tables(counts, table)
    manual2: dict[str, dict[str, object]] = {}
    if report is not None:
        counts = rules.add_tables(counts, _int_table(report.table3_extra))
        manual2 = report.table2_manual or {}
    table3 = rules.complete_table3(counts, fmt)
    t4_counts = table4_counts(ids, year)
    if report is not None:
        t4_counts = rules.add_tables(t4_counts, _int_table(report.table4_extra))
    table4 = rules.complete_table4(t4_counts)
    table2 = rules.table2_complete(table2_computed(orgs, year, fmt), manual2, fmt)
    data = ReportData(
        org_code=org.code,
        org_name=org.name,
        year=year,
        format_version=fmt,
        table2=table2,
        table3=table3,
        table4=table4,
        checks=rules.checks(table3, table4, fmt),
        fees=fee_summary(ids, year),
        included=[o.name for o in orgs[1:]],
        baseline_used=bool(base),
    )
    draft = rules.overview_draft(
        org_name=org.name, year=year, table2=table2, table3=table3, table4=table4, fmt=fmt
    )
    data.overview = (report.text_overview if report is not None else "") or draft
    if report is not None:
        data.problems, data.other, data.revision = report.text_problems, report.text_other, report.revision
    return data


def _int_table(raw: Any) -> dict[str, dict[str, int]]:
    if not isinstance(raw, dict):
        return {}
    return {
        str(r): {str(c): int(n) for c, n in cols.items() if n not in (None, "")}
        for r, cols in raw.items()
        if isinstance(cols, dict)
    }


def published_data(report: AnnualReport) -> ReportData:
    """The version the public sees (frozen at publication)."""
    return ReportData.from_snapshot(report.snapshot)


def baseline_for(org: Organization, year: int) -> CarryBaseline | None:
    return CarryBaseline.objects.filter(org=org, year=year).first()
