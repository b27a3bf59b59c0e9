"""精准推送 (issue 7 §10): subscriptions with double opt-in, one-click unsubscribe, a daily digest, matching feeds."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gongkai.core.audit import audit_log
from gongkai.core.errors import ApplicationError
from gongkai.core.outbox import outbox_enqueue
from gongkai.orgs.models import Organization
from gongkai.publishing import selectors
from gongkai.publishing.metadata import subject_error
from gongkai.publishing.models import Column, InfoItem, Subscription

MAX_PER_EMAIL = 20
# Unconfirmed subscriptions kept per address: a stranger can type anyone's address, so unconfirmed ones never count
# towards MAX_PER_EMAIL (they cannot use up the owner's quota); beyond this many the oldest unconfirmed one is dropped.
MAX_PENDING_PER_EMAIL = 5
DIGEST_MAX_ITEMS = 50


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Filters:
    org: Organization | None = None
    subject: str = ""
    column: Column | None = None
    keyword: str = ""

    def is_empty(self) -> bool:
        return not (self.org or self.subject or self.column or self.keyword)

    def describe(self) -> str:
        parts = []
        if self.org:
            parts.append(f"机关：{self.org.name}")
        if self.column:
            parts.append(f"栏目：{self.column.name}")
        if self.subject:
            parts.append(f"主题：{self.subject}")
        if self.keyword:
            parts.append(f"关键词：{self.keyword}")
        return "；".join(parts) or "全部信息"


def filters_of(sub: Subscription) -> Filters:
    return Filters(org=sub.org, subject=sub.subject, column=sub.column, keyword=sub.keyword)


def matching_items(filters: Filters) -> QuerySet[InfoItem]:
    """Published proactive items matching every given filter (the digest and the feed use the same query)."""
    qs = selectors.items_public()
    if filters.org:
        qs = qs.filter(org=filters.org)
    if filters.column:
        qs = qs.filter(columns__in=selectors.column_subtree_ids(filters.column)).distinct()
    if filters.subject:
        qs = qs.filter(selectors.subject_q(filters.subject))
    if filters.keyword:
        qs = qs.filter(Q(title__icontains=filters.keyword) | Q(keywords__icontains=filters.keyword))
    return qs.order_by("-published_at", "-id")


def check_filters(filters: Filters) -> None:
    if filters.is_empty():
        raise ApplicationError("missing_filter", "请至少选择一个订阅条件（机关、栏目、主题分类或关键词）。")
    if filters.subject:
        error = subject_error(filters.subject)
        if error:
            raise ApplicationError("bad_subject", error, field="subject")
    if len(filters.keyword) > 50:
        raise ApplicationError("too_long", "关键词不能超过 50 个字。", field="keyword")
    if filters.column and filters.org and filters.column.org_id != filters.org.pk:
        raise ApplicationError("bad_column", "栏目不属于所选机关。", field="column")


@transaction.atomic
def subscription_create(*, email: str, filters: Filters, base_url: str) -> Subscription:
    """Record a subscription and mail the confirmation link (double opt-in). Nothing else is sent before it."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError("bad_email", "电子邮箱格式不正确。", field="email") from exc
    check_filters(filters)
    active = Subscription.objects.filter(email=email, unsubscribed_at__isnull=True)
    if active.filter(confirmed_at__isnull=False).count() >= MAX_PER_EMAIL:
        raise ApplicationError("too_many", f"同一邮箱最多订阅 {MAX_PER_EMAIL} 项。", field="email")
    pending = list(active.filter(confirmed_at__isnull=True).order_by("-created_at", "-id"))
    for stale in pending[MAX_PENDING_PER_EMAIL - 1 :]:
        audit_log(actor=None, action="subscription.pending_dropped", obj=stale)
        stale.delete()
    token = secrets.token_urlsafe(24)
    sub = Subscription.objects.create(
        email=email,
        org=filters.org,
        subject=filters.subject,
        column=filters.column,
        keyword=filters.keyword.strip(),
        token_hash=_hash(token),
    )
    outbox_enqueue(
        to=email,
        subject=f"请确认订阅：{filters.describe()}"[:200],
        body=(
            f"您好：\n\n有人（希望是您）用本邮箱订阅了{settings.GONGKAI_SITE_NAME}的信息更新（{filters.describe()}）。\n"
            f"确认订阅请打开：{base_url}/subscribe/confirm/{token}/\n"
            f"如非本人操作，请忽略本邮件，我们不会再发送任何信息。\n"
        ),
        ref=f"subscription.confirm:{sub.pk}",
    )
    audit_log(actor=None, action="subscription.create", obj=sub, data={"filters": filters.describe()})
    return sub


