"""Auth endpoints under /api/auth/: register, login, logout, me."""

from __future__ import annotations

from django.contrib.auth import logout as django_logout
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.models import ApiToken
from accounts.serializers import (
    LoginInputSerializer,
    RegisterInputSerializer,
    TokenCreatedSerializer,
    TokenCreateInputSerializer,
    TokenResponseSerializer,
    TokenSerializer,
    UserSerializer,
)
from algoagent.serializers import reject_body


def client_ip(request) -> str:
    """The client address exactly as the throttles see it (REMOTE_ADDR unless NUM_PROXIES).

    So a forged X-Forwarded-For moves neither the login-failure counter nor a throttle.
    """
    return BaseThrottle().get_ident(request) or "unknown"


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        summary="Create an account",
        request=RegisterInputSerializer,
        responses={201: TokenResponseSerializer},
        auth=[],
    )
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token = services.user_register(**data.validated_data)
        body = TokenResponseSerializer({"token": token, "user": user}).data
        return Response(body, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        summary="Log in and get an API token",
        request=LoginInputSerializer,
        responses={200: TokenResponseSerializer},
        auth=[],
    )
    def post(self, request):
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token = services.user_login(**data.validated_data, ip=client_ip(request))
        return Response(TokenResponseSerializer({"token": token, "user": user}).data)


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Revoke the API token of this request (and end the session)",
        request=None,
        responses={204: OpenApiResponse(description="Token revoked.")},
    )
    def post(self, request):
        reject_body(request)
        services.user_logout(token=request.auth if isinstance(request.auth, ApiToken) else None)
        django_logout(request._request)  # also end a browsable-API/admin session
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The authenticated user", responses={200: UserSerializer})
    def get(self, request):
        return Response(UserSerializer(request.user).data)


def _current_token_id(request) -> int | None:
    return request.auth.pk if isinstance(request.auth, ApiToken) else None


class TokenListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your API tokens (never their keys)", responses={200: TokenSerializer(many=True)}
    )
    def get(self, request):
        tokens = ApiToken.objects.filter(user=request.user)
        context = {"current_id": _current_token_id(request)}
        return Response(TokenSerializer(tokens, many=True, context=context).data)

    @extend_schema(
        summary="Create an API token (its key is shown only in this answer)",
        request=TokenCreateInputSerializer,
        responses={201: TokenCreatedSerializer},
    )
    def post(self, request):
        data = TokenCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = services.token_create(user=request.user, **data.validated_data)
        body = TokenCreatedSerializer({"token": key, "details": token}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Revoke one of your tokens", responses={204: None})
    def delete(self, request, token_id: int):
        services.token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
