"""The life of an information request (依申请公开) as an explicit state machine. Pure: no Django import.

    awaiting_confirmation ──confirm──▶ open ──reply / forward──▶ replied
             │                          │
             └────────withdraw──────────┴──withdraw──▶ withdrawn

Online (and unconfirmed fax or ordinary-letter) submissions wait in `awaiting_confirmation` until staff confirm
receipt: the statutory receipt date is the day both sides confirmed (R-FOI-2, 条例 第三十一条). The table is a
`core.statemachine.StateMachine` (ADR 0003). The clock actions (补正, 征求意见, 延期, 收费, 说明理由) append to the
ledger and leave the status `open` (R-FOI-3, R-FOI-4, R-FOI-5, R-FOI-7); they are rows of the same table so that
one service (`services.request_transition`) checks every action the same way: the source state, the actor's role
in the request's agency, the comment when one is required.

Roles: `foi_handler` (依申请公开经办人) does the work; `foi_head` (政府信息公开工作机构负责人) alone approves an
extension (条例 第三十三条第二款) and a later reply date (第三十五条, R-FOI-5) and may cancel them; `applicant` is
the person holding the query code, who may withdraw their own request.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.core.statemachine import StateMachine
from gongkai.core.statemachine import Transition as BaseTransition

AWAITING_CONFIRMATION, OPEN, REPLIED, WITHDRAWN = "awaiting_confirmation", "open", "replied", "withdrawn"

STATUS_LABELS = {
    AWAITING_CONFIRMATION: "待确认收到",
    OPEN: "办理中",
    REPLIED: "已答复",
    WITHDRAWN: "已撤回",
}

FOI_HANDLER, FOI_HEAD, APPLICANT = "foi_handler", "foi_head", "applicant"


@dataclass(frozen=True)
class Transition(BaseTransition):
    # The ledger event this action appends (clock actions), or "" for a pure status change.
    event_type: str = ""


_OPEN_ONLY = frozenset({OPEN})
_HANDLER = frozenset({FOI_HANDLER})

# The request's table (ADR 0003, core.statemachine).
MACHINE: StateMachine[Transition] = StateMachine(
    (
        Transition("confirm", frozenset({AWAITING_CONFIRMATION}), OPEN, _HANDLER, "确认收到申请"),
        Transition(
            "supplement_request", _OPEN_ONLY, OPEN, _HANDLER, "告知补正", event_type="supplement_requested"
        ),
        Transition(
            "supplement_receive", _OPEN_ONLY, OPEN, _HANDLER, "收到补正", event_type="supplement_received"
        ),
        Transition(
            "consultation_start",
            _OPEN_ONLY,
            OPEN,
            _HANDLER,
            "征求意见（暂停计时）",
            event_type="consultation_started",
        ),
        Transition(
            "consultation_end",
            _OPEN_ONLY,
            OPEN,
            _HANDLER,
            "收到意见（恢复计时）",
            event_type="consultation_ended",
        ),
        Transition(
            "extend",
            _OPEN_ONLY,
            OPEN,
            frozenset({FOI_HEAD}),
            "批准延期答复",
            needs_comment=True,
            event_type="extension",
        ),
        Transition("fee_notice", _OPEN_ONLY, OPEN, _HANDLER, "发出收费通知", event_type="fee_notice"),
        Transition("fee_pay", _OPEN_ONLY, OPEN, _HANDLER, "登记缴费", event_type="fee_paid"),
        # R-FOI-5 (条例 第三十五条): requests unreasonable in number or frequency.
        Transition(
            "reason_request",
            _OPEN_ONLY,
            OPEN,
            _HANDLER,
            "要求申请人说明理由",
            needs_comment=True,
            event_type="reason_requested",
        ),
        Transition(
            "reason_receive", _OPEN_ONLY, OPEN, _HANDLER, "收到理由说明", event_type="reason_received"
        ),
        Transition(
            "later_date",
            _OPEN_ONLY,
            OPEN,
            frozenset({FOI_HEAD}),
            "确定延迟答复期限",
            needs_comment=True,
            event_type="later_reply_date",
        ),
        Transition(
            "event_cancel",
            _OPEN_ONLY,
            OPEN,
            frozenset({FOI_HANDLER, FOI_HEAD}),
            "撤销计时记录",
            needs_comment=True,
        ),
        Transition("reply", _OPEN_ONLY, REPLIED, _HANDLER, "答复"),
        Transition("forward", _OPEN_ONLY, REPLIED, _HANDLER, "转送其他机关办理"),
        Transition(
            "withdraw",
            frozenset({AWAITING_CONFIRMATION, OPEN}),
            WITHDRAWN,
            frozenset({FOI_HANDLER, APPLICANT}),
            "撤回申请",
            needs_comment=True,
        ),
    )
)
# action -> Transition, for lookups by name (`"reply" in TRANSITIONS`, `TRANSITIONS["reply"].label`).
TRANSITIONS: dict[str, Transition] = dict(MACHINE.table)

# Which action appends which ledger event (the inverse of Transition.event_type).
ACTION_FOR_EVENT = {t.event_type: t.action for t in MACHINE if t.event_type}

ACTIVE = frozenset({AWAITING_CONFIRMATION, OPEN})


def transition_for(action: str, state: str) -> Transition | None:
    """The transition `action` from `state`, or None when the table does not allow it."""
    return MACHINE.transition_for(action, state)


def available_actions(state: str, roles: set[str]) -> list[Transition]:
    """The actions a holder of `roles` may take on a request in `state` (what the pages offer)."""
    return MACHINE.available(state, roles)
