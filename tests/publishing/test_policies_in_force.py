"""现行有效 lists and the annual report's table 二 figures (R-PUB-6, R-RPT-3)."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from gongkai.publishing import selectors, services
from gongkai.publishing.models import InfoItem
from tests.factories import make_agency, publish

pytestmark = pytest.mark.django_db


def _at(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 10, 0))


@pytest.fixture
def agency():
    return make_agency("p")


def _published(agency, title, on, **fields):
    item = publish(agency, title, **fields)
    InfoItem.objects.filter(pk=item.pk).update(published_at=_at(*on))
    return InfoItem.objects.get(pk=item.pk)


def test_r_rpt_3_table_two_counts(agency):
    _published(agency, "规章甲", (2024, 3, 1), kind="rule")
    _published(agency, "规范性文件乙", (2025, 5, 1), kind="normative")
    expiring = _published(
        agency, "规范性文件丙", (2021, 1, 1), kind="normative", valid_until=date(2025, 6, 30)
    )
    repealed = _published(agency, "规范性文件丁", (2022, 1, 1), kind="normative")
    repealer = _published(agency, "规范性文件戊", (2025, 9, 1), kind="normative")
    services.item_relation_add(actor=agency.publisher, source=repealer, type="repeals", target=repealed)
    InfoItem.objects.filter(pk=repealed.pk).update(validity_changed_on=date(2025, 9, 1))
    _published(agency, "其他信息", (2025, 1, 1))
    counts = selectors.policy_counts(agency.org, 2025)
    assert counts["rule"] == {"made": 0, "repealed": 0, "in_force": 1}
    # made: 乙 and 戊; repealed: 丙 (expired 2025-07-01) and 丁 (repealed 2025-09-01); in force on 12-31: 乙 and 戊.
    assert counts["normative"] == {"made": 2, "repealed": 2, "in_force": 2}
    counts_2024 = selectors.policy_counts(agency.org, 2024)
    assert counts_2024["normative"] == {"made": 0, "repealed": 0, "in_force": 2}
    assert counts_2024["rule"]["made"] == 1
    assert expiring.pk not in [i.pk for i in selectors.policies_in_force(agency.org, date(2025, 12, 31))]


def test_policies_page_lists_in_force_documents(client, agency):
    _published(agency, "现行规范性文件", (2025, 5, 1), kind="normative")
    _published(agency, "过期规范性文件", (2019, 5, 1), kind="normative", valid_until=date(2024, 5, 1))
    _published(agency, "普通通知", (2025, 5, 1))
    page = client.get(f"/orgs/{agency.org.code}/policies/").content.decode()
    assert "现行规范性文件" in page and "过期规范性文件" not in page and "普通通知" not in page
