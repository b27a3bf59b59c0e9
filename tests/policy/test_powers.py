"""权责清单: a working copy, immutable published versions with a required note, computed differences."""

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.policy import selectors, services
from tests.policy.conftest import entry_data

pytestmark = pytest.mark.django_db


def _names(version):
    return [e.name for e in selectors.power_entries(version)]


def test_versions_and_diffs(agency, other):
    a = services.power_entry_add(actor=agency.drafter, org=agency.org, data=entry_data(agency, "甲许可"))
    services.power_entry_add(
        actor=agency.drafter, org=agency.org, data=entry_data(agency, "乙处罚", "penalty")
    )
    services.power_entry_add(
        actor=agency.drafter, org=agency.org, data=entry_data(agency, "丙检查", "inspection")
    )
    with pytest.raises(PermissionDenied):
        services.power_list_publish(actor=agency.drafter, org=agency.org, note="首次公布")
    with pytest.raises(ApplicationError) as err:
        services.power_list_publish(actor=agency.publisher, org=agency.org, note="  ")
    assert (err.value.code, err.value.field) == ("missing_field", "note")
    v1 = services.power_list_publish(actor=agency.publisher, org=agency.org, note="首次公布")
    assert v1.number == 1 and v1.status == "published"
    assert selectors.power_working_copy(agency.org) is None

    # A published version is immutable.
    with pytest.raises(ApplicationError) as err:
        services.power_entry_update(actor=agency.drafter, entry=a, data=entry_data(agency, "甲许可改"))
    assert err.value.code == "immutable"
    with pytest.raises(ApplicationError) as err:
        services.power_entry_remove(actor=agency.drafter, entry=a)
    assert err.value.code == "immutable"

    # Edit a working copy: rename one, remove one, add one, change the responsible agency of another.
    draft = services.power_working_copy_start(actor=agency.drafter, org=agency.org)
    entries = {e.name: e for e in selectors.power_entries(draft)}
    assert set(entries) == {"甲许可", "乙处罚", "丙检查"}
    services.power_entry_update(
        actor=agency.drafter,
        entry=entries["甲许可"],
        data=entry_data(agency, "甲许可（合并）", basis="《某某条例》关于甲许可的规定"),
    )
    services.power_entry_remove(actor=agency.drafter, entry=entries["乙处罚"])
    services.power_entry_update(
        actor=agency.drafter,
        entry=entries["丙检查"],
        data=entry_data(agency, "丙检查", "inspection", responsible=other.org),
    )
    services.power_entry_add(
        actor=agency.drafter, org=agency.org, data=entry_data(agency, "丁确认", "confirmation")
    )
    # The public still sees version 1 until publication.
    assert _names(selectors.power_version_public(agency.org)) == ["甲许可", "乙处罚", "丙检查"]
    v2 = services.power_list_publish(
        actor=agency.admin, org=agency.org, note="合并甲许可，取消乙处罚，新增丁确认"
    )
    assert v2.number == 2
    assert selectors.power_version_public(agency.org).pk == v2.pk
    assert _names(selectors.power_version_public(agency.org, 1)) == ["甲许可", "乙处罚", "丙检查"]

    diff = selectors.power_version_diff(selectors.power_previous_version(v2), v2)
    assert [e["name"] for e in diff.added] == ["丁确认"]
    assert [e["name"] for e in diff.removed] == ["乙处罚"]
    changes = {c.name: c.fields for c in diff.changed}
    assert changes["甲许可（合并）"] == [("事项名称", "甲许可", "甲许可（合并）")]
    assert changes["丙检查"] == [("责任主体", agency.org.name, other.org.name)]
    first = selectors.power_version_diff(None, v1)
    assert len(first.added) == 3 and not first.removed


def test_publishing_an_unchanged_copy_is_refused(agency):
    services.power_entry_add(actor=agency.drafter, org=agency.org, data=entry_data(agency, "甲许可"))
    services.power_list_publish(actor=agency.publisher, org=agency.org, note="首次公布")
    with pytest.raises(ApplicationError) as err:
        services.power_list_publish(actor=agency.publisher, org=agency.org, note="再次")
    assert err.value.code == "no_working_copy"
    services.power_working_copy_start(actor=agency.drafter, org=agency.org)
    with pytest.raises(ApplicationError) as err:
        services.power_list_publish(actor=agency.publisher, org=agency.org, note="再次")
    assert err.value.code == "unchanged"
    services.power_list_discard(actor=agency.drafter, org=agency.org)
    assert selectors.power_working_copy(agency.org) is None


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": ""}, "missing_field", "name"),
        ({"category": "行政命令"}, "bad_category", "category"),
        ({"basis": ""}, "missing_field", "basis"),
        ({"basis": "依" * 50000}, "too_long", "basis"),
        ({"responsible": None}, "missing_field", "responsible"),
    ],
)
def test_bad_entries(agency, overrides, code, field):
    fields = {"name": "甲许可", **overrides}
    with pytest.raises(ApplicationError) as err:
        services.power_entry_add(actor=agency.drafter, org=agency.org, data=entry_data(agency, **fields))
    assert (err.value.code, err.value.field) == (code, field)
    assert selectors.power_working_copy(agency.org) is None  # nothing half-written


def test_other_agency_refused(agency, other):
    with pytest.raises(PermissionDenied):
        services.power_entry_add(actor=other.drafter, org=agency.org, data=entry_data(agency, "甲许可"))
