"""Account workflows: registration, token login/logout, failed-login throttling, demo user."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from accounts.models import ApiToken, token_hash
from algoagent.errors import ApiError

User = get_user_model()


class InvalidCredentials(ApiError):
    status_code = 400
    default_code = "invalid_credentials"
    default_detail = "Unable to log in with the provided username and password."


class TooManyLoginFailures(ApiError):
    """429 with ``Retry-After``: too many failed sign-ins for this username from this address."""

    status_code = 429
    default_code = "throttled"

    def __init__(self, *, wait: float) -> None:
        super().__init__(
            "Too many failed login attempts.", details={"retry_after_s": round(wait, 3)}
        )


def _failure_key(*, ip: str, username: str) -> str:
    return f"login-failures:{ip}:{username.lower()}"


def _recent_failures(key: str, now: float) -> list[float]:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return [t for t in cache.get(key, []) if t > now - window]


def token_create(*, user: AbstractBaseUser, name: str = "") -> tuple[ApiToken, str]:
    """A new API token; returns the row and the key (shown once: only its hash is kept).

    Expires after ``TOKEN_TTL_HOURS`` when set. A user keeps at most ``TOKEN_MAX_PER_USER``
    tokens: creating one more revokes the least recently used.
    """
    key = secrets.token_hex(20)
    ttl = settings.TOKEN_TTL_HOURS
    expires_at = timezone.now() + timedelta(hours=ttl) if ttl else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=token_hash(key), prefix=key[:8], name=name, expires_at=expires_at
        )
        surplus = ApiToken.objects.filter(user=user).order_by(
            F("last_used_at").desc(nulls_last=True), "-created_at"
        )[settings.TOKEN_MAX_PER_USER :]
        ApiToken.objects.filter(pk__in=list(surplus.values_list("pk", flat=True))).delete()
    return token, key


def token_revoke(*, user: AbstractBaseUser, token_id: int) -> None:
    """Revoke one of the user's tokens; another user's id is a 404."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise Http404("No such token.")


def user_create(*, username: str, password: str, email: str = "") -> AbstractBaseUser:
    """Create a user after Django's password validators pass (a 400 naming ``password``)."""
    candidate = User(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise DjangoValidationError({"password": list(exc.messages)}) from None
    return User.objects.create_user(username=username, email=email, password=password)


def user_register(*, username: str, password: str, email: str = "") -> tuple[AbstractBaseUser, str]:
    """Create a user and return it with a fresh API token (for scripts)."""
    with transaction.atomic():
        user = user_create(username=username, password=password, email=email)
        _, key = token_create(user=user, name="register")
    return user, key


def user_login(*, username: str, password: str, ip: str) -> tuple[AbstractBaseUser, str]:
    """Check credentials (see ``user_authenticate``) and return a new API token for scripts."""
    user = user_authenticate(username=username, password=password, ip=ip)
    _, token_key = token_create(user=user, name="login")
    return user, token_key


def user_authenticate(*, username: str, password: str, ip: str) -> AbstractBaseUser:
    """The user for these credentials (no token: the browser signs in with a session).

    Failures are counted per client address and username; past ``LOGIN_FAILURE_LIMIT`` within
    the window, attempts are refused with 429 before the password is even checked.
    """
    key = _failure_key(ip=ip, username=username)
    now = time.time()
    failures = _recent_failures(key, now)
    if len(failures) >= settings.LOGIN_FAILURE_LIMIT:
        wait = failures[0] + settings.LOGIN_FAILURE_WINDOW_SECONDS - now
        raise TooManyLoginFailures(wait=max(1.0, wait))
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        failures.append(now)
        cache.set(key, failures, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        raise InvalidCredentials()
    cache.delete(key)
    return user


def user_logout(*, token: ApiToken | None) -> None:
    """Revoke the token the request came with (the user's other tokens stay valid)."""
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).delete()


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str | None  # None when the password came from the environment (not printed)
    token: str


def demo_user_ensure() -> DemoUser | None:
    """Create the demo account when the database has no users yet; None if users exist.

    The password comes from ``ALGOAGENT_DEMO_PASSWORD`` when set, otherwise it is generated and
    returned once so ``make run`` can print it.
    """
    if User.objects.exists():
        return None
    generated = not settings.DEMO_PASSWORD
    password = settings.DEMO_PASSWORD or secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User.objects.create_user(
            username=settings.DEMO_USERNAME, password=password, is_staff=True, is_superuser=True
        )
        _, key = token_create(user=user, name="demo")
    return DemoUser(username=user.username, password=password if generated else None, token=key)
