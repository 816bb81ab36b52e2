"""OpenAPI post-processing: document the one error shape on every operation."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every API error has this shape.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string", "example": "Invalid input in: name."},
                "details": {
                    "type": "object",
                    "additionalProperties": True,
                    "example": {"fields": {"name": ["This field is required."]}},
                },
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
}

_DESCRIPTIONS = {
    "400": "Invalid input; `details.fields` lists each field's problems.",
    "401": "Missing, invalid or revoked credentials.",
    "403": "Authenticated but not allowed.",
    "404": "Not found (or not yours).",
    "413": "Request body too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests; see the Retry-After header.",
    "500": "Unexpected server error (logged; no traceback is returned).",
}


def sse_event_schemas(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular hook: a ``text/event-stream`` response describes ONE event, not a list.

    Clients (and contract testers) read an SSE body as a sequence of events and check each one.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                content = response.get("content", {}).get("text/event-stream")
                if content and content.get("schema", {}).get("type") == "array":
                    content["schema"] = content["schema"]["items"]
    return result


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular hook: add the error component and reference it from each operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = ["429", "500"]
            if operation.get("security") != [{}] and {} not in operation.get("security", []):
                codes += ["401", "403"]
            if "{" in path:
                codes.append("404")
            if method in {"post", "put", "patch"}:
                codes += ["400", "413", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
