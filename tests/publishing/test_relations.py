"""Relations between items (issue 7 §1): interprets / amends / repeals / replaces, both sides, R-PUB-6 effects."""

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.publishing import selectors, services
from gongkai.publishing.models import InfoItem, ItemRelation
from tests.factories import draft, make_agency, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return make_agency("r")


def _publish_existing(agency, item):
    item = services.item_transition(actor=agency.drafter, item=item, action="submit")
    item = services.item_transition(actor=agency.reviewer, item=item, action="approve")
    return services.item_transition(actor=agency.publisher, item=item, action="publish")


def test_r_pub_6_publishing_an_amending_item_marks_the_target_amended(agency):
    old = publish(agency, "旧办法")
    new = draft(agency, "关于修改《旧办法》的决定")
    services.item_relation_add(actor=agency.drafter, source=new, type="amends", target=old)
    old.refresh_from_db()
    assert old.validity == "valid"  # nothing changes before the amending item is published
    new = _publish_existing(agency, new)
    old.refresh_from_db()
    assert old.validity == "amended"
    assert old.validity_changed_on is not None
    assert selectors.replacing_item(old) == new
    # A system revision records the change; the audit entry names the cause.
    assert old.revisions.first().reason.startswith("因《关于修改《旧办法》的决定》发布")
    assert AuditEntry.objects.filter(
        action="item.validity", object_id=str(old.pk), to_state="amended"
    ).exists()


@pytest.mark.parametrize("rel_type", ["repeals", "replaces"])
def test_r_pub_6_repeal_or_replacement_marks_repealed(agency, rel_type):
    old = publish(agency, "旧规定")
    new = draft(agency, "新规定")
    services.item_relation_add(actor=agency.drafter, source=new, type=rel_type, target=old)
    _publish_existing(agency, new)
    old.refresh_from_db()
    assert old.validity == "repealed"


def test_relation_added_after_publication_applies_at_once(agency):
    old = publish(agency, "旧")
    new = publish(agency, "新")
    services.item_relation_add(actor=agency.publisher, source=new, type="repeals", target=old)
    old.refresh_from_db()
    assert old.validity == "repealed"


def test_interpretation_is_shown_on_both_sides(agency):
    policy = publish(agency, "某政策", kind="normative")
    reading = draft(agency, "《某政策》解读")
    services.item_relation_add(actor=agency.drafter, source=reading, type="interprets", target=policy)
    reading = _publish_existing(agency, reading)
    assert selectors.item_relations(policy)["in"] == [("interprets", reading)]
    assert selectors.item_relations(reading)["out"] == [("interprets", policy)]
    policy.refresh_from_db()
    assert policy.validity == "valid"  # an interpretation changes nothing


def test_self_relation_and_cycles_are_refused(agency):
    a = draft(agency, "甲")
    b = draft(agency, "乙")
    with pytest.raises(ApplicationError) as err:
        services.item_relation_add(actor=agency.drafter, source=a, type="amends", target=a)
    assert err.value.code == "self_relation"
    services.item_relation_add(actor=agency.drafter, source=a, type="amends", target=b)
    with pytest.raises(ApplicationError) as err:
        services.item_relation_add(actor=agency.drafter, source=b, type="amends", target=a)
    assert err.value.code == "relation_cycle"
    c = draft(agency, "丙")
    services.item_relation_add(actor=agency.drafter, source=b, type="repeals", target=c)
    with pytest.raises(ApplicationError) as err:
        services.item_relation_add(actor=agency.drafter, source=c, type="replaces", target=a)
    assert err.value.code == "relation_cycle"
    with pytest.raises(ApplicationError) as err:
        services.item_relation_add(actor=agency.drafter, source=a, type="amends", target=b)
    assert err.value.code == "duplicate"


