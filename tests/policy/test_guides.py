"""办事指南 (R-WEB-4): not published while a key element is empty; each publication keeps a version."""

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.policy import selectors, services
from tests.policy.conftest import guide_data

pytestmark = pytest.mark.django_db


def test_r_web_4_publication_refused_naming_each_missing_element(agency):
    guide = services.guide_create(
        actor=agency.drafter, org=agency.org, data=guide_data(basis="", fees="", phone="  ")
    )
    with pytest.raises(ApplicationError) as err:
        services.guide_transition(actor=agency.publisher, guide=guide, action="publish")
    assert err.value.code == "missing_elements"
    assert "设定依据、收费标准、联系电话" in err.value.message
    assert "不收费" in err.value.message
    guide.refresh_from_db()
    assert guide.status == "draft" and guide.version == 0 and not guide.versions.exists()
    services.guide_update(actor=agency.drafter, guide=guide, data=guide_data(fees="不收费"))
    guide = services.guide_transition(actor=agency.publisher, guide=guide, action="publish")
    assert guide.status == "published" and guide.version == 1


def test_name_required_and_long_text(agency):
    with pytest.raises(ApplicationError) as err:
        services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data(name=""))
    assert (err.value.code, err.value.field) == ("missing_field", "name")
    with pytest.raises(ApplicationError) as err:
        services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data(materials="料" * 50000))
    assert (err.value.code, err.value.field) == ("too_long", "materials")


def test_versions_are_kept_and_public_sees_only_published(agency):
    guide = services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data())
    assert not selectors.guides_public(agency.org).exists()
    with pytest.raises(PermissionDenied):
        services.guide_transition(actor=agency.drafter, guide=guide, action="publish")
    guide = services.guide_transition(actor=agency.publisher, guide=guide, action="publish")
    services.guide_update(actor=agency.drafter, guide=guide, data=guide_data(hours="工作日 8:30-17:30"))
    # The working copy changed; the public still sees version 1.
    current = selectors.guide_version(selectors.guide_public(guide.pk))
    assert current.number == 1 and current.snapshot["hours"] == "工作日 9:00-17:00"
    guide = services.guide_transition(
        actor=agency.admin, guide=guide, action="publish", comment="调整办理时间"
    )
    assert guide.version == 2
    assert selectors.guide_version(guide).snapshot["hours"] == "工作日 8:30-17:30"
    assert selectors.guide_version(guide, 1).snapshot["hours"] == "工作日 9:00-17:00"
    assert selectors.guide_version(guide, 2).note == "调整办理时间"
    with pytest.raises(ApplicationError) as err:
        services.guide_transition(actor=agency.publisher, guide=guide, action="publish")
    assert err.value.code == "unchanged"
    guide = services.guide_transition(
        actor=agency.publisher, guide=guide, action="withdraw", comment="事项取消"
    )
    assert not selectors.guides_public().filter(pk=guide.pk).exists()
    assert guide.versions.count() == 2
    assert AuditEntry.objects.filter(action="guide.publish", object_id=str(guide.pk)).count() == 2


def test_other_agency_may_not_edit(agency, other):
    guide = services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data())
    with pytest.raises(PermissionDenied):
        services.guide_update(actor=other.admin, guide=guide, data=guide_data(name="改名"))
