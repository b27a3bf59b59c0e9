"""Personal data in published text (R-PII-1…3): detection and masking. Pure: no Django import.

Detectors (R-PII-2), each checked with a library rather than by hand:

- 居民身份证号码: 18 characters, GB 11643 check character and a real birth date (`stdnum.cn.ric`);
- mainland mobile numbers: 11 digits, valid MOBILE numbers for region CN (`phonenumbers`) whose first three
  digits are among the allocated prefixes of R-PII-2; ``+86``/``86`` and ``138 1234 5678``/``138-1234-5678`` forms too;
- bank card numbers: 16–19 digits passing Luhn (`stdnum.luhn`) and starting with a card-scheme prefix
  (62 UnionPay, 4 Visa, 51–55 and 2221–2720 Mastercard, 35 JCB); groups of four separated by spaces too.

Not findings: a 统一社会信用代码 (it names an organization, R-PII-2) — an 18-character string that is a valid code
and is introduced by “信用代码” is skipped; masked forms (a digit run touching ``*`` is never a candidate);
numbers failing their check. Full-width digits (０-９) are read as digits.

Masking patterns are deployment settings (R-PII-3); this module takes them as a `MaskPolicy` so it stays pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

ID_CARD = "id_card"
MOBILE = "mobile"
BANK_CARD = "bank_card"

LABELS = {ID_CARD: "居民身份证号码", MOBILE: "手机号码", BANK_CARD: "银行卡号"}

# R-PII-2: allocated mainland mobile prefixes (as in libphonenumber).
MOBILE_PREFIXES = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "147"]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["162", "165", "166", "167"]
    + ["170", "171", "172", "173", "175", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + ["190", "191", "192", "193", "195", "196", "197", "198", "199"]
)


@dataclass(frozen=True)
class MaskPolicy:
    """R-PII-3 defaults: ID keeps the first 6 and last 4; phone hides digits 4–7 (1-based); card keeps 4 and 4."""

    id_keep_head: int = 6
    id_keep_tail: int = 4
    phone_hide_from: int = 4
    phone_hide_to: int = 7
    card_keep_head: int = 4
    card_keep_tail: int = 4


DEFAULT_POLICY = MaskPolicy()


@dataclass(frozen=True)
class Match:
    """One finding in a text: `kind` (id_card, mobile, bank_card, or sensitive_word for word lists), the span
    [start, end) in the text as given, the masked form of the match (never the clear value), and where it was
    found (`source`, e.g. 正文 or an attachment's name; empty when the caller scanned one text)."""

    kind: str
    start: int
    end: int
    masked: str
    source: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, "敏感词" if self.kind == "sensitive_word" else self.kind)


_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９Ｘｘ＊", "0123456789Xx*"
)  # one character for one: offsets hold
_DIGITS = frozenset("0123456789Xx")

# A candidate never touches an ASCII letter, a digit or '*' on either side (masked forms are skipped).
_B = r"(?<![0-9A-Za-z*])"
_E = r"(?![0-9A-Za-z*])"
_ID_RE = re.compile(_B + r"[0-9]{17}[0-9Xx]" + _E)
_MOBILE_RE = re.compile(_B + r"(?:\+?86[- ]?)?(1[0-9]{2})([- ]?)([0-9]{4})\2([0-9]{4})" + _E)
_CARD_RE = re.compile(_B + r"(?:[0-9]{16,19}|[0-9]{4}(?: [0-9]{4}){3}(?: [0-9]{1,3})?)" + _E)
_USCC_CONTEXT = re.compile(r"(信用代码|社会信用|组织机构代码|纳税人识别号|税号)[：:\s]*$")

_CARD_SCHEMES = ("62", "4", "51", "52", "53", "54", "55", "35")


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch in _DIGITS).upper()


# First two digits: the province-level codes of GB/T 2260 (and 83 for residence permits of 港澳台 residents).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


def _is_id_card(value: str) -> bool:
    """GB 11643 check character and a real birth date, via stdnum.cn.ric. Not `ric.is_valid`: it also demands
    that the county code existed in the birth year, but codes are given at registration, not at birth (a person
    born in 1982 and registered in a district created in 1990 carries that district's code)."""
    if len(value) != 18 or not value[:17].isdigit() or value[:2] not in _PROVINCES:
        return False
    if ric.calc_check_digit(value) != value[17]:
        return False
    try:
        born = ric.get_birth_date(value)
    except ValidationError:  # no such date
        return False
    return born.year >= 1900


