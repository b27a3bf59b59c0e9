"""The agency's 政府信息公开年报 column lists its published annual reports (R-RPT-1, R-PUB-4)."""

from datetime import date

import pytest

from gongkai.orgs.models import Role
from gongkai.publishing.models import Column
from gongkai.reports import services
from tests.factories import make_org, make_user
from tests.reports.factories import req

pytestmark = pytest.mark.django_db


def test_annual_report_column_lists_published_reports(client):
    org = make_org("年报栏目测试局")
    head = make_user("rc_head", org, Role.FOI_HEAD)
    req(org, date(2025, 3, 1), replied_on=date(2025, 3, 2))
    report = services.report_open(actor=head, org=org, year=2025)
    column = Column.objects.get(org=org, parent=None, section="annual_report")
    url = f"/orgs/{org.code}/columns/{column.pk}/"
    assert "2025年" not in client.get(url).content.decode()
    services.report_transition(actor=head, report=report, action="publish")
    page = client.get(url).content.decode()
    assert "2025年" in page and f"/orgs/{org.code}/annual-reports/2025/" in page
