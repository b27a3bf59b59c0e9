"""意见征集 rules (R-INT-1; 重大行政决策程序暂行条例 第十四、十五、三十二条). Pure: no Django import.

- The comment period is counted in calendar days, both ends included: opening 2026-03-01 and closing 2026-03-30 is
  30 days. A period shorter than 30 days needs a stated reason when the consultation opens (第十五条).
- Each comment gets one decision: 采纳 / 部分采纳 / 未采纳 (with the reason) / 不属于征求范围; the 采纳情况 report
  (第三十二条) counts them and lists each decision with its reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MIN_PERIOD_DAYS = 30

ADOPTED, PARTLY_ADOPTED, NOT_ADOPTED, OUT_OF_SCOPE = (
    "adopted",
    "partly_adopted",
    "not_adopted",
    "out_of_scope",
)
DECISION_LABELS = {
    ADOPTED: "采纳",
    PARTLY_ADOPTED: "部分采纳",
    NOT_ADOPTED: "未采纳",
    OUT_OF_SCOPE: "不属于征求范围",
}
# Decisions that must say why (未采纳 always; 部分采纳: which part was not taken and why).
NEEDS_REASON = frozenset({NOT_ADOPTED, PARTLY_ADOPTED})


def period_days(opens_on: date, closes_on: date) -> int:
    """Calendar days from opening to closing, both included."""
    return (closes_on - opens_on).days + 1


def period_problems(*, opens_on: date, closes_on: date, short_reason: str) -> dict[str, str]:
    """R-INT-1: {field: Chinese message} for a period that is impossible or too short without a reason."""
    if closes_on < opens_on:
        return {"closes_on": "截止日期不能早于开始日期。"}
    days = period_days(opens_on, closes_on)
    if days < MIN_PERIOD_DAYS and not short_reason.strip():
        return {
            "short_reason": f"征求意见期限为 {days} 天，少于 {MIN_PERIOD_DAYS} 天，应当说明理由"
            "（《重大行政决策程序暂行条例》第十五条）。"
        }
    return {}


def decision_problems(*, decision: str, reason: str) -> dict[str, str]:
    if decision not in DECISION_LABELS:
        return {"decision": "请选择采纳、部分采纳、未采纳或不属于征求范围。"}
    if decision in NEEDS_REASON and not reason.strip():
        return {"reason": f"“{DECISION_LABELS[decision]}”应当说明理由。"}
    return {}


@dataclass(frozen=True)
class Tally:
    total: int
    decided: int
    counts: dict[str, int]

    @property
    def undecided(self) -> int:
        return self.total - self.decided

    def sentence(self) -> str:
        parts = "，".join(f"{label} {self.counts.get(code, 0)} 条" for code, label in DECISION_LABELS.items())
        text = f"共收到意见 {self.total} 条，其中{parts}"
        if self.undecided:
            text += f"，尚未处理 {self.undecided} 条"
        return text + "。"


def tally(decisions: Iterable[str]) -> Tally:
    """Counts per decision ("" = not decided yet)."""
    items = list(decisions)
    counts = Counter(d for d in items if d)
    return Tally(total=len(items), decided=sum(counts.values()), counts=dict(counts))