def _is_mobile(digits: str) -> bool:
    if len(digits) != 11 or digits[:3] not in MOBILE_PREFIXES:
        return False
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def _card_scheme(digits: str) -> bool:
    if digits.startswith(_CARD_SCHEMES):
        return True
    return 2221 <= int(digits[:4]) <= 2720


def _is_bank_card(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and digits.isdigit() and _card_scheme(digits) and luhn.is_valid(digits)


def _is_uscc_in_context(text: str, start: int, value: str) -> bool:
    """A 统一社会信用代码 introduced as such: organization data, not personal data (R-PII-2)."""
    if not uscc.is_valid(value):
        return False
    return bool(_USCC_CONTEXT.search(text[max(0, start - 20) : start]))


def _mask_positions(s: str, hide: set[int]) -> str:
    """Replace the digits at the given 1-based digit positions with '*', keeping separators."""
    out = []
    n = 0
    for ch in s:
        if ch in _DIGITS:
            n += 1
            out.append("*" if n in hide else ch)
        else:
            out.append(ch)
    return "".join(out)


def mask_value(kind: str, value: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """The masked form of one detected value (separators and a +86 prefix are kept)."""
    if kind == MOBILE:
        # Digit positions count from the 11-digit number, after any +86 / 86 prefix.
        offset = len(_digits(value)) - 11
        hide = {offset + i for i in range(policy.phone_hide_from, policy.phone_hide_to + 1)}
        return _mask_positions(value, hide)
    total = len(_digits(value))
    head, tail = (
        (policy.id_keep_head, policy.id_keep_tail)
        if kind == ID_CARD
        else (policy.card_keep_head, policy.card_keep_tail)
    )
    hide = {i for i in range(1, total + 1) if head < i <= total - tail}
    return _mask_positions(value, hide)


def find_pii(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> list[Match]:
    """Every personal-data match in `text`, in order, none overlapping. Never raises on any string."""
    if not text:
        return []
    norm = text.translate(_FULLWIDTH)
    candidates: list[Match] = []
    for m in _ID_RE.finditer(norm):
        value = m.group(0)
        if _is_id_card(value.upper()) and not _is_uscc_in_context(norm, m.start(), value.upper()):
            candidates.append(
                Match(ID_CARD, m.start(), m.end(), mask_value(ID_CARD, text[m.start() : m.end()], policy))
            )
    for m in _MOBILE_RE.finditer(norm):
        digits = m.group(1) + m.group(3) + m.group(4)
        if _is_mobile(digits):
            raw = m.group(0)
            candidates.append(Match(MOBILE, m.start(), m.end(), mask_value(MOBILE, raw, policy)))
    for m in _CARD_RE.finditer(norm):
        digits = _digits(m.group(0))
        if _is_bank_card(digits):
            raw = m.group(0)
            candidates.append(Match(BANK_CARD, m.start(), m.end(), mask_value(BANK_CARD, raw, policy)))
    # Earliest first; on a tie the longer one (an ID wins over a card reading of the same 18 digits).
    candidates.sort(key=lambda c: (c.start, -(c.end - c.start), c.kind != ID_CARD))
    result: list[Match] = []
    last_end = -1
    for c in candidates:
        if c.start >= last_end:
            result.append(c)
            last_end = c.end
    return result


def mask_text(text: str, policy: MaskPolicy = DEFAULT_POLICY) -> str:
    """The text with every detected value replaced by its masked form (the one-click mask).

    Masking only turns digits into '*', so it can never create a new candidate; the loop is a safeguard and ends
    because every pass removes digits (or stops when a policy hides nothing).
    """
    while True:
        matches = find_pii(text, policy)
        if not matches:
            return text
        parts = []
        pos = 0
        for m in matches:
            parts.append(text[pos : m.start])
            parts.append(m.masked)
            pos = m.end
        parts.append(text[pos:])
        masked = "".join(parts)
        if masked == text:
            return text
        text = masked
