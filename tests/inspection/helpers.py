"""Builders for the inspection tests."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from gongkai.inspection.services import OrgReport, inspection_run
from gongkai.publishing.models import Column, InfoItem
from gongkai.publishing.services import column_create
from tests.factories import Agency, make_agency, publish

AS_OF = date(2025, 6, 30)
TZ = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=TZ)


def bare_agency(prefix: str) -> Agency:
    """An agency without the standard 专栏 (whose empty columns would fill every report)."""
    agency = make_agency(prefix)
    Column.objects.filter(org=agency.org).delete()
    return agency


def column(
    agency: Agency, name: str, update_class: str = "notice", *, parent=None, first_level=False
) -> Column:
    return column_create(
        actor=None,
        org=agency.org,
        name=name,
        parent=parent,
        update_class=update_class,
        first_level=first_level,
    )


def put(agency: Agency, on: date, *, columns=(), title: str = "关于测试工作的通知", **fields) -> InfoItem:
    """A published item dated `on` (10:00 Beijing time)."""
    item = publish(agency, title, columns=list(columns), **fields)
    InfoItem.objects.filter(pk=item.pk).update(published_at=at(on))
    item.refresh_from_db()
    return item


def run(agency: Agency, as_of: date = AS_OF, **kwargs) -> OrgReport:
    kwargs.setdefault("network", False)
    kwargs.setdefault("persist", False)
    return inspection_run(actor=None, as_of=as_of, orgs=[agency.org], **kwargs).orgs[0]


def codes(report: OrgReport) -> list[str]:
    return sorted(f.code for f in report.findings)
