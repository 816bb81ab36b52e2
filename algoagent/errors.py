"""The one error shape of the API: ``{"error": {"code", "message", "details"}}``.

Everything that can go wrong in a request ends up here: DRF exceptions, Django's 404 and
permission errors, our own domain errors (``ApiError`` subclasses) and unexpected exceptions
(a 500 without a traceback). Views raise; they never build error responses by hand.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from algoagent.serializers import REFUSED_FIELD_PREFIXES, suggested_name
from Backtest import errors as domain
from Backtest.errors import AlgoAgentError
from Backtest.research.errors import ResearchInputError, ResearchRunError

logger = logging.getLogger("algoagent.errors")


class ApiError(AlgoAgentError):
    """An error a Django-side service raises on purpose, with the HTTP status it means.

    Domain errors from ``Backtest`` (``DataError``, ``SpecError`` ...) need no wrapping: the
    handler maps them by family in :func:`domain_error_status`. ``ApiError`` is for what only the
    web layer knows (a job that was cancelled, a run that already finished ...).
    """

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message or self.default_detail, code=code, details=details)
        if status_code is not None:
            self.status_code = status_code


class PayloadTooLarge(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


# Market-data problems, one status per kind wherever they surface (a request checked before it
# is queued, a job's result, the data API): a symbol nobody has is "not found"; a well-formed
# request the data cannot answer is 422; malformed input is 400; Yahoo failing is a bad gateway.
DATA_ERROR_STATUS = {
    "unknown_symbol": status.HTTP_404_NOT_FOUND,
    "empty_range": status.HTTP_422_UNPROCESSABLE_ENTITY,
    "invalid_range": status.HTTP_400_BAD_REQUEST,
    "invalid_interval": status.HTTP_400_BAD_REQUEST,
    "invalid_symbol": status.HTTP_400_BAD_REQUEST,
    "invalid_csv": status.HTTP_400_BAD_REQUEST,
    "fetch_failed": status.HTTP_502_BAD_GATEWAY,
}
# Domain codes whose status differs from their family's.
_CODE_STATUS = {
    "validation_error": status.HTTP_400_BAD_REQUEST,  # an impossible BacktestRequest
    "llm_spec_invalid": status.HTTP_502_BAD_GATEWAY,  # the model's spec was invalid twice
}
# Every other family, most specific first.
_FAMILY_STATUS: tuple[tuple[type[AlgoAgentError], int], ...] = (
    (domain.SpecError, status.HTTP_400_BAD_REQUEST),
    (domain.StrategyError, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (domain.GenerationError, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (domain.SandboxError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (domain.LLMError, status.HTTP_502_BAD_GATEWAY),
    (ResearchInputError, status.HTTP_400_BAD_REQUEST),
    (ResearchRunError, status.HTTP_422_UNPROCESSABLE_ENTITY),
)


def domain_error_status(exc: AlgoAgentError) -> int:
    """The HTTP status of a domain error: the one mapping, used by the API and by job results."""
    if isinstance(exc, ApiError):
        return exc.status_code
    if isinstance(exc, domain.DataError):
        return DATA_ERROR_STATUS.get(exc.code, status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, domain.LLMError) and "retry_after_s" in exc.details:
        return status.HTTP_503_SERVICE_UNAVAILABLE  # every key is cooling down: come back later
    if exc.code in _CODE_STATUS:
        return _CODE_STATUS[exc.code]
    for family, code in _FAMILY_STATUS:
        if isinstance(exc, family):
            return code
    return status.HTTP_500_INTERNAL_SERVER_ERROR


def domain_error_body(exc: AlgoAgentError) -> tuple[dict[str, Any], dict[str, str]]:
    """``{"code", "message", "details"}`` of a domain error, and the headers it implies."""
    details = dict(exc.details)
    headers: dict[str, str] = {}
    retry = details.get("retry_after_s")
    if isinstance(retry, int | float):
        wait = max(1, math.ceil(retry))
        details.setdefault("retry_after_seconds", wait)
        headers["Retry-After"] = str(wait)
    return {"code": exc.code, "message": exc.message, "details": details}, headers


def django_validation_fields(exc: DjangoValidationError) -> dict[str, Any]:
    """A Django ``ValidationError`` raised by a service as the DRF detail it stands for."""
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


# DRF exception class -> our stable error code.
_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "parse_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the error payload; the only place its shape is written down."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_json_response(
    code: str, message: str, status_code: int, details: dict[str, Any] | None = None
) -> JsonResponse:
    """The error shape for code paths outside DRF views (middleware, Django 404/500 handlers)."""
    return JsonResponse(error_body(code, message, details), status=status_code)


def _flatten(detail: Any) -> Any:
    """Turn DRF's ErrorDetail trees into plain lists/dicts of strings."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _validation_payload(exc: exceptions.ValidationError) -> tuple[str, dict[str, Any]]:
    detail = exc.detail
    if isinstance(detail, dict):
        fields = _flatten(detail)
        non_field = fields.pop("non_field_errors", None)
        names = ", ".join(fields) if fields else ""
        message = f"Invalid input in: {names}." if names else "Invalid input."
        if non_field:
            first = non_field[0] if isinstance(non_field, list) else non_field
            message = str(first) if not names else f"{message} {first}"
            fields["non_field_errors"] = non_field
        return message, {"fields": fields}
    messages = _flatten(detail if isinstance(detail, list) else [detail])
    return (str(messages[0]) if messages else "Invalid input."), {"errors": messages}


