"""Session sign-in for the browser workspace at ``/`` (the token API stays for scripts).

Every endpoint here checks Django's CSRF token, also for sign-in and registration (login CSRF),
and answers in the one error shape. ``GET /api/auth/session/`` answers 200 before sign-in, so the
workspace can ask who is signed in without provoking a 401 in the browser console. These
endpoints are left out of the OpenAPI schema: they are for the same-origin browser app only.
"""

from __future__ import annotations

from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.serializers import LoginInputSerializer, RegisterInputSerializer, UserSerializer
from accounts.views import client_ip
from algoagent.serializers import reject_body


class CsrfCheckedSession(SessionAuthentication):
    """Session authentication that enforces CSRF even for anonymous requests."""

    def authenticate(self, request):
        self.enforce_csrf(request)
        return super().authenticate(request)


class SessionRegisterInputSerializer(RegisterInputSerializer):
    password2 = serializers.CharField(write_only=True, help_text="The password, again.")

    def validate(self, attrs):
        if attrs["password"] != attrs.pop("password2"):
            raise serializers.ValidationError({"password2": ["The two passwords differ."]})
        return attrs


def session_body(user) -> dict:
    """Who is signed in, and (for staff) where the admin is."""
    if user is None or not user.is_authenticated:
        return {"authenticated": False, "user": None, "admin_url": None}
    return {
        "authenticated": True,
        "user": UserSerializer(user).data,
        "admin_url": reverse("admin:index") if user.is_staff else None,
    }


class _SessionView(APIView):
    authentication_classes = [CsrfCheckedSession]
    permission_classes = [AllowAny]


@extend_schema(exclude=True)
@method_decorator(ensure_csrf_cookie, name="get")
class SessionView(_SessionView):
    def get(self, request):
        return Response(session_body(request.user))


@extend_schema(exclude=True)
class SessionLoginView(_SessionView):
    def post(self, request):
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_authenticate(**data.validated_data, ip=client_ip(request))
        django_login(request._request, user)
        return Response(session_body(user))


@extend_schema(exclude=True)
class SessionRegisterView(_SessionView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    def post(self, request):
        data = SessionRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(**data.validated_data)
        django_login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(session_body(user), status=status.HTTP_201_CREATED)


@extend_schema(exclude=True)
class SessionLogoutView(_SessionView):
    def post(self, request):
        reject_body(request)
        django_logout(request._request)
        return Response(session_body(None))
