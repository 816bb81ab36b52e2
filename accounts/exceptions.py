"""Account errors that carry their own code in the one error shape."""

from __future__ import annotations

from rest_framework import exceptions

from algoagent.errors import ApiError


class TokenExpired(ApiError, exceptions.AuthenticationFailed):
    """401 ``token_expired``: the token was valid but its lifetime is over.

    An ``AuthenticationFailed`` too, so the answer carries ``WWW-Authenticate: Token``.
    """

    status_code = 401
    default_code = "token_expired"
    default_detail = "Token expired; log in again for a new one."
