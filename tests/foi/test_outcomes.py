"""R-FOI-8 outcome codes = report rows; R-FOI-6 what a reply must state and the remedy paragraph (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.foi import outcomes

CODES = (
    "disclosed partial withheld.state_secret withheld.law_prohibited withheld.three_safeties withheld.third_party "
    "withheld.internal_affairs withheld.process_info withheld.enforcement_file withheld.query_matter "
    "unable.not_held unable.needs_creation unable.unclear_after_supplement not_processed.petition "
    "not_processed.duplicate not_processed.publication not_processed.excessive not_processed.confirmation "
    "other.no_supplement other.fee_unpaid other.other"
).split()


def test_r_foi_8_r_rpt_3_codes_are_exactly_the_report_rows_in_order():
    assert outcomes.OUTCOME_CODES == tuple(CODES)
    rows = [outcomes.OUTCOMES[c].report_row for c in CODES]
    assert len(set(rows)) == len(rows)  # one row per code
    assert rows[0] == "（一）予以公开"
    assert rows[1].startswith("（二）部分公开")
    assert outcomes.OUTCOMES["withheld.three_safeties"].report_row == "（三）不予公开 3.危及“三安全一稳定”"
    assert outcomes.OUTCOMES["unable.not_held"].report_row == "（四）无法提供 1.本机关不掌握相关政府信息"
    assert (
        outcomes.OUTCOMES["not_processed.excessive"].report_row == "（五）不予处理 4.无正当理由大量反复申请"
    )
    assert outcomes.OUTCOMES["other.fee_unpaid"].report_row.startswith(
        "（六）其他处理 2.申请人逾期未按收费通知"
    )
    assert [s for s, _ in outcomes.REPORT_SECTIONS] == [
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ]
    assert [len(codes) for _, codes in outcomes.REPORT_SECTIONS] == [1, 1, 8, 3, 5, 3]


def test_r_foi_8_reply_types_sharing_a_row():
    # 已主动公开 and 予以公开 → (一); 信息不存在 and 非本机关负责 → (四)1.
    assert outcomes.OUTCOMES["disclosed"].variants == (outcomes.PROVIDED, outcomes.ALREADY_PUBLIC)
    assert outcomes.OUTCOMES["unable.not_held"].variants == (outcomes.NOT_EXIST, outcomes.NOT_OURS)


@pytest.mark.parametrize("code", [c for c in CODES if c.startswith("withheld.")])
def test_r_foi_6_refusal_needs_reason_and_legal_basis(code):
    fields = {p.field for p in outcomes.reply_problems(code, {})}
    assert fields == {"reason", "legal_basis"}
    assert outcomes.reply_problems(code, {"reason": "涉及国家秘密", "legal_basis": "条例第十四条"}) == []


def test_r_foi_6_partial_needs_what_is_withheld_and_why():
    fields = {p.field for p in outcomes.reply_problems("partial", {"reason": "涉及个人隐私"})}
    assert fields == {"withheld_part", "legal_basis"}


def test_r_foi_6_already_public_needs_where():
    problems = outcomes.reply_problems("disclosed", {"variant": "already_public"})
    assert [p.field for p in problems] == ["where"]
    assert outcomes.reply_problems("disclosed", {"variant": "already_public", "where": "本局门户网站"}) == []
    assert outcomes.reply_problems("disclosed", {}) == []  # 予以公开 (the default variant)


def test_r_foi_6_not_ours_needs_reason_and_a_contact_for_a_named_agency():
    base = {"variant": "not_ours"}
    assert [p.field for p in outcomes.reply_problems("unable.not_held", base)] == ["reason"]
    named = {**base, "reason": "该信息由市住建局制作", "responsible_agency": "市住建局"}
    assert [p.field for p in outcomes.reply_problems("unable.not_held", named)] == ["responsible_contact"]
    assert (
        outcomes.reply_problems("unable.not_held", {**named, "responsible_contact": "电话：0311-1234567"})
        == []
    )
    # Agency not known: the reason alone suffices.
    assert outcomes.reply_problems("unable.not_held", {**base, "reason": "无法确定负责机关"}) == []
    assert outcomes.reply_problems("unable.not_held", {"variant": "not_exist"}) == []


def test_r_foi_5_excessive_requests_need_the_reason_they_were_judged_unreasonable():
    assert [p.field for p in outcomes.reply_problems("not_processed.excessive", {})] == ["reason"]
    assert outcomes.OUTCOMES["not_processed.excessive"].legal_basis.endswith("第三十五条")
    assert (
        outcomes.OUTCOMES["not_processed.excessive"].report_row == "（五）不予处理 4.无正当理由大量反复申请"
    )


def test_unknown_outcome_and_variant_are_problems():
    assert outcomes.reply_problems("granted", {})[0].field == "outcome"
    assert outcomes.reply_problems(
        "partial", {"variant": "not_ours", "withheld_part": "x", "reason": "y", "legal_basis": "z"}
    )


def test_ledger_conditions_declared():
    assert outcomes.OUTCOMES["other.no_supplement"].ledger == outcomes.LEDGER_SUPPLEMENT_MISSING
    assert outcomes.OUTCOMES["unable.unclear_after_supplement"].ledger == outcomes.LEDGER_SUPPLEMENT_RECEIVED
    assert outcomes.OUTCOMES["other.fee_unpaid"].ledger == outcomes.LEDGER_FEE_UNPAID


# ---------------------------------------------------------------- remedies


def test_r_foi_6_before_2024_review_or_litigation_for_every_outcome():
    for code in ("withheld.state_secret", "partial", "disclosed"):
        text = outcomes.remedy_notice(code, date(2023, 12, 31))
        assert "六十日内" in text and "申请行政复议" in text
        assert "或者自收到本答复之日起六个月内" in text and "提起行政诉讼" in text
        assert "第二十三条" not in text
        assert "行政复议法》第九条" in text  # the 2017 law's article on the 60 days


def test_r_foi_6_since_2024_a_refusal_must_go_to_review_first():
    for code in ("withheld.third_party", "partial"):
        assert outcomes.review_first(code, date(2024, 1, 1))
        text = outcomes.remedy_notice(code, date(2024, 1, 1))
        assert "应当先" in text and "第二十三条第一款第（四）项" in text
        assert "六个月" not in text  # no direct litigation offered
        assert "对行政复议决定不服的" in text


def test_r_foi_6_since_2024_other_outcomes_keep_the_choice():
    for code in ("disclosed", "unable.not_held", "not_processed.duplicate", "other.fee_unpaid"):
        assert not outcomes.review_first(code, date(2025, 6, 1))
        text = outcomes.remedy_notice(code, date(2025, 6, 1))
        assert "六个月内" in text and "行政复议法》第二十条" in text


def test_remedy_notice_names_the_bodies_when_given():
    text = outcomes.remedy_notice(
        "withheld.process_info", date(2025, 3, 1), review_body="测试市人民政府", court="测试区人民法院"
    )
    assert "向测试市人民政府申请行政复议" in text and "向测试区人民法院提起行政诉讼" in text
    with pytest.raises(KeyError):
        outcomes.remedy_notice("nope", date(2025, 3, 1))
