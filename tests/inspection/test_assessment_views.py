"""Staff pages of the assessment and the 通报, the public 社会评议 page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from gongkai.inspection import services
from gongkai.inspection.models import Assessment, Bulletin, ManualScore, Vote
from gongkai.orgs.models import Organization, User
from tests.inspection.helpers import AS_OF, bare_agency, column, put, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return User.objects.create_user(username="av-admin", password="x-Password-2026", is_platform_admin=True)


@pytest.fixture
def agency():
    a = bare_agency("avw")
    put(a, AS_OF - timedelta(days=30), columns=[column(a, "动态", "news")])
    Organization.objects.exclude(pk=a.org.pk).update(is_active=False)
    run(a, persist=True)
    return a


def test_office_creates_opens_scores_closes_and_publishes(client, office, agency):
    client.force_login(office)
    response = client.post(
        "/staff/inspection/assessments/",
        {"title": "2026年度考核", "year": "2026", "as_of": timezone.localdate()},
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/assessments/{assessment.pk}/")
    base = f"/staff/inspection/assessments/{assessment.pk}/"
    page = client.get(base).content.decode()
    assert "网站检查（检查指标）" in page and "合计 100 分" in page
    client.post(base + "transition/", {"action": "open"})
    manual = assessment.indicators.get(kind="manual")
    field = f"score-{manual.pk}-{agency.org.pk}"
    assert field in client.get(base).content.decode()
    page = client.post(base + "scores/", {field: "abc"}, follow=True).content.decode()
    assert "不是数字" in page
    page = client.post(base + "scores/", {field: "99"}, follow=True).content.decode()
    assert "得分应在 0 到 20 之间" in page
    client.post(base + "scores/", {field: "15.5"})
    assert ManualScore.objects.get().score == 15.5
    client.post(base + "transition/", {"action": "close"})
    response = client.post(base + "bulletin/", {"fix_by": "2026-12-31"})
    bulletin = Bulletin.objects.get()
    assert response["Location"].endswith(f"/bulletins/{bulletin.pk}/")
    page = client.get(f"/staff/inspection/bulletins/{bulletin.pk}/").content.decode()
    assert agency.org.name in page and "2026年12月31日" in page and "栏目不更新" in page

    # Every agency's staff read the 通报 and download it; only the office generates.
    client.force_login(agency.drafter)
    response = client.get(f"/staff/inspection/bulletins/{bulletin.pk}/docx/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    assert doc.tables[0].rows[1].cells[1].text == agency.org.name
    assert client.get(base).status_code == 404
    assert (
        client.post("/staff/inspection/bulletins/", {"month": "2026-01", "fix_by": "2026-02-01"}).status_code
        == 404
    )


def test_monthly_bulletin_button_and_bad_month(client, office, agency):
    client.force_login(office)
    response = client.post("/staff/inspection/bulletins/", {"month": "2026-13", "fix_by": "2026-02-01"})
    assert response.status_code == 400 and "月份不存在" in response.content.decode()
    month = f"{timezone.localdate():%Y-%m}"
    response = client.post("/staff/inspection/bulletins/", {"month": month, "fix_by": "2030-01-01"})
    bulletin = Bulletin.objects.get(kind="monthly")
    assert response.status_code == 302
    page = client.get(f"/staff/inspection/bulletins/{bulletin.pk}/").content.decode()
    assert "检查情况通报" in page and 'id="ranking"' in page


def test_public_vote_once_per_person(client, office, agency):
    assessment = services.assessment_create(actor=office, title="考核", year=2026, as_of=timezone.localdate())
    assert client.get(f"/pingyi/{assessment.pk}/").status_code == 404  # a draft is not public
    services.assessment_transition(actor=office, assessment=assessment, action="open")
    url = f"/pingyi/{assessment.pk}/"
    page = client.get(url).content.decode()
    assert agency.org.name in page and "基本满意" in page
    response = client.post(url, {f"org-{agency.org.pk}": "100"})
    assert response.status_code == 200 and "已记录 1 项评价" in response.content.decode()
    response = client.post(url, {f"org-{agency.org.pk}": "0"})  # the same browser (cookie) again
    assert "您已评价过这些单位" in response.content.decode()
    assert list(Vote.objects.values_list("rating", flat=True)) == [100]
    response = client.post(url, {f"org-{agency.org.pk}": "55"})
    assert response.status_code == 400
    services.assessment_transition(actor=office, assessment=assessment, action="close")
    assert "已结束" in client.get(url).content.decode()


def test_bulletin_published_on_the_portal_and_taken_down(client, office, agency):
    bulletin = services.bulletin_monthly(actor=office, month=f"{timezone.localdate():%Y-%m}")
    assert client.get(f"/tongbao/{bulletin.pk}/").status_code == 404
    assert bulletin.title not in client.get("/tongbao/").content.decode()
    client.force_login(agency.admin)
    assert (
        client.post(f"/staff/inspection/bulletins/{bulletin.pk}/publish/", {"public": "1"}).status_code == 404
    )
    client.force_login(office)
    client.post(f"/staff/inspection/bulletins/{bulletin.pk}/publish/", {"public": "1"})
    client.logout()
    assert bulletin.title in client.get("/tongbao/").content.decode()
    page = client.get(f"/tongbao/{bulletin.pk}/").content.decode()
    assert agency.org.name in page and 'id="ranking"' in page
    response = client.get(f"/tongbao/{bulletin.pk}/docx/")
    assert Document(io.BytesIO(response.content)).tables[0].rows[1].cells[1].text == agency.org.name
    client.force_login(office)
    client.post(f"/staff/inspection/bulletins/{bulletin.pk}/publish/", {"public": "0"})
    client.logout()
    assert client.get(f"/tongbao/{bulletin.pk}/").status_code == 404
