"""Errors every package raises; `web/` maps them to HTTP in one handler."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field: `field` is a dotted path, `reason` a sentence."""

    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


class MarketplaceError(Exception):
    """Base of every error a user can cause; `code` is machine-readable, `status` the HTTP one."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = [e.as_dict() for e in self.errors]
        return body


class ValidationFailed(MarketplaceError):
    code = "invalid"
    status = 422

    @classmethod
    def on(cls, field: str, reason: str) -> ValidationFailed:
        return cls(f"{field}: {reason}", errors=[FieldError(field, reason)])


class NotFound(MarketplaceError):
    code = "not_found"
    status = 404


class AuthenticationFailed(MarketplaceError):
    code = "authentication_failed"
    status = 401


class PermissionDenied(MarketplaceError):
    code = "forbidden"
    status = 403


class Conflict(MarketplaceError):
    code = "conflict"
    status = 409


class RateLimited(MarketplaceError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
