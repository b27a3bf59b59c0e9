"""Organization codes (gongkai.orgs.codes): 统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714).

The check characters are recomputed here independently of the implementation under test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.orgs.codes import normalize_org_code, org_code_error

# GB 32100-2015: 31 characters (no I, O, Z, S, V); weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997: 8 digits/letters + check character (0-9 or X).
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check(body: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_check(body: str) -> str:
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def test_reference_check_characters_match_published_examples():
    # Guard the independent reference itself against typos.
    assert org_check("00001434") == "9"
    assert org_check("D2143569") == "X"
    assert uscc_check("91110000802100433") == "B"


# ---- 统一社会信用代码 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "91110000802100433B",  # company registered with 工商 (9), Beijing
        "11100000000013127D",  # 机关 registered with 机构编制 (1)
        "12100000400000624D",  # 事业单位 (12)
        "911100007109250324",  # check character 4
    ],
)
def test_valid_uscc(code):
    assert uscc_check(code[:17]) == code[17]
    assert org_code_error(code) is None


def test_valid_uscc_in_lower_case_with_spaces_or_dashes():
    assert org_code_error(" 91110000802100433b ") is None
    assert org_code_error("9111-0000-8021-0043-3B") is None
    assert normalize_org_code(" 9111 0000-802100433b") == "91110000802100433B"


@pytest.mark.parametrize(
    "code",
    [
        "91110000802100433A",  # wrong check character
        "91110000802100433C",
        "11100000000013127E",
        "91110000802100434B",  # one body character changed
        "19110000802100433B",  # two body characters swapped
    ],
)
def test_uscc_with_wrong_check_character(code):
    assert org_code_error(code) == "统一社会信用代码校验位不正确。"


@pytest.mark.parametrize("bad_char", ["I", "O", "Z", "S", "V"])
def test_uscc_with_a_letter_outside_the_alphabet_is_refused(bad_char):
    assert org_code_error("911100008021004" + bad_char + "3B") is not None


@settings(max_examples=200, deadline=None)
@given(
    region=st.text(alphabet="0123456789", min_size=8, max_size=8),
    rest=st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
    wrong=st.sampled_from(USCC_ALPHABET),
)
def test_uscc_property_exactly_one_check_character_is_accepted(region, rest, wrong):
    body = region + rest
    good = uscc_check(body)
    assert org_code_error(body + good) is None
    if wrong != good:
        assert org_code_error(body + wrong) == "统一社会信用代码校验位不正确。"


# ---- 组织机构代码 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["000014349", "00001434-9", "D2143569X", "d2143569-x", "802100433"])
def test_valid_org_code(code):
    assert org_code_error(code) is None


@pytest.mark.parametrize("code", ["00001434-8", "000014340", "00001434X", "D21435690"])
def test_org_code_with_wrong_check_character(code):
    assert org_code_error(code) == "组织机构代码校验位不正确。"


def test_org_code_with_a_symbol_is_refused():
    assert org_code_error("0000143?9") == "组织机构代码只能包含数字和大写字母。"


@settings(max_examples=200, deadline=None)
@given(body=st.text(alphabet=ORG_ALPHABET, min_size=8, max_size=8), wrong=st.sampled_from("0123456789X"))
def test_org_code_property_exactly_one_check_character_is_accepted(body, wrong):
    good = org_check(body)
    assert org_code_error(body + good) is None
    assert org_code_error(f"{body[:8]}-{good}") is None
    if wrong != good:
        assert org_code_error(body + wrong) == "组织机构代码校验位不正确。"


# ---- neither ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["", "   ", "1234", "0000143490", "91110000802100433", "91110000802100433BB"]
)
def test_wrong_length_is_refused_with_a_chinese_reason(code):
    assert org_code_error(code) == "机构代码应为 18 位统一社会信用代码或 9 位组织机构代码。"


def test_uscc_may_start_with_a_letter():
    """GB 32100: the registering-authority character may be a letter (N, Y …); the check character decides."""
    from stdnum.cn import uscc

    from gongkai.orgs.codes import org_code_error

    body = "N2110105MA0000001"
    good = body + uscc.calc_check_digit(body)
    assert org_code_error(good) is None
    wrong = body + ("0" if good[-1] != "0" else "1")
    assert org_code_error(wrong) is not None
    assert org_code_error("N2110105MA000000I") is not None  # I is not in the alphabet
