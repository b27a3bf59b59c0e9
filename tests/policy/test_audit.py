"""Every write writes exactly one audit entry, in the record's agency."""

import pytest

from gongkai.core.models import AuditEntry
from gongkai.policy import services
from tests.factories import publish
from tests.policy.conftest import entry_data, guide_data, proposal_data, qa_data

pytestmark = pytest.mark.django_db


def _one(action, org_code, fn):
    before = AuditEntry.objects.count()
    result = fn()
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-id").first().action == action
    assert AuditEntry.objects.order_by("-id").first().org_code == org_code
    return result


def test_one_audit_entry_per_write(agency):
    code = agency.org.code
    reply = _one(
        "proposal.create",
        code,
        lambda: services.proposal_create(actor=agency.drafter, org=agency.org, data=proposal_data()),
    )
    _one(
        "proposal.publish",
        code,
        lambda: services.proposal_transition(actor=agency.publisher, reply=reply, action="publish"),
    )
    guide = _one(
        "guide.create",
        code,
        lambda: services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data()),
    )
    _one(
        "guide.publish",
        code,
        lambda: services.guide_transition(actor=agency.publisher, guide=guide, action="publish"),
    )
    _one(
        "power.entry_add",
        code,
        lambda: services.power_entry_add(
            actor=agency.drafter, org=agency.org, data=entry_data(agency, "甲许可")
        ),
    )
    _one(
        "power.publish",
        code,
        lambda: services.power_list_publish(actor=agency.publisher, org=agency.org, note="首次"),
    )
    item = publish(agency, "被引用的文件", doc_no="示测〔2026〕1号")
    qa = _one(
        "qa.create", code, lambda: services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data())
    )
    _one("qa.cite", code, lambda: services.qa_citation_add(actor=agency.drafter, qa=qa, ref=item.index_no))
    _one("qa.publish", code, lambda: services.qa_transition(actor=agency.publisher, qa=qa, action="publish"))
