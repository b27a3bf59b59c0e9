"""The life of a 政民互动 / 12345 message (R-INT-2) as an explicit state machine. Pure: no Django import.

    received ──accept──▶ processing ──reply──▶ replied ──close──▶ closed
        │  ▲                 │                      (rate: 回访评价, in replied or closed)
        │  └──transfer───────┘ (to another agency: back to received)
        │                    replied / closed, rated 不满意 ──reopen (重办, once)──▶ processing
        ├──send_back (a wrong transfer, within N working days) ──▶ received (at the agency that sent it)
        └──reject (不予受理, reason) ──▶ not_accepted

The table is a `core.statemachine.StateMachine` (ADR 0003). `supervise` (督办) is open to platform admins
(政务公开办) in every state and changes nothing but the history.
`services.message_transition` is the one way the status changes: it checks the source state, the actor's role in
the holding agency (or platform admin), the comment when one is required, and writes one audit entry.
"""

from __future__ import annotations

from gongkai.core.statemachine import KEEP_STATE, StateMachine, Transition

RECEIVED, PROCESSING, NOT_ACCEPTED, REPLIED, CLOSED = (
    "received",
    "processing",
    "not_accepted",
    "replied",
    "closed",
)

STATUS_LABELS = {
    RECEIVED: "待受理",
    PROCESSING: "办理中",
    NOT_ACCEPTED: "不予受理",
    REPLIED: "已回复",
    CLOSED: "已办结",
}

# The four states of the file format (contracts.md "Messages"): received and processing are both "open".
EXPORT_STATUS = {
    RECEIVED: "open",
    PROCESSING: "open",
    NOT_ACCEPTED: "not_accepted",
    REPLIED: "replied",
    CLOSED: "closed",
}

ACTIVE = frozenset({RECEIVED, PROCESSING})
ALL_STATES = frozenset(STATUS_LABELS)

MESSAGE_HANDLER, PLATFORM_ADMIN, WRITER = "message_handler", "platform_admin", "writer"

CATEGORIES = ("咨询", "求助", "投诉", "举报", "意见", "建议")

RATINGS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}
UNSATISFIED = "unsatisfied"


_HANDLER = frozenset({MESSAGE_HANDLER})

# The message's table (ADR 0003, core.statemachine); KEEP_STATE: 延期, 评价 and 督办 leave the status as it is.
MACHINE: StateMachine[Transition] = StateMachine(
    (
        Transition("accept", frozenset({RECEIVED}), PROCESSING, _HANDLER, "受理"),
        Transition("reject", frozenset({RECEIVED}), NOT_ACCEPTED, _HANDLER, "不予受理", needs_comment=True),
        Transition("transfer", ACTIVE, RECEIVED, _HANDLER, "转办"),
        Transition(
            "send_back", frozenset({RECEIVED}), RECEIVED, _HANDLER, "退回（转办有误）", needs_comment=True
        ),
        Transition("extend", frozenset({PROCESSING}), KEEP_STATE, _HANDLER, "延期办理", needs_comment=True),
        Transition("reply", frozenset({PROCESSING}), REPLIED, _HANDLER, "回复"),
        Transition("close", frozenset({REPLIED}), CLOSED, _HANDLER, "办结"),
        Transition(
            "rate", frozenset({REPLIED, CLOSED}), KEEP_STATE, frozenset({MESSAGE_HANDLER, WRITER}), "回访评价"
        ),
        Transition(
            "reopen", frozenset({CLOSED}), PROCESSING, frozenset({MESSAGE_HANDLER, PLATFORM_ADMIN}), "重办"
        ),
        Transition(
            "supervise", ALL_STATES, KEEP_STATE, frozenset({PLATFORM_ADMIN}), "督办", needs_comment=True
        ),
    )
)
# action -> Transition, for lookups by name (`"reply" in TRANSITIONS`, `TRANSITIONS["reply"].label`).
TRANSITIONS: dict[str, Transition] = dict(MACHINE.table)


def transition_for(action: str, state: str) -> Transition | None:
    """The transition `action` from `state`, or None when the table does not allow it."""
    return MACHINE.transition_for(action, state)


def available_actions(state: str, roles: set[str]) -> list[Transition]:
    """The actions a holder of `roles` may take on a message in `state` (what the staff page offers)."""
    return MACHINE.available(state, roles)


def replies_public(*, consent: bool, category: str) -> bool:
    """R-INT-2 privacy: a reply is published only when the writer agreed, and never for a 举报."""
    return consent and category != "举报"
