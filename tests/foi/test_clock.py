"""The reply clock (gongkai.foi.clock): pure, no database. R-FOI-2/3/4/7 and R-CAL-2 over the real 2025 and 2026
schedules (tests/foi/schedules.py). Every expected date is counted by hand in the comment beside it.

Convention under test: "N working days from D" = the Nth working day strictly after D; a pause from S to E takes
out the working days d with S < d ≤ E.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.core.workdays_rules import YearNotLoaded
from gongkai.foi import clock
from gongkai.foi.clock import Event, Rules
from tests.foi.schedules import ONLY_2025, REAL


def due(received: date, *events: Event, rules: Rules | None = None) -> date | None:
    return clock.compute(REAL, received_on=received, events=list(events), rules=rules).due_on


def check(received: date, events: list[Event], new: Event, rules: Rules | None = None) -> None:
    clock.check_event(REAL, received_on=received, events=events, new=new, rules=rules)


# ---------------------------------------------------------------- R-FOI-4: 20 working days, real holidays


def test_r_foi_4_spring_festival_2025_counts_tiaoxiu_sunday_and_skips_the_holiday():
    # Received Mon 2025-01-20. Working days after it: 01-21 (1), 22 (2), 23 (3), 24 (4), Sun 26 is a 调休 working
    # day (5), 27 (6); 01-28..02-04 is the Spring Festival holiday; 02-05 (7), 06 (8), 07 (9), Sat 02-08 调休 (10),
    # 10 (11) … 14 (15), 17 (16) … 21 (20). Due Friday 2025-02-21.
    assert due(date(2025, 1, 20)) == date(2025, 2, 21)


def test_r_foi_4_spring_festival_2026():
    # Received Mon 2026-02-09: 10 (1), 11 (2), 12 (3), 13 (4), Sat 02-14 调休 (5); 02-15..02-23 holiday;
    # 24 (6), 25 (7), 26 (8), 27 (9), Sat 02-28 调休 (10), 03-02 (11) … 06 (15), 09 (16) … 13 (20).
    assert due(date(2026, 2, 9)) == date(2026, 3, 13)


def test_r_foi_4_national_day_2025():
    # Received Fri 2025-09-26: Sun 09-28 调休 (1), 29 (2), 30 (3); 10-01..10-08 holiday; 10-09 (4), 10 (5),
    # Sat 10-11 调休 (6), 13 (7) … 17 (11), 20 (12) … 24 (16), 27 (17) … 30 (20).
    assert due(date(2025, 9, 26)) == date(2025, 10, 30)


def test_r_foi_4_national_day_2026_with_mid_autumn_friday():
    # Received Fri 2026-09-18: Sun 09-20 调休 (1), 21 (2) … 24 (5), Fri 09-25 is 中秋 (holiday), 28 (6), 29 (7),
    # 30 (8); 10-01..10-07 holiday; 10-08 (9), 09 (10), Sat 10-10 调休 (11), 12 (12) … 16 (16), 19 (17) … 22 (20).
    assert due(date(2026, 9, 18)) == date(2026, 10, 22)


def test_r_foi_4_across_the_year_boundary():
    # Received Mon 2025-12-15: 16 (1) … 19 (4), 22 (5) … 26 (9), 29 (10), 30 (11), 31 (12); 2026-01-01/02 holiday;
    # Sun 01-04 调休 (13), 05 (14) … 09 (18), 12 (19), 13 (20).
    assert due(date(2025, 12, 15)) == date(2026, 1, 13)


def test_r_cal_2_receipt_day_never_counts_even_on_a_weekend():
    # Received Sat 2025-03-01 (say, signed for by the duty office): 03-03 (1) … 07 (5), 10 (6) … 14 (10),
    # 17 (11) … 21 (15), 24 (16) … 27 (19), 28 (20).
    assert due(date(2025, 3, 1)) == date(2025, 3, 28)
    # The same as a Friday receipt: the weekend adds nothing.
    assert due(date(2025, 2, 28)) == date(2025, 3, 28)


def test_r_cal_1_year_not_loaded_names_the_year():
    with pytest.raises(YearNotLoaded) as exc:
        clock.compute(ONLY_2025, received_on=date(2025, 12, 15), events=[])
    assert exc.value.year == 2026


def test_derivation_segments_add_up_and_speak_chinese():
    result = clock.compute(REAL, received_on=date(2025, 1, 20), events=[])
    assert result.state == clock.RUNNING
    assert [s.kind for s in result.segments] == [clock.COUNTING]
    seg = result.segments[0]
    assert (seg.start, seg.end, seg.counted, seg.paused) == (date(2025, 1, 20), date(2025, 2, 21), 20, 0)
    assert "计入20个工作日" in seg.explanation
    assert "答复期限：2025年2月21日" in result.explanation


# ---------------------------------------------------------------- R-FOI-3: 补正


def test_r_foi_3_supplement_restarts_the_twenty_days_from_its_receipt():
    received = date(2025, 1, 20)
    asked = Event(clock.SUPPLEMENT_REQUESTED, date(2025, 1, 27), working_days=10)
    came = Event(clock.SUPPLEMENT_RECEIVED, date(2025, 2, 10))
    # From Mon 02-10: 11 (1) … 14 (4), 17 (5) … 21 (9), 24 (10) … 28 (14), 03-03 (15) … 07 (19), 10 (20).
    result = clock.compute(REAL, received_on=received, events=[asked, came])
    assert result.due_on == date(2025, 3, 10)
    assert result.start_on == date(2025, 2, 10)
    first = result.segments[0]
    assert first.kind == clock.SUPPLEMENT and first.counted == 0
    # The days before the request to supplement are dropped: 01-21..24, 26, 27 = 6 working days.
    assert "此前已经过的6个工作日不计入" in first.explanation
    assert sum(s.counted for s in result.segments) == 20


def test_r_foi_3_awaiting_supplement_has_no_due_date():
    asked = Event(clock.SUPPLEMENT_REQUESTED, date(2025, 1, 27), working_days=10)
    result = clock.compute(REAL, received_on=date(2025, 1, 20), events=[asked])
    assert result.state == clock.AWAITING_SUPPLEMENT
    assert result.due_on is None
    period = next(d for d in result.deadlines if d.kind == "supplement_period")
    # 10 working days from Mon 01-27: 02-05 (1), 06 (2), 07 (3), Sat 08 (4), 10 (5) … 14 (9), 17 (10).
    assert period.due_on == date(2025, 2, 17)


def test_r_foi_3_supplement_within_seven_working_days_counting_the_tiaoxiu_sunday():
    received = date(2025, 1, 20)
    # 7 working days from 01-20: 21, 22, 23, 24, Sun 26, 27, then 02-05 (the 7th, after the holiday).
    check(received, [], Event(clock.SUPPLEMENT_REQUESTED, date(2025, 2, 5)))
    with pytest.raises(clock.ClockRuleError) as exc:
        check(received, [], Event(clock.SUPPLEMENT_REQUESTED, date(2025, 2, 6)))
    assert exc.value.code == "supplement_too_late"
    assert "2025年2月5日" in exc.value.message


def test_r_foi_3_supplement_only_once_and_receipt_needs_a_request():
    received = date(2025, 3, 3)
    asked = Event(clock.SUPPLEMENT_REQUESTED, date(2025, 3, 4))
    came = Event(clock.SUPPLEMENT_RECEIVED, date(2025, 3, 10))
    with pytest.raises(clock.ClockRuleError) as exc:
        check(received, [], came)
    assert exc.value.code == "no_supplement_requested"
    with pytest.raises(clock.ClockRuleError) as exc:
        check(received, [asked, came], Event(clock.SUPPLEMENT_REQUESTED, date(2025, 3, 11)))
    assert exc.value.code == "supplement_twice"


def test_r_foi_3_nothing_else_while_awaiting_the_supplement():
    asked = Event(clock.SUPPLEMENT_REQUESTED, date(2025, 3, 4))
    for kind, extra in (
        (clock.CONSULTATION_STARTED, {}),
        (clock.EXTENSION, {"working_days": 5}),
        (clock.FEE_NOTICE, {}),
    ):
        with pytest.raises(clock.ClockRuleError) as exc:
            check(date(2025, 3, 3), [asked], Event(kind, date(2025, 3, 5), **extra))  # type: ignore[arg-type]
        assert exc.value.code == "awaiting_supplement"


# ---------------------------------------------------------------- R-FOI-4: consultations pause


def test_r_foi_4_consultation_pause_takes_out_its_working_days():
    received = date(2025, 3, 3)
    # Without a pause: 03-04 (1) … 07 (4), 10 (5) … 14 (9), 17 (10) … 21 (14), 24 (15) … 28 (19), 31 (20).
    assert due(received) == date(2025, 3, 31)
    start = Event(clock.CONSULTATION_STARTED, date(2025, 3, 10), party=clock.THIRD_PARTY)
    end = Event(clock.CONSULTATION_ENDED, date(2025, 3, 24))
    # Counted up to Mon 03-10: 04, 05, 06, 07, 10 = 5. Paused: 03-11 … 03-24 (10 working days). Then 25 (6),
    # 26, 27, 28 (9), 31 (10), 04-01 (11), 02, 03 (13), Fri 04-04 is 清明, 07 (14) … 11 (18), 14 (19), 15 (20).
    result = clock.compute(REAL, received_on=received, events=[start, end])
    assert result.due_on == date(2025, 4, 15)
    assert [(s.kind, s.counted, s.paused) for s in result.segments] == [
        (clock.COUNTING, 5, 0),
        (clock.CONSULTATION, 0, 10),
        (clock.COUNTING, 15, 0),
    ]


def test_pause_convention_start_day_counts_end_day_does_not():
    received = date(2025, 3, 3)
    # Letter out Tue 03-04, answer Wed 03-05: 03-04 counts, 03-05 does not (S < d ≤ E): one day more than 03-31.
    events = [
        Event(clock.CONSULTATION_STARTED, date(2025, 3, 4)),
        Event(clock.CONSULTATION_ENDED, date(2025, 3, 5)),
    ]
    assert due(received, *events) == date(2025, 4, 1)
    # Out and back on the same day pauses nothing.
    same_day = [
        Event(clock.CONSULTATION_STARTED, date(2025, 3, 4)),
        Event(clock.CONSULTATION_ENDED, date(2025, 3, 4)),
    ]
    assert due(received, *same_day) == date(2025, 3, 31)


def test_r_foi_4_open_consultation_pauses_with_days_remaining():
    start = Event(clock.CONSULTATION_STARTED, date(2025, 3, 10))
    result = clock.compute(REAL, received_on=date(2025, 3, 3), events=[start], as_of=date(2025, 3, 20))
    assert result.state == clock.PAUSED and result.due_on is None
    assert (result.counted, result.remaining) == (5, 15)
    assert result.paused_since == date(2025, 3, 10)
    # Paused so far: 03-11 … 03-14, 03-17 … 03-20 = 8 working days.
    assert result.segments[-1].paused == 8


def test_third_party_fifteen_days_tracked_and_lateness_noted():
    start = Event(clock.CONSULTATION_STARTED, date(2025, 3, 10), party=clock.THIRD_PARTY)
    late_end = Event(clock.CONSULTATION_ENDED, date(2025, 4, 2))
    result = clock.compute(REAL, received_on=date(2025, 3, 3), events=[start, late_end])
    limit = next(d for d in result.deadlines if d.kind == "consultation")
    # 15 working days from 03-10: 11 … 14 (4), 17 … 21 (9), 24 … 28 (14), 31 (15).
    assert limit.due_on == date(2025, 3, 31)
    assert limit.late
    assert any("逾期2个工作日" in n for n in result.notes)  # 04-01, 04-02


def test_overlapping_consultations_are_merged():
    received = date(2025, 3, 3)
    events = [
        Event(clock.CONSULTATION_STARTED, date(2025, 3, 10), party=clock.THIRD_PARTY),
        Event(clock.CONSULTATION_STARTED, date(2025, 3, 12), party=clock.AGENCY),
        Event(clock.CONSULTATION_ENDED, date(2025, 3, 17), party=clock.THIRD_PARTY),
        Event(clock.CONSULTATION_ENDED, date(2025, 3, 24), party=clock.AGENCY),
    ]
    # The union is 03-10 < d ≤ 03-24: the same as one consultation over that span.
    assert due(received, *events) == date(2025, 4, 15)
    result = clock.compute(REAL, received_on=received, events=events)
    assert [s.kind for s in result.segments] == [clock.COUNTING, clock.CONSULTATION, clock.COUNTING]


def test_a_pause_after_the_deadline_changes_nothing():
    late = [
        Event(clock.CONSULTATION_STARTED, date(2025, 4, 7)),
        Event(clock.CONSULTATION_ENDED, date(2025, 4, 9)),
    ]
    assert due(date(2025, 3, 3), *late) == date(2025, 3, 31)
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 3, 3), [], late[0])
    assert exc.value.code == "after_deadline"


def test_consultation_end_needs_an_open_consultation_of_that_party():
    received = date(2025, 3, 3)
    with pytest.raises(clock.ClockRuleError) as exc:
        check(received, [], Event(clock.CONSULTATION_ENDED, date(2025, 3, 5)))
    assert exc.value.code == "no_consultation"
    started = [Event(clock.CONSULTATION_STARTED, date(2025, 3, 4), party=clock.THIRD_PARTY)]
    with pytest.raises(clock.ClockRuleError):
        check(received, started, Event(clock.CONSULTATION_ENDED, date(2025, 3, 5), party=clock.AGENCY))
    with pytest.raises(clock.ClockRuleError) as exc:
        check(received, started, Event(clock.CONSULTATION_STARTED, date(2025, 3, 5), party=clock.THIRD_PARTY))
    assert exc.value.code == "consultation_open"


# ---------------------------------------------------------------- R-FOI-4: extension


def test_r_foi_4_extension_adds_its_days_to_the_deadline_in_force():
    received = date(2025, 1, 20)  # due 2025-02-21
    ext = Event(clock.EXTENSION, date(2025, 2, 21), working_days=20)  # approved on the last day: allowed
    check(received, [], ext)
    # 20 working days from 02-21: 24 (1) … 28 (5), 03-03 (6) … 07 (10), 10 … 14 (15), 17 … 21 (20).
    result = clock.compute(REAL, received_on=received, events=[ext])
    assert result.due_on == date(2025, 3, 21)
    marker = next(s for s in result.segments if s.kind == clock.EXTENSION)
    assert "由2025年2月21日延至2025年3月21日" in marker.explanation
    assert sum(s.counted for s in result.segments) == 40


def test_r_foi_4_extension_after_the_deadline_is_refused():
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 1, 20), [], Event(clock.EXTENSION, date(2025, 2, 24), working_days=5))
    assert exc.value.code == "extension_after_deadline"


def test_r_foi_4_extension_at_most_twenty_and_only_once():
    received = date(2025, 1, 20)
    with pytest.raises(clock.ClockRuleError) as exc:
        check(received, [], Event(clock.EXTENSION, date(2025, 2, 10), working_days=21))
    assert exc.value.code == "extension_too_long"
    first = Event(clock.EXTENSION, date(2025, 2, 10), working_days=5)
    with pytest.raises(clock.ClockRuleError) as exc:
        check(received, [first], Event(clock.EXTENSION, date(2025, 2, 12), working_days=5))
    assert exc.value.code == "extension_twice"
    with pytest.raises(clock.ClockRuleError) as exc:
        check(received, [], Event(clock.EXTENSION, date(2025, 2, 10), working_days=0))
    assert exc.value.code == "bad_working_days"


def test_r_foi_4_extension_during_a_pause_is_allowed_and_counts_after_it():
    received = date(2025, 3, 3)
    events = [Event(clock.CONSULTATION_STARTED, date(2025, 3, 10))]
    ext = Event(clock.EXTENSION, date(2025, 3, 12), working_days=5)
    check(received, events, ext)
    events += [ext, Event(clock.CONSULTATION_ENDED, date(2025, 3, 24))]
    # 2025-04-15 (consultation) + 5 working days: 16, 17, 18, 21, 22.
    assert due(received, *events) == date(2025, 4, 22)


# ---------------------------------------------------------------- R-FOI-7: fees


def test_r_foi_7_fee_period_stops_the_clock_by_default():
    received = date(2025, 3, 3)
    notice = Event(clock.FEE_NOTICE, date(2025, 3, 10), notice_received_on=date(2025, 3, 11))
    paid = Event(clock.FEE_PAID, date(2025, 3, 24))
    assert due(received, notice, paid) == date(2025, 4, 15)  # same span as the consultation above
    assert due(received, notice, paid, rules=Rules(fee_stops_clock=False)) == date(2025, 3, 31)


def test_r_foi_7_payment_due_twenty_working_days_after_the_notice_is_received():
    notice = Event(clock.FEE_NOTICE, date(2025, 3, 10), notice_received_on=date(2025, 3, 11))
    result = clock.compute(REAL, received_on=date(2025, 3, 3), events=[notice], as_of=date(2025, 3, 12))
    payment = next(d for d in result.deadlines if d.kind == "fee_payment")
    # From Tue 03-11: 12 … 14 (3), 17 … 21 (8), 24 … 28 (13), 31 (14), 04-01 … 03 (17), 07 (18), 08, 09 (20).
    assert payment.due_on == date(2025, 4, 9)
    assert result.state == clock.PAUSED


def test_r_foi_7_one_fee_notice_and_payment_needs_it():
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 3, 3), [], Event(clock.FEE_PAID, date(2025, 3, 5)))
    assert exc.value.code == "no_fee_notice"
    notice = Event(clock.FEE_NOTICE, date(2025, 3, 4))
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 3, 3), [notice], Event(clock.FEE_NOTICE, date(2025, 3, 5)))
    assert exc.value.code == "fee_twice"


# ---------------------------------------------------------------- the ledger


def test_events_must_follow_the_receipt_and_each_other():
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 3, 3), [], Event(clock.CONSULTATION_STARTED, date(2025, 3, 1)))
    assert exc.value.code == "event_before_receipt"
    earlier = [Event(clock.CONSULTATION_STARTED, date(2025, 3, 10))]
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 3, 3), earlier, Event(clock.CONSULTATION_ENDED, date(2025, 3, 7)))
    assert exc.value.code == "event_order"
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 3, 3), [], Event("holiday", date(2025, 3, 4)))
    assert exc.value.code == "bad_event"


def test_closing_the_request_ends_open_pauses():
    start = Event(clock.CONSULTATION_STARTED, date(2025, 3, 10))
    # Answered on 03-24 with the consultation never closed: paused 03-10 < d ≤ 03-24, as if it ended then.
    result = clock.compute(REAL, received_on=date(2025, 3, 3), events=[start], closed_on=date(2025, 3, 24))
    assert result.due_on == date(2025, 4, 15)


def test_check_ledger_judges_every_event_in_order():
    ledger = [
        Event(clock.SUPPLEMENT_REQUESTED, date(2025, 1, 27)),
        Event(clock.SUPPLEMENT_RECEIVED, date(2025, 2, 10)),
        Event(clock.EXTENSION, date(2025, 3, 10), working_days=20),
    ]
    clock.check_ledger(REAL, received_on=date(2025, 1, 20), events=ledger)
    with pytest.raises(clock.ClockRuleError) as exc:
        clock.check_ledger(REAL, received_on=date(2025, 1, 20), events=[*ledger, ledger[2]])
    assert exc.value.code == "extension_twice"


# ---------------------------------------------------------------- properties

_days = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 6, 30))


@st.composite
def _pauses(draw):
    received = draw(_days)
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        start = received + timedelta(days=draw(st.integers(0, 40)))
        pauses.append((start, start + timedelta(days=draw(st.integers(0, 30)))))
    return received, pauses


def _events(pauses: list[tuple[date, date]]) -> list[Event]:
    events = []
    for start, end in pauses:
        events += [Event(clock.CONSULTATION_STARTED, start), Event(clock.CONSULTATION_ENDED, end)]
    return sorted(events, key=lambda e: e.on)


@settings(max_examples=150, deadline=None)
@given(_pauses())
def test_property_due_date_is_after_receipt_and_pauses_never_shorten(case):
    received, pauses = case
    plain = due(received)
    assert plain is not None and plain > received
    result = clock.compute(REAL, received_on=received, events=_events(pauses))
    assert result.due_on is not None and result.due_on >= plain
    # The derivation accounts for every counted day, and each counting segment's days are really working days.
    assert sum(s.counted for s in result.segments) == 20
    for seg in result.segments:
        if seg.kind == clock.COUNTING:
            assert seg.end is not None
            assert REAL.working_days_between(seg.start, seg.end) == seg.counted


@settings(max_examples=100, deadline=None)
@given(_days, st.integers(1, 20), st.integers(0, 19))
def test_property_extension_adds_exactly_its_working_days(received, n, used):
    plain = due(received)
    assert plain is not None
    approved = REAL.add_working_days(received, used) if used else received
    ext = Event(clock.EXTENSION, approved, working_days=n)
    check(received, [], ext)
    assert due(received, ext) == REAL.add_working_days(plain, n)


@settings(max_examples=100, deadline=None)
@given(_pauses(), st.integers(0, 60))
def test_property_adding_a_pause_never_moves_the_deadline_earlier(case, offset):
    received, pauses = case
    base = clock.compute(REAL, received_on=received, events=_events(pauses)).due_on
    start = received + timedelta(days=offset)
    more = clock.compute(
        REAL, received_on=received, events=_events([*pauses, (start, start + timedelta(days=5))])
    ).due_on
    assert base is not None and more is not None and more >= base


def test_the_worked_example_of_docs_foi_md():
    events = [
        Event(clock.CONSULTATION_STARTED, date(2025, 2, 10), party=clock.THIRD_PARTY),
        Event(clock.CONSULTATION_ENDED, date(2025, 2, 14)),
        Event(clock.EXTENSION, date(2025, 2, 20), working_days=10),
        Event(clock.FEE_NOTICE, date(2025, 3, 3)),
        Event(clock.FEE_PAID, date(2025, 3, 5)),
    ]
    result = clock.compute(REAL, received_on=date(2025, 1, 20), events=events)
    assert result.due_on == date(2025, 3, 17)
    assert [(s.kind, s.counted, s.paused) for s in result.segments] == [
        (clock.COUNTING, 11, 0),  # 01-21 … 24, Sun 26, 27, 02-05 … Sat 08, 10
        (clock.CONSULTATION, 0, 4),  # 02-11 … 14
        (clock.COUNTING, 4, 0),  # 02-17 … 20
        (clock.EXTENSION, 0, 0),  # 02-27 → 03-13
        (clock.COUNTING, 7, 0),  # 02-21, 24 … 28, 03-03
        (clock.FEE, 0, 2),  # 03-04, 05
        (clock.COUNTING, 8, 0),  # 03-06, 07, 10 … 14, 17
    ]
    assert "答复期限由2025年2月27日延至2025年3月13日" in result.segments[3].explanation


# ---------------------------------------------------------------- R-FOI-5: requests unreasonable in number or frequency

R_ASK = Event("reason_requested", date(2025, 1, 22))
R_GOT = Event("reason_received", date(2025, 1, 27))


def test_r_foi_5_asking_for_reasons_does_not_stop_the_clock_by_default():
    # The statute (条例 第三十五条) names no pause: received 2025-01-20, due 2025-02-21 as without the entries.
    assert due(date(2025, 1, 20), R_ASK, R_GOT) == date(2025, 2, 21)


def test_r_foi_5_reason_pause_when_the_deployment_says_so():
    # Paused 01-22 → 01-27: takes out 01-23, 01-24, Sun 01-26 (调休), 01-27 = 4 working days; 02-21 + 4:
    # 02-24 (1), 25 (2), 26 (3), 27 (4).
    rules = Rules(reason_stops_clock=True)
    assert due(date(2025, 1, 20), R_ASK, R_GOT, rules=rules) == date(2025, 2, 27)
    waiting = clock.compute(REAL, received_on=date(2025, 1, 20), events=[R_ASK], rules=rules)
    assert waiting.state == clock.PAUSED and waiting.due_on is None
    assert "要求申请人说明理由" in waiting.explanation


def test_r_foi_5_later_reply_date_becomes_the_deadline_and_is_explained():
    later = Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 3, 31))
    result = clock.compute(REAL, received_on=date(2025, 1, 20), events=[R_ASK, R_GOT, later])
    assert result.due_on == date(2025, 3, 31) and result.later_due_on == date(2025, 3, 31)
    marker = next(s for s in result.segments if s.kind == clock.LATER_DATE)
    assert "条例第三十五条" in marker.explanation
    assert "答复期限由2025年2月21日延至2025年3月31日" in marker.explanation
    assert result.explanation.endswith("答复期限：2025年3月31日（依条例第三十五条确定的延迟答复期限）。")
    check(date(2025, 1, 20), [R_ASK, R_GOT], later)  # allowed
    # What is left, for the lists and reminders: 2025-03-24 … 03-28 (5), 03-31 (6) working days after 03-21.
    on_day = clock.compute(
        REAL, received_on=date(2025, 1, 20), events=[R_ASK, R_GOT, later], as_of=date(2025, 3, 21)
    )
    assert on_day.due_on == date(2025, 3, 31) and on_day.remaining == 6


def test_r_foi_5_later_date_never_shortens_a_deadline_the_working_days_give():
    # An extension of 20 after the later date: 02-21 + 20 working days = 2025-03-21 < 03-24 set → 03-24 stays;
    # a later date earlier than the counted deadline is noted and the counted one holds.
    later = Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 3, 24))
    ext = Event("extension", date(2025, 2, 12), working_days=20)
    assert due(date(2025, 1, 20), R_ASK, R_GOT, later, ext) == date(2025, 3, 24)
    early = Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 2, 14))
    result = clock.compute(REAL, received_on=date(2025, 1, 20), events=[R_ASK, R_GOT, early])
    assert result.due_on == date(2025, 2, 21) and result.later_due_on is None
    assert any("以后者为准" in n for n in result.notes)


@pytest.mark.parametrize(
    ("ledger", "new", "code"),
    [
        ([], Event("reason_received", date(2025, 1, 27)), "no_reason_requested"),
        ([R_ASK], Event("reason_requested", date(2025, 1, 23)), "reason_twice"),
        ([], Event("reason_requested", date(2025, 2, 24)), "reason_after_deadline"),
        ([], Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 3, 31)), "no_reason_received"),
        (
            [R_ASK],
            Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 3, 31)),
            "no_reason_received",
        ),
        ([R_ASK, R_GOT], Event("later_reply_date", date(2025, 2, 10)), "missing_reply_by"),
        # Not later than the deadline in force (2025-02-21): nothing to delay.
        (
            [R_ASK, R_GOT],
            Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 2, 21)),
            "later_date_not_later",
        ),
        # Decided after the deadline in force.
        (
            [R_ASK, R_GOT],
            Event("later_reply_date", date(2025, 2, 24), reply_by=date(2025, 3, 31)),
            "later_date_after_deadline",
        ),
        (
            [R_ASK, R_GOT, Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 3, 31))],
            Event("later_reply_date", date(2025, 2, 11), reply_by=date(2025, 4, 30)),
            "later_date_twice",
        ),
        ([], Event("fee_paid", date(2025, 1, 22), reply_by=date(2025, 3, 31)), "bad_reply_by"),
        (
            [Event("supplement_requested", date(2025, 1, 21))],
            Event("reason_requested", date(2025, 1, 22)),
            "awaiting_supplement",
        ),
    ],
)
def test_r_foi_5_ledger_rules(ledger, new, code):
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 1, 20), ledger, new)
    assert exc.value.code == code and exc.value.message


def test_r_foi_5_later_reply_date_bounded_by_a_reasonable_period():
    # Deadline in force 2025-02-21; 60 working days after it (the default bound): 02-24 … 03-31 (26),
    # 04-01 … 03 (29; 04-04 清明), 04-07 … 30 with Sun 04-27 调休 (48; 05-01 … 05 劳动节), 05-06 … 21 (60).
    assert clock.later_reply_date_limit(REAL, date(2025, 2, 21), Rules()) == (date(2025, 5, 21), "60个工作日")
    ok = Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 5, 21))
    check(date(2025, 1, 20), [R_ASK, R_GOT], ok)
    too_far = Event("later_reply_date", date(2025, 2, 10), reply_by=date(2025, 5, 22))
    with pytest.raises(clock.ClockRuleError) as exc:
        check(date(2025, 1, 20), [R_ASK, R_GOT], too_far)
    assert exc.value.code == "later_date_too_far" and "2025年5月21日" in exc.value.message
    assert "条例第三十五条" in exc.value.message
    # The bound is a deployment setting.
    check(date(2025, 1, 20), [R_ASK, R_GOT], too_far, rules=Rules(max_later_working_days=61))
    with pytest.raises(clock.ClockRuleError):
        check(date(2025, 1, 20), [R_ASK, R_GOT], ok, rules=Rules(max_later_working_days=10))


def test_r_foi_5_later_reply_date_in_a_year_not_loaded():
    # Received 2025-11-03 (only 2025 loaded): 20 working days → 2025-12-01. A later date in 2026 is a calendar
    # date: it stands, bounded by 98 calendar days (60 working days as weeks, plus two) — 2026-03-09.
    received = date(2025, 11, 3)
    asked, got = Event("reason_requested", date(2025, 11, 5)), Event("reason_received", date(2025, 11, 10))
    assert clock.later_reply_date_limit(ONLY_2025, date(2025, 12, 1), Rules())[0] == date(2026, 3, 9)
    later = Event("later_reply_date", date(2025, 11, 20), reply_by=date(2026, 1, 30))
    clock.check_event(ONLY_2025, received_on=received, events=[asked, got], new=later)
    too_far = Event("later_reply_date", date(2025, 11, 20), reply_by=date(2026, 3, 10))
    with pytest.raises(clock.ClockRuleError) as exc:
        clock.check_event(ONLY_2025, received_on=received, events=[asked, got], new=too_far)
    assert exc.value.code == "later_date_too_far" and "2026年工作日历尚未载入" in exc.value.message
    # The clock keeps the later date; only the working days left are unknown (shown as "—").
    result = clock.compute(
        ONLY_2025, received_on=received, events=[asked, got, later], as_of=date(2025, 12, 15)
    )
    assert result.due_on == date(2026, 1, 30) and result.later_due_on == date(2026, 1, 30)
    assert result.remaining is None
    # With the year loaded, the same ledger counts them: 12-16 … 31 (12); 01-01 … 03 元旦, Sun 01-04 调休 (13),
    # 01-05 … 30 (33).
    counted = clock.compute(REAL, received_on=received, events=[asked, got, later], as_of=date(2025, 12, 15))
    assert counted.remaining == 33


def test_r_foi_5_later_date_is_a_head_event():
    assert clock.HEAD_EVENTS == {"extension", "later_reply_date"}
