"""Application errors: one stable code each, a Chinese message for people."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal the user can act on. `code` is stable; `message` is shown to people."""

    code = "error"
    status = 400

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message or str(self.__class__.__doc__ or "")
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}


class ValidationFailed(ApplicationError):
    """输入有误。"""

    code = "validation_error"
    status = 400


class NotFound(ApplicationError):
    """对象不存在或无权访问。"""

    code = "not_found"
    status = 404


class PermissionDenied(ApplicationError):
    """无权执行此操作。"""

    code = "permission_denied"
    status = 403


class InvalidTransition(ApplicationError):
    """当前状态下不能执行此操作。"""

    code = "invalid_transition"
    status = 409


class Conflict(ApplicationError):
    """与现有数据冲突。"""

    code = "conflict"
    status = 409
