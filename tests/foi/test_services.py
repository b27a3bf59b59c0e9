"""FOI services against the database: creation, the statutory workflow and ledger, permissions, replies,
forwarding, fees, remedies, audit entries and the outbox."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.utils import timezone

from gongkai.core.errors import ApplicationError, CalendarNotLoaded, PermissionDenied
from gongkai.core.models import AuditEntry, CalendarYear
from gongkai.core.models import OutboxMessage as Outbox
from gongkai.core.workdays import get_schedule
from gongkai.foi import selectors, services
from gongkai.foi.models import ClockEvent, Remedy, Request
from gongkai.orgs.models import Role
from tests.factories import make_user
from tests.foi.factories import ID_BAD_CHECK, ID_OK, applicant, register
from tests.foi.schedules import HOLIDAYS_2025, HOLIDAYS_2026, WORKDAYS_2025, WORKDAYS_2026

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_schedules_match_the_loaded_calendar():
    """The hand-written 2025/2026 schedules of the clock tests are the ones the platform loads (R-CAL-1)."""
    schedule = get_schedule()
    assert {2025, 2026} <= schedule.years
    loaded = {d for d in schedule.holidays | schedule.workdays if d.year in (2025, 2026)}
    assert loaded == set(HOLIDAYS_2025 + HOLIDAYS_2026 + WORKDAYS_2025 + WORKDAYS_2026)


# ---------------------------------------------------------------- creation


def test_r_foi_2_online_submission_waits_for_confirmation_and_code_is_hashed(agency):
    created = services.request_submit(org=agency.org, data=applicant())
    request = created.request
    assert request.status == "awaiting_confirmation" and request.received_on is None
    assert request.channel == "online"
    assert len(created.query_code) >= 8
    assert created.query_code not in request.query_code_hash
    assert check_password(created.query_code, request.query_code_hash)
    assert request.tracking_no.startswith(f"YSQ-{timezone.localdate().year}-")  # year of submission
    assert request.id_number_hash and request.id_number == ID_OK
    # Mail to the applicant and to the agency's handler, without the query code.
    mails = list(Outbox.objects.order_by("id"))
    assert [m.to for m in mails] == ["zhangsan@example.com", "a_foi@example.gov.cn"]
    assert all(created.query_code not in m.body and ID_OK not in m.body for m in mails)
    assert [e.to_state for e in audit("foi.submit")] == ["awaiting_confirmation"]


def test_r_foi_2_confirmation_sets_the_statutory_receipt_date(agency):
    request = services.request_submit(org=agency.org, data=applicant()).request
    Request.objects.filter(pk=request.pk).update(
        submitted_at=datetime.combine(date(2025, 1, 19), time(22, 0), tzinfo=SHANGHAI)
    )
    with pytest.raises(ApplicationError) as exc:
        services.request_confirm(actor=agency.handler, request=request, received_on=date(2025, 1, 18))
    assert exc.value.code == "bad_date"
    request = services.request_confirm(actor=agency.handler, request=request, received_on=date(2025, 1, 20))
    assert request.status == "open" and request.received_on == date(2025, 1, 20)
    clock = selectors.request_clock(request)
    assert clock is not None and clock.due_on == date(2025, 2, 21)
    entry = audit("foi.confirm")[0]
    assert (entry.from_state, entry.to_state, entry.actor) == (
        "awaiting_confirmation",
        "open",
        agency.handler,
    )
    assert "2025年2月21日" in Outbox.objects.filter(ref__endswith=":confirmed").get().body


def test_r_foi_1_registration_checks_identity_contact_and_description(agency):
    with pytest.raises(ApplicationError) as exc:
        register(agency, id_number=ID_BAD_CHECK)
    assert (exc.value.code, exc.value.field) == ("bad_id_number", "id_number")
    with pytest.raises(ApplicationError) as exc:
        register(agency, description="  ")
    assert exc.value.field == "description"
    with pytest.raises(ApplicationError) as exc:
        register(agency, phone="", email="", address="", delivery="")
    assert exc.value.field == "phone"
    with pytest.raises(ApplicationError) as exc:
        register(agency, applicant_type="company")
    assert exc.value.code == "bad_applicant_type"
    with pytest.raises(ApplicationError) as exc:
        register(agency, channel="pigeon")
    assert exc.value.code == "bad_channel"
    # A passport number is free text; a business's 统一社会信用代码 too.
    request = register(agency, id_type="passport", id_number="E12345678", applicant_type="business")
    assert request.status == "open" and request.received_on == date(2025, 1, 20)
    assert request.tracking_no.startswith("YSQ-2025-")


def test_tracking_numbers_are_unique_and_sequential(agency, other):
    numbers = [register(agency).tracking_no, register(other).tracking_no, register(agency).tracking_no]
    assert len(set(numbers)) == 3
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3]


def test_only_foi_handlers_register(agency, other):
    for actor in (agency.drafter, agency.head, other.handler, None):
        with pytest.raises(PermissionDenied):
            services.request_register(
                actor=actor, org=agency.org, data=applicant(), channel="post", received_on=date(2025, 1, 20)
            )


def test_request_update_logs_field_names_not_values(agency):
    request = register(agency)
    services.request_update(actor=agency.handler, request=request, data=applicant(phone="13900001111"))
    request.refresh_from_db()
    assert request.phone_digits == "13900001111"
    entry = audit("foi.update")[0]
    assert entry.data == {"fields": ["phone"]}
    assert "13900001111" not in str(entry.data)


# ---------------------------------------------------------------- the ledger through the services


def test_r_foi_3_supplement_via_services_restarts_the_clock(agency):
    request = register(agency)  # 2025-01-20
    services.supplement_request(
        actor=agency.handler,
        request=request,
        on=date(2025, 1, 27),
        note="请写明项目名称",
        period_working_days=10,
    )
    clock = selectors.request_clock(request, as_of=date(2025, 2, 3))
    assert clock is not None and clock.state == "awaiting_supplement" and clock.due_on is None
    services.supplement_receive(actor=agency.handler, request=request, on=date(2025, 2, 10))
    clock = selectors.request_clock(request)
    assert clock is not None and clock.due_on == date(2025, 3, 10)
    with pytest.raises(ApplicationError) as exc:
        services.supplement_request(
            actor=agency.handler, request=request, on=date(2025, 2, 11), note="再补一次"
        )
    assert exc.value.code == "supplement_twice"
    mail = Outbox.objects.get(ref__endswith=":supplement_requested")
    assert "请写明项目名称" in mail.body and "2025年2月17日" in mail.body


def test_r_foi_3_supplement_request_after_seven_working_days_refused(agency):
    request = register(agency)
    with pytest.raises(ApplicationError) as exc:
        services.supplement_request(actor=agency.handler, request=request, on=date(2025, 2, 6), note="补正")
    assert (exc.value.code, exc.value.field) == ("supplement_too_late", "on")
    assert not ClockEvent.objects.exists() and not audit("foi.supplement_request")


def test_r_foi_4_consultation_pause_via_services(agency):
    request = register(agency, received_on=date(2025, 3, 3))
    services.consultation_start(
        actor=agency.handler, request=request, on=date(2025, 3, 10), party="third_party", party_name="某公司"
    )
    services.consultation_end(actor=agency.handler, request=request, on=date(2025, 3, 24))
    clock = selectors.request_clock(request)
    assert clock is not None and clock.due_on == date(2025, 4, 15)


def test_r_foi_4_extension_only_by_foi_head_once_and_at_most_twenty(agency, other):
    request = register(agency)  # due 2025-02-21
    for actor in (agency.handler, agency.drafter, other.head):
        with pytest.raises(PermissionDenied) as exc:
            services.extension_approve(
                actor=actor, request=request, on=date(2025, 2, 10), working_days=10, reason="量大"
            )
    assert "负责人" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        services.extension_approve(
            actor=agency.head, request=request, on=date(2025, 2, 10), working_days=10, reason=""
        )
    assert exc.value.code == "missing_comment"
    with pytest.raises(ApplicationError) as exc:
        services.extension_approve(
            actor=agency.head, request=request, on=date(2025, 2, 10), working_days=21, reason="量大"
        )
    assert (exc.value.code, exc.value.field) == ("extension_too_long", "working_days")
    with pytest.raises(ApplicationError) as exc:
        services.extension_approve(
            actor=agency.head, request=request, on=date(2025, 2, 24), working_days=5, reason="量大"
        )
    assert exc.value.code == "extension_after_deadline"
    services.extension_approve(
        actor=agency.head, request=request, on=date(2025, 2, 21), working_days=20, reason="量大"
    )
    clock = selectors.request_clock(request)
    assert clock is not None and clock.due_on == date(2025, 3, 21)
    with pytest.raises(ApplicationError) as exc:
        services.extension_approve(
            actor=agency.head, request=request, on=date(2025, 3, 3), working_days=1, reason="再延"
        )
    assert exc.value.code == "extension_twice"
    entry = audit("foi.extend")[0]
    assert entry.actor == agency.head and entry.data["working_days"] == 20 and entry.comment == "量大"
    assert "2025年3月21日" in Outbox.objects.get(ref__endswith=":extension").body


def test_ledger_actions_refused_to_other_agencies_and_other_roles(agency, other):
    request = register(agency)
    for actor in (other.handler, agency.drafter, agency.head, None):
        with pytest.raises(PermissionDenied):
            services.consultation_start(actor=actor, request=request, on=date(2025, 1, 21))
    assert not ClockEvent.objects.exists()


def test_event_cancel_keeps_the_entry_and_revalidates(agency):
    request = register(agency)
    services.supplement_request(actor=agency.handler, request=request, on=date(2025, 1, 22), note="补正事项")
    services.supplement_receive(actor=agency.handler, request=request, on=date(2025, 1, 24))
    asked = ClockEvent.objects.get(type="supplement_requested")
    # Cancelling the request to supplement would leave a receipt without a request.
    with pytest.raises(ApplicationError) as exc:
        services.clock_event_cancel(actor=agency.handler, event=asked, reason="录错", on=date(2025, 1, 27))
    assert exc.value.code == "ledger_conflict"
    came = ClockEvent.objects.get(type="supplement_received")
    services.clock_event_cancel(actor=agency.handler, event=came, reason="日期录错", on=date(2025, 1, 27))
    came.refresh_from_db()
    assert came.cancelled_at is not None and came.cancel_reason == "日期录错"
    clock = selectors.request_clock(request)
    assert clock is not None and clock.state == "awaiting_supplement"


def test_extension_cancel_needs_the_foi_head(agency):
    request = register(agency)
    services.extension_approve(
        actor=agency.head, request=request, on=date(2025, 2, 3), working_days=5, reason="量大"
    )
    ext = ClockEvent.objects.get(type="extension")
    with pytest.raises(PermissionDenied):
        services.clock_event_cancel(actor=agency.handler, event=ext, reason="误批", on=date(2025, 2, 5))
    services.clock_event_cancel(actor=agency.head, event=ext, reason="误批", on=date(2025, 2, 5))
    assert selectors.request_clock(request).due_on == date(2025, 2, 21)  # type: ignore[union-attr]


def test_r_cal_1_service_reports_a_year_not_loaded_by_name(agency):
    request = register(agency)
    CalendarYear.objects.filter(year=2025).delete()
    cache.clear()
    with pytest.raises(CalendarNotLoaded) as exc:
        services.consultation_start(actor=agency.handler, request=request, on=date(2025, 1, 22))
    assert exc.value.year == 2025 and "2025年的工作日安排尚未载入" in exc.value.message
    with pytest.raises(CalendarNotLoaded):
        selectors.request_clock(request)


def test_dates_in_the_future_refused(agency):
    request = register(agency)
    with pytest.raises(ApplicationError) as exc:
        services.consultation_start(actor=agency.handler, request=request, on=date(2099, 1, 1))
    assert exc.value.code == "bad_date"


# ---------------------------------------------------------------- replies (R-FOI-6, R-FOI-8)


def test_r_foi_6_reply_refused_without_what_the_law_demands(agency):
    request = register(agency)
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler,
            request=request,
            outcome="withheld.process_info",
            replied_on=date(2025, 2, 10),
        )
    assert exc.value.code == "incomplete_reply" and exc.value.field == "reason"
    assert "理由" in exc.value.message and "法律依据" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler,
            request=request,
            outcome="disclosed",
            replied_on=date(2025, 2, 10),
            details={"variant": "already_public"},
        )
    assert exc.value.field == "where"
    request.refresh_from_db()
    assert request.status == "open" and request.outcome == ""


def test_r_foi_8_reply_records_one_outcome_and_lateness(agency):
    request = register(agency)  # due 2025-02-21
    request = services.request_reply(
        actor=agency.handler,
        request=request,
        outcome="partial",
        replied_on=date(2025, 2, 24),
        details={
            "withheld_part": "第三方的联系方式",
            "reason": "涉及个人隐私",
            "legal_basis": "条例第十五条",
        },
        delivery_method="email",
        delivered_on=date(2025, 2, 24),
    )
    assert request.status == "replied" and request.outcome == "partial"
    assert request.reply_details["withheld_part"] == "第三方的联系方式"
    entry = audit("foi.reply")[0]
    assert entry.data["due_on"] == "2025-02-21" and entry.data["late"] is True
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler, request=request, outcome="disclosed", replied_on=date(2025, 2, 25)
        )
    assert exc.value.code == "bad_transition"


def test_reply_permission_and_dates(agency, other):
    request = register(agency)
    with pytest.raises(PermissionDenied):
        services.request_reply(
            actor=other.handler, request=request, outcome="disclosed", replied_on=date(2025, 2, 10)
        )
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler, request=request, outcome="disclosed", replied_on=date(2025, 1, 19)
        )
    assert exc.value.field == "replied_on"
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler, request=request, outcome="granted", replied_on=date(2025, 2, 10)
        )
    assert exc.value.code == "bad_outcome"


def test_r_foi_3_no_supplement_outcome_needs_the_ledger_and_an_expired_period(agency):
    request = register(agency)
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler, request=request, outcome="other.no_supplement", replied_on=date(2025, 2, 10)
        )
    assert exc.value.code == "ledger_mismatch"
    services.supplement_request(
        actor=agency.handler, request=request, on=date(2025, 1, 27), note="补正", period_working_days=10
    )
    # The period runs to 2025-02-17.
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler, request=request, outcome="other.no_supplement", replied_on=date(2025, 2, 17)
        )
    assert "2025年2月17日" in exc.value.message
    services.request_reply(
        actor=agency.handler, request=request, outcome="other.no_supplement", replied_on=date(2025, 2, 18)
    )
    request.refresh_from_db()
    assert request.outcome == "other.no_supplement"


def test_unclear_after_supplement_needs_a_supplement(agency):
    request = register(agency)
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler,
            request=request,
            outcome="unable.unclear_after_supplement",
            replied_on=date(2025, 2, 10),
            details={"reason": "仍不明确"},
        )
    assert exc.value.code == "ledger_mismatch"


# ---------------------------------------------------------------- fees (R-FOI-7)


def test_r_foi_7_fee_notice_counts_the_applicants_month_at_this_agency(agency, other):
    # Ten earlier requests this January at this agency (free), one at another agency (not counted).
    for day in range(2, 12):
        register(agency, received_on=date(2025, 1, day))
    register(other, received_on=date(2025, 1, 3))
    register(agency, received_on=date(2024, 12, 30))  # last month: not counted
    request = register(agency, received_on=date(2025, 1, 20))
    assert selectors.fee_prior_items(request) == 10
    services.fee_notice(
        actor=agency.handler,
        request=request,
        on=date(2025, 1, 22),
        basis="per_item",
        quantity=1,
        notice_received_on=date(2025, 1, 24),
    )
    request.refresh_from_db()
    assert (request.fee_basis, request.fee_prior_items, request.fee_amount) == (
        "per_item",
        10,
        Decimal("100"),
    )
    mail = Outbox.objects.get(ref__endswith=":fee_notice")
    assert "100元" in mail.body and "2025年2月27日" in mail.body  # 20 working days after 01-24
    # The clock stops from the notice: open → paused.
    assert selectors.request_clock(request, as_of=date(2025, 2, 3)).state == "paused"  # type: ignore[union-attr]
    services.fee_paid(actor=agency.handler, request=request, on=date(2025, 2, 6))
    clock = selectors.request_clock(request)
    # Counted to 01-22: 21, 22 = 2. Paused 01-22 < d ≤ 02-06: 23, 24, 26, 27, 02-05, 06 (6 working days).
    # 18 more after 02-06: 07 (1), Sat 08 调休 (2), 10 … 14 (7), 17 … 21 (12), 24 … 28 (17), 03-03 (18).
    assert clock is not None and clock.due_on == date(2025, 3, 3)


def test_r_foi_7_free_requests_get_no_notice_and_one_basis_only(agency):
    request = register(agency)
    with pytest.raises(ApplicationError) as exc:
        services.fee_notice(
            actor=agency.handler, request=request, on=date(2025, 1, 22), basis="per_page", quantity=30
        )
    assert exc.value.code == "no_fee"
    services.fee_notice(
        actor=agency.handler, request=request, on=date(2025, 1, 22), basis="per_page", quantity=201
    )
    request.refresh_from_db()
    assert request.fee_amount == Decimal("2740")
    with pytest.raises(ApplicationError) as exc:
        services.fee_notice(
            actor=agency.handler, request=request, on=date(2025, 1, 23), basis="per_item", quantity=20
        )
    assert exc.value.code == "fee_twice"


def test_r_foi_7_fee_unpaid_outcome_only_after_the_payment_period(agency):
    request = register(agency)
    services.fee_notice(
        actor=agency.handler,
        request=request,
        on=date(2025, 1, 22),
        basis="per_page",
        quantity=50,
        notice_received_on=date(2025, 1, 24),
    )
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler, request=request, outcome="other.fee_unpaid", replied_on=date(2025, 2, 27)
        )
    assert exc.value.code == "ledger_mismatch" and "2025年2月27日" in exc.value.message
    services.request_reply(
        actor=agency.handler, request=request, outcome="other.fee_unpaid", replied_on=date(2025, 2, 28)
    )
    assert Request.objects.get(pk=request.pk).outcome == "other.fee_unpaid"


# ---------------------------------------------------------------- 接收转办, withdrawal


def test_forward_creates_a_linked_request_and_replies_not_held(agency, other):
    request = register(agency)
    new = services.request_forward(
        actor=agency.handler, request=request, to_org=other.org, on=date(2025, 1, 23)
    )
    request.refresh_from_db()
    assert request.status == "replied" and request.outcome == "unable.not_held"
    assert request.reply_details["variant"] == "not_ours"
    assert request.reply_details["responsible_agency"] == other.org.name
    assert "电话" in request.reply_details["responsible_contact"]
    assert new.org == other.org and new.forwarded_from == request
    assert new.status == "awaiting_confirmation" and new.received_on is None
    assert new.applicant_name == "张三" and new.id_number == ID_OK
    assert new.query_code_hash == request.query_code_hash  # the applicant's code works for both
    assert new.tracking_no != request.tracking_no
    # Its clock starts at the receiving agency's confirmation.
    new = services.request_confirm(actor=other.handler, request=new, received_on=date(2025, 1, 24))
    assert selectors.request_clock(new).due_on == date(2025, 2, 27)  # type: ignore[union-attr]
    assert [e.data["new_request"] for e in audit("foi.forward")] == [new.tracking_no]
    assert Outbox.objects.filter(ref__endswith=":staff.forwarded_in", to="b_foi@example.gov.cn").exists()
    with pytest.raises(ApplicationError) as exc:
        services.request_forward(actor=other.handler, request=new, to_org=other.org, on=date(2025, 1, 27))
    assert exc.value.code == "self_forward"


def test_applicant_withdraws_with_the_query_code(agency):
    created = services.request_submit(org=agency.org, data=applicant())
    number = created.request.tracking_no
    with pytest.raises(ApplicationError) as exc:
        services.request_withdraw_by_applicant(
            tracking_no=number, query_code="WRONGCODE1", address="1.2.3.4", reason="不需要了"
        )
    assert exc.value.code == "query_failed"
    request = services.request_withdraw_by_applicant(
        tracking_no=number, query_code=created.query_code.lower(), address="1.2.3.4", reason="不需要了"
    )
    assert request.status == "withdrawn" and request.withdrawn_reason == "不需要了"
    entry = audit("foi.withdraw")[0]
    assert entry.data["by"] == "applicant" and entry.actor is None


def test_staff_withdrawal_needs_a_reason(agency):
    request = register(agency)
    with pytest.raises(ApplicationError):
        services.request_withdraw(actor=agency.handler, request=request, on=date(2025, 1, 21), reason=" ")
    request = services.request_withdraw(
        actor=agency.handler, request=request, on=date(2025, 1, 21), reason="申请人来电撤回"
    )
    assert request.withdrawn_on == date(2025, 1, 21)


# ---------------------------------------------------------------- remedies, delivery, codes, personal data


def test_r_foi_9_remedies_recorded_and_decided(agency, other):
    request = register(agency)
    services.request_reply(
        actor=agency.handler,
        request=request,
        outcome="withheld.process_info",
        replied_on=date(2025, 2, 10),
        details={"reason": "属于过程性信息", "legal_basis": "条例第十六条第二款"},
    )
    with pytest.raises(PermissionDenied):
        services.remedy_add(actor=other.handler, request=request, kind="review", filed_on=date(2025, 3, 1))
    with pytest.raises(ApplicationError) as exc:
        services.remedy_add(
            actor=agency.handler,
            request=request,
            kind="review",
            filed_on=date(2025, 3, 1),
            decided_on=date(2025, 4, 1),
        )
    assert exc.value.code == "bad_remedy"  # decided but no result
    remedy = services.remedy_add(
        actor=agency.handler, request=request, kind="review", filed_on=date(2025, 3, 1)
    )
    assert remedy.result == Remedy.Result.PENDING
    remedy = services.remedy_update(
        actor=agency.handler, remedy=remedy, result="corrected", decided_on=date(2025, 5, 6)
    )
    assert (remedy.result, remedy.decided_on) == ("corrected", date(2025, 5, 6))
    with pytest.raises(ApplicationError) as exc:
        services.remedy_add(actor=agency.handler, request=request, kind="appeal", filed_on=date(2025, 3, 1))
    assert exc.value.code == "bad_remedy"
    assert audit("foi.remedy_update")[0].to_state == "corrected"


def test_delivery_recorded_after_the_reply(agency):
    request = register(agency)
    with pytest.raises(ApplicationError) as exc:
        services.delivery_record(
            actor=agency.handler, request=request, delivered_on=date(2025, 2, 1), method="post"
        )
    assert exc.value.code == "not_replied"
    services.request_reply(
        actor=agency.handler, request=request, outcome="disclosed", replied_on=date(2025, 2, 10)
    )
    request = services.delivery_record(
        actor=agency.handler, request=request, delivered_on=date(2025, 2, 12), method="post"
    )
    assert (request.delivered_on, request.delivery_method) == (date(2025, 2, 12), "post")


def test_query_code_reset_shows_a_new_code_once(agency):
    created = services.request_submit(org=agency.org, data=applicant())
    code = services.query_code_reset(actor=agency.handler, request=created.request)
    created.request.refresh_from_db()
    assert check_password(code, created.request.query_code_hash)
    assert not check_password(created.query_code, created.request.query_code_hash)


def test_applicant_details_only_for_handlers_and_each_opening_logged(agency, other):
    request = register(agency)
    admin = make_user("gkb", None, is_platform_admin=True)
    root = make_user("gkroot", None, is_superuser=True)
    for actor in (other.handler, agency.drafter, agency.head):
        with pytest.raises(PermissionDenied):
            services.applicant_details_view(actor=actor, request=request)
    details = services.applicant_details_view(actor=agency.handler, request=request)
    assert details.id_number == ID_OK and details.id_type_label == "居民身份证"
    # A platform admin (or superuser) without the explicit permission does not open it.
    for actor in (admin, root):
        assert not selectors.may_see_applicant(actor, request)
        with pytest.raises(PermissionDenied):
            services.applicant_details_view(actor=actor, request=request)
    # Granted explicitly (by a superuser; an admin cannot grant it to themselves): then it does, logged.
    with pytest.raises(PermissionDenied):
        services.applicant_access_set(actor=admin, user=admin, granted=True)
    assert services.applicant_access_set(actor=root, user=admin, granted=True)
    assert not services.applicant_access_set(actor=root, user=admin, granted=True)  # no change
    services.applicant_details_view(actor=admin, request=request)
    assert [e.actor for e in audit("foi.applicant_view")] == [agency.handler, admin]
    assert [(e.actor, e.to_state) for e in audit("foi.applicant_access")] == [(root, "granted")]
    # Only platform admins take the permission; withdrawn, it no longer opens the data.
    with pytest.raises(ApplicationError) as exc:
        services.applicant_access_set(actor=root, user=agency.drafter, granted=True)
    assert exc.value.code == "not_platform_admin"
    services.applicant_access_set(actor=None, user=admin, granted=False)
    with pytest.raises(PermissionDenied):
        services.applicant_details_view(actor=admin, request=request)


def test_applicant_permission_through_a_group_counts(agency):
    from django.contrib.auth.models import Group, Permission

    request = register(agency)
    admin = make_user("gkb", None, is_platform_admin=True)
    group = Group.objects.create(name="申请人信息查看")
    group.permissions.add(Permission.objects.get(codename="view_applicant", content_type__app_label="foi"))
    assert not selectors.may_see_applicant(admin, request)
    admin.groups.add(group)
    assert selectors.may_see_applicant(admin, request)


def test_one_audit_entry_per_service_call(agency):
    request = register(agency)
    before = AuditEntry.objects.count()
    services.consultation_start(actor=agency.handler, request=request, on=date(2025, 1, 22))
    services.consultation_end(actor=agency.handler, request=request, on=date(2025, 1, 24))
    services.request_reply(
        actor=agency.handler, request=request, outcome="disclosed", replied_on=date(2025, 2, 10)
    )
    assert AuditEntry.objects.count() == before + 3


def test_outbox_rows_roll_back_with_a_refused_write(agency):
    request = register(agency)
    count = Outbox.objects.count()
    with pytest.raises(ApplicationError):
        services.extension_approve(
            actor=agency.head, request=request, on=date(2025, 3, 3), working_days=5, reason="超期后延期"
        )
    assert Outbox.objects.count() == count


def test_a_second_handler_role_elsewhere_gives_no_rights_here(agency, other):
    # The other agency's handler, also a drafter here, still cannot act on this agency's requests.
    from gongkai.orgs.services import membership_grant

    membership_grant(actor=None, user=other.handler, org=agency.org, role=Role.DRAFTER)
    request = register(agency)
    with pytest.raises(PermissionDenied):
        services.request_reply(
            actor=other.handler, request=request, outcome="disclosed", replied_on=date(2025, 2, 10)
        )


# ---------------------------------------------------------------- R-FOI-5 (条例 第三十五条)


def test_r_foi_5_reasons_then_a_later_reply_date_set_by_the_foi_head(agency):
    request = register(agency)  # received 2025-01-20, due 2025-02-21
    with pytest.raises(ApplicationError) as exc:
        services.reason_request(actor=agency.handler, request=request, on=date(2025, 1, 22), note=" ")
    assert exc.value.code == "missing_comment"
    services.reason_request(
        actor=agency.handler, request=request, on=date(2025, 1, 22), note="请说明一个月内申请120件的用途"
    )
    mail = Outbox.objects.filter(ref__endswith=":reason_requested").get()
    assert "第三十五条" in mail.body and "120件" in mail.body
    with pytest.raises(ApplicationError) as exc:
        services.later_reply_date_set(
            actor=agency.head,
            request=request,
            on=date(2025, 2, 10),
            reply_by=date(2025, 3, 31),
            reason="合理",
        )
    assert exc.value.code == "no_reason_received"
    services.reason_receive(actor=agency.handler, request=request, on=date(2025, 1, 27), note="课题研究")
    with pytest.raises(PermissionDenied) as perm:
        services.later_reply_date_set(
            actor=agency.handler,
            request=request,
            on=date(2025, 2, 10),
            reply_by=date(2025, 3, 31),
            reason="合理",
        )
    assert "确定延迟答复期限" in perm.value.message
    with pytest.raises(ApplicationError) as exc:
        services.later_reply_date_set(
            actor=agency.head,
            request=request,
            on=date(2025, 2, 10),
            reply_by=date(2025, 2, 20),
            reason="合理",
        )
    assert (exc.value.code, exc.value.field) == ("later_date_not_later", "reply_by")
    services.later_reply_date_set(
        actor=agency.head,
        request=request,
        on=date(2025, 2, 10),
        reply_by=date(2025, 3, 31),
        reason="课题研究，理由合理",
    )
    result = selectors.request_clock(request)
    assert result is not None and result.due_on == date(2025, 3, 31)
    entry = audit("foi.later_date")[0]
    assert entry.actor == agency.head and entry.data["reply_by"] == "2025-03-31"
    assert "2025年3月31日" in Outbox.objects.filter(ref__endswith=":later_date").get().body
    # Reasons judged reasonable: no 不予处理 for excess any more.
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(
            actor=agency.handler,
            request=request,
            outcome="not_processed.excessive",
            replied_on=date(2025, 2, 12),
            details={"reason": "理由不合理"},
        )
    assert exc.value.code == "ledger_mismatch"
    # Only the FOI head cancels it; the deadline falls back to the counted one.
    later = ClockEvent.objects.get(type="later_reply_date")
    with pytest.raises(PermissionDenied):
        services.clock_event_cancel(actor=agency.handler, event=later, reason="误录", on=date(2025, 2, 11))
    services.clock_event_cancel(actor=agency.head, event=later, reason="误录", on=date(2025, 2, 11))
    assert selectors.request_clock(request).due_on == date(2025, 2, 21)  # type: ignore[union-attr]


def test_r_foi_5_excessive_not_processed_only_after_asking_for_reasons(agency):
    request = register(agency)
    reply = {
        "actor": agency.handler,
        "outcome": "not_processed.excessive",
        "replied_on": date(2025, 2, 10),
        "details": {"reason": "一个月内申请120件，所述理由不合理"},
    }
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(request=request, **reply)
    assert exc.value.code == "ledger_mismatch" and "说明理由" in exc.value.message
    services.reason_request(actor=agency.handler, request=request, on=date(2025, 1, 22), note="请说明理由")
    # Asked, but no reasons received and no period given for them: nothing yet to judge unreasonable.
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(request=request, **reply)
    assert exc.value.code == "ledger_mismatch" and "未给出说明期限" in exc.value.message
    services.reason_receive(actor=agency.handler, request=request, on=date(2025, 1, 27), note="个人兴趣")
    services.request_reply(request=request, **reply)
    request.refresh_from_db()
    assert request.status == "replied" and request.outcome == "not_processed.excessive"


def test_r_foi_5_excessive_on_silence_only_after_the_period_given_for_reasons(agency):
    request = register(agency)  # received 2025-01-20, due 2025-02-21
    # 5 working days after 01-22: 23 (1), 24 (2), Sun 26 调休 (3), 27 (4); 01-28 … 02-04 春节; 02-05 (5).
    services.reason_request(
        actor=agency.handler, request=request, on=date(2025, 1, 22), note="请说明用途", period_working_days=5
    )
    mail = Outbox.objects.filter(ref__endswith=":reason_requested").get()
    assert "说明期限：2025年2月5日" in mail.body
    assert ClockEvent.objects.get(type="reason_requested").working_days == 5
    reply = {
        "actor": agency.handler,
        "outcome": "not_processed.excessive",
        "details": {"reason": "逾期未说明理由"},
    }
    with pytest.raises(ApplicationError) as exc:
        services.request_reply(request=request, replied_on=date(2025, 2, 5), **reply)
    assert (exc.value.code, exc.value.field) == ("ledger_mismatch", "replied_on")
    assert "2025年2月5日" in exc.value.message
    services.request_reply(request=request, replied_on=date(2025, 2, 6), **reply)
    assert Request.objects.get(pk=request.pk).outcome == "not_processed.excessive"
