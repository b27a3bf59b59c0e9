"""Outcomes of an information request, what each reply must state, and the remedy paragraph. Pure: no Django import.

R-FOI-8: the outcome codes are exactly the rows of table 三 of the annual report (R-RPT-3); a request has one final
outcome. R-FOI-6 (条例 第三十六—三十九条): what a reply of each type must tell the applicant, and the remedies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

# ---------------------------------------------------------------- detail fields of a reply

REASON = "reason"  # 理由
LEGAL_BASIS = "legal_basis"  # 法律依据
WITHHELD_PART = "withheld_part"  # 部分公开: what is withheld
WHERE = "where"  # 获取方式、途径 (已主动公开, 公开出版物)
RESPONSIBLE_AGENCY = "responsible_agency"  # 非本机关负责: the agency that holds it
RESPONSIBLE_CONTACT = "responsible_contact"  # … and its contact
VARIANT = "variant"  # the reply type within one report row (below)

DETAIL_LABELS = {
    REASON: "理由",
    LEGAL_BASIS: "法律依据",
    WITHHELD_PART: "不予公开的内容",
    WHERE: "获取信息的方式、途径",
    RESPONSIBLE_AGENCY: "负责公开该信息的机关",
    RESPONSIBLE_CONTACT: "该机关的联系方式",
    VARIANT: "答复类型",
}
DETAIL_FIELDS = tuple(DETAIL_LABELS)

# Reply types that share a report row (R-FOI-8): 已主动公开 and 予以公开 → (一); 信息不存在 and 非本机关负责 → (四)1.
PROVIDED, ALREADY_PUBLIC = "provided", "already_public"
NOT_EXIST, NOT_OURS = "not_exist", "not_ours"
VARIANT_LABELS = {
    PROVIDED: "予以公开",
    ALREADY_PUBLIC: "已主动公开（告知获取途径）",
    NOT_EXIST: "信息不存在",
    NOT_OURS: "非本机关负责公开",
}

# What the ledger must show for an outcome (checked by the reply service with the clock).
LEDGER_SUPPLEMENT_RECEIVED = "supplement_received"  # 补正后仍不明确: a supplement was received
LEDGER_SUPPLEMENT_MISSING = "supplement_missing"  # 逾期不补正: a supplement was asked for and never came
LEDGER_FEE_UNPAID = "fee_unpaid"  # 逾期未缴费: a fee notice, unpaid after the payment period
# R-FOI-5 不予处理（大量反复申请）: reasons were asked for, and not judged reasonable (no later reply date).
LEDGER_REASON_UNREASONABLE = "reason_unreasonable"


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str  # short Chinese label for pages and letters
    group: str  # the report section: disclosed, partial, withheld, unable, not_processed, other
    section: str  # 三、本年度办理结果 sub-heading, e.g. "（三）不予公开"
    item: str  # the numbered row within the section ("" for sections of one row)
    requires: tuple[str, ...] = ()  # detail fields the reply must give
    variants: tuple[str, ...] = ()  # allowed values of `variant` (first is the default)
    legal_basis: str = ""  # default legal basis offered in the reply letter (editable)
    ledger: str = ""  # what the clock ledger must show (LEDGER_*)
    is_refusal: bool = False  # 不予公开 (or the withheld part of 部分公开): 复议前置 since 2024-01-01

    @property
    def report_row(self) -> str:
        """The row label of table 三 (R-RPT-3), e.g. "（三）不予公开 1.属于国家秘密"."""
        return f"{self.section} {self.item}" if self.item else self.section


_TIAOLI = "《中华人民共和国政府信息公开条例》"
_WITHHELD = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"
_REFUSAL = (REASON, LEGAL_BASIS)

OUTCOMES: dict[str, Outcome] = {
    o.code: o
    for o in (
        Outcome(
            "disclosed",
            "予以公开",
            "disclosed",
            "（一）予以公开",
            "",
            variants=(PROVIDED, ALREADY_PUBLIC),
            legal_basis=f"{_TIAOLI}第三十六条第（一）项、第（二）项",
        ),
        Outcome(
            "partial",
            "部分公开",
            "partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "",
            requires=(WITHHELD_PART, REASON, LEGAL_BASIS),
            legal_basis=f"{_TIAOLI}第三十七条",
            is_refusal=True,
        ),
        Outcome(
            "withheld.state_secret",
            "不予公开（属于国家秘密）",
            "withheld",
            _WITHHELD,
            "1.属于国家秘密",
            requires=_REFUSAL,
            legal_basis=f"{_TIAOLI}第十四条",
            is_refusal=True,
        ),
        Outcome(
            "withheld.law_prohibited",
            "不予公开（其他法律行政法规禁止公开）",
            "withheld",
            _WITHHELD,
            "2.其他法律行政法规禁止公开",
            requires=_REFUSAL,
            legal_basis=f"{_TIAOLI}第十四条",
            is_refusal=True,
        ),
        Outcome(
            "withheld.three_safeties",
            "不予公开（危及“三安全一稳定”）",
            "withheld",
            _WITHHELD,
            "3.危及“三安全一稳定”",
            requires=_REFUSAL,
            legal_basis=f"{_TIAOLI}第十四条",
            is_refusal=True,
        ),
        Outcome(
            "withheld.third_party",
            "不予公开（保护第三方合法权益）",
            "withheld",
            _WITHHELD,
            "4.保护第三方合法权益",
            requires=_REFUSAL,
            legal_basis=f"{_TIAOLI}第十五条、第三十二条",
            is_refusal=True,
        ),
        Outcome(
            "withheld.internal_affairs",
            "不予公开（属于三类内部事务信息）",
            "withheld",
            _WITHHELD,
            "5.属于三类内部事务信息",
            requires=_REFUSAL,
            legal_basis=f"{_TIAOLI}第十六条第一款",
            is_refusal=True,
        ),
        Outcome(
            "withheld.process_info",
            "不予公开（属于四类过程性信息）",
            "withheld",
            _WITHHELD,
            "6.属于四类过程性信息",
            requires=_REFUSAL,
            legal_basis=f"{_TIAOLI}第十六条第二款",
            is_refusal=True,
        ),
        Outcome(
            "withheld.enforcement_file",
            "不予公开（属于行政执法案卷）",
            "withheld",
            _WITHHELD,
            "7.属于行政执法案卷",
            requires=_REFUSAL,
            legal_basis=f"{_TIAOLI}第十六条第二款",
            is_refusal=True,
        ),
        Outcome(
            "withheld.query_matter",
            "不予公开（属于行政查询事项）",
            "withheld",
            _WITHHELD,
            "8.属于行政查询事项",
            requires=_REFUSAL,
            legal_basis=f"{_TIAOLI}第三十六条第（七）项",
            is_refusal=True,
        ),
        Outcome(
            "unable.not_held",
            "无法提供（本机关不掌握相关政府信息）",
            "unable",
            _UNABLE,
            "1.本机关不掌握相关政府信息",
            variants=(NOT_EXIST, NOT_OURS),
            legal_basis=f"{_TIAOLI}第三十六条第（四）项、第（五）项",
        ),
        Outcome(
            "unable.needs_creation",
            "无法提供（没有现成信息需要另行制作）",
            "unable",
            _UNABLE,
            "2.没有现成信息需要另行制作",
            requires=(REASON,),
            legal_basis=f"{_TIAOLI}第三十八条",
        ),
        Outcome(
            "unable.unclear_after_supplement",
            "无法提供（补正后申请内容仍不明确）",
            "unable",
            _UNABLE,
            "3.补正后申请内容仍不明确",
            requires=(REASON,),
            legal_basis=f"{_TIAOLI}第三十条",
            ledger=LEDGER_SUPPLEMENT_RECEIVED,
        ),
        Outcome(
            "not_processed.petition",
            "不予处理（信访举报投诉类申请）",
            "not_processed",
            _NOT_PROCESSED,
            "1.信访举报投诉类申请",
            legal_basis=f"{_TIAOLI}第三十九条第一款",
        ),
        Outcome(
            "not_processed.duplicate",
            "不予处理（重复申请）",
            "not_processed",
            _NOT_PROCESSED,
            "2.重复申请",
            requires=(REASON,),
            legal_basis=f"{_TIAOLI}第三十六条第（六）项",
        ),
        Outcome(
            "not_processed.publication",
            "不予处理（要求提供公开出版物）",
            "not_processed",
            _NOT_PROCESSED,
            "3.要求提供公开出版物",
            legal_basis=f"{_TIAOLI}第三十九条第二款",
        ),
        Outcome(
            "not_processed.excessive",
            "不予处理（无正当理由大量反复申请）",
            "not_processed",
            _NOT_PROCESSED,
            "4.无正当理由大量反复申请",
            requires=(REASON,),
            legal_basis=f"{_TIAOLI}第三十五条",
            ledger=LEDGER_REASON_UNREASONABLE,
        ),
        Outcome(
            "not_processed.confirmation",
            "不予处理（要求行政机关确认或重新出具已获取信息）",
            "not_processed",
            _NOT_PROCESSED,
            "5.要求行政机关确认或重新出具已获取信息",
        ),
        Outcome(
            "other.no_supplement",
            "其他处理（逾期不补正）",
            "other",
            _OTHER,
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            legal_basis=f"{_TIAOLI}第三十条",
            ledger=LEDGER_SUPPLEMENT_MISSING,
        ),
        Outcome(
            "other.fee_unpaid",
            "其他处理（逾期未缴纳信息处理费）",
            "other",
            _OTHER,
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            legal_basis=f"{_TIAOLI}第四十二条，《政府信息公开信息处理费管理办法》",
            ledger=LEDGER_FEE_UNPAID,
        ),
        Outcome(
            "other.other",
            "其他处理",
            "other",
            _OTHER,
            "3.其他",
            requires=(REASON,),
        ),
    )
}

OUTCOME_CODES = tuple(OUTCOMES)
OUTCOME_LABELS = {code: o.label for code, o in OUTCOMES.items()}

# Table 三 sections in report order, each with its outcome codes (R-RPT-3).
REPORT_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (section, tuple(code for code, o in OUTCOMES.items() if o.section == section))
    for section in dict.fromkeys(o.section for o in OUTCOMES.values())
)


def outcome(code: str) -> Outcome:
    """The outcome `code`; KeyError for an unknown code."""
    return OUTCOMES[code]


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def reply_problems(code: str, details: Mapping[str, str]) -> list[Problem]:
    """What a reply with outcome `code` and these details lacks, as the law demands it (R-FOI-6).

    - 不予公开 (withheld.*): the reason and the legal basis (第三十六条第（三）项).
    - 部分公开: what is withheld, why, and on what basis (第三十七条).
    - 已主动公开 (disclosed, variant already_public): where to get it (第三十六条第（一）项).
    - 非本机关负责 (unable.not_held, variant not_ours): the reason; the responsible agency and its contact when
      known — naming the agency without a contact is refused (第三十六条第（五）项).
    Ledger conditions (`Outcome.ledger`) are checked by the service, which knows the clock.
    """
    spec = OUTCOMES.get(code)
    if spec is None:
        return [Problem("outcome", f"未知的办理结果：{code}。")]
    problems: list[Problem] = []

    def given(name: str) -> bool:
        return bool(str(details.get(name) or "").strip())

    for name in spec.requires:
        if not given(name):
            problems.append(Problem(name, f"“{spec.label}”的答复须写明{DETAIL_LABELS[name]}。"))
    variant = str(details.get(VARIANT) or "").strip()
    if variant and variant not in spec.variants:
        problems.append(Problem(VARIANT, f"答复类型“{variant}”不适用于“{spec.label}”。"))
    variant = variant or (spec.variants[0] if spec.variants else "")
    if variant == ALREADY_PUBLIC and not given(WHERE):
        problems.append(Problem(WHERE, "信息已主动公开的，须告知申请人获取该信息的方式、途径。"))
    if variant == NOT_OURS:
        if not given(REASON):
            problems.append(Problem(REASON, "不属于本机关负责公开的，须说明理由。"))
        if given(RESPONSIBLE_AGENCY) and not given(RESPONSIBLE_CONTACT):
            problems.append(
                Problem(RESPONSIBLE_CONTACT, "已确定负责公开的机关的，须告知该机关的名称和联系方式。")
            )
    return problems


def effective_variant(code: str, details: Mapping[str, str]) -> str:
    """The reply type within the outcome's row: the given variant or the outcome's default ("" when none)."""
    spec = OUTCOMES[code]
    variant = str(details.get(VARIANT) or "").strip()
    return variant or (spec.variants[0] if spec.variants else "")


# ---------------------------------------------------------------- remedies (R-FOI-6, R-FOI-9)

# 行政复议法 (2023 修订) took effect on 2024-01-01; its 第二十三条第一款第（四）项 makes review compulsory before
# litigation when an agency refuses to disclose government information (复议前置).
REVIEW_FIRST_SINCE = date(2024, 1, 1)

REMEDY_KINDS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}
REMEDY_RESULTS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
}


def review_first(code: str, replied_on: date) -> bool:
    """Whether the applicant must apply for 行政复议 before going to court (复议前置)."""
    spec = OUTCOMES.get(code)
    return bool(spec and spec.is_refusal and replied_on >= REVIEW_FIRST_SINCE)


def remedy_notice(code: str, replied_on: date, *, review_body: str = "", court: str = "") -> str:
    """The remedy paragraph of a reply letter, by outcome and reply date (R-FOI-6).

    Before 2024-01-01, and for every outcome that is not a refusal: 行政复议 within 60 days or 行政诉讼 within
    6 months. Since 2024-01-01 a refusal (withheld.*, and partial for its withheld part) offers 行政复议 only, and
    litigation after it. `review_body` (e.g. "某某市人民政府") and `court` name the bodies when the agency knows them.
    """
    if code not in OUTCOMES:
        raise KeyError(code)
    review_to = f"向{review_body}" if review_body else ""
    court_to = f"向{court}" if court else "向人民法院"
    if review_first(code, replied_on):
        return (
            "如对本答复不服，依照《中华人民共和国行政复议法》第二十三条第一款第（四）项的规定，"
            f"应当先自收到本答复之日起六十日内{review_to}申请行政复议（《中华人民共和国行政复议法》第二十条）；"
            f"对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内依法{court_to}提起行政诉讼"
            "（《中华人民共和国行政诉讼法》第四十五条）。"
        )
    review_article = "第二十条" if replied_on >= REVIEW_FIRST_SINCE else "第九条"
    return (
        f"如对本答复不服，可以自收到本答复之日起六十日内{review_to}申请行政复议"
        f"（《中华人民共和国行政复议法》{review_article}），"
        f"或者自收到本答复之日起六个月内依法{court_to}提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。"
    )
