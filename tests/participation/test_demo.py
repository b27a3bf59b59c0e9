"""The participation app's demo data (gongkai.participation.demo): the consultation's comments are moderated (the
public page shows the published ones, never the withheld one), it has a question and an article-level comment, and the
Open311 service list answers with a request posted through Open311."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Organization, Role
from gongkai.participation import demo
from gongkai.participation.models import Comment, Message, Open311Service
from gongkai.publishing.demo import ORG_BY_KEY
from tests.factories import make_agency, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_orgs():
    """The two agencies the demo writes for, under the demo city's codes and user names."""
    cache.clear()
    for key in ("jyj", "jtj", "szf"):
        agency = make_agency(key)
        Organization.objects.filter(pk=agency.org.pk).update(code=ORG_BY_KEY[key].code)
        make_user(f"{key}_org_admin", agency.org, Role.ORG_ADMIN)
    yield
    cache.clear()


def test_consultation_comments_moderated_with_question_and_article(client):
    names = iter(["赵子轩", "钱雨桐", "孙浩宇", "李欣怡"])
    consultation = demo.load_consultation_demo(today=timezone.localdate(), person=lambda: next(names))
    comments = list(consultation.comments.order_by("id"))
    assert [c.moderation for c in comments].count("published") == 3
    (withheld,) = [c for c in comments if c.moderation == "withheld"]
    assert withheld.withheld_reason == "advertising" and withheld.body  # the writer's text is kept
    assert consultation.questions.get().kind == "single"
    assert any(c.article == 3 for c in comments if c.moderation == "published")
    assert any(c.answers.get("1") == "赞成" for c in comments)
    assert AuditEntry.objects.filter(action="consultation.comment_withhold").count() == 1
    page = client.get(f"/consultations/{consultation.pk}/").content.decode()
    for c in comments:
        assert (c.body in page) is (c.moderation == "published")


def test_open311_service_list_and_posted_request(client):
    counts = demo.load_open311_demo(today=timezone.localdate())
    assert counts == {"open311_services": 3, "messages": 1}
    listed = {s["service_code"] for s in client.get("/open311/v2/services.json").json()}
    assert (
        listed
        == set(Open311Service.objects.values_list("code", flat=True))
        == {
            "road-damage",
            "streetlight",
            "school-enquiry",
        }
    )
    posted = Message.objects.get()
    assert posted.service is not None and posted.service.code == "road-damage"
    assert posted.org.code == ORG_BY_KEY["jtj"].code
    (record,) = client.get(f"/open311/v2/requests/{posted.tracking_no}.json").json()
    assert record["service_code"] == "road-damage" and record["address"]  # the writer agreed to publication
    assert Comment.objects.count() == 0


def test_open311_demo_for_an_earlier_day_posts_nothing():
    counts = demo.load_open311_demo(today=timezone.localdate() - timedelta(days=30))
    assert counts == {"open311_services": 3} and not Message.objects.exists()


def test_leaders_mailboxes_offered_on_the_write_pages(client):
    assert demo.load_mailbox_demo() == 3
    page = client.get("/messages/write/").content.decode()
    assert "市长高建国信箱" in page and "局长周文华信箱" in page
    szf = Organization.objects.get(code=ORG_BY_KEY["szf"].code)
    page = client.get(f"/messages/write/{szf.code}/").content.decode()
    assert "写信给" in page and "常务副市长林晓东信箱" in page and "局长周文华信箱" not in page
