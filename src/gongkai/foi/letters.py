"""Letters to the applicant: the reply letter (答复告知书, one template per outcome) and the fee notice
(收费通知书). Pure: no Django import.

An agency may edit each template (`models.LetterTemplate`); a template is plain text with placeholders in braces,
e.g. {申请人}. `default_body(kind)` gives the text used when the agency has not edited it, built from the outcome's
label and legal basis (outcomes.py); the remedy paragraph ({救济途径}) always comes from `outcomes.remedy_notice`,
by outcome and reply date (R-FOI-6: 复议前置 for refusals since 2024-01-01).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from gongkai.foi import outcomes as outcome_rules

FEE_NOTICE = "fee_notice"

PLACEHOLDERS = {
    "申请人": "申请人姓名或名称",
    "申请编号": "申请编号",
    "收到日期": "收到申请的日期",
    "申请内容": "申请公开的信息（申请人的描述）",
    "答复内容": "按办理结果生成的答复正文",
    "法律依据": "法律依据",
    "救济途径": "行政复议、行政诉讼告知（按办理结果和答复日期生成）",
    "机关": "答复机关名称",
    "答复日期": "答复日期",
    "联系方式": "本机关联系方式",
}
FEE_PLACEHOLDERS = {
    "申请人": "申请人姓名或名称",
    "申请编号": "申请编号",
    "收到日期": "收到申请的日期",
    "申请内容": "申请公开的信息（申请人的描述）",
    "收费方式": "按件计收或按量计收",
    "计费数量": "计费的件数或页数",
    "计算明细": "分段计算的明细",
    "收费金额": "应缴金额（元）",
    "缴费期限": "缴费的最后一天",
    "机关": "本机关名称",
    "通知日期": "通知日期",
    "联系方式": "本机关联系方式",
}

_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,10})\}")

_REPLY_HEAD = (
    "{申请人}：\n"
    "本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}），"
    "您申请获取的政府信息为：“{申请内容}”。\n"
)
_REPLY_TAIL = "{救济途径}\n特此告知。\n联系方式：{联系方式}\n{机关}\n{答复日期}"

# The opening sentence of the reply, by outcome group (the details follow in {答复内容}).
_GROUP_LEAD = {
    "disclosed": "经审查，现答复如下：",
    "partial": "经审查，您申请的政府信息中有部分内容不予公开，现答复如下：",
    "withheld": "经审查，您申请的政府信息不予公开，现答复如下：",
    "unable": "经审查，本机关无法提供您申请的政府信息，现答复如下：",
    "not_processed": "经审查，您的申请本机关不作为政府信息公开申请处理，现告知如下：",
    "other": "现就您的申请告知如下：",
}


def kinds() -> dict[str, str]:
    """Every letter kind an agency may edit, with its Chinese name."""
    reply = {code: f"答复书：{o.label}" for code, o in outcome_rules.OUTCOMES.items()}
    return {**reply, FEE_NOTICE: "信息处理费收费通知书"}


def default_body(kind: str) -> str:
    """The letter text used when the agency has not edited this kind. KeyError for an unknown kind."""
    if kind == FEE_NOTICE:
        return (
            "{申请人}：\n"
            "本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}）。"
            "您的申请明显超过合理范围，依据《中华人民共和国政府信息公开条例》第四十二条和"
            "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本机关决定收取信息处理费。\n"
            "收费方式：{收费方式}；计费数量：{计费数量}。\n"
            "计算明细：{计算明细}\n"
            "应缴金额：{收费金额}元。\n"
            "请于{缴费期限}前（自收到本通知次日起20个工作日内）缴纳。逾期未缴纳的，视为放弃申请，"
            "本机关不再处理该政府信息公开申请。缴费期间不计算在答复期限内。\n"
            "联系方式：{联系方式}\n{机关}\n{通知日期}"
        )
    spec = outcome_rules.OUTCOMES[kind]
    return _REPLY_HEAD + _GROUP_LEAD[spec.group] + "\n{答复内容}\n依据：{法律依据}。\n" + _REPLY_TAIL


def reply_content(code: str, details: Mapping[str, str]) -> str:
    """The body of the answer for an outcome, from the reply's details (R-FOI-6)."""
    spec = outcome_rules.OUTCOMES[code]
    variant = outcome_rules.effective_variant(code, details)

    def get(name: str) -> str:
        return str(details.get(name) or "").strip()

    parts: list[str] = []
    if variant == outcome_rules.ALREADY_PUBLIC:
        parts.append(f"您申请获取的政府信息已经主动公开，获取方式、途径：{get(outcome_rules.WHERE)}。")
    elif variant == outcome_rules.PROVIDED:
        parts.append("您申请获取的政府信息属于公开范围，本机关予以公开，随本答复书提供。")
    elif variant == outcome_rules.NOT_EXIST:
        parts.append("经检索查找，本机关未制作、获取您申请获取的政府信息，该政府信息不存在。")
    elif variant == outcome_rules.NOT_OURS:
        agency = get(outcome_rules.RESPONSIBLE_AGENCY)
        parts.append("您申请获取的政府信息不属于本机关负责公开。")
        if agency:
            contact = get(outcome_rules.RESPONSIBLE_CONTACT)
            parts.append(
                f"负责公开该政府信息的机关为{agency}" + (f"，联系方式：{contact}" if contact else "") + "。"
            )
    elif spec.group == "partial":
        parts.append(
            f"您申请获取的政府信息中，{get(outcome_rules.WITHHELD_PART)}不予公开，其余部分予以公开，随本答复书提供。"
        )
    elif spec.group == "withheld":
        parts.append(
            f"您申请获取的政府信息属于不予公开的情形（{spec.item.split('.', 1)[-1]}），依法不予公开。"
        )
    else:
        parts.append(f"办理结果：{spec.label}。")
    reason = get(outcome_rules.REASON)
    if reason and variant != outcome_rules.NOT_OURS:
        parts.append(f"理由：{reason}")
    elif reason:
        parts.append(reason)
    where = get(outcome_rules.WHERE)
    if where and variant != outcome_rules.ALREADY_PUBLIC:
        parts.append(f"获取方式、途径：{where}")
    return "".join(p if p.endswith(("。", "；", "！")) else p + "。" for p in parts)


def render(body: str, values: Mapping[str, str]) -> str:
    """Fill the placeholders; an unknown placeholder is left as typed (the editor warns about it)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def unknown_placeholders(body: str, kind: str) -> list[str]:
    """Placeholders in `body` that the kind of letter does not fill (shown to the editor as a mistake)."""
    known = FEE_PLACEHOLDERS if kind == FEE_NOTICE else PLACEHOLDERS
    return sorted({m.group(1) for m in _PLACEHOLDER.finditer(body)} - set(known))


@dataclass(frozen=True)
class Letter:
    """A letter ready to print or to write as a Word document: a title and its paragraphs."""

    title: str
    paragraphs: list[str]
    org_name: str
    tracking_no: str

    @property
    def text(self) -> str:
        return "\n".join([self.title, *self.paragraphs])


def letter_from(title: str, text: str, *, org_name: str, tracking_no: str) -> Letter:
    return Letter(
        title=title,
        paragraphs=[line.strip() for line in text.splitlines() if line.strip()],
        org_name=org_name,
        tracking_no=tracking_no,
    )
