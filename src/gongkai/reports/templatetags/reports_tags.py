"""`{% load reports_tags %}{% annual_reports org %}`: the agency's published annual reports, for its 政府信息公开年报
column page (the portal includes it where `column.section == "annual_report"`)."""

from __future__ import annotations

from typing import Any

from django import template

from gongkai.orgs.models import Organization
from gongkai.reports import selectors

register = template.Library()


@register.inclusion_tag("reports/public/_list.html")
def annual_reports(org: Organization) -> dict[str, Any]:
    return {"reports": list(selectors.reports_public(org).select_related("org"))}
