"""The message state machine (R-INT-2). Pure."""

from __future__ import annotations

from gongkai.participation import workflow


def test_r_int_2_loop_is_closed():
    assert workflow.transition_for("accept", workflow.RECEIVED).target == workflow.PROCESSING
    assert workflow.transition_for("reply", workflow.PROCESSING).target == workflow.REPLIED
    assert workflow.transition_for("close", workflow.REPLIED).target == workflow.CLOSED
    assert workflow.transition_for("rate", workflow.CLOSED).target == workflow.KEEP_STATE
    assert workflow.transition_for("reopen", workflow.CLOSED).target == workflow.PROCESSING
    assert workflow.transition_for("transfer", workflow.PROCESSING).target == workflow.RECEIVED


def test_not_accepted_is_final_except_for_supervision():
    for action in workflow.TRANSITIONS:
        t = workflow.transition_for(action, workflow.NOT_ACCEPTED)
        assert (t is not None) == (action == "supervise")


def test_reject_needs_a_reason_and_supervise_is_for_the_office():
    assert workflow.TRANSITIONS["reject"].needs_comment
    assert workflow.TRANSITIONS["supervise"].roles == {workflow.PLATFORM_ADMIN}
    handler = {a.action for a in workflow.available_actions(workflow.RECEIVED, {workflow.MESSAGE_HANDLER})}
    assert handler == {"accept", "reject", "transfer", "send_back"}


def test_no_reply_without_acceptance():
    assert workflow.transition_for("reply", workflow.RECEIVED) is None


def test_public_reply_needs_consent_and_never_for_a_report():
    assert workflow.replies_public(consent=True, category="咨询")
    assert not workflow.replies_public(consent=False, category="咨询")
    assert not workflow.replies_public(consent=True, category="举报")
