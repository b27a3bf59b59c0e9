"""The 12345 yearly work figures: counts by category, channel and agency, on-time and satisfaction rates, the page
(chart island and tables) and the Excel workbook read back with openpyxl."""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.participation import selectors, services
from gongkai.participation.services import ActionParams
from tests.participation.factories import WRITER, make_message

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def act(actor, message, action, **params):
    return services.message_transition(
        actor=actor, message=message, action=action, params=ActionParams(**params)
    )


@pytest.fixture
def year(agency, other):
    """2025: three messages at agency a, one transferred to b; one reply on time, one late, one open overdue."""
    h = agency.handler
    # 投诉 received 2025-01-24 is due 2025-02-13 (docs example).
    on_time, _ = make_message(agency.org, category="投诉", channel="领导信箱", subject="甲", body="甲事")
    act(h, on_time, "accept", on=D("2025-01-27"))
    act(h, on_time, "reply", on=D("2025-02-13"), text="已处理。")
    act(h, on_time, "rate", on=D("2025-02-14"), rating="satisfied")
    late, _ = make_message(agency.org, category="投诉", channel="12345网上受理", subject="乙", body="乙事")
    act(h, late, "accept", on=D("2025-01-27"))
    act(h, late, "reply", on=D("2025-02-14"), text="已处理。")
    act(h, late, "rate", on=D("2025-02-15"), rating="unsatisfied")
    overdue, _ = make_message(agency.org, category="咨询", channel="12345网上受理", subject="丙", body="丙事")
    act(h, overdue, "transfer", on=D("2025-01-24"), to_org=other.org)
    rejected, _ = make_message(agency.org, category="建议", channel="领导信箱", subject="丁", body="丁事")
    act(h, rejected, "reject", on=D("2025-01-24"), comment="重复留言")
    make_message(agency.org, received_on=D("2024-12-30"), subject="去年", body="去年事")
    return agency, other


def test_figures_count_by_category_channel_agency(year):
    agency, other = year
    f = selectors.yearly_figures(2025, as_of=D("2025-06-30"))
    assert f.total.received == 4 and f.total.not_accepted == 1 and f.total.replied == 2
    # Base of the on-time rate: 2 answered + 1 unanswered past its due date.
    assert (f.total.on_time, f.total.due, f.total.on_time_rate) == (1, 3, 33.3)
    assert (f.total.rated, f.total.satisfied, f.total.unsatisfied, f.total.satisfaction_rate) == (
        2,
        1,
        1,
        50.0,
    )
    cat = {r.label: r for r in f.by_category}
    assert list(cat) == ["咨询", "求助", "投诉", "举报", "意见", "建议"]
    assert cat["投诉"].received == 2 and cat["投诉"].on_time_rate == 50.0 and cat["求助"].received == 0
    assert cat["求助"].on_time_rate is None and cat["求助"].satisfaction_rate is None
    assert {r.label: r.received for r in f.by_channel} == {"领导信箱": 2, "12345网上受理": 2}
    agencies = {r.label: r for r in f.by_agency}
    assert agencies[agency.org.name].received == 3 and agencies[other.org.name].received == 1
    assert agencies[other.org.name].due == 1 and agencies[other.org.name].on_time == 0
    # Before the overdue message's due date it is not counted against the rate.
    early = selectors.yearly_figures(2025, as_of=D("2025-01-25"))
    assert early.total.due == 2


def test_figures_page_and_excel(year, client, django_assert_max_num_queries):
    url = reverse("participation:figures")
    with django_assert_max_num_queries(12):
        r = client.get(url, {"year": "2025"})
    assert r.status_code == 200
    page = r.content.decode()
    assert 'data-chart="figures-chart"' in page and "<table><caption>按类别</caption>" in page
    assert '<strong id="figures-total">4</strong>' in page
    option = json.loads(
        page.split('<script id="figures-chart" type="application/json">')[1].split("</script>")[0]
    )
    assert option["xAxis"]["data"][2] == "投诉" and option["series"][0]["data"][2] == 2
    for value in WRITER.values():
        assert value not in page
    # A bad year falls back to this year, never an error.
    for bad in ("abc", "99999", "１２３４", "1900"):
        assert client.get(url, {"year": bad}).status_code == 200
    r = client.get(reverse("participation:figures_xlsx", args=[2025]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["按类别", "按渠道", "按承办机关"]
    ws = wb["按类别"]
    assert ws["A2"].value == "类别" and ws["G2"].value == "按期答复率（%）"
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["投诉"][1] == 2 and rows["合计"][1] == 4 and rows["合计"][3] == 2
    assert rows["合计"][11] == 50.0
    assert client.get("/messages/figures/1999.xlsx").status_code == 404
