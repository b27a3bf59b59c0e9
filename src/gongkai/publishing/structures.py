"""Structured columns (issue 7 §9 重点领域): columns whose items carry typed fields and whose listings filter by them.
Pure: no Django import.

A column is given a structure; each item placed in it then records the structure's fields (`InfoItem.structured`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = "text"  # text | date | number | choice
    choices: tuple[str, ...] = ()
    required: bool = False
    filterable: bool = False


@dataclass(frozen=True)
class Structure:
    code: str
    label: str
    fields: tuple[Field, ...]


STRUCTURES = {
    s.code: s
    for s in (
        Structure(
            "major_project",
            "重大建设项目",
            (
                Field("project_name", "项目名称", required=True, filterable=True),
                Field("project_code", "项目代码", filterable=True),
                Field("owner", "建设单位", filterable=True),
                Field(
                    "stage",
                    "信息类别",
                    "choice",
                    (
                        "审批核准备案",
                        "招标投标",
                        "征收土地",
                        "重大设计变更",
                        "施工管理",
                        "质量安全监督",
                        "竣工验收",
                    ),
                    required=True,
                    filterable=True,
                ),
                Field("approval_no", "批准文号"),
                Field("approved_on", "批准（办理）日期", "date", filterable=True),
                Field("investment_10k", "总投资（万元）", "number", filterable=True),
                Field("location", "建设地点", filterable=True),
            ),
        ),
        Structure(
            "public_resource",
            "公共资源配置",
            (
                Field(
                    "category",
                    "类别",
                    "choice",
                    ("工程建设项目招标投标", "政府采购", "土地使用权和矿业权出让", "国有产权交易", "其他"),
                    required=True,
                    filterable=True,
                ),
                Field("project_name", "项目名称", required=True, filterable=True),
                Field(
                    "method",
                    "交易方式",
                    "choice",
                    (
                        "公开招标",
                        "邀请招标",
                        "竞争性谈判",
                        "竞争性磋商",
                        "询价",
                        "单一来源",
                        "拍卖",
                        "挂牌",
                        "其他",
                    ),
                    filterable=True,
                ),
                Field("winner", "中标（成交）人", filterable=True),
                Field("amount_10k", "成交金额（万元）", "number", filterable=True),
                Field("closed_on", "成交日期", "date", filterable=True),
            ),
        ),
    )
}
CHOICES = [("", "（普通栏目）")] + [(s.code, s.label) for s in STRUCTURES.values()]


def clean_values(structure: Structure, raw: dict[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors): values as strings in canonical form (ISO dates, plain decimals); errors by field key."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for f in structure.fields:
        text = str(raw.get(f.key) or "").strip()
        if not text:
            if f.required:
                errors[f.key] = f"请填写{f.label}。"
            continue
        if len(text) > 500:
            errors[f.key] = f"{f.label}不能超过 500 个字。"
        elif f.type == "date":
            try:
                text = date.fromisoformat(text).isoformat()
            except ValueError:
                errors[f.key] = f"{f.label}应为“年-月-日”格式的日期。"
        elif f.type == "number":
            try:
                number = Decimal(text.replace(",", ""))
            except InvalidOperation:
                errors[f.key] = f"{f.label}应为数字。"
            else:
                if not number.is_finite() or number < 0:
                    errors[f.key] = f"{f.label}应为非负数。"
                else:
                    text = format(number.normalize(), "f")
        elif f.type == "choice" and text not in f.choices:
            errors[f.key] = f"{f.label}的取值无效。"
        if f.key not in errors:
            values[f.key] = text
    return values, errors
