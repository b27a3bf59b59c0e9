"""Who applies: applicant types (R-FOI-1, the columns of report table 三, R-RPT-3), identity documents, and the
de-identified forms shown in lists (R-PII-3). Pure: no Django import.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

# R-FOI-1 / R-RPT-3: 自然人 | 法人或其他组织: 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他.
APPLICANT_TYPES = {
    "natural": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
}
NATURAL = "natural"

RESIDENT_ID = "resident_id"
ID_TYPES = {
    RESIDENT_ID: "居民身份证",
    "passport": "护照",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreign_permanent_id": "外国人永久居留身份证",
    "uscc": "统一社会信用代码证书（营业执照等）",
    "other": "其他身份证明",
}

CHANNELS = {
    "in_person": "当面提交",
    "post": "邮寄",
    "fax": "传真",
    "email": "电子邮件",
    "online": "网上申请",
    "oral": "口头提出（代为填写）",
}
FORMS = {"paper": "纸质", "electronic": "电子"}
DELIVERIES = {
    "post": "邮寄",
    "email": "电子邮件",
    "pickup": "自行领取",
    "fax": "传真",
    "online": "网上获取",
    "on_site": "当场阅览、抄录",
}


def normalize_id_number(raw: str) -> str:
    """Full-width folded, spaces and dashes removed, upper case (the stored and the hashed form)."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"[\s\-]+", "", text).upper()


def id_number_error(id_type: str, number: str) -> str | None:
    """A Chinese message when the number is not valid for its type; None when it is (or is not checked).

    居民身份证 (GB 11643): 18 characters, a real birth date and place, and the check character (python-stdnum).
    Other documents are free text (their formats vary and are not verifiable offline)."""
    if id_type not in ID_TYPES:
        return "证件类型无效。"
    if not number:
        return None
    if id_type == RESIDENT_ID:
        try:
            ric.validate(number)
        except StdnumError:
            return "居民身份证号码无效（须为 18 位，出生日期和校验码正确）。"
    elif len(number) > 50:
        return "证件号码过长。"
    return None


def mask_id_number(number: str, *, head: int = 6, tail: int = 4) -> str:
    """去标识化 for lists (R-PII-3): keep the first `head` and last `tail` characters, the rest as `*`."""
    if not number:
        return ""
    if len(number) <= head + tail:
        # Too short to keep both ends and still hide something: hide all but the last character.
        return "*" * (len(number) - 1) + number[-1:]
    return number[:head] + "*" * (len(number) - head - tail) + number[len(number) - tail :]


def mask_phone(phone: str) -> str:
    """R-PII-3 default: hide the 4th–7th digits of a phone number (13812345678 → 138****5678)."""
    digits = [i for i, ch in enumerate(phone or "") if ch.isdigit()]
    if len(digits) < 8:
        return phone
    chars = list(phone)
    for i in digits[3:7]:
        chars[i] = "*"
    return "".join(chars)


def normalize_phone(phone: str) -> str:
    """Digits only (for matching the same applicant by name and phone)."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
