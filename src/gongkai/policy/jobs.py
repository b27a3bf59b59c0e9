"""Periodic work of the policy app, run by `gongkai tick`: link the 政策问答 citations imported before their
document once the document is on the platform (a safety net: `gongkai import items` and the Q&A import link them
at once)."""

from __future__ import annotations

from gongkai.policy.services import qa_citations_resolve


def link_pending_citations() -> int:
    return qa_citations_resolve(actor=None)


# Found by `gongkai tick` (commands/management/commands/tick.py collects each app's TICK_JOBS).
TICK_JOBS = [("policy_citations", link_pending_citations)]
