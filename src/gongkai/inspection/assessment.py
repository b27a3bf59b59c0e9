"""The assessment arithmetic (考核, issue 10 item 6). Pure: no Django import.

An assessment is a list of indicators with weights (points); each indicator is scored per agency by its kind
(see `inspection.models.Indicator`); the total is the sum; agencies are ranked by total (equal totals share a
rank: 1, 2, 2, 4). The monthly 通报 uses `month_bounds`."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from datetime import date, timedelta

INSPECTION, FINDINGS, MANUAL, VOTE = "inspection", "findings", "manual", "vote"
KINDS = (INSPECTION, FINDINGS, MANUAL, VOTE)
TOTAL_WEIGHT = 100

# The assessment's life: draft (indicators edited) → open (scores, vote) → closed (通报).
DRAFT, OPEN, CLOSED = "draft", "open", "closed"
TRANSITIONS = {"open": (DRAFT, OPEN), "close": (OPEN, CLOSED), "reopen": (CLOSED, OPEN)}

# A sensible default, edited by the 政务公开办 before the assessment opens: (name, kind, weight, codes, per finding).
DEFAULT_INDICATORS: tuple[tuple[str, str, int, tuple[str, ...], int], ...] = (
    ("网站检查（检查指标）", INSPECTION, 40, (), 0),
    ("按时公开与政策解读", FINDINGS, 20, ("late_publication", "missing_interpretation"), 2),
    ("互动回应", FINDINGS, 10, ("unanswered_message",), 5),
    ("工作要点落实", MANUAL, 20, (), 0),
    ("社会评议", VOTE, 10, (), 0),
)

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def round2(value: float) -> float:
    return round(value + 1e-9, 2)


def indicator_score(
    kind: str,
    weight: int,
    *,
    inspection_score: int | None = None,
    vetoed: bool = False,
    findings: int = 0,
    per_finding: int = 0,
    manual: float | None = None,
    vote_mean: float | None = None,
) -> float:
    """One agency's points on one indicator, between 0 and `weight`.

    inspection: weight × score / 100, 0 under a 单项否决 or when never inspected; findings: weight − per_finding ×
    count; manual: the hand score (0 when not scored); vote: weight × mean rating / 100 (`vote_mean` None = no
    vote at all: the caller passes the mean of the other agencies, see `vote_fallback`)."""
    if kind == INSPECTION:
        value = 0.0 if vetoed or inspection_score is None else weight * inspection_score / 100
    elif kind == FINDINGS:
        value = float(weight - per_finding * findings)
    elif kind == MANUAL:
        value = float(manual or 0)
    elif kind == VOTE:
        value = weight * (vote_mean if vote_mean is not None else 100.0) / 100
    else:
        raise ValueError(kind)
    return round2(min(float(weight), max(0.0, value)))


def vote_fallback(means: Sequence[float]) -> float | None:
    """An agency nobody rated gets the mean of the agencies that were rated (None: nobody was rated, full marks)."""
    return sum(means) / len(means) if means else None


def ranks(totals: Sequence[tuple[Hashable, float]]) -> dict[Hashable, int]:
    """Competition ranking by total, highest first: equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(totals, key=lambda kv: -kv[1])
    result: dict[Hashable, int] = {}
    previous: float | None = None
    rank = 0
    for position, (key, total) in enumerate(ordered, start=1):
        if previous is None or round2(total) != round2(previous):
            rank = position
        result[key] = rank
        previous = total
    return result


def weights_error(weights: Sequence[int]) -> str:
    """'' when the weights add up to 100, else the Chinese refusal."""
    total = sum(weights)
    if not weights:
        return "请先设置考核指标。"
    if total != TOTAL_WEIGHT:
        return f"各项指标分值合计应为 {TOTAL_WEIGHT} 分，当前为 {total} 分。"
    return ""


def month_bounds(text: str) -> tuple[date, date]:
    """'2026-10' → (first day, last day). ValueError with a Chinese message for anything else."""
    m = _MONTH.fullmatch((text or "").strip())
    if not m:
        raise ValueError(f"月份格式不正确：{text!r}，应为 YYYY-MM。")
    year, month = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2999):
        raise ValueError(f"月份不存在：{text}。")
    first = date(year, month, 1)
    last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    return first, last


GRADES = ((90.0, "优秀"), (80.0, "良好"), (60.0, "合格"))


def grade(total: float) -> str:
    """The assessment's grade of a total (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格)."""
    for floor, label in GRADES:
        if total >= floor:
            return label
    return "不合格"
