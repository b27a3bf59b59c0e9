"""One application error type; views turn it into a Chinese message or a JSON error with a stable code."""

from __future__ import annotations


class ApplicationError(Exception):
    """A refusal the user can understand: `code` is stable English, `message` is Chinese."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class PermissionDenied(ApplicationError):
    def __init__(self, message: str = "您没有执行此操作的权限。") -> None:
        super().__init__("forbidden", message)


class CalendarNotLoaded(ApplicationError):
    """R-CAL-1: a deadline falls in a year whose working-day schedule is not loaded."""

    def __init__(self, year: int) -> None:
        super().__init__("calendar_not_loaded", f"{year}年的工作日安排尚未载入，无法计算期限。")
        self.year = year
