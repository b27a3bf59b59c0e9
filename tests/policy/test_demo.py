"""The policy demo data (called by `gongkai demo` through portal.demo_apps): written through the services by the demo
agencies' publishers, published, with a second guide version and a second 权责清单 version that differ."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.policy import rules, selectors
from gongkai.policy.demo import load_policy_demo
from gongkai.policy.models import GuideVersion, PolicyQA, PowerListVersion, ProposalReply, QACitation
from gongkai.publishing.demo import load_demo

pytestmark = pytest.mark.django_db
TODAY = date(2026, 9, 15)


def test_demo_loads_once_and_shows(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        load_demo(items=60, today=TODAY)
    counts = load_policy_demo(today=TODAY)
    assert counts == {
        "proposal_replies": 4,
        "service_guides": 3,
        "guide_versions": 4,
        "power_versions": 2,
        "power_entries": 5,
        "policy_qas": 3,
    }
    # Everything is published, by the agencies' publishers, never dated after today.
    assert set(ProposalReply.objects.values_list("status", flat=True)) == {rules.PUBLISHED}
    assert set(PolicyQA.objects.values_list("status", flat=True)) == {rules.PUBLISHED}
    assert all(r.reply_date <= TODAY for r in ProposalReply.objects.all())
    assert all(not rules.proposal_title_error(r.title, r.subject) for r in ProposalReply.objects.all())
    publishers = set(ProposalReply.objects.values_list("publisher__username", flat=True))
    assert publishers and all(name.endswith("_publisher") for name in publishers)
    # The audit log has one entry per write (create + publish of each reply, at least).
    assert AuditEntry.objects.filter(action="proposal.publish").count() == 4
    assert AuditEntry.objects.filter(action="guide.publish").count() == GuideVersion.objects.count() == 4
    # Version 2 of the 权责清单 differs from version 1 (one added, one changed).
    v1, v2 = PowerListVersion.objects.order_by("number")
    diff = selectors.power_version_diff(v1, v2)
    assert (len(diff.added), len(diff.removed), len(diff.changed)) == (1, 0, 1)
    # Each answer cites at least one public document of its own agency.
    for qa in PolicyQA.objects.all():
        cited = [c.item for c in QACitation.objects.filter(qa=qa).select_related("item")]
        assert cited and all(item.is_public and item.org_id == qa.org_id for item in cited)
    assert not any(load_policy_demo(today=TODAY).values())

    # The public pages show them.
    client = Client()
    reply = ProposalReply.objects.first()
    assert reply is not None
    assert reply.subject in client.get(reverse("policy:proposals")).content.decode()
    qa = PolicyQA.objects.first()
    assert qa is not None
    page = client.get(reverse("policy:qa", args=[qa.pk])).content.decode()
    assert qa.citations.first().item.title in page
    version = PowerListVersion.objects.get(number=2)
    changes = client.get(reverse("policy:power_changes", args=[version.org.code, 2]))
    assert changes.status_code == 200 and "家庭经济困难学生资助" in changes.content.decode()
