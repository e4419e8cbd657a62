"""The errors the client raises: one for what the server refused, one for what does not verify."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = ["AirlockError", "ApiError", "VerificationError", "UnsupportedOutput"]


class AirlockError(Exception):
    """Base class of every error the airlock client raises."""


class ApiError(AirlockError):
    """The server answered with an RFC 9457 problem document (a 4xx or 5xx).

    ``code`` is airlock's stable error code (``CELLS_INVALID``, ``FORBIDDEN``,
    ``STORE_UNAVAILABLE``…; see the ``ErrorCode`` enum of openapi.yaml), ``status`` the HTTP
    status, ``errors`` the per-field problems (each with a JSON ``pointer`` and a ``message``).
    No decision was made: nothing was released.

    Example:
        >>> e = ApiError(422, {"code": "UNKNOWN_COLUMN", "title": "Unknown column", "detail": "no column age"})
        >>> (e.status, e.code, str(e))
        (422, 'UNKNOWN_COLUMN', '422 UNKNOWN_COLUMN: no column age')
    """

    def __init__(self, status: int, problem: Optional[Dict[str, Any]] = None, text: str = "") -> None:
        self.status = status
        self.problem: Dict[str, Any] = dict(problem or {})
        self.code: str = str(self.problem.get("code") or f"HTTP_{status}")
        self.title: str = str(self.problem.get("title") or "")
        self.detail: str = str(self.problem.get("detail") or self.title or text[:500])
        raw_errors = self.problem.get("errors")
        self.errors: List[Dict[str, Any]] = list(raw_errors) if isinstance(raw_errors, list) else []
        super().__init__(f"{status} {self.code}: {self.detail}")


class VerificationError(AirlockError):
    """A decision (or its signature) does not verify.

    ``field`` is the JSON pointer into the response of what is at fault, as
    ``airlock verify`` names it: ``/signature`` for the JWS itself, ``/decision/...`` for the
    first field that differs from what was signed, ``/audit/seq`` for a malformed chain position.

    Example:
        >>> e = VerificationError("/decision/outcome", 'signed "reject", found "release"', kid="k1")
        >>> (e.field, e.kid)
        ('/decision/outcome', 'k1')
    """

    def __init__(self, field: str, reason: str, kid: Optional[str] = None) -> None:
        self.field = field
        self.reason = reason
        self.kid = kid
        super().__init__(f"{field or '/'}: {reason}")


class UnsupportedOutput(AirlockError):
    """An output airlock cannot check as asked (e.g. a ``mode`` table): never sent, never released."""
