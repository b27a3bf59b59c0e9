"""`{{ text|mask_pii }}`: personal data (ID, mobile and bank card numbers) masked in text shown to the public (R-PII-1..3)."""

from __future__ import annotations

from django import template

from gongkai.core.pii import mask_text

register = template.Library()


@register.filter
def mask_pii(value: object) -> str:
    return mask_text(str(value or ""))
