"""Account workflows: registration, token login/logout, failed-login throttling, demo user."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import exceptions
from rest_framework.authtoken.models import Token

from algoagent.errors import ApiError

User = get_user_model()


class InvalidCredentials(ApiError):
    status_code = 400
    default_code = "invalid_credentials"
    default_detail = "Unable to log in with the provided username and password."


class TooManyLoginFailures(exceptions.Throttled):
    default_detail = "Too many failed login attempts."


def _failure_key(*, ip: str, username: str) -> str:
    return f"login-failures:{ip}:{username.lower()}"


def _recent_failures(key: str, now: float) -> list[float]:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return [t for t in cache.get(key, []) if t > now - window]


def user_register(*, username: str, password: str, email: str = "") -> tuple[AbstractBaseUser, str]:
    """Create a user after Django's password validators pass; return it with a fresh API token."""
    candidate = User(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"password": list(exc.messages)}) from None
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        token = Token.objects.create(user=user)
    return user, token.key


def user_login(*, username: str, password: str, ip: str) -> tuple[AbstractBaseUser, str]:
    """Check credentials and return the user's API token (created on first login).

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
    token, _ = Token.objects.get_or_create(user=user)
    return user, token.key


def user_logout(*, user: AbstractBaseUser) -> None:
    """Revoke the user's API token; the next request with it gets 401."""
    Token.objects.filter(user=user).delete()


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
        token = Token.objects.create(user=user)
    return DemoUser(
        username=user.username, password=password if generated else None, token=token.key
    )
