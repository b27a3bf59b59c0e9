"""Organization codes. Pure: no Django import.

统一社会信用代码 (GB 32100-2015, 18 characters) is checked with python-stdnum; the older
组织机构代码 (GB 11714, 8 characters + check character, e.g. 000014349 or 00001434-9) by its weights.
"""

from __future__ import annotations

from stdnum.cn import uscc

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _org_code_check(body: str) -> str:
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalize_org_code(raw: str) -> str:
    return raw.strip().upper().replace("-", "").replace(" ", "")


def org_code_error(raw: str) -> str | None:
    """None when `raw` is a valid 统一社会信用代码 or 组织机构代码, else a Chinese reason."""
    code = normalize_org_code(raw)
    if len(code) == 18:
        # python-stdnum computes the GB 32100 check character; its format check also demands 8 leading digits,
        # but the registering-authority character may be a letter (e.g. N 农业农村, Y 其他), so test the alphabet here.
        if any(c not in _USCC_ALPHABET for c in code):
            return "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）。"
        if uscc.calc_check_digit(code[:17]) == code[17]:
            return None
        return "统一社会信用代码校验位不正确。"
    if len(code) == 9:
        body, check = code[:8], code[8]
        if any(c not in _ORG_ALPHABET for c in body):
            return "组织机构代码只能包含数字和大写字母。"
        if _org_code_check(body) == check:
            return None
        return "组织机构代码校验位不正确。"
    return "机构代码应为 18 位统一社会信用代码或 9 位组织机构代码。"
