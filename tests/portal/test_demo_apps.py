"""The apps' demo data (`gongkai demo`): FOI requests, messages, a consultation, open data, a gazette issue and an
annual report draft, written through the services for the demo city."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.db.models import F
from django.test import Client, override_settings

from gongkai.foi import selectors as foi_selectors
from gongkai.foi.models import ClockEvent, Remedy, Request
from gongkai.opendata.models import Dataset, DatastoreRow, DatastoreTable
from gongkai.orgs.models import User
from gongkai.participation.models import Comment, Consultation, Message
from gongkai.portal.demo_apps import load_demo_apps
from gongkai.publishing.demo import ORGS, load_demo
from gongkai.publishing.models import GazetteIssue
from gongkai.reports.models import AnnualReport

TODAY = date(2026, 9, 15)


def _locmem() -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "demo-apps"}}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo city and its apps' data, loaded once for the module inside a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("demo-apps-files")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, CACHES=_locmem()):
        with transaction.atomic():
            load_demo(items=60, today=TODAY)
            yield load_demo_apps(today=TODAY)
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_counts(demo):
    assert demo["skipped"] == 0
    assert demo["foi_requests"] == Request.objects.count() >= 28
    assert demo["messages"] == Message.objects.count() == 30
    assert demo["datasets"] == Dataset.objects.count() == 5  # with opendata/demo.py's 有条件开放 dataset
    assert demo["gazette_issues"] == 1
    assert demo["reports"] == 1
    assert demo["remedies"] == Remedy.objects.count() >= 3
    assert Request.objects.values("org").distinct().count() == 3
    assert (demo["proposal_replies"], demo["service_guides"], demo["policy_qas"]) == (4, 3, 3)


@pytest.mark.django_db
def test_foi_states(demo):
    statuses = set(Request.objects.values_list("status", flat=True))
    assert {"awaiting_confirmation", "open", "replied", "withdrawn"} <= statuses
    outcomes = set(Request.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert {
        "disclosed",
        "partial",
        "withheld.third_party",
        "unable.not_held",
        "other.no_supplement",
    } <= outcomes
    variants = {r.reply_details.get("variant") for r in Request.objects.filter(outcome="unable.not_held")}
    assert {"not_exist", "not_ours"} <= variants
    types = set(ClockEvent.objects.values_list("type", flat=True))
    assert {"supplement_requested", "supplement_received", "extension", "fee_notice", "fee_paid"} <= types
    assert Request.objects.filter(status="open", fee_amount__gt=0).exists()
    assert Request.objects.filter(forwarded_from__isnull=False, status="open").exists()
    replied = Request.objects.filter(outcome="partial").first()
    letter = foi_selectors.reply_letter(replied)
    assert letter is not None and replied.applicant_name in letter.text


@pytest.mark.django_db
def test_foi_letter_page_renders(demo):
    replied = Request.objects.filter(outcome="disclosed").order_by("pk").first()
    client = Client()
    client.force_login(User.objects.get(username=f"{_key(replied)}_foi_handler"))
    response = client.get(f"/staff/foi/{replied.pk}/")
    assert response.status_code == 200
    assert replied.tracking_no in response.content.decode()


def _key(request: Request) -> str:
    return next(o.key for o in ORGS if o.code == request.org.code)


@pytest.mark.django_db
def test_messages_in_every_status(demo):
    statuses = set(Message.objects.values_list("status", flat=True))
    assert statuses == {"received", "processing", "not_accepted", "replied", "closed"}
    assert Message.objects.exclude(holder_org=F("org")).exists()  # transferred
    assert set(Message.objects.exclude(rating="").values_list("rating", flat=True)) == {
        "satisfied",
        "basically_satisfied",
        "unsatisfied",
    }
    assert Message.objects.filter(reopen_count=1, status="processing").exists()
    consultation = Consultation.objects.get()
    assert consultation.status == Consultation.Status.OPEN
    assert Comment.objects.filter(consultation=consultation).count() == 4


@pytest.mark.django_db
def test_datastore_and_gazette_and_report(demo):
    # opendata/demo.py adds a 有条件开放 dataset's table and leaves one for the background parse.
    tables = DatastoreTable.objects.exclude(status="pending")
    assert tables.count() == 5
    assert all(t.status == "ok" and t.row_count > 0 for t in tables)
    assert {t.encoding.lower().replace("-", "") for t in tables} >= {"utf8", "gb18030"}
    assert DatastoreRow.objects.count() == sum(t.row_count for t in tables)
    issue = GazetteIssue.objects.get()
    assert issue.status == GazetteIssue.Status.PUBLISHED and issue.entries.count() >= 3
    assert issue.published_on <= TODAY
    report = AnnualReport.objects.get()
    assert report.year == TODAY.year - 1 and report.org.name == "示范市教育局"
    assert report.status == "draft"


@pytest.mark.django_db
def test_second_call_adds_nothing(demo):
    before = (Request.objects.count(), Message.objects.count(), Dataset.objects.count())
    again = load_demo_apps(today=TODAY)
    assert not any(again.values())
    assert (Request.objects.count(), Message.objects.count(), Dataset.objects.count()) == before


@pytest.mark.django_db
def test_public_pages_show_the_data(demo):
    from gongkai.participation.selectors import public_messages

    client = Client()
    message = public_messages().first()
    assert message is not None
    assert message.subject in client.get("/messages/").content.decode()
    dataset = Dataset.objects.get(name="shifan-kindergartens")
    assert dataset.title in client.get(f"/dataset/{dataset.name}/").content.decode()
    issue = GazetteIssue.objects.get()
    assert client.get(f"/gazette/issues/{issue.pk}/").status_code == 200


@pytest.mark.django_db
def test_written_by_the_demo_staff(demo):
    from gongkai.core.models import AuditEntry

    replies = AuditEntry.objects.filter(action="foi.reply")
    assert replies.exists()
    assert {e.actor.username for e in replies} <= {f"{k}_foi_handler" for k in ("jyj", "szf", "dc")}
    assert AuditEntry.objects.filter(action="foi.extend", actor__username__endswith="_foi_head").count() == 3
    assert Request.objects.filter(received_on__gt=TODAY).count() == 0
    assert Message.objects.filter(received_on__gt=TODAY).count() == 0
