"""Regressions found in review: odd ids never 500, designations stay inside the government's own agencies."""

import pytest

from gongkai.core.errors import ApplicationError
from gongkai.core.params import int_id
from gongkai.orgs.models import Role
from tests.factories import make_agency, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"), [("12", 12), ("", 0), ("abc", 0), ("²", 0), ("1" * 5000, 0), (" 7 ", 7), ("-3", 0)]
)
def test_int_id(raw, expected):
    assert int_id({"x": raw}, "x") == expected


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/items?external_id=pk:²",
        "/api/v1/items?external_id=pk:" + "9" * 5000,
        "/api/3/action/package_show?id=²",
        "/api/3/action/package_show?id=" + "9" * 5000,
    ],
)
def test_odd_numeric_ids_are_not_server_errors(client, url):
    assert client.get(url).status_code < 500


def test_ckan_huge_number_is_a_validation_error(client):
    response = client.post(
        "/api/3/action/package_search", data='{"rows": 1e400}', content_type="application/json"
    )
    assert response.status_code < 500


def test_staff_forms_with_non_numeric_ids(client):
    a = make_agency("rv")
    client.force_login(a.publisher)
    from gongkai.publishing import services

    issue = services.gazette_issue_create(actor=a.publisher, org=a.org, year=2026, number=9)
    assert client.post(f"/staff/gazette/{issue.pk}/", {"op": "up", "entry": "abc"}).status_code == 404
    assert client.post("/staff/gazette/", {"org": "abc", "year": "2026", "number": "1"}).status_code == 200


def test_report_designation_only_below_the_government():
    from gongkai.reports import services

    city = make_org("示例市人民政府", kind="government")
    dept = make_org("示例市教育局", parent=city)
    other_county = make_org("邻县人民政府", kind="government", level="county")
    admin = make_user("rv_admin", city, Role.ORG_ADMIN)
    report = services.report_open(actor=admin, org=city, year=2025)
    services.report_designate(actor=admin, report=report, orgs=[dept])
    with pytest.raises(ApplicationError) as err:
        services.report_designate(actor=admin, report=report, orgs=[dept, other_county])
    assert err.value.code == "bad_org" and "邻县人民政府" in err.value.message
    assert list(report.included_orgs.all()) == [dept]
