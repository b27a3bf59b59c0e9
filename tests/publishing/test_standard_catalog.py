"""基层政务公开标准目录 (R-CAT): import from a workbook the test writes, link to columns, unfulfilled entries."""

import io
from datetime import date, datetime

import pytest
from django.utils import timezone
from openpyxl import Workbook

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.publishing import selectors, services
from gongkai.publishing.models import Column, InfoItem, StandardCatalogEntry
from gongkai.publishing.standard_catalog import TimeLimit, parse_time_limit
from tests.factories import make_agency, publish


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("信息形成或变更之日起20个工作日内", TimeLimit("working", 20)),
        ("十个工作日内", TimeLimit("working", 10)),
        ("批准后7日内", TimeLimit("calendar", 7)),
        ("每季度更新", TimeLimit("calendar", 92)),
        ("常态化公开", None),
        ("", None),
    ],
)
def test_r_cat_time_limits(text, expected):
    assert parse_time_limit(text) == expected


def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "序号",
            "公开事项",
            None,
            "公开内容（要素）",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "公开对象",
            "公开方式",
            "公开层级",
        ]
    )
    ws.append([None, "一级事项", "二级事项"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_r_cat_import_link_and_status(client):
    agency = make_agency("sc")
    town = agency.org
    rows = [
        [
            1,
            "社会救助",
            "最低生活保障",
            "申请条件、办理流程、救助标准",
            "《社会救助暂行办法》",
            "信息形成之日起20个工作日内",
            "民政办",
            "政府网站、公示栏",
            "全社会",
            "主动",
            "乡、村级",
        ],
        [
            2,
            None,
            "特困人员救助供养",
            "认定条件、供养标准",
            "同上",
            "常态",
            "民政办",
            "政府网站",
            "全社会",
            "主动",
            "乡级",
        ],
        [None] * 11,  # a blank line is ignored
        [4, "农业农村", "", "缺少二级事项的一行", "", "", "", "", "", "", ""],
    ]
    with pytest.raises(PermissionDenied):
        services.standard_catalog_import(actor=agency.drafter, org=town, data=_workbook(rows))
    count, problems = services.standard_catalog_import(actor=agency.admin, org=town, data=_workbook(rows))
    assert count == 2 and problems == ["第 6 行缺少二级事项，已跳过。"]
    dibao, tekun = StandardCatalogEntry.objects.filter(org=town).order_by("position")
    assert tekun.domain == "社会救助"  # merged cell continued from the row above
    column = Column.objects.get(org=town, statutory_code="a20.11")
    services.standard_catalog_link(actor=agency.admin, entry=dibao, column=column)
    status = {
        r["entry"].pk: r["state"] for r in selectors.standard_catalog_status(town, today=date(2026, 3, 2))
    }
    assert status == {dibao.pk: "empty", tekun.pk: "unlinked"}
    item = publish(agency, "2026年2月低保名单", columns=[column])
    InfoItem.objects.filter(pk=item.pk).update(published_at=timezone.make_aware(datetime(2026, 1, 5, 9)))
    # 20 working days after 2026-01-05 is 2026-02-02: fulfilled until then, stale after.
    assert selectors.standard_catalog_status(town, today=date(2026, 2, 2))[0]["state"] == "ok"
    assert selectors.standard_catalog_status(town, today=date(2026, 2, 3))[0]["state"] == "stale"
    # Re-import keeps the link.
    services.standard_catalog_import(actor=agency.admin, org=town, data=_workbook(rows))
    assert StandardCatalogEntry.objects.get(org=town, matter="最低生活保障").column == column
    page = client.get(f"/orgs/{town.code}/standard-catalog/").content.decode()
    assert "最低生活保障" in page and "未对应栏目" in page


@pytest.mark.django_db
def test_r_cat_bad_files():
    agency = make_agency("sd")
    with pytest.raises(ApplicationError) as err:
        services.standard_catalog_import(actor=agency.admin, org=agency.org, data=b"not a workbook")
    assert err.value.code == "bad_file"
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ApplicationError) as err:
        services.standard_catalog_import(actor=agency.admin, org=agency.org, data=out.getvalue())
    assert err.value.code == "bad_header"


@pytest.mark.django_db
def test_staff_page_imports_and_links(client):
    agency = make_agency("se")
    client.force_login(agency.admin)
    upload = io.BytesIO(
        _workbook([[1, "社会救助", "临时救助", "救助标准", "", "20个工作日", "", "", "", "主动", ""]])
    )
    upload.name = "目录.xlsx"
    response = client.post(
        f"/staff/standard-catalog/?org={agency.org.code}", {"op": "import", "file": upload}, follow=True
    )
    assert "已导入 1 条" in response.content.decode()
    entry = StandardCatalogEntry.objects.get(org=agency.org)
    column = Column.objects.filter(org=agency.org).first()
    client.post(
        f"/staff/standard-catalog/?org={agency.org.code}",
        {"op": "link", "entry": entry.pk, "column": column.pk},
    )
    entry.refresh_from_db()
    assert entry.column == column
    client.force_login(agency.drafter)
    assert client.get("/staff/standard-catalog/").status_code == 404
