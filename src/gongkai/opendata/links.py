"""Signed, expiring download links for approved 有条件开放 applicants (issue 9, conditional access).

A link names the resource, the approved application and the moment of its approval, signed with `SECRET_KEY`
(`django.core.signing`, a salt of its own) and timestamped: it expires `conf.download_link_seconds()` after it was
issued (default 24 hours). The signature and the age are judged here; whether the approval still holds (not revoked,
not past `valid_until`, the same approval the link was issued under) is judged at use by
`selectors.application_for_link`, so that revoking an approval kills every link issued under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core import signing

from gongkai.core.errors import ApplicationError

SALT = "gongkai.opendata.download-link"


@dataclass(frozen=True)
class LinkClaim:
    resource_id: int
    application_id: int
    approved_at: int  # the approval's `decided_at`, as a Unix timestamp


def link_token(*, resource_id: int, application_id: int, approved_at: datetime) -> str:
    """The signed token of a download link (URL-safe)."""
    payload = {"r": resource_id, "a": application_id, "t": int(approved_at.timestamp())}
    return signing.dumps(payload, salt=SALT)


def link_claim(token: str, *, max_age: int) -> LinkClaim:
    """The claim of a token; ApplicationError `link_expired` (older than `max_age` seconds) or `link_invalid`."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        hours = max(max_age // 3600, 1)
        raise ApplicationError(
            "link_expired",
            f"下载链接已过期（链接自生成起{hours}小时内有效）。请回到数据集页面输入申请码，重新获取下载链接。",
        ) from exc
    except signing.BadSignature as exc:
        raise ApplicationError("link_invalid", "下载链接无效，请回到数据集页面重新获取。") from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("r", "a", "t")):
        raise ApplicationError("link_invalid", "下载链接无效，请回到数据集页面重新获取。")
    return LinkClaim(resource_id=data["r"], application_id=data["a"], approved_at=data["t"])
