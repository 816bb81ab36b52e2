"""The chat endpoint. Thin: validate input, call one service or selector, serialize output."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.throttling import ScopedRateThrottle

from chat_api import selectors, services
from chat_api.models import ChatMessage
from chat_api.serializers import ChatInputSerializer, ChatMessageSerializer
from jobs.http import PREFER_WAIT_HEADER, job_response
from jobs.serializers import JobAcceptedSerializer
from strategy_api.selectors import strategy_get

STRATEGY_ID = OpenApiParameter("strategy_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="The strategy's conversation, oldest first",
        parameters=[STRATEGY_ID],
        responses={200: ChatMessageSerializer(many=True)},
    ),
    create=extend_schema(
        summary="Ask about or change the strategy in plain English (a job)",
        description=(
            "Stores your message and answers it as a job. With Gemini (keys configured) the "
            "model sees the code, spec, latest backtest and recent conversation; code in its "
            "answer becomes a new version only if it passes validation. Offline, strategies "
            "with a spec can be edited with phrasings like 'change the RSI period to 21' or "
            "'add a 2% stop loss'; anything else gets an answer saying what works. A change "
            "creates a version with source 'chat' and leaves the strategy in status 'draft'."
        ),
        parameters=[STRATEGY_ID, PREFER_WAIT_HEADER],
        request=ChatInputSerializer,
        responses={
            202: JobAcceptedSerializer,
            200: ChatMessageSerializer,
            422: OpenApiResponse(description="provider_unavailable: Gemini without keys."),
            502: OpenApiResponse(description="The LLM failed (with `Prefer: wait`)."),
            503: OpenApiResponse(description="Every LLM key is rate limited; retry later."),
        },
    ),
)
class StrategyChatViewSet(viewsets.GenericViewSet):
    """A conversation per strategy that can explain and edit its code."""

    serializer_class = ChatMessageSerializer
    filter_backends: list = []
    throttle_scope = "llm"

    def get_throttles(self):
        # Only asking costs an LLM call; reading the conversation is not throttled.
        return [ScopedRateThrottle()] if self.action == "create" else super().get_throttles()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return ChatMessage.objects.none()
        strategy = strategy_get(user=self.request.user, pk=self.kwargs["strategy_id"])
        return selectors.chat_message_list(strategy=strategy)

    def list(self, request, strategy_id: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ChatMessageSerializer(page, many=True).data)

    def create(self, request, strategy_id: int):
        strategy = strategy_get(user=request.user, pk=strategy_id)
        data = ChatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.chat_message_submit(
            strategy=strategy,
            user=request.user,
            content=data.validated_data["message"],
            provider=data.validated_data.get("provider"),
        )
        return job_response(request, job)
