"""Template endpoints. Thin: validate input, call one service or selector, serialize output."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from strategy_api.serializers import StrategySerializer
from templates_api import selectors, services
from templates_api.filters import StrategyTemplateFilter
from templates_api.models import StrategyTemplate
from templates_api.serializers import (
    StrategyTemplateInputSerializer,
    StrategyTemplateSerializer,
    TemplateInstantiateInputSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="Built-in templates and your own"),
    retrieve=extend_schema(summary="One template with its spec and parameters"),
    create=extend_schema(
        summary="Create your own template",
        request=StrategyTemplateInputSerializer,
        responses={201: StrategyTemplateSerializer},
    ),
    update=extend_schema(
        summary="Replace one of your templates (built-ins are read-only: 403)",
        request=StrategyTemplateInputSerializer,
        responses={200: StrategyTemplateSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some fields of one of your templates",
        request=StrategyTemplateInputSerializer,
        responses={200: StrategyTemplateSerializer},
    ),
    destroy=extend_schema(summary="Delete one of your templates (built-ins: 403)"),
)
class StrategyTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Templates: canonical specs with documented parameters, instantiated into strategies."""

    serializer_class = StrategyTemplateSerializer
    filterset_class = StrategyTemplateFilter
    search_fields = ["name", "description", "slug"]
    ordering_fields = ["name", "category", "created_at"]
    ordering = ["-builtin", "name", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return StrategyTemplate.objects.none()
        return selectors.template_list(user=self.request.user)

    def create(self, request):
        data = StrategyTemplateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = services.template_create(owner=request.user, **data.validated_data)
        return Response(StrategyTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial: bool = False):
        template = self.get_object()
        data = StrategyTemplateInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        template = services.template_update(template=template, **data.validated_data)
        return Response(StrategyTemplateSerializer(template).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def destroy(self, request, pk=None):
        services.template_delete(template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Create a strategy from the template with your parameter values",
        request=TemplateInstantiateInputSerializer,
        responses={201: StrategySerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def instantiate(self, request, pk=None):
        template = self.get_object()
        data = TemplateInstantiateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        strategy = services.template_instantiate(
            template=template,
            owner=request.user,
            values=data.validated_data["parameters"],
            name=data.validated_data.get("name"),
        )
        return Response(StrategySerializer(strategy).data, status=status.HTTP_201_CREATED)
