"""R-WEB-3: bonus points for portals, up to 30, on top of the 100-point score."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gongkai.core.errors import ApplicationError
from gongkai.inspection import rules, services
from gongkai.inspection.models import BonusAward, OrgVerdict
from gongkai.orgs.models import Organization, User
from tests.inspection.helpers import AS_OF, bare_agency, put, run


def test_bonus_is_capped_and_counts_towards_the_pass_mark():
    base = {"stale_columns": [], "empty_columns": 0, "homepage_is_stale": False}
    rule = [rules.DeductionRule("pii", 10, 0)]
    v = rules.verdict(**base, counts={"pii": 5}, rules=rule, bonus=15)
    assert (v.score, v.bonus, v.verdict) == (65, 15, "pass")
    assert rules.verdict(**base, counts={}, rules=rule, bonus=45).score == 130
    vetoed = rules.verdict(**{**base, "homepage_is_stale": True}, counts={}, rules=rule, bonus=30)
    assert vetoed.verdict == "fail" and vetoed.score == 130


@pytest.fixture
def office():
    return User.objects.create_user(username="bn-admin", password="x-Password-2026", is_platform_admin=True)


@pytest.mark.django_db
def test_portal_bonus_within_a_year_is_added_to_the_run(office):
    portal = bare_agency("bnp")
    Organization.objects.filter(pk=portal.org.pk).update(kind=Organization.Kind.GOVERNMENT)
    portal.org.refresh_from_db()
    put(portal, AS_OF)
    services.bonus_add(
        actor=office, org=portal.org, label="政策问答库", points=12, awarded_on=AS_OF - timedelta(days=30)
    )
    services.bonus_add(
        actor=office, org=portal.org, label="旧的加分", points=8, awarded_on=AS_OF - timedelta(days=400)
    )
    report = run(portal, persist=True)
    assert report.verdict.score == 112 and report.verdict.bonus == 12
    assert OrgVerdict.objects.get(org=portal.org).bonus == 12

    department = bare_agency("bnd")
    with pytest.raises(ApplicationError):
        services.bonus_add(actor=office, org=department.org, label="x", points=5, awarded_on=AS_OF)
    with pytest.raises(ApplicationError):
        services.bonus_add(actor=office, org=portal.org, label="x", points=31, awarded_on=AS_OF)


@pytest.mark.django_db
def test_bonus_page_is_the_offices(client, office):
    portal = bare_agency("bnv")
    Organization.objects.filter(pk=portal.org.pk).update(kind=Organization.Kind.GOVERNMENT)
    client.force_login(portal.admin)
    assert client.get("/staff/inspection/bonus/").status_code == 404
    client.force_login(office)
    response = client.post(
        "/staff/inspection/bonus/",
        {"org": portal.org.pk, "label": "特色专栏", "points": "5", "awarded_on": AS_OF.isoformat()},
    )
    assert response.status_code == 302
    award = BonusAward.objects.get()
    assert "特色专栏" in client.get("/staff/inspection/bonus/").content.decode()
    client.post(f"/staff/inspection/bonus/{award.pk}/delete/")
    assert not BonusAward.objects.exists()
