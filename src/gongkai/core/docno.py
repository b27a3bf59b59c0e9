"""文号 (document numbers), R-PUB-11. Pure: no Django import.

Form: 机关代字 + 〔年份〕 + 序号 + 号, e.g. 鞍政办发〔2018〕79号, 国发〔2019〕5号. People type the year brackets
as [ ], 【 】, ( ), （ ）, 〔 〕, ［ ］, ﹝ ﹞ or 〖 〗; the normalized form always uses 〔 〕 and half-width digits, so that
search and exact lookup find a document however its number was typed. 令号 (国务院令第711号) and numbers
without a year (京政发12号) are valid and kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_OPEN = "[【(（［﹝〖〔"
_CLOSE = "]】)）］﹞〗〕"
_BRACKETS = str.maketrans({**{c: "〔" for c in _OPEN}, **{c: "〕" for c in _CLOSE}})

_WITH_YEAR = re.compile(r"^(?P<prefix>.*?)〔(?P<year>\d{4})〕(?:第)?(?P<seq>\d+)(?P<suffix>号?)$")
_ORDER = re.compile(r"^(?P<prefix>.*?令)第?(?P<seq>\d+)号$")
_NO_YEAR = re.compile(r"^(?P<prefix>\D*?)(?:第)?(?P<seq>\d+)号$")


@dataclass(frozen=True)
class DocNo:
    raw: str
    normalized: str
    prefix: str
    year: int | None
    seq: int | None


def normalize_doc_no(raw: str) -> str:
    """Canonical form for storage and exact lookup: NFKC-folded digits, 〔 〕 brackets, no spaces."""
    text = raw.translate(_BRACKETS)
    # NFKC turns full-width digits and letters into half-width; it leaves 〔 〕 alone.
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    text = re.sub(r"\s+", "", text)
    # Leading zeros in the sequence (〔2019〕05号) are typed both ways.
    match = _WITH_YEAR.match(text)
    if match:
        return f"{match['prefix']}〔{match['year']}〕{int(match['seq'])}{match['suffix'] or '号'}"
    return text


def parse_doc_no(raw: str) -> DocNo | None:
    """Parse a 文号; None when `raw` has no recognisable number (an empty or free-text value)."""
    if not raw or not raw.strip():
        return None
    norm = normalize_doc_no(raw.strip())
    match = _WITH_YEAR.match(norm)
    if match:
        return DocNo(raw, norm, match["prefix"], int(match["year"]), int(match["seq"]))
    match = _ORDER.match(norm) or _NO_YEAR.match(norm)
    if match:
        return DocNo(raw, norm, match["prefix"], None, int(match["seq"]))
    return None


def doc_no_prefix_query(raw: str) -> str:
    """A typed prefix such as 国办发[2019] normalized for a starts-with lookup."""
    text = unicodedata.normalize("NFKC", raw.translate(_BRACKETS)).translate(_BRACKETS)
    return re.sub(r"\s+", "", text)
