"""System checks: a deployment cannot start with an invalid 索引号 pattern (R-PUB-10)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

from gongkai.publishing.index_no import validate_pattern


def check_index_no_pattern(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        validate_pattern(settings.GONGKAI_INDEX_NO_PATTERN)
    except ValueError as exc:
        return [Error(f"GONGKAI_INDEX_NO_PATTERN 无效：{exc}", id="gongkai.E001")]
    return []
