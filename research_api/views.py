"""Research endpoints under /api/strategies/{id}/. Thin: validate, call services, answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from backtest_api.pipeline import backtest_request_check
from backtest_api.request import request_from
from jobs import services as job_services
from jobs.http import PREFER_WAIT_HEADER, job_response
from jobs.serializers import JobAcceptedSerializer
from research_api.payloads import (
    LookaheadJobInput,
    LookaheadResultPayload,
    MonteCarloJobInput,
    MonteCarloResultPayload,
    MultiOptimizeResultPayload,
    OptimizeJobInput,
    OptimizeResultPayload,
    WalkForwardJobInput,
    WalkForwardResultPayload,
)
from research_api.serializers import (
    ApplyParamsInputSerializer,
    LookaheadInputSerializer,
    MonteCarloInputSerializer,
    OptimizeInputSerializer,
    WalkForwardInputSerializer,
)
from research_api.services.montecarlo import monte_carlo_seed
from research_api.services.optimize import search_settings
from research_api.services.parameters import (
    strategy_parameters_get,
    strategy_params_apply,
    strategy_version_pick,
)
from research_api.services.tearsheet import TEARSHEET_CSP, execution_tearsheet
from research_api.services.walkforward import walk_forward_check
from strategy_api import selectors
from strategy_api.models import Strategy
from strategy_api.serializers import StrategyVersionSerializer

_JOB_ACTION: dict[str, Any] = {
    "detail": True,
    "methods": ["post"],
    "filter_backends": [],
    "throttle_classes": [ScopedRateThrottle],
    "throttle_scope": "execute",
}


def _job_schema(summary: str, request, result, description: str = "") -> dict:
    return {
        "summary": summary,
        "description": description,
        "request": request,
        "parameters": [PREFER_WAIT_HEADER],
        "responses": {202: JobAcceptedSerializer, 200: result},
    }


class ResearchViewSet(viewsets.GenericViewSet):
    """Optimise, walk forward, stress-test and report on one of the user's strategies."""

    throttle_scope: str | None = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return Strategy.objects.none()
        return selectors.strategy_list(user=self.request.user)

    def _search(self, request, serializer_class):
        strategy = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        version = strategy_version_pick(strategy=strategy, number=params.get("version"))
        settings, _ = search_settings(
            code=version.code,
            params=params["params"],
            maximize=params["maximize"],
            method=params["method"],
            constraint=params.get("constraint"),
            max_tries=params.get("max_tries"),
            random_state=params.get("random_state"),
        )
        backtest = request_from(params)
        backtest_request_check(owner=request.user, request=backtest)
        return strategy, version, settings, backtest, params

    @extend_schema(
        summary="The strategy's parameters: class attributes with values and types (static)",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def parameters(self, request, pk=None):
        strategy = self.get_object()
        version = strategy_version_pick(strategy=strategy, number=_int_query(request, "version"))
        return Response(strategy_parameters_get(strategy=strategy, version=version))

    @extend_schema(
        **_job_schema(
            "Optimise the strategy's parameters in the sandbox (a job)",
            OptimizeInputSerializer,
            PolymorphicProxySerializer(
                component_name="OptimizeResult",
                serializers=[OptimizeResultPayload, MultiOptimizeResultPayload],  # type: ignore[list-item]
                resource_type_field_name=None,
            ),
            "grid: backtesting.py's own combinations, heatmap and best, backtested in chunks "
            "that any worker may run. sambo: backtesting.py's model-based search. The job's "
            "events report tried/total and the best so far; cancelling it stops the chunks "
            "not yet started. With `symbols: [...]` the search runs on each symbol and the "
            "answer is a MultiOptimizeResultPayload: `{results: {SYMBOL: <optimisation>}, "
            "summary}` with each combination's value averaged over the symbols.",
        )
    )
    @action(**_JOB_ACTION)
    def optimize(self, request, pk=None):
        strategy, version, settings, backtest, params = self._search(
            request, OptimizeInputSerializer
        )
        symbols = params.get("symbols")
        if symbols:
            for symbol in symbols:
                backtest_request_check(
                    owner=request.user, request=backtest.model_copy(update={"symbol": symbol})
                )
            backtest = backtest.model_copy(update={"symbol": symbols[0]})
        job = job_services.job_submit(
            owner=request.user,
            kind="optimize",
            input=OptimizeJobInput(
                strategy_id=strategy.pk,
                version=version.number,
                request=backtest,
                maximize=settings.maximize,
                search=settings,
                symbols=symbols or None,
            ),
            strategy=strategy,
        )
        return job_response(request, job)

    @extend_schema(
        **_job_schema(
            "Walk-forward analysis (a job)",
            WalkForwardInputSerializer,
            WalkForwardResultPayload,
            "Rolling (or anchored) train windows of train_bars, each followed by a test window "
            "of test_bars; full windows only; bounds are the ISO times of the first and last "
            "bar (inclusive).",
        )
    )
    @action(**_JOB_ACTION)
    def walk_forward(self, request, pk=None):
        strategy, version, settings, backtest, params = self._search(
            request, WalkForwardInputSerializer
        )
        walk_forward_check(
            owner=request.user,
            request=backtest,
            train_bars=params["train_bars"],
            test_bars=params["test_bars"],
            anchored=params["anchored"],
        )
        job = job_services.job_submit(
            owner=request.user,
            kind="walk_forward",
            input=WalkForwardJobInput(
                strategy_id=strategy.pk,
                version=version.number,
                request=backtest,
                maximize=settings.maximize,
                search=settings,
                train_bars=params["train_bars"],
                test_bars=params["test_bars"],
                anchored=params["anchored"],
            ),
            strategy=strategy,
        )
        return job_response(request, job)

    @extend_schema(
        **_job_schema(
            "Monte Carlo of the trades of an execution or a fresh run (a job)",
            MonteCarloInputSerializer,
            MonteCarloResultPayload,
        )
    )
    @action(**_JOB_ACTION)
    def monte_carlo(self, request, pk=None):
        strategy = self.get_object()
        data = MonteCarloInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        execution_id = params.get("execution_id")
        backtest = version = None
        if execution_id is not None:
            selectors.execution_get(strategy=strategy, pk=execution_id)  # 404 if not its own
        else:
            version = strategy_version_pick(strategy=strategy, number=params.get("version"))
            backtest = request_from(params)
            backtest_request_check(owner=request.user, request=backtest)
        job = job_services.job_submit(
            owner=request.user,
            kind="monte_carlo",
            input=MonteCarloJobInput(
                strategy_id=strategy.pk,
                execution_id=execution_id,
                version=version.number if version else None,
                request=backtest,
                runs=params["runs"],
                method=params["method"],
                seed=monte_carlo_seed(params.get("seed")),
            ),
            strategy=strategy,
        )
        return job_response(request, job)

    @extend_schema(
        **_job_schema(
            "Look-ahead check: trades on full data vs on data cut at many bars (a job)",
            LookaheadInputSerializer,
            LookaheadResultPayload,
            "The strategy is run on the full bars and on the first k bars for 20 cuts k; a "
            "trade that differs before a cut means a decision used later bars.",
        )
    )
    @action(**_JOB_ACTION)
    def lookahead_check(self, request, pk=None):
        strategy = self.get_object()
        data = LookaheadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = strategy_version_pick(
            strategy=strategy, number=data.validated_data.get("version")
        )
        backtest = request_from(data.validated_data)
        backtest_request_check(owner=request.user, request=backtest)
        job = job_services.job_submit(
            owner=request.user,
            kind="lookahead_check",
            input=LookaheadJobInput(
                strategy_id=strategy.pk, version=version.number, request=backtest
            ),
            strategy=strategy,
        )
        return job_response(request, job)

    @extend_schema(
        summary="Write parameter values into the code as a new version",
        request=ApplyParamsInputSerializer,
        responses={201: StrategyVersionSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def apply_params(self, request, pk=None):
        strategy = self.get_object()
        data = ApplyParamsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = strategy_version_pick(
            strategy=strategy, number=data.validated_data.get("version")
        )
        created = strategy_params_apply(
            strategy=strategy,
            version=version,
            params=data.validated_data["params"],
            user=request.user,
        )
        return Response(StrategyVersionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The execution's QuantStats tearsheet against its benchmark (HTML, no external "
        "requests; built on first request, then cached)",
        responses={
            (200, "text/html"): OpenApiResponse(OpenApiTypes.BINARY),
            422: OpenApiResponse(description="The run cannot be reported on (error shape)."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"executions/(?P<execution_id>[0-9]+)/tearsheet",
        url_name="execution-tearsheet",
        filter_backends=[],
    )
    def tearsheet(self, request, pk=None, execution_id=None):
        execution = selectors.execution_get(strategy=self.get_object(), pk=execution_id)
        html = execution_tearsheet(execution=execution)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = TEARSHEET_CSP
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _int_query(request, name: str) -> int | None:
    from rest_framework import serializers

    field = serializers.IntegerField(required=False, min_value=1)
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return field.run_validation(value)
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({name: exc.detail}) from None
