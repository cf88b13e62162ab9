"""Every API error is a NotionError; named constructors keep messages in Notion's words.

    NotionError(status, code, message, additional_data)
      400 invalid_json | invalid_request_url | invalid_request | validation_error | missing_version | invalid_beta
      401 unauthorized
      403 restricted_resource
      404 object_not_found
      409 conflict_error
      429 rate_limited
      5xx internal_server_error | bad_gateway | service_unavailable | gateway_timeout | service_overload
"""

from __future__ import annotations

from typing import Any

import orjson


class NotionError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        additional_data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.additional_data = additional_data
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "object": "error",
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }
        if self.additional_data is not None:
            out["additional_data"] = self.additional_data
        out["request_id"] = request_id
        return out


def show(value: Any) -> str:
    """A value as Notion quotes it in validation messages: JSON, or `undefined`."""
    if value is UNDEFINED:
        return "undefined"
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    if len(text) > 100:
        text = text[:97] + "..."
    return text


class _Undefined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Any = _Undefined()


# --- 400 ------------------------------------------------------------------------------------

def invalid_json() -> NotionError:
    return NotionError(400, "invalid_json", "Error parsing JSON body.")


def invalid_request_url() -> NotionError:
    return NotionError(400, "invalid_request_url", "Invalid request URL.")


def invalid_request(message: str) -> NotionError:
    return NotionError(400, "invalid_request", message)


def missing_version() -> NotionError:
    return NotionError(
        400,
        "missing_version",
        "Notion-Version header failed validation: Notion-Version header should be defined, "
        "instead was `undefined`.",
    )


def invalid_beta(raw: str) -> NotionError:
    return NotionError(
        400,
        "invalid_beta",
        f"Notion-Beta header failed validation: {show(raw)} is not a known, current beta revision, "
        "each named once.",
    )


def validation(message: str, additional_data: dict[str, Any] | None = None) -> NotionError:
    return NotionError(400, "validation_error", message, additional_data)


def body_invalid(path: str, expected: str, got: Any = UNDEFINED) -> NotionError:
    """`body failed validation: body.x should be defined, instead was `undefined`.`"""
    where = path.split(".", 1)[0].split("[", 1)[0]
    return validation(f"{where} failed validation: {path} should be {expected}, instead was `{show(got)}`.")


def body_invalid_any(alternatives: list[tuple[str, str, Any]]) -> NotionError:
    """Notion's message when none of a union's members matched."""
    where = alternatives[0][0].split(".", 1)[0].split("[", 1)[0]
    lines = [f"{p} should be {e}, instead was `{show(g)}`." for p, e, g in alternatives]
    return validation(f"{where} failed validation. Fix one:\n" + "\n".join(lines))


# --- 401 / 403 / 404 / 409 -------------------------------------------------------------------

def unauthorized() -> NotionError:
    return NotionError(401, "unauthorized", "API token is invalid.")


def restricted(message: str = "API token does not have access to this resource.") -> NotionError:
    return NotionError(403, "restricted_resource", message)


def insufficient_permissions() -> NotionError:
    """A capability the integration lacks (an access level it lacks is `restricted()`)."""
    return restricted("Insufficient permissions for this endpoint.")


def not_found(kind: str, object_id: str, integration_name: str | None, integration_id: str | None) -> NotionError:
    if integration_name is None:
        message = f"Could not find {kind} with ID: {object_id}."
        extra = None
    else:
        message = (
            f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and databases "
            f'are shared with your integration "{integration_name}".'
        )
        extra = {"integration_id": integration_id}
    return NotionError(404, "object_not_found", message, extra)


def user_not_found(user_id: str, integration_id: str | None) -> NotionError:
    return NotionError(
        404,
        "object_not_found",
        f"Could not find user with ID: {user_id}. Make sure your integration has capabilities to read "
        "user information. With those capabilities, only members and guests in the integration's "
        "workspace are visible.",
        {"integration_id": integration_id} if integration_id else None,
    )


def conflict() -> NotionError:
    return NotionError(409, "conflict_error", "Conflict occurred while saving. Please try again.")


# --- 429 / 5xx -------------------------------------------------------------------------------

def rate_limited(retry_after: int, reason: str) -> NotionError:
    return NotionError(
        429,
        "rate_limited",
        "You have been rate limited. Please try again in a few minutes.",
        {"rate_limit_reason": reason},
        {"retry-after": str(retry_after)},
    )


SERVER_ERRORS: dict[int, tuple[str, str]] = {
    500: ("internal_server_error", "Unexpected error occurred."),
    502: ("bad_gateway", "Bad Gateway"),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: ("gateway_timeout", "Gateway Timeout"),
    529: ("service_overload", "Notion is overloaded, please try again later."),
}


def server_error(status: int, retry_after: int | None = None) -> NotionError:
    code, message = SERVER_ERRORS[status]
    headers = {"retry-after": str(retry_after)} if retry_after is not None else None
    return NotionError(status, code, message, None, headers)
