"""FOI selectors: the one road for staff (404 for others), de-identified lists, deadline lists, intake help, and
the applicant's road with the query code (same answer for a wrong code and an unknown number, throttled)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.http import Http404

from gongkai.core.errors import ApplicationError
from gongkai.core.models import CalendarYear
from gongkai.foi import selectors, services
from gongkai.foi.models import QueryFailure
from tests.factories import Agency, make_user, publish
from tests.foi.factories import ID_OK, applicant, register

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the one road


def test_get_request_for_staff_is_404_outside_the_agencys_foi_staff(agency, other):
    request = register(agency)
    assert selectors.get_request_for_staff(agency.handler, request.pk) == request
    assert selectors.get_request_for_staff(agency.head, request.pk) == request  # approves extensions
    admin = make_user("gkb", None, is_platform_admin=True)
    assert selectors.get_request_for_staff(admin, request.pk) == request
    for user in (other.handler, other.head, agency.drafter):
        with pytest.raises(Http404):
            selectors.get_request_for_staff(user, request.pk)
    with pytest.raises(Http404):
        selectors.get_request_for_staff(agency.handler, request.pk + 1000)


def test_lists_show_only_visible_requests_with_identity_masked(agency, other):
    mine = register(agency)
    register(other)
    rows = selectors.request_rows(agency.handler)
    assert [r.pk for r in rows] == [mine.pk]
    row = rows[0]
    assert row.id_number_masked == "110105********002X"
    assert row.phone_masked == "138****5678"
    assert ID_OK not in str(row)
    assert row.status_label == "办理中" and row.applicant_type_label == "自然人"
    assert selectors.request_rows(agency.drafter) == []


def test_mask_lengths_are_a_setting(agency, settings):
    register(agency)
    settings.GONGKAI_FOI_ID_MASK_HEAD, settings.GONGKAI_FOI_ID_MASK_TAIL = 3, 2
    assert selectors.request_rows(agency.handler)[0].id_number_masked == "110*************2X"


def test_available_actions_follow_roles(agency):
    request = register(agency)
    assert "extend" not in {t.action for t in selectors.available_actions(agency.handler, request)}
    assert {t.action for t in selectors.available_actions(agency.head, request)} == {
        "extend",
        "later_date",
        "event_cancel",
    }
    assert selectors.available_actions(agency.drafter, request) == []


# ---------------------------------------------------------------- deadlines


def test_due_soon_and_overdue_as_of_a_day(agency, other):
    soon = register(agency, received_on=date(2025, 1, 20))  # due 2025-02-21
    late = register(agency, received_on=date(2025, 1, 2))
    paused = register(agency, received_on=date(2025, 1, 2))
    services.consultation_start(actor=agency.handler, request=paused, on=date(2025, 1, 6))
    register(other, received_on=date(2025, 1, 2))  # another agency's: not listed
    # received 01-02: 03 (1), 06 … 10 (6), 13 … 17 (11), 20 … 24 (16), Sun 26 (17), 27 (18), 02-05 (19), 06 (20).
    today = date(2025, 2, 17)
    overdue = selectors.requests_overdue(agency.handler, today=today)
    assert [(r.request.pk, r.due_on) for r in overdue] == [(late.pk, date(2025, 2, 6))]
    # 5 working days after 02-17 is 02-24: 02-21 is within. Used by 02-17: 01-21 … 24, Sun 26, 27 (6),
    # 02-05 … Sat 08 (10), 10 … 14 (15), 17 (16): 4 remain.
    due_soon = selectors.requests_due_soon(agency.handler, today=today)
    assert [(r.request.pk, r.due_on, r.remaining) for r in due_soon] == [(soon.pk, date(2025, 2, 21), 4)]
    rows = {r.request.pk: r for r in selectors.request_deadlines(agency.handler, today=today)}
    assert rows[paused.pk].state == "paused" and rows[paused.pk].due_on is None
    assert selectors.requests_due_soon(agency.handler, today=date(2025, 2, 7), within=2) == []


def test_deadline_list_marks_a_missing_year_instead_of_failing(agency):
    register(agency, received_on=date(2025, 1, 20))
    CalendarYear.objects.filter(year=2025).delete()
    cache.clear()
    rows = selectors.request_deadlines(agency.handler, today=date(2024, 12, 1))
    assert [(r.state, r.message) for r in rows] == [("unknown", "2025年的工作日安排尚未载入，无法计算期限。")]


def test_r_foi_5_later_date_in_a_year_not_loaded_stays_on_the_deadline_list(agency):
    # Received 2025-11-03 (due 2025-12-01); a later reply date in 2026, whose calendar is then not loaded.
    request = register(agency, received_on=date(2025, 11, 3))
    services.reason_request(actor=agency.handler, request=request, on=date(2025, 11, 5), note="请说明用途")
    services.reason_receive(actor=agency.handler, request=request, on=date(2025, 11, 10), note="课题研究")
    CalendarYear.objects.filter(year=2026).delete()
    cache.clear()
    # Beyond a reasonable period (98 days after 2025-12-01 while 2026 is not loaded: 2026-03-09): refused.
    with pytest.raises(ApplicationError) as exc:
        services.later_reply_date_set(
            actor=agency.head,
            request=request,
            on=date(2025, 11, 20),
            reply_by=date(2026, 3, 10),
            reason="合理",
        )
    assert (exc.value.code, exc.value.field) == ("later_date_too_far", "reply_by")
    services.later_reply_date_set(
        actor=agency.head,
        request=request,
        on=date(2025, 11, 20),
        reply_by=date(2026, 1, 30),
        reason="理由合理",
    )
    rows = selectors.request_deadlines(agency.handler, today=date(2025, 12, 15))
    assert [(r.request.pk, r.state, r.due_on, r.remaining) for r in rows] == [
        (request.pk, "running", date(2026, 1, 30), None)
    ]


def test_replied_and_withdrawn_requests_leave_the_deadline_lists(agency):
    request = register(agency)
    services.request_reply(
        actor=agency.handler, request=request, outcome="disclosed", replied_on=date(2025, 2, 10)
    )
    assert selectors.request_deadlines(agency.handler, today=date(2025, 3, 1)) == []
    assert selectors.request_clock(request).due_on == date(2025, 2, 21)  # type: ignore[union-attr]


# ---------------------------------------------------------------- intake help


def test_intake_finds_the_same_applicant_by_id_or_by_name_and_phone(agency, other):
    first = register(agency, received_on=date(2025, 1, 6))
    by_phone = register(
        agency, received_on=date(2025, 1, 7), id_type="passport", id_number="E1", delivery="post"
    )
    register(other, received_on=date(2025, 1, 8))  # invisible to this agency's handler
    register(
        agency,
        received_on=date(2025, 1, 9),
        applicant_name="李四",
        id_type="passport",
        id_number="E2",
        phone="13900000000",
    )
    current = register(agency, received_on=date(2025, 1, 20))
    found = selectors.intake_matches_for_request(agency.handler, current)
    assert {r.pk for r in found.earlier_requests} == {first.pk, by_phone.pk}
    # Before creating one: the typed data alone (the ID number typed with spaces and a lower-case x).
    typed = selectors.intake_matches(agency.handler, org=agency.org, id_number="110105 19491231 002x")
    assert {r.pk for r in typed.earlier_requests} == {first.pk, current.pk}


def test_intake_finds_published_items_by_doc_no_and_quoted_title(agency):
    publishing_agency = Agency(
        org=agency.org,
        drafter=make_user("p_drafter", agency.org, "drafter"),
        reviewer=make_user("p_reviewer", agency.org, "reviewer"),
        publisher=make_user("p_publisher", agency.org, "publisher"),
        admin=make_user("p_admin", agency.org, "org_admin"),
    )
    by_number = publish(
        publishing_agency, "关于印发老旧小区改造实施方案的通知", doc_no="测政办发〔2024〕12号"
    )
    by_title = publish(publishing_agency, "测试市2024年财政预算执行情况")
    unrelated = publish(publishing_agency, "关于做好防汛工作的通知")
    found = selectors.intake_matches(
        agency.handler,
        org=agency.org,
        description="请公开测政办发[2024]12号文件及《测试市2024年财政预算执行情况》。",
    )
    assert {i.pk for i in found.items} == {by_number.pk, by_title.pk}
    contained = selectors.intake_matches(
        agency.handler, org=agency.org, description="我想要关于做好防汛工作的通知的全文"
    )
    assert [i.pk for i in contained.items] == [unrelated.pk]
    assert selectors.intake_matches(agency.handler, org=agency.org, doc_no="测政办发（2024）12号").items == [
        by_number
    ]


# ---------------------------------------------------------------- fees


def test_r_foi_7_prior_items_by_name_and_phone_when_no_id(agency):
    # A company gives a different document each time; the name and phone are the same.
    for day in (6, 7):
        register(
            agency,
            received_on=date(2025, 1, day),
            id_type="other",
            id_number=f"营业执照{day}",
            applicant_type="business",
        )
    register(agency, received_on=date(2025, 1, 7), id_type="other", id_number="X", phone="13900000000")
    request = register(
        agency,
        received_on=date(2025, 1, 8),
        id_type="other",
        id_number="营业执照8",
        applicant_type="business",
    )
    assert selectors.fee_prior_items(request) == 2


# ---------------------------------------------------------------- the applicant's road


def test_wrong_code_and_unknown_number_give_the_same_answer(agency):
    created = services.request_submit(org=agency.org, data=applicant())
    number = created.request.tracking_no
    found = selectors.get_request_for_applicant(
        tracking_no=f" {number.lower()} ", query_code=created.query_code, address="1.2.3.4"
    )
    assert found == created.request
    answers = []
    for tracking_no, code in ((number, "AAAAAAAAAA"), ("YSQ-1999-000001", created.query_code)):
        with pytest.raises(ApplicationError) as exc:
            selectors.get_request_for_applicant(tracking_no=tracking_no, query_code=code, address="1.2.3.4")
        answers.append((exc.value.code, exc.value.message))
    assert answers[0] == answers[1] == ("query_failed", "申请编号或查询码不正确。")
    assert QueryFailure.objects.count() == 2


def test_query_attempts_are_throttled_per_number(agency, settings):
    settings.GONGKAI_FOI_QUERY_MAX_FAILURES = 3
    created = services.request_submit(org=agency.org, data=applicant())
    number = created.request.tracking_no
    for i in range(3):
        with pytest.raises(ApplicationError):
            selectors.get_request_for_applicant(
                tracking_no=number, query_code=f"WRONG{i}", address=f"10.0.0.{i}"
            )
    # Now even the right code is refused for a while; another number is not blocked.
    with pytest.raises(ApplicationError) as exc:
        selectors.get_request_for_applicant(
            tracking_no=number, query_code=created.query_code, address="10.0.0.9"
        )
    assert exc.value.code == "query_blocked"
    with pytest.raises(ApplicationError) as exc:
        selectors.get_request_for_applicant(tracking_no="YSQ-1999-000009", query_code="X", address="10.0.0.9")
    assert exc.value.code == "query_failed"


def test_query_attempts_are_throttled_per_address(agency, settings):
    settings.GONGKAI_FOI_QUERY_MAX_FAILURES = 2  # per address: 4 times as many
    for i in range(8):
        with pytest.raises(ApplicationError):
            selectors.get_request_for_applicant(
                tracking_no=f"YSQ-1999-{i:06d}", query_code="X", address="6.6.6.6"
            )
    with pytest.raises(ApplicationError) as exc:
        selectors.get_request_for_applicant(tracking_no="YSQ-1999-000100", query_code="X", address="6.6.6.6")
    assert exc.value.code == "query_blocked"


def test_public_status_shows_the_clock_and_no_personal_data(agency, other):
    request = register(agency)
    services.extension_approve(
        actor=agency.head, request=request, on=date(2025, 2, 10), working_days=10, reason="量大"
    )
    status = selectors.request_public_status(request, today=date(2025, 2, 12))
    assert status.due_on == date(2025, 3, 7)  # 2025-02-21 + 10 working days: 24 … 28, 03-03 … 07
    assert any("延长答复期限10个工作日" in line for line in status.clock_lines)
    assert ID_OK not in str(status) and "13812345678" not in str(status)
    new = services.request_forward(
        actor=agency.handler, request=request, to_org=other.org, on=date(2025, 2, 12)
    )
    request.refresh_from_db()
    status = selectors.request_public_status(request)
    assert status.forwarded_to == [(other.org.name, new.tracking_no)]
    assert status.outcome_label == "无法提供（本机关不掌握相关政府信息）"
    assert "六个月内" in status.remedy_text
    assert selectors.request_public_status(new).forwarded_from == agency.org.name