def _by_token(token: str) -> Subscription:
    sub = Subscription.objects.filter(token_hash=_hash(token or "")).first()
    if sub is None:
        raise ApplicationError("not_found", "链接无效或已失效。")
    return sub


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    sub = _by_token(token)
    if sub.unsubscribed_at is not None:
        raise ApplicationError("unsubscribed", "该订阅已退订。")
    if sub.confirmed_at is None:
        sub.confirmed_at = timezone.now()
        sub.save(update_fields=["confirmed_at"])
        audit_log(actor=None, action="subscription.confirm", obj=sub)
    return sub


@transaction.atomic
def subscription_cancel(*, token: str) -> Subscription:
    """One-click unsubscribe (idempotent)."""
    sub = _by_token(token)
    if sub.unsubscribed_at is None:
        sub.unsubscribed_at = timezone.now()
        sub.save(update_fields=["unsubscribed_at"])
        audit_log(actor=None, action="subscription.cancel", obj=sub)
    return sub


def _unsubscribe_token(sub: Subscription) -> str:
    """A fresh token for the digest's unsubscribe link (the stored hash is replaced: older links stop working)."""
    token = secrets.token_urlsafe(24)
    Subscription.objects.filter(pk=sub.pk).update(token_hash=_hash(token))
    return token


def send_daily_digests(*, now: datetime | None = None, base_url: str | None = None) -> int:
    """Once a day per active subscription: the items published since the last digest (or the confirmation)."""
    now = now or timezone.now()
    base_url = (base_url or settings.GONGKAI_BASE_URL).rstrip("/")
    today = timezone.localdate(now)
    sent = 0
    for sub in Subscription.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).select_related("org", "column"):
        if sub.last_sent_at and timezone.localdate(sub.last_sent_at) >= today:
            continue
        since = sub.last_sent_at or sub.confirmed_at
        assert since is not None
        items = list(
            matching_items(filters_of(sub)).filter(published_at__gt=since, published_at__lte=now)[
                :DIGEST_MAX_ITEMS
            ]
        )
        with transaction.atomic():
            Subscription.objects.filter(pk=sub.pk).update(last_sent_at=now)
            if not items:
                continue
            token = _unsubscribe_token(sub)
            lines = [
                f"· {i.title}（{timezone.localdate(i.published_at):%Y-%m-%d}）\n  {base_url}/items/{i.pk}/"
                for i in items
                if i.published_at
            ]
            outbox_enqueue(
                to=sub.email,
                subject=f"信息更新（{filters_of(sub).describe()}）：{len(items)} 条"[:200],
                body="\n".join(lines) + f"\n\n退订：{base_url}/subscribe/unsubscribe/{token}/\n",
                ref=f"subscription.digest:{sub.pk}:{today.isoformat()}",
            )
        sent += 1
    return sent


def filters_from_query(params: Any) -> Filters:
    """Filters from a query string (feeds, the subscribe form); unknown values are refused with a message."""
    org = None
    if params.get("org"):
        org = Organization.objects.filter(code=str(params["org"]).upper(), is_active=True).first()
        if org is None:
            raise ApplicationError("unknown_org", "机关不存在。", field="org")
    column = None
    if params.get("column"):
        try:
            column = Column.objects.filter(pk=int(params["column"])).select_related("org").first()
        except (TypeError, ValueError):
            column = None
        if column is None:
            raise ApplicationError("unknown_column", "栏目不存在。", field="column")
    return Filters(
        org=org,
        subject=str(params.get("subject") or "").strip(),
        column=column,
        keyword=str(params.get("keyword") or "").strip()[:50],
    )
