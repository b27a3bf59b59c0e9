"""R-PII-1…3: personal data in published text (gongkai.core.pii is pure: no database needed)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from gongkai.core import pii


def make_id(body17: str = "11010519491231002") -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def make_card(prefix: str, length: int) -> str:
    body = (prefix + "1234567890123456789")[: length - 1]
    return body + luhn.calc_check_digit(body)


def kinds(text: str) -> list[str]:
    return [m.kind for m in pii.find_pii(text)]


# ---- 居民身份证号码 (R-PII-2) --------------------------------------------------------------------------------


def test_valid_id_is_found_and_masked_keeping_6_and_4():
    number = make_id()
    matches = pii.find_pii(f"申请人身份证号{number}。")
    assert [(m.kind, m.start, m.end) for m in matches] == [("id_card", 7, 25)]
    assert matches[0].masked == number[:6] + "*" * 8 + number[-4:]
    assert number not in matches[0].masked


def test_id_with_x_check_character():
    number = make_id("11010519491231002")
    assert number.endswith("X")  # this body's check character is X
    assert kinds(number.lower()) == ["id_card"]


def test_id_with_wrong_check_character_is_not_a_finding():
    number = make_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert kinds(wrong) == []


def test_id_with_impossible_birth_date_is_not_a_finding():
    body = "11010519491331002"  # month 13
    assert kinds(body + ric.calc_check_digit(body + "0")) == []


def test_masked_id_is_not_a_finding():
    assert kinds("身份证号 2101**********1234，110105********002X") == []


def test_id_inside_a_longer_digit_run_is_not_a_finding():
    assert kinds("1" + make_id() + "9") == []


def test_full_width_digits_are_read():
    number = make_id()
    wide = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    matches = pii.find_pii("号码" + wide)
    assert [m.kind for m in matches] == ["id_card"]
    assert (matches[0].start, matches[0].end) == (2, 20)


# ---- 统一社会信用代码 is not personal data -------------------------------------------------------------------------


def test_uscc_is_not_a_finding():
    code = "91110108" + "MA01ABCD"
    code = code + "5"
    code = code + uscc.calc_check_digit(code)
    assert uscc.is_valid(code)
    assert kinds(f"统一社会信用代码：{code}") == []
    assert kinds(code) == []


def test_digit_only_uscc_that_also_reads_as_an_id_is_skipped_when_named():
    # Find an 18-digit string valid both as a 居民身份证号码 and as a 统一社会信用代码.
    both = next(
        value
        for tail in itertools.product("0123456789", repeat=2)
        for value in [make_id("110105194912310" + "".join(tail))]
        if uscc.is_valid(value)
    )
    assert kinds(f"统一社会信用代码：{both}") == []
    assert kinds(f"身份证号{both}") == ["id_card"]


# ---- mobile numbers --------------------------------------------------------------------------------------------


def test_mobile_found_and_digits_4_to_7_hidden():
    matches = pii.find_pii("联系电话13812345678")
    assert [(m.kind, m.masked) for m in matches] == [("mobile", "138****5678")]


def test_mobile_with_country_code_and_separators():
    assert [m.masked for m in pii.find_pii("+86 139-1234-5678 或 8615912345678 或 177 1234 5678")] == [
        "+86 139-****-5678",
        "86159****5678",
        "177 **** 5678",
    ]


def test_numbers_with_unallocated_prefixes_are_not_findings():
    assert kinds("14012345678 12345678901 10012345678") == []


def test_landline_and_masked_mobile_are_not_findings():
    assert kinds("电话 0311-12345678，手机 138****5678") == []


def test_mask_policy_is_configurable():
    policy = pii.MaskPolicy(phone_hide_from=1, phone_hide_to=3, id_keep_head=1, id_keep_tail=1)
    assert pii.find_pii("13812345678", policy)[0].masked == "***12345678"
    number = make_id()
    assert pii.find_pii(number, policy)[0].masked == number[0] + "*" * 16 + number[-1]


# ---- bank cards -------------------------------------------------------------------------------------------------


def test_unionpay_visa_mastercard_jcb_cards_are_found():
    cards = [
        make_card("62", 19),
        make_card("4", 16),
        make_card("53", 16),
        make_card("2221", 16),
        make_card("35", 16),
    ]
    for card in cards:
        matches = pii.find_pii(f"卡号{card}")
        assert [m.kind for m in matches] == ["bank_card"], card
        assert matches[0].masked == card[:4] + "*" * (len(card) - 8) + card[-4:]


def test_card_in_groups_of_four():
    card = make_card("62", 16)
    spaced = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    assert [m.masked for m in pii.find_pii(spaced)] == [f"{card[:4]} **** **** {card[-4:]}"]


def test_card_failing_luhn_or_without_scheme_prefix_is_not_a_finding():
    good = make_card("62", 19)
    bad_luhn = good[:-1] + str((int(good[-1]) + 1) % 10)
    no_scheme = make_card("99", 16)
    assert luhn.is_valid(no_scheme)
    assert kinds(bad_luhn) == []
    assert kinds(no_scheme) == []


def test_masked_card_is_not_a_finding():
    assert kinds("6222 **** **** 1234，6222***********1234") == []


# ---- mask_text -------------------------------------------------------------------------------------------------


def test_mask_text_masks_everything_and_keeps_the_rest():
    number, card = make_id(), make_card("62", 19)
    text = f"张三，身份证{number}，手机13812345678，卡号{card}。"
    masked = pii.mask_text(text)
    assert pii.find_pii(masked) == []
    assert masked.startswith("张三，身份证")
    assert len(masked) == len(text)
    assert number not in masked and "13812345678" not in masked and card not in masked


def test_empty_and_plain_text():
    assert pii.find_pii("") == []
    assert pii.mask_text("没有个人信息的正文。") == "没有个人信息的正文。"


# ---- properties ------------------------------------------------------------------------------------------------

_PIECES = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789 -+*Xx，号码", max_size=40),
    st.sampled_from(["13812345678", "+86 139-1234-5678", make_id(), make_card("62", 19), make_card("4", 16)]),
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_find_pii_never_crashes_on_arbitrary_text(text):
    for m in pii.find_pii(text):
        assert 0 <= m.start < m.end <= len(text)
        assert "*" in m.masked


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join))
def test_masked_text_has_no_finding(text):
    masked = pii.mask_text(text)
    assert pii.find_pii(masked) == []
    assert len(masked) == len(text)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["110105", "310101", "440305", "510104"]),
    st.dates(
        min_value=__import__("datetime").date(1930, 1, 1), max_value=__import__("datetime").date(2010, 12, 31)
    ),
    st.integers(min_value=0, max_value=999),
)
def test_every_valid_id_is_found_and_its_mask_is_not(region, born, seq):
    number = make_id(f"{region}{born:%Y%m%d}{seq:03d}")
    matches = pii.find_pii(f"身份证：{number}")
    assert [m.kind for m in matches] == ["id_card"]
    assert pii.find_pii(f"身份证：{matches[0].masked}") == []
