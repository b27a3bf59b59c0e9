"""Core tables: the audit log, the working-day calendar, login throttling."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One row per write (DESIGN: an audit entry for every write). Append-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    org_code = models.CharField(max_length=32, blank=True, db_index=True)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class CalendarYear(models.Model):
    """A year whose official working-day schedule is loaded (R-CAL-1)."""

    year = models.PositiveIntegerField(primary_key=True)
    source = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a statutory holiday on a weekday, or a 调休 working weekend day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日"
        WORKDAY = "workday", "调休上班"

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class LoginFailure(models.Model):
    """Failed login attempts, kept in the database so throttling holds across app servers."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)


class OutboxMessage(models.Model):
    """A side effect (an e-mail) written in the same transaction as the write that causes it, sent after commit
    by `gongkai tick` (or right after the commit when possible), retried with back-off until it goes out."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=32, default="email")
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    ref = models.CharField(max_length=100, blank=True, help_text="what caused it, e.g. foi.request:12")

    class Meta:
        ordering = ["id"]
