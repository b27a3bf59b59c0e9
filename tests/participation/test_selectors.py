"""Message selectors: the one staff road (404), deadlines, R-WEB-1 unanswered over three months, the writer's road."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from gongkai.core.errors import ApplicationError
from gongkai.participation import selectors, services
from gongkai.participation.models import MessageQueryFailure
from gongkai.participation.services import ActionParams
from tests.participation.factories import make_message

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def act(actor, message, action, **params):
    return services.message_transition(
        actor=actor, message=message, action=action, params=ActionParams(**params)
    )


def test_staff_see_only_their_agencys_messages(agency, other, office):
    mine, _ = make_message(agency.org)
    theirs, _ = make_message(other.org)
    assert selectors.get_message_for_staff(agency.handler, mine.pk) == mine
    with pytest.raises(Http404):
        selectors.get_message_for_staff(agency.handler, theirs.pk)
    with pytest.raises(Http404):
        selectors.get_message_for_staff(agency.drafter, mine.pk)
    assert selectors.get_message_for_staff(office, theirs.pk) == theirs
    assert list(selectors.messages_for_staff(agency.handler)) == [mine]
    # After a transfer the new holder sees it, the old one no longer does.
    act(agency.handler, mine, "transfer", on=D("2025-01-27"), to_org=other.org)
    with pytest.raises(Http404):
        selectors.get_message_for_staff(agency.handler, mine.pk)
    assert selectors.get_message_for_staff(other.handler, mine.pk).pk == mine.pk


def test_deadline_rows(agency):
    soon, _ = make_message(agency.org, category="咨询", received_on=D("2025-01-24"))  # due 2025-02-05
    late, _ = make_message(agency.org, category="咨询", received_on=D("2025-01-02"))  # due 2025-01-07
    calm, _ = make_message(agency.org, category="举报", received_on=D("2025-02-03"))
    rows = {
        r.message.pk: r.state
        for r in selectors.deadline_rows(selectors.messages_for_staff(agency.handler), today=D("2025-02-05"))
    }
    assert rows == {soon.pk: "due_soon", late.pk: "overdue", calm.pk: "running"}
    assert [r.message for r in selectors.messages_overdue(agency.handler, today=D("2025-02-05"))] == [late]


def test_r_web_1_unanswered_over_three_months(agency, other):
    as_of = D("2025-12-01")
    old, _ = make_message(agency.org, received_on=D("2025-08-01"))  # never answered
    answered_late, _ = make_message(agency.org, received_on=D("2025-03-03"))
    act(agency.handler, answered_late, "accept", on=D("2025-03-04"))
    act(agency.handler, answered_late, "reply", on=D("2025-07-01"), text="迟到的答复。")
    answered_in_time, _ = make_message(agency.org, received_on=D("2025-03-03"))
    act(agency.handler, answered_in_time, "accept", on=D("2025-03-04"))
    act(agency.handler, answered_in_time, "reply", on=D("2025-03-10"), text="答复。")
    recent, _ = make_message(agency.org, received_on=D("2025-10-01"))  # under three months
    petition, _ = make_message(agency.org, received_on=D("2025-08-01"), channel="网上信访")
    too_old, _ = make_message(agency.org, received_on=D("2024-10-01"))  # outside the last year
    invalid, _ = make_message(agency.org, received_on=D("2025-08-01"))
    act(agency.handler, invalid, "reject", on=D("2025-08-04"), comment="内容不属于受理范围。")
    elsewhere, _ = make_message(other.org, received_on=D("2025-08-01"))
    found = set(selectors.unanswered_over_three_months(org=agency.org, as_of=as_of))
    assert found == {old, answered_late}
    assert elsewhere in set(selectors.unanswered_over_three_months(as_of=as_of))
    assert recent not in found and petition not in found and too_old not in found


def test_writer_road_same_answer_and_throttled(agency, settings):
    settings.GONGKAI_MESSAGE_QUERY_MAX_FAILURES = 3
    m, code = make_message(agency.org)
    assert (
        selectors.get_message_for_writer(tracking_no=m.tracking_no.lower(), query_code=code, address="a") == m
    )
    answers = []
    for number, guess in ((m.tracking_no, "WRONGCODE2"), ("LY-2099-999999", code)):
        with pytest.raises(ApplicationError) as exc:
            selectors.get_message_for_writer(tracking_no=number, query_code=guess, address="b")
        answers.append((exc.value.code, exc.value.message))
    assert answers[0] == answers[1]
    assert MessageQueryFailure.objects.count() == 2
    for address in ("c", "e"):  # three failures for this number now
        with pytest.raises(ApplicationError):
            selectors.get_message_for_writer(tracking_no=m.tracking_no, query_code="X", address=address)
    with pytest.raises(ApplicationError) as exc:
        selectors.get_message_for_writer(tracking_no=m.tracking_no, query_code=code, address="d")
    assert exc.value.code == "query_blocked"


def test_public_messages_only_consented_answered_and_no_reports(agency):
    def answered(**kw):
        m, _ = make_message(agency.org, **kw)
        act(agency.handler, m, "accept", on=D("2025-01-27"))
        return act(agency.handler, m, "reply", on=D("2025-01-28"), text="答复。")

    shown = answered()
    answered(public=False)
    answered(category="举报")
    make_message(agency.org)  # unanswered
    assert list(selectors.public_messages()) == [shown]
    assert list(selectors.public_messages(agency.org)) == [shown]
