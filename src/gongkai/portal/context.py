from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.GONGKAI_SITE_NAME,
        "large_text": request.COOKIES.get("gk_large") == "1",
    }
