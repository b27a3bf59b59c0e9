"""Pure modules: the request state machine (ADR 0003) and the applicant rules (R-FOI-1, R-PII-2/3)."""

from __future__ import annotations

from gongkai.foi import applicant, workflow
from tests.foi.factories import ID_BAD_CHECK, ID_OK


def test_workflow_table_allows_only_listed_moves():
    expected = {
        ("confirm", "awaiting_confirmation"): "open",
        ("reply", "open"): "replied",
        ("forward", "open"): "replied",
        ("withdraw", "awaiting_confirmation"): "withdrawn",
        ("withdraw", "open"): "withdrawn",
        **{
            (a, "open"): "open"
            for a in (
                "supplement_request",
                "supplement_receive",
                "consultation_start",
                "consultation_end",
                "extend",
                "fee_notice",
                "fee_pay",
                "reason_request",
                "reason_receive",
                "later_date",
                "event_cancel",
            )
        },
    }
    for action in workflow.TRANSITIONS:
        for state in workflow.STATUS_LABELS:
            t = workflow.transition_for(action, state)
            assert (t.target if t else None) == expected.get((action, state)), (action, state)
    assert workflow.transition_for("confirm", "replied") is None
    assert workflow.transition_for("nope", "open") is None


def test_r_foi_4_only_the_foi_head_extends():
    assert workflow.TRANSITIONS["extend"].roles == {"foi_head"}
    assert [t.action for t in workflow.available_actions("open", {"foi_head"})] == [
        "extend",
        "later_date",
        "event_cancel",
    ]
    handler = {t.action for t in workflow.available_actions("open", {"foi_handler"})}
    assert "extend" not in handler and "later_date" not in handler and "reply" in handler
    assert [t.action for t in workflow.available_actions("open", {"applicant"})] == ["withdraw"]
    assert workflow.available_actions("replied", {"foi_handler", "foi_head"}) == []


def test_ledger_actions_map_to_event_types():
    assert workflow.ACTION_FOR_EVENT == {
        "supplement_requested": "supplement_request",
        "supplement_received": "supplement_receive",
        "consultation_started": "consultation_start",
        "consultation_ended": "consultation_end",
        "extension": "extend",
        "fee_notice": "fee_notice",
        "fee_paid": "fee_pay",
        "reason_requested": "reason_request",
        "reason_received": "reason_receive",
        "later_reply_date": "later_date",
    }


def test_r_foi_1_r_rpt_3_applicant_types_are_the_report_columns():
    assert list(applicant.APPLICANT_TYPES) == [
        "natural",
        "business",
        "research",
        "public_interest",
        "legal_service",
        "other_org",
    ]
    assert list(applicant.APPLICANT_TYPES.values()) == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert list(applicant.CHANNELS) == ["in_person", "post", "fax", "email", "online", "oral"]


def test_r_foi_1_resident_id_checked_with_its_check_character():
    assert applicant.id_number_error("resident_id", ID_OK) is None
    assert "校验码" in (applicant.id_number_error("resident_id", ID_BAD_CHECK) or "")
    assert applicant.id_number_error("resident_id", "11010519491331002X")  # no 31st of the 13th month
    assert applicant.id_number_error("passport", "E12345678") is None  # other documents: free text
    assert applicant.id_number_error("card", "x") == "证件类型无效。"
    assert applicant.normalize_id_number(" 110105 1949 1231 002x ") == ID_OK
    assert applicant.normalize_id_number("１１０１０５１９４９１２３１００２Ｘ") == ID_OK


def test_r_pii_3_masking_keeps_first_six_and_last_four():
    assert applicant.mask_id_number(ID_OK) == "110105********002X"
    assert applicant.mask_id_number(ID_OK, head=3, tail=2) == "110*************2X"
    assert applicant.mask_id_number("E1234") == "****4"
    assert applicant.mask_id_number("") == ""
    assert applicant.mask_phone("13812345678") == "138****5678"
    assert applicant.mask_phone("0311-12345678") == "031*-***45678"
    assert applicant.mask_phone("110") == "110"
