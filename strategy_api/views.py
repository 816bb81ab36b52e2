"""Strategy endpoints. Thin: validate input, call one service or selector, serialize output."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from strategy_api import selectors, services
from strategy_api.filters import StrategyFilter
from strategy_api.models import Strategy
from strategy_api.serializers import (
    StrategyInputSerializer,
    StrategyListSerializer,
    StrategySerializer,
    StrategyVersionSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List your strategies"),
    retrieve=extend_schema(summary="One of your strategies, with its code"),
    create=extend_schema(
        summary="Create a strategy",
        request=StrategyInputSerializer,
        responses={201: StrategySerializer},
    ),
    update=extend_schema(
        summary="Replace a strategy's name, description and code",
        request=StrategyInputSerializer,
        responses={200: StrategySerializer},
    ),
    partial_update=extend_schema(
        summary="Change some of a strategy's fields",
        request=StrategyInputSerializer,
        responses={200: StrategySerializer},
    ),
    destroy=extend_schema(summary="Delete a strategy and its history"),
)
class StrategyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """CRUD on the requesting user's strategies; every code change is versioned."""

    filterset_class = StrategyFilter
    search_fields = ["name", "description"]
    ordering_fields = [
        "created_at",
        "updated_at",
        "name",
        "status",
        "latest_return_pct",
        "total_executions",
    ]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return Strategy.objects.none()
        return selectors.strategy_list(user=self.request.user)

    def get_serializer_class(self):
        return StrategyListSerializer if self.action == "list" else StrategySerializer

    def create(self, request):
        data = StrategyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        strategy = services.strategy_create(owner=request.user, **data.validated_data)
        return Response(StrategySerializer(strategy).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial: bool = False):
        strategy = self.get_object()
        data = StrategyInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        strategy = services.strategy_update(
            strategy=strategy, user=request.user, **data.validated_data
        )
        return Response(StrategySerializer(strategy).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def destroy(self, request, pk=None):
        services.strategy_delete(strategy=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="The strategy's code versions, newest first")
    @action(detail=True, methods=["get"], serializer_class=StrategyVersionSerializer)
    def versions(self, request, pk=None):
        versions = selectors.strategy_version_list(strategy=self.get_object())
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(StrategyVersionSerializer(page, many=True).data)
