"""Structured columns (issue 7 §9): 重大建设项目 and 公共资源配置 with typed fields and filterable listings."""

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.publishing import services
from gongkai.publishing.structures import STRUCTURES, clean_values
from tests.factories import make_agency, publish


def test_field_cleaning():
    values, errors = clean_values(
        STRUCTURES["major_project"],
        {
            "project_name": "环城快速路",
            "stage": "施工管理",
            "approved_on": "2025-3-1",
            "investment_10k": "1,200.50",
        },
    )
    assert errors == {"approved_on": "批准（办理）日期应为“年-月-日”格式的日期。"}
    values, errors = clean_values(
        STRUCTURES["major_project"],
        {
            "project_name": "环城快速路",
            "stage": "施工管理",
            "approved_on": "2025-03-01",
            "investment_10k": "1,200.50",
        },
    )
    assert errors == {} and values["investment_10k"] == "1200.5"
    _, errors = clean_values(STRUCTURES["major_project"], {"stage": "随便"})
    assert set(errors) == {"project_name", "stage"}


@pytest.mark.django_db
def test_structured_listing_filters(client):
    a = make_agency("st")
    column = services.column_create(actor=a.admin, org=a.org, name="重大建设项目", structure="major_project")
    projects = [
        (
            "环城快速路审批",
            {
                "project_name": "环城快速路",
                "stage": "审批核准备案",
                "approved_on": "2025-03-01",
                "investment_10k": "500000",
                "owner": "示例市城投集团",
            },
        ),
        (
            "第一中学新校区施工许可",
            {
                "project_name": "第一中学新校区",
                "stage": "施工管理",
                "approved_on": "2026-01-10",
                "investment_10k": "32000",
                "owner": "示例市教育局",
            },
        ),
    ]
    for title, values in projects:
        item = publish(a, title, columns=[column])
        services.item_structured_set(actor=a.publisher, item=item, structure="major_project", values=values)
    url = f"/orgs/{a.org.code}/columns/{column.pk}/"
    page = client.get(url).content.decode()
    assert "环城快速路" in page and "第一中学新校区" in page and "总投资（万元）" in page

    def titles(query):
        body = client.get(url + "?" + query).content.decode()
        return [t for t, _ in projects if t in body]

    assert titles("stage=施工管理") == ["第一中学新校区施工许可"]
    assert titles("owner=城投") == ["环城快速路审批"]
    assert titles("approved_on_from=2026-01-01") == ["第一中学新校区施工许可"]
    assert titles("investment_10k_from=100000") == ["环城快速路审批"]
    assert titles("investment_10k_to=abc") == [t for t, _ in projects]  # a bad bound is ignored, not a 500
    item = publish(a, "普通通知")
    with pytest.raises(ApplicationError):
        services.item_structured_set(actor=a.publisher, item=item, structure="major_project", values={})
    with pytest.raises(PermissionDenied):
        services.item_structured_set(actor=a.drafter, item=item, structure="major_project", values={})
