"""Message services: the one transition service (R-INT-2), permissions, clock fields, audit, query codes."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.hashers import check_password

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.core.models import AuditEntry, OutboxMessage
from gongkai.participation import services
from gongkai.participation.models import Message, MessageEvent
from gongkai.participation.services import ActionParams, MessageData
from tests.participation.factories import WRITER, make_message

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def act(actor, message, action, **params):
    return services.message_transition(
        actor=actor, message=message, action=action, params=ActionParams(**params)
    )


def test_r_int_2_full_loop_with_reopen_once(agency, office):
    m, _ = make_message(agency.org, received_on=D("2025-01-24"))
    assert m.status == "received" and m.due_on == D("2025-02-13") and m.limit_days == 10
    m = act(agency.handler, m, "accept", on=D("2025-01-27"))
    m = act(agency.handler, m, "reply", on=D("2025-02-14"), text="已责令施工单位整改。")
    assert m.status == "replied" and m.first_replied_on == D("2025-02-14")
    m = act(agency.handler, m, "close", on=D("2025-02-17"))
    m = services.message_transition(
        actor=None,
        message=m,
        action="rate",
        params=ActionParams(on=D("2025-02-18"), rating="unsatisfied"),
        as_writer=True,
    )
    assert m.status == "closed" and m.rating == "unsatisfied"
    m = act(agency.handler, m, "reopen", on=D("2025-03-03"))
    assert m.status == "processing" and m.round == 2 and m.due_on == D("2025-03-17") and m.rating == ""
    m = act(agency.handler, m, "reply", on=D("2025-03-10"), text="已再次核查。")
    m = act(agency.handler, m, "close", on=D("2025-03-10"))
    m = act(agency.handler, m, "rate", on=D("2025-03-11"), rating="unsatisfied")
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "reopen", on=D("2025-03-12"))
    assert exc.value.code == "reopened_once"
    clock = services.compute_clock(m)
    assert [(r.due_on, r.replied_on, r.late) for r in clock.rounds] == [
        (D("2025-02-13"), D("2025-02-14"), True),
        (D("2025-03-17"), D("2025-03-10"), False),
    ]
    actions = list(AuditEntry.objects.filter(object_id=str(m.pk)).values_list("action", flat=True))
    assert actions.count("message.reply") == 2 and "message.reopen" in actions


def test_reopen_needs_an_unsatisfied_rating(agency):
    m, _ = make_message(agency.org)
    m = act(agency.handler, m, "accept", on=D("2025-01-27"))
    m = act(agency.handler, m, "reply", on=D("2025-01-28"), text="答复。")
    m = act(agency.handler, m, "close", on=D("2025-01-28"))
    m = act(agency.handler, m, "rate", on=D("2025-01-29"), rating="satisfied")
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "reopen", on=D("2025-02-05"))
    assert exc.value.code == "not_unsatisfied"
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "rate", on=D("2025-02-05"), rating="unsatisfied")
    assert exc.value.code == "already_rated"


def test_reject_needs_reason_and_ends(agency):
    m, _ = make_message(agency.org)
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "reject", on=D("2025-01-27"))
    assert exc.value.code == "missing_comment"
    m = act(agency.handler, m, "reject", on=D("2025-01-27"), comment="不属于本平台受理范围。")
    assert m.status == "not_accepted" and m.not_accepted_reason
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "accept", on=D("2025-01-28"))
    assert exc.value.code == "bad_transition"


def test_transfer_hops_keep_the_clock_and_change_holder(agency, other):
    m, _ = make_message(agency.org)
    m = act(agency.handler, m, "transfer", on=D("2025-01-26"), to_org=other.org)
    assert m.holder_org == other.org and m.status == "received" and m.due_on == D("2025-02-13")
    # The first agency no longer holds it.
    with pytest.raises(PermissionDenied):
        act(agency.handler, m, "accept", on=D("2025-01-27"))
    m = act(other.handler, m, "send_back", on=D("2025-01-27"), comment="不属于本局职责。")
    assert m.holder_org == agency.org
    m = act(agency.handler, m, "transfer", on=D("2025-02-05"), to_org=other.org)
    m = act(other.handler, m, "accept", on=D("2025-02-05"))
    assert m.due_on == D("2025-02-13")
    hops = MessageEvent.objects.filter(message=m, type__in=["transferred", "sent_back"]).count()
    assert hops == 3


def test_send_back_only_within_two_working_days(agency, other):
    m, _ = make_message(agency.org, received_on=D("2025-09-25"))
    m = act(agency.handler, m, "transfer", on=D("2025-09-26"), to_org=other.org)
    # Friday 09-26 + 2 working days = Monday 09-29 (Sunday 09-28 is a 调休 working day).
    with pytest.raises(ApplicationError) as exc:
        act(other.handler, m, "send_back", on=D("2025-09-30"), comment="错转。")
    assert exc.value.code == "send_back_late"
    m = act(other.handler, m, "send_back", on=D("2025-09-29"), comment="错转。")
    assert m.holder_org == agency.org


def test_send_back_of_a_message_not_transferred(agency):
    m, _ = make_message(agency.org)
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "send_back", on=D("2025-01-27"), comment="错转。")
    assert exc.value.code == "not_transferred"


def test_transfer_to_self_refused(agency):
    m, _ = make_message(agency.org)
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "transfer", on=D("2025-01-27"), to_org=agency.org)
    assert exc.value.code == "self_transfer"


def test_extension_once_and_at_most_ten(agency):
    m, _ = make_message(agency.org)
    m = act(agency.handler, m, "accept", on=D("2025-01-27"))
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "extend", on=D("2025-02-10"), working_days=11, comment="情况复杂。")
    assert exc.value.code == "bad_extension"
    m = act(agency.handler, m, "extend", on=D("2025-02-10"), working_days=10, comment="情况复杂。")
    assert m.due_on == D("2025-02-27")
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "extend", on=D("2025-02-11"), working_days=1, comment="再延。")
    assert exc.value.code == "extension_twice"


def test_permissions_only_the_holders_handler(agency, other, office):
    m, _ = make_message(agency.org)
    for actor in (other.handler, agency.drafter, None):
        with pytest.raises(PermissionDenied):
            act(actor, m, "accept", on=D("2025-01-27"))
    with pytest.raises(PermissionDenied):
        act(agency.handler, m, "supervise", comment="请加快办理。")
    m = act(office, m, "supervise", comment="请加快办理。")
    assert MessageEvent.objects.filter(message=m, type="supervised").exists()


def test_dates_not_in_future_nor_before_last_event(agency):
    m, _ = make_message(agency.org)
    with pytest.raises(ApplicationError):
        act(agency.handler, m, "accept", on=D("2025-01-20"))
    with pytest.raises(ApplicationError):
        act(agency.handler, m, "accept", on=D("2099-01-01"))


def test_reply_needs_text(agency):
    m, _ = make_message(agency.org)
    m = act(agency.handler, m, "accept", on=D("2025-01-27"))
    with pytest.raises(ApplicationError) as exc:
        act(agency.handler, m, "reply", on=D("2025-01-28"), text="  ")
    assert exc.value.field == "text"


DATA = MessageData(
    category="咨询", subject="社保卡办理", body="请问社保卡在哪里办理？", name="王五", phone="13800001111"
)


def test_submit_hashes_the_code_and_catches_duplicates(agency):
    created = services.message_submit(org=agency.org, data=DATA, address="10.0.0.1")
    m = created.message
    assert m.tracking_no.startswith("LY-") and m.limit_days == 3
    assert created.query_code not in m.query_code_hash and check_password(
        created.query_code, m.query_code_hash
    )
    with pytest.raises(ApplicationError) as exc:
        services.message_submit(org=agency.org, data=DATA, address="10.0.0.2")
    assert exc.value.code == "duplicate"
    audit = AuditEntry.objects.get(action="message.submit")
    assert "王五" not in str(audit.data) and "13800001111" not in str(audit.data)


def test_submit_throttled_per_client(agency, settings):
    settings.GONGKAI_MESSAGE_SUBMIT_LIMIT = 2
    for i in range(2):
        services.message_submit(
            org=agency.org, data=MessageData(**{**DATA.__dict__, "subject": f"问题{i}"}), address="10.0.0.9"
        )
    with pytest.raises(ApplicationError) as exc:
        services.message_submit(
            org=agency.org, data=MessageData(**{**DATA.__dict__, "subject": "问题9"}), address="10.0.0.9"
        )
    assert exc.value.code == "too_many"
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "word"),
    [("字" * 50000, "不能超过"), ("😀😀🎉", "表情"), ("<script>alert(1)</script>", "网页代码")],
)
def test_submit_text_problems(agency, body, word):
    with pytest.raises(ApplicationError) as exc:
        services.message_submit(
            org=agency.org, data=MessageData(**{**DATA.__dict__, "body": body}), address="x"
        )
    assert word in exc.value.message and exc.value.field == "body"


def test_submit_needs_a_contact(agency):
    with pytest.raises(ApplicationError) as exc:
        services.message_submit(
            org=agency.org, data=MessageData(**{**DATA.__dict__, "phone": ""}), address="x"
        )
    assert exc.value.field == "phone"


def test_sla_set_applies_to_new_messages(agency):
    services.sla_set(actor=None, category="咨询", working_days=5)
    assert services.category_limit("咨询") == 5
    m, _ = make_message(agency.org, category="咨询")
    assert m.limit_days == 5
    with pytest.raises(ApplicationError):
        services.sla_set(actor=None, category="闲聊", working_days=5)
    with pytest.raises(ApplicationError):
        services.sla_set(actor=None, category="咨询", working_days=0)


def test_writer_pii_never_in_audit(agency):
    m, _ = make_message(agency.org)
    act(agency.handler, m, "accept", on=D("2025-01-27"))
    for entry in AuditEntry.objects.all():
        text = f"{entry.data} {entry.comment}"
        for value in WRITER.values():
            assert value not in text


def test_duplicate_to_another_agency_within_a_minute(agency, other):
    services.message_submit(org=agency.org, data=DATA, address="10.0.0.1")
    with pytest.raises(ApplicationError) as exc:
        services.message_submit(org=other.org, data=DATA, address="10.0.0.3")
    assert exc.value.code == "duplicate"


def test_transfer_mails_the_new_holders_handlers(agency, other):
    m, _ = make_message(agency.org)
    act(agency.handler, m, "transfer", on=D("2025-01-27"), to_org=other.org)
    assert list(
        OutboxMessage.objects.filter(subject__startswith="转办留言").values_list("to", flat=True)
    ) == [other.handler.email]