def unknown_field_names(fields: Any) -> list[str]:
    """Top-level fields refused as unknown or read-only by ``StrictSerializer``/``reject_body``."""
    if not isinstance(fields, dict):
        return []
    return sorted(
        name
        for name, messages in fields.items()
        if isinstance(messages, list)
        and any(isinstance(m, str) and m.startswith(REFUSED_FIELD_PREFIXES) for m in messages)
    )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF ``EXCEPTION_HANDLER``: every API error leaves through here in the one shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, OverflowError):
        # A number in the query too large for the database (e.g. ?strategy=1e308): the request's
        # fault, not ours.
        exc = ApiError("A number in the request is out of range.", code="value_out_of_range")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_validation_fields(exc))

    if isinstance(exc, AlgoAgentError):
        body, headers = domain_error_body(exc)
        details = body["details"]
        status_code = domain_error_status(exc)
    elif isinstance(exc, exceptions.APIException):
        if isinstance(exc, exceptions.ValidationError):
            message, details = _validation_payload(exc)
            code = "validation_error"
            unknown = unknown_field_names(details.get("fields"))
            if unknown:
                details["unknown_fields"] = unknown
                fields = details["fields"]
                hints = {n: h for n in unknown if (h := suggested_name(fields.get(n)))}
                if hints:
                    details["did_you_mean"] = hints
                named = [f"{n} (did you mean '{hints[n]}'?)" if n in hints else n for n in unknown]
                message = f"Unknown or read-only field(s): {', '.join(named)}."
        else:
            codes = exc.get_codes()
            code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), None) or (
                codes if isinstance(codes, str) else "error"
            )
            message, details = str(exc.detail), {}
        body, headers, status_code = (
            error_body(code, message, details)["error"],
            {},
            exc.status_code,
        )
    else:
        body = None
    if body is not None:
        # Errors that are DRF exceptions too (throttles, authentication) keep their headers.
        wait_s = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait_s is not None:
            wait = max(1, math.ceil(wait_s))
            headers["Retry-After"] = str(wait)
            details["retry_after_seconds"] = wait
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            request = context.get("request")
            view = context.get("view")
            header = view.get_authenticate_header(request) if view and request else None
            if header:
                headers["WWW-Authenticate"] = header
        set_rollback()
        return Response({"error": body}, status=status_code, headers=headers)

    # Anything else is a bug: log it with the traceback, answer without one.
    view = context.get("view")
    logger.exception("Unhandled error in %s", type(view).__name__ if view else "API view")
    set_rollback()
    return Response(
        error_body("server_error", "An unexpected error occurred. It has been logged."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def handler404(request, exception=None):
    """Unknown API URLs answer in the error shape; the admin keeps Django's HTML page."""
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return error_json_response("not_found", "No such endpoint.", status.HTTP_404_NOT_FOUND)


def handler500(request):
    """Errors outside DRF views: still the error shape for the API, never a traceback."""
    if not _is_api(request):
        return defaults.server_error(request)
    return error_json_response(
        "server_error",
        "An unexpected error occurred. It has been logged.",
        status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
