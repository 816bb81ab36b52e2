"""Strategy endpoints. Thin: validate input, call one service or selector, serialize output."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from algoagent.serializers import reject_body
from apikeys.services import llm_provider_get
from backtest_api.pipeline import backtest_request_check
from backtest_api.plots import PLOT_CSP
from backtest_api.request import request_from
from jobs import services as job_services
from jobs.http import PREFER_WAIT_HEADER, job_response
from jobs.serializers import JobAcceptedSerializer
from strategy_api import selectors, services
from strategy_api.filters import ExecutionFilter, StrategyFilter
from strategy_api.models import Strategy, StrategyExecution
from strategy_api.payloads import (
    ExecuteJobInput,
    ExecuteMultiJobInput,
    ExecutionDetailPayload,
    ExecutionResultPayload,
    FixErrorsJobInput,
    FixResultPayload,
    GenerateJobInput,
    GenerateResultPayload,
    MultiExecutionResultPayload,
)
from strategy_api.serializers import (
    CapabilitiesSerializer,
    ExecuteInputSerializer,
    ExecutionHistorySerializer,
    ExecutionListItemSerializer,
    FixAttemptSerializer,
    FixErrorsInputSerializer,
    GenerateInputSerializer,
    IndicatorListSerializer,
    IndicatorQuerySerializer,
    LimitQuerySerializer,
    StrategyInputSerializer,
    StrategyListSerializer,
    StrategySerializer,
    StrategyVersionSerializer,
    ValidationResultSerializer,
)
from strategy_api.services.executions import (
    execution_detail_payload,
    execution_plot_html,
    strategy_current_version,
)
from strategy_api.services.generation import description_precheck
from strategy_api.services.validation import strategy_validate
from strategy_api.throttles import GenerateThrottle

# generate_with_ai and its alias generate share one schema and one action configuration.
_GENERATE_SCHEMA: dict[str, Any] = {
    "request": GenerateInputSerializer,
    "parameters": [PREFER_WAIT_HEADER],
    "responses": {202: JobAcceptedSerializer, 201: GenerateResultPayload},
}
_GENERATE_ACTION: dict[str, Any] = {
    "detail": False,
    "methods": ["post"],
    "filter_backends": [],
    "throttle_classes": [GenerateThrottle],
}


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
    """CRUD on the requesting user's strategies, plus the autonomous actions."""

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
    throttle_scope: str | None = None  # set per action (ScopedRateThrottle): llm, execute
    serializer_class = StrategySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return Strategy.objects.none()
        return selectors.strategy_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return StrategyListSerializer
        if self.action in ("retrieve", "create", "update", "partial_update", "destroy"):
            return StrategySerializer
        return super().get_serializer_class()  # an action's own serializer_class

    # --- CRUD -------------------------------------------------------------------------------
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

    # --- versions ---------------------------------------------------------------------------
    @extend_schema(
        summary="The strategy's code versions, newest first",
        responses=StrategyVersionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], serializer_class=StrategyVersionSerializer)
    def versions(self, request, pk=None):
        versions = selectors.strategy_version_list(strategy=self.get_object())
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(StrategyVersionSerializer(page, many=True).data)

    @extend_schema(
        summary="Make an earlier version current again (as a new version)",
        request=None,
        responses={201: StrategyVersionSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"versions/(?P<number>[0-9]+)/restore",
        filter_backends=[],
    )
    def restore_version(self, request, pk=None, number=None):
        reject_body(request)
        version = services.strategy_version_restore(
            strategy=self.get_object(), number=int(number), user=request.user
        )
        return Response(StrategyVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    # --- validation and execution -------------------------------------------------------------
    @extend_schema(
        summary="Validate the current code (static checks)",
        request=None,
        responses={200: ValidationResultSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def validate(self, request, pk=None):
        reject_body(request)
        return Response(strategy_validate(strategy=self.get_object()))

    @extend_schema(
        summary="Backtest the strategy in the sandbox (a job)",
        request=ExecuteInputSerializer,
        parameters=[PREFER_WAIT_HEADER],
        description="With `symbols: [...]` the strategy runs on each symbol (one execution "
        "each) and the answer is a MultiExecutionResultPayload: `{results: {SYMBOL: "
        "<execution>}, summary}`.",
        responses={
            202: JobAcceptedSerializer,
            200: PolymorphicProxySerializer(
                component_name="ExecuteResult",
                serializers=[ExecutionResultPayload, MultiExecutionResultPayload],  # type: ignore[list-item]
                resource_type_field_name=None,
            ),
            422: OpenApiResponse(description="Unusable market data (error shape)."),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="execute",
    )
    def execute(self, request, pk=None):
        strategy = self.get_object()
        data = ExecuteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        backtest = request_from(data.validated_data)
        number = data.validated_data.get("version")
        if number is None:
            number = strategy_current_version(strategy=strategy).number
        elif not strategy.versions.filter(number=number).exists():
            raise NotFound(f"Strategy {strategy.pk} has no version {number}.")
        symbols = data.validated_data.get("symbols")
        if symbols:
            requests = [backtest.model_copy(update={"symbol": symbol}) for symbol in symbols]
            for each in requests:
                backtest_request_check(owner=request.user, request=each)
            job = job_services.job_submit(
                owner=request.user,
                kind="execute_multi",
                input=ExecuteMultiJobInput(
                    strategy_id=strategy.pk, version=number, requests=requests
                ),
                strategy=strategy,
            )
            return job_response(request, job)
        backtest_request_check(owner=request.user, request=backtest)
        job = job_services.job_submit(
            owner=request.user,
            kind="execute",
            input=ExecuteJobInput(strategy_id=strategy.pk, version=number, request=backtest),
            strategy=strategy,
        )
        return job_response(request, job)

    @extend_schema(
        summary="Repair the strategy automatically (a job): rules first, then the LLM",
        description=(
            "Each attempt classifies the failure, applies a fix and re-runs the code in the "
            "sandbox; a fix counts only if that run succeeded. The strategy's code becomes the "
            "fixed version; every candidate and run is kept in the history."
        ),
        request=FixErrorsInputSerializer,
        parameters=[PREFER_WAIT_HEADER],
        responses={202: JobAcceptedSerializer, 200: FixResultPayload},
    )
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="llm",
    )
    def fix_errors(self, request, pk=None):
        strategy = self.get_object()
        data = FixErrorsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        strategy_current_version(strategy=strategy)
        backtest = request_from(params)
        backtest_request_check(owner=request.user, request=backtest)
        llm_provider_get(requested=params.get("provider"))  # 422 now if it cannot be served
        job = job_services.job_submit(
            owner=request.user,
            kind="fix_errors",
            input=FixErrorsJobInput(
                strategy_id=strategy.pk,
                max_attempts=params["max_attempts"],
                provider=params.get("provider"),
                require_trades=params["require_trades"],
                allow_semantic_changes=params["allow_semantic_changes"],
                request=backtest,
            ),
            strategy=strategy,
        )
        return job_response(request, job)

    def _generate(self, request):
        data = GenerateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        backtest = request_from(params)
        if params["execute_after_generation"] or params["auto_fix"]:
            backtest_request_check(owner=request.user, request=backtest)
        if llm_provider_get(requested=params.get("provider")) is None:
            description_precheck(description=params["description"])  # a refusal costs nothing
            GenerateThrottle.enforce(self, request, scope="generate")
        else:
            GenerateThrottle.enforce(self, request, scope="llm")
        job = job_services.job_submit(
            owner=request.user,
            kind="generate",
            input=GenerateJobInput(
                description=params["description"],
                name=params.get("name"),
                provider=params.get("provider"),
                auto_fix=params["auto_fix"],
                execute_after_generation=params["execute_after_generation"],
                max_fix_attempts=params["max_fix_attempts"],
                request=backtest,
            ),
        )
        return job_response(request, job)

    @extend_schema(
        summary="Generate a strategy from a plain-English description (a job)",
        description=(
            "Uses Gemini (rotating over the configured keys) or, without keys, the deterministic "
            "offline generator. A description the offline generator cannot understand is a 422 "
            "that says what it understood and gives example phrasings."
        ),
        **_GENERATE_SCHEMA,
    )
    @action(**_GENERATE_ACTION)
    def generate_with_ai(self, request):
        return self._generate(request)

    @extend_schema(summary="Alias of generate_with_ai", **_GENERATE_SCHEMA)
    @action(**_GENERATE_ACTION)
    def generate(self, request):
        return self._generate(request)

    @extend_schema(
        summary="The strategy's executions, newest first",
        parameters=[OpenApiParameter("limit", OpenApiTypes.INT, description="Default 20, max 500")],
        responses={200: ExecutionHistorySerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def execution_history(self, request, pk=None):
        strategy = self.get_object()
        query = LimitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        executions = selectors.execution_list(strategy=strategy)[: query.validated_data["limit"]]
        body = {
            "strategy_id": strategy.pk,
            "strategy_name": strategy.name,
            "total_executions": strategy.total_executions,
            "executions": executions,
        }
        return Response(ExecutionHistorySerializer(body).data)

    @extend_schema(
        summary="One execution with its trades and equity curve",
        responses={200: ExecutionDetailPayload},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"executions/(?P<execution_id>[0-9]+)",
        filter_backends=[],
    )
    def execution_detail(self, request, pk=None, execution_id=None):
        execution = selectors.execution_get(strategy=self.get_object(), pk=execution_id)
        return Response(execution_detail_payload(execution))

    @extend_schema(
        summary="The execution's interactive Bokeh plot (HTML), for its owner only",
        description=(
            "The plot is drawn after the run is answered (see `plot_status`). While it is "
            "drawn: 404 `plot_not_ready` with `Retry-After: 2`; 404 `plot_failed` or "
            "`plot_too_large` when there will be none. HEAD answers the same without a body."
        ),
        responses={(200, "text/html"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"executions/(?P<execution_id>[0-9]+)/plot",
        url_name="execution-plot",
        filter_backends=[],
    )
    def execution_plot(self, request, pk=None, execution_id=None):
        execution = selectors.execution_get(strategy=self.get_object(), pk=execution_id)
        html = execution_plot_html(execution=execution)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = PLOT_CSP
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        summary="The strategy's automatic fix attempts, newest first",
        responses=FixAttemptSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[], serializer_class=FixAttemptSerializer)
    def fix_history(self, request, pk=None):
        attempts = selectors.fix_attempt_list(strategy=self.get_object())
        page = self.paginate_queryset(attempts)
        return self.get_paginated_response(FixAttemptSerializer(page, many=True).data)

    # --- catalogue ------------------------------------------------------------------------------
    @extend_schema(
        summary="What the generator understands: the provider in use and the offline constructs",
        description="`provider` is what `generate` uses without a `provider` field (gemini when "
        "keys are configured, else offline). `constructs` lists every construct the offline "
        "generator reads, each with an example description that parses.",
        responses={200: CapabilitiesSerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def capabilities(self, request):
        return Response(CapabilitiesSerializer(services.generator_capabilities()).data)

    @extend_schema(
        summary="Indicators strategies can use (7 featured + the TA-Lib catalogue)",
        parameters=[IndicatorQuerySerializer],
        responses={200: IndicatorListSerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def available_indicators(self, request):
        query = IndicatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        indicators, groups = selectors.indicator_list(**query.validated_data)
        body = {
            "count": len(indicators),
            "groups": groups,
            "indicators": [indicator.to_dict() for indicator in indicators],
        }
        return Response(body)


@extend_schema_view(
    list=extend_schema(
        summary="All your executions across strategies, newest first",
        description="Filter with `symbol`, `status` (success, no_trades, failed), `strategy`, "
        "`success`, `created_after`/`created_before` (ISO 8601); order with `ordering` "
        "(timestamp, return_pct, sharpe_ratio, max_drawdown, num_trades, win_rate; `-` for "
        "descending); page with `page`/`page_size`.",
    ),
    retrieve=extend_schema(
        summary="One of your executions with its trades and equity curve",
        responses={200: ExecutionDetailPayload},
    ),
)
class ExecutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The requesting user's executions, for history screens and comparisons."""

    serializer_class = ExecutionListItemSerializer
    filterset_class = ExecutionFilter
    lookup_value_regex = r"[0-9]+"  # anything else is no execution: 404 at routing
    search_fields = ["strategy__name", "test_symbol"]
    ordering_fields = [
        "timestamp",
        "return_pct",
        "sharpe_ratio",
        "max_drawdown",
        "num_trades",
        "win_rate",
    ]
    ordering = ["-timestamp", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return StrategyExecution.objects.none()
        return selectors.execution_list_for_user(user=self.request.user)

    def retrieve(self, request, pk=None):
        execution = selectors.execution_get_for_user(user=request.user, pk=pk)
        return Response(execution_detail_payload(execution))
