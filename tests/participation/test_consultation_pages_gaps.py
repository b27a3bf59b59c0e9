"""Issue 8 item 1 (公众参与): the agency's 专栏 links to its consultations, and a refused comment comes back to its
writer with the text as typed (R-INT-1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.participation import services
from gongkai.participation.models import Comment
from gongkai.participation.services import ConsultationData

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def consultation(agency, publisher):
    today = timezone.localdate()
    return services.consultation_open(
        actor=publisher,
        org=agency.org,
        data=ConsultationData(
            title="某市城市绿化条例（草案）",
            draft_text="第一条 为了促进城市绿化，制定本条例。",
            explanation="起草说明。",
            opens_on=today,
            closes_on=today + timedelta(days=30),
        ),
    )


def test_agency_column_links_to_its_consultations(agency, consultation, client):
    home = client.get(reverse("portal:org", args=[agency.org.code]))
    assert home.status_code == 200
    listing = reverse("participation:org_consultations", args=[agency.org.code])
    assert f'href="{listing}"' in home.content.decode()
    page = client.get(listing).content.decode()
    assert consultation.title in page
    assert reverse("participation:consultation", args=[consultation.pk]) in page


@pytest.mark.parametrize(
    ("body", "shown", "message"),
    [
        ("建议<script>alert(1)</script>增加绿地", "&lt;script&gt;alert(1)&lt;/script&gt;", "网页代码"),
        ("绿" * 50_000, "绿" * 50_000, "不能超过"),
        ("😀😀😀👍", "😀😀😀👍", "只有表情或符号"),
    ],
    ids=["script", "50000-chars", "emoji-only"],
)
def test_bad_comment_is_shown_again_to_its_writer(consultation, client, body, shown, message):
    page = reverse("participation:consultation", args=[consultation.pk])
    r = client.post(page, {"body": body, "name": "林十"})
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html
    assert shown in html and 'value="林十"' in html  # the writer's text and name are kept in the form
    assert "<script>alert(1)</script>" not in html  # escaped, never executed
    assert not Comment.objects.exists()
