"""Market-data errors from ``Backtest`` as API errors (the one error shape, fitting statuses)."""

from __future__ import annotations

from rest_framework import status

from algoagent.errors import ApiError
from Backtest.market_data import DataError

# A symbol nobody has is "not found"; a well-formed request the data cannot answer (no bars in
# the range, a damaged file) is 422; malformed input is 400; Yahoo failing is a bad gateway.
_STATUS = {
    "unknown_symbol": status.HTTP_404_NOT_FOUND,
    "empty_range": status.HTTP_422_UNPROCESSABLE_ENTITY,
    "invalid_range": status.HTTP_400_BAD_REQUEST,
    "invalid_interval": status.HTTP_400_BAD_REQUEST,
    "invalid_symbol": status.HTTP_400_BAD_REQUEST,
    "invalid_csv": status.HTTP_400_BAD_REQUEST,
    "fetch_failed": status.HTTP_502_BAD_GATEWAY,
}


def data_api_error(exc: DataError) -> ApiError:
    """The ApiError to raise for ``exc``; its code and details pass through unchanged."""
    return ApiError(
        exc.message,
        code=exc.code,
        details=dict(exc.details),
        status_code=_STATUS.get(exc.code, status.HTTP_422_UNPROCESSABLE_ENTITY),
    )
