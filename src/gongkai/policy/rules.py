"""Pure rules of the policy app (no Django import): 办事指南 key elements (R-WEB-4), 建议提案 titles (R-INT-3),
the 权责清单 categories and the diff between two versions of a list, the small publication state machines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gongkai.core.statemachine import StateMachine, Transition

# ---------------------------------------------------------------- R-WEB-4 办事指南 key elements (2019 指标)

GUIDE_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("name", "事项名称"),
    ("basis", "设定依据"),
    ("conditions", "申请条件"),
    ("materials", "办理材料"),
    ("location", "办理地点"),
    ("handling_org", "办理机构"),
    ("fees", "收费标准"),
    ("hours", "办理时间"),
    ("phone", "联系电话"),
    ("process", "办理流程"),
)
GUIDE_ELEMENT_LABELS = dict(GUIDE_ELEMENTS)

# A value that only says "nothing here" counts as empty. 收费标准 must say "不收费" when there is no fee.
PLACEHOLDERS = frozenset(
    {"", "-", "—", "——", "/", "无", "暂无", "略", "待定", "待补充", "空", "n/a", "na", "none"}
)


def is_blank(value: str | None) -> bool:
    return (value or "").strip().lower() in PLACEHOLDERS


def guide_missing_elements(values: Mapping[str, str | None]) -> list[str]:
    """R-WEB-4: the labels of the key elements that are empty (or only a placeholder), in statutory order."""
    return [label for key, label in GUIDE_ELEMENTS if is_blank(values.get(key))]


def guide_missing_message(missing: Sequence[str]) -> str:
    """The Chinese refusal naming each missing element ('' when nothing is missing)."""
    if not missing:
        return ""
    message = f"办事指南缺少以下要素，不能发布：{'、'.join(missing)}。"
    if "收费标准" in missing:
        message += "不收费的事项请在收费标准中填写“不收费”。"
    return message


# ---------------------------------------------------------------- R-INT-3 建议提案办理结果

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans("", "", "《》〈〉<>“”\"'‘’「」")


def _normalize_title_text(text: str) -> str:
    return _SPACE.sub("", text or "").translate(_BRACKETS)


def proposal_title_error(title: str, subject: str) -> str:
    """R-INT-3: the public title states the subject (e.g. 关于《关于加强社区养老服务的建议》的答复).

    Returns a Chinese message, or '' when the title is acceptable. Brackets and spaces are ignored when comparing.
    """
    if not (subject or "").strip():
        return "请填写建议或提案的主题（标题须写明主题）。"
    if not (title or "").strip():
        return "请填写公开标题。"
    if _normalize_title_text(subject) not in _normalize_title_text(title):
        return f"公开标题须写明建议或提案的主题“{subject.strip()}”，如：关于《{subject.strip()}》的答复。"
    return ""


def proposal_default_title(subject: str) -> str:
    subject = (subject or "").strip().strip("《》")
    return f"关于《{subject}》的答复" if subject else ""


_NUMBER = re.compile(r"^\s*第?\s*(\d{1,6})\s*号?\s*$")


def proposal_number_parse(text: str) -> int | None:
    """'第123号', '123号', '123' → 123; anything else → None."""
    match = _NUMBER.match((text or "").translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- 权责清单

POWER_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("licensing", "行政许可"),
    ("penalty", "行政处罚"),
    ("coercion", "行政强制"),
    ("levy", "行政征收"),
    ("benefit", "行政给付"),
    ("inspection", "行政检查"),
    ("confirmation", "行政确认"),
    ("reward", "行政奖励"),
    ("adjudication", "行政裁决"),
    ("other", "其他"),
)
POWER_CATEGORY_LABELS = dict(POWER_CATEGORIES)

# The fields of an entry compared between versions, with their labels (the key identifies an entry across versions).
POWER_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "事项名称"),
    ("category", "类别"),
    ("basis", "依据"),
    ("responsible", "责任主体"),
    ("remarks", "备注"),
)


@dataclass
class EntryChange:
    key: str
    name: str
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (label, before, after)


@dataclass
class ListDiff:
    added: list[Mapping[str, Any]] = field(default_factory=list)
    removed: list[Mapping[str, Any]] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def power_list_diff(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> ListDiff:
    """What changed between two versions of a 权责清单: entries are matched by their stable `key`
    (kept when a working copy is made from a version), so a renamed entry is a change, not a removal."""
    old = {e["key"]: e for e in before}
    new = {e["key"]: e for e in after}
    diff = ListDiff()
    for key, entry in new.items():
        if key not in old:
            diff.added.append(entry)
            continue
        previous = old[key]
        changes = [
            (label, previous.get(name), entry.get(name))
            for name, label in POWER_FIELDS
            if (previous.get(name) or "") != (entry.get(name) or "")
        ]
        if changes:
            diff.changed.append(EntryChange(key=key, name=str(entry.get("name", "")), fields=changes))
    diff.removed = [entry for key, entry in old.items() if key not in new]
    return diff


# ---------------------------------------------------------------- publication state machines

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
STATUS_LABELS = {DRAFT: "草稿", PUBLISHED: "已发布", WITHDRAWN: "已撤回"}
PUBLISHER_ROLES = frozenset({"publisher", "org_admin"})
EDITOR_ROLES = frozenset({"drafter", "publisher", "org_admin"})


# 建议提案答复 and 政策问答: a draft is published by the agency's publisher; a published one may be withdrawn
# (with a reason), edited and published again. The table type is the shared one (core.statemachine, ADR 0003).
RECORD_TRANSITIONS: StateMachine[Transition] = StateMachine(
    [
        Transition("publish", frozenset({DRAFT, WITHDRAWN}), PUBLISHED, PUBLISHER_ROLES, "发布"),
        Transition(
            "withdraw", frozenset({PUBLISHED}), WITHDRAWN, PUBLISHER_ROLES, "撤回", needs_comment=True
        ),
    ]
)
RECORD_EDITABLE = frozenset({DRAFT, WITHDRAWN})

# 办事指南: the record is a working copy; every publication (also of a published guide) makes a new version.
GUIDE_TRANSITIONS: StateMachine[Transition] = StateMachine(
    [
        Transition(
            "publish", frozenset({DRAFT, PUBLISHED, WITHDRAWN}), PUBLISHED, PUBLISHER_ROLES, "发布新版本"
        ),
        Transition(
            "withdraw", frozenset({PUBLISHED}), WITHDRAWN, PUBLISHER_ROLES, "撤回", needs_comment=True
        ),
    ]
)
GUIDE_EDITABLE = frozenset({DRAFT, PUBLISHED, WITHDRAWN})


def transition_for(machine: StateMachine[Transition], action: str, state: str) -> Transition | None:
    return machine.transition_for(action, state)


def available_actions(machine: StateMachine[Transition], state: str, roles: set[str]) -> list[Transition]:
    return machine.available(state, roles)


def citation_default_ref(doc_no: str | None, index_no: str | None, title: str) -> str:
    """How a citation names its document when the citing line gave no 索引号 or 文号: 文号, else 索引号, else title."""
    return (doc_no or index_no or title or "")[:100]
