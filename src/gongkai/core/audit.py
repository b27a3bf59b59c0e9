"""Writing the audit log. Every service calls `audit_log` inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from gongkai.core.models import AuditEntry


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    org_code: str = "",
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        action=action,
        object_type=object_type,
        object_id=object_id,
        org_code=org_code,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


def audit_log_many(
    *, actor: Any, action: str, entries: list[tuple[models.Model, str, str, dict[str, Any]]]
) -> list[AuditEntry]:
    """Bulk form of `audit_log` (imports): one entry per (object, org code, to_state, data), one insert."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor_obj,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                org_code=org_code,
                to_state=to_state,
                data=data or {},
            )
            for obj, org_code, to_state, data in entries
        ]
    )