def test_cross_agency_targets_must_be_public_and_below_the_source():
    from gongkai.orgs.models import Role
    from tests.factories import Agency, make_org, make_user

    one = make_agency("x1")
    child_org = make_org("下级局", parent=one.org)
    two = Agency(
        org=child_org,
        drafter=make_user("x2_d", child_org, Role.DRAFTER),
        reviewer=make_user("x2_r", child_org, Role.REVIEWER),
        publisher=make_user("x2_p", child_org, Role.PUBLISHER),
        admin=make_user("x2_a", child_org, Role.ORG_ADMIN),
    )
    sibling = make_agency("x3")
    theirs_public = publish(two, "下级单位文件")
    theirs_draft = draft(two, "下级单位草稿")
    siblings_public = publish(sibling, "平级单位文件")
    mine = draft(one, "上级机关修改下级机关文件")
    services.item_relation_add(actor=one.drafter, source=mine, type="amends", target=theirs_public)
    with pytest.raises(ApplicationError) as err:
        services.item_relation_add(actor=one.drafter, source=mine, type="amends", target=theirs_draft)
    assert err.value.code == "bad_target"
    # A sibling's document cannot be amended or repealed, only interpreted.
    with pytest.raises(ApplicationError) as err:
        services.item_relation_add(actor=one.drafter, source=mine, type="repeals", target=siblings_public)
    assert err.value.code == "bad_target"
    services.item_relation_add(actor=one.drafter, source=mine, type="interprets", target=siblings_public)
    with pytest.raises(PermissionDenied):
        services.item_relation_add(actor=two.drafter, source=mine, type="interprets", target=theirs_public)
    _publish_existing(one, mine)
    theirs_public.refresh_from_db()
    assert theirs_public.validity == "amended"
    assert InfoItem.objects.get(pk=siblings_public.pk).validity == "valid"


def test_only_a_publisher_adds_an_immediate_effect(agency):
    old = publish(agency, "旧")
    new = publish(agency, "新")
    with pytest.raises(PermissionDenied):
        services.item_relation_add(actor=agency.drafter, source=new, type="repeals", target=old)
    assert InfoItem.objects.get(pk=old.pk).validity == "valid"
    services.item_relation_add(
        actor=agency.drafter, source=new, type="interprets", target=old
    )  # no effect: fine


def test_validity_set_partially_invalid_is_not_a_repeal_and_no_cycles(agency):
    x = publish(agency, "甲")
    y = publish(agency, "乙")
    services.item_validity_set(
        actor=agency.publisher, item=x, validity="partially_invalid", changed_on=None, by_item=y
    )
    assert ItemRelation.objects.get(source=y, target=x).type == "amends"
    with pytest.raises(ApplicationError) as err:
        services.item_validity_set(
            actor=agency.publisher, item=y, validity="amended", changed_on=None, by_item=x
        )
    assert err.value.code == "relation_cycle"


def test_relations_of_published_items_cannot_be_removed(agency):
    old = publish(agency, "旧")
    new = draft(agency, "新")
    rel = services.item_relation_add(actor=agency.drafter, source=new, type="repeals", target=old)
    services.item_relation_remove(actor=agency.drafter, relation=rel)
    assert not ItemRelation.objects.filter(pk=rel.pk).exists()
    rel = services.item_relation_add(actor=agency.drafter, source=new, type="repeals", target=old)
    _publish_existing(agency, new)
    with pytest.raises(ApplicationError):
        services.item_relation_remove(actor=agency.drafter, relation=rel)
    assert InfoItem.objects.get(pk=old.pk).validity == "repealed"


def test_import_refuses_a_relation_cycle(tmp_path, agency):
    import json
    from io import StringIO

    from django.core.management import call_command

    lines = [
        {
            "external_id": "c-a",
            "org": agency.org.code,
            "title": "甲",
            "body_text": "甲",
            "published_at": "2024-01-02",
            "relations": [{"type": "amends", "target": "c-b"}],
        },
        {
            "external_id": "c-b",
            "org": agency.org.code,
            "title": "乙",
            "body_text": "乙",
            "published_at": "2024-01-03",
            "relations": [{"type": "amends", "target": "c-a"}],
        },
    ]
    path = tmp_path / "items.jsonl"
    path.write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8"
    )
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "items", str(path), stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "line 2: relation_cycle" in err.getvalue()
    assert list(
        InfoItem.objects.filter(external_id__startswith="c-").values_list("external_id", flat=True)
    ) == ["c-a"]
