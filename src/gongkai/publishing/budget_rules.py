"""R-PUB-13 (预算法 第十四条; 财预〔2016〕143号): budget and final-account disclosure deadlines. Pure: no Django.

部门预算、决算 and their tables are published by each department within 20 days (calendar days) of the finance
department's 批复; 三公经费 are published with them. The government's budget and final accounts: within 20 days of the
people's congress approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DEADLINE_DAYS = 20

KINDS = {
    "budget": "部门预算",
    "final_accounts": "部门决算",
    "three_public": "“三公”经费预决算",
    "government_budget": "政府预算",
    "government_final_accounts": "政府决算",
}


@dataclass(frozen=True)
class BudgetState:
    code: str  # pending | on_time | late | overdue | not_approved
    label: str
    due: date | None


def due_date(approved_on: date) -> date:
    """The last day to publish: 20 calendar days after approval (R-PUB-13)."""
    return approved_on + timedelta(days=DEADLINE_DAYS)


def budget_state(*, approved_on: date | None, published_on: date | None, today: date) -> BudgetState:
    if approved_on is None:
        if published_on is not None:
            return BudgetState("on_time", "已公开", None)
        return BudgetState("not_approved", "尚未批复", None)
    due = due_date(approved_on)
    if published_on is not None:
        if published_on <= due:
            return BudgetState("on_time", "按时公开", due)
        return BudgetState("late", f"逾期 {(published_on - due).days} 天公开", due)
    if today > due:
        return BudgetState("overdue", f"已逾期 {(today - due).days} 天未公开", due)
    return BudgetState("pending", f"应于 {due.isoformat()} 前公开", due)
