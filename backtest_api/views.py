"""Backtest endpoints. Thin: validate input, call one service or selector, serialize output."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from algoagent.serializers import reject_body
from backtest_api import selectors, services
from backtest_api.filters import BacktestConfigFilter, BacktestRunFilter
from backtest_api.models import BacktestConfig, BacktestRun
from backtest_api.negotiation import FileFormatNegotiation
from backtest_api.plots import PLOT_CSP
from backtest_api.serializers import (
    BacktestConfigInputSerializer,
    BacktestConfigSerializer,
    BacktestRunCancelSerializer,
    BacktestRunDetailSerializer,
    BacktestRunExportSerializer,
    BacktestRunInputSerializer,
    BacktestRunListSerializer,
    BacktestRunResultSerializer,
    CompareInputSerializer,
    CompareQuerySerializer,
    CompareResultSerializer,
    ExportQuerySerializer,
    QuickRunInputSerializer,
    TradeSerializer,
)
from jobs.http import PREFER_WAIT_HEADER, job_response
from jobs.serializers import JobAcceptedSerializer


@extend_schema_view(
    list=extend_schema(summary="Your saved backtest configurations"),
    retrieve=extend_schema(summary="One of your backtest configurations"),
    create=extend_schema(
        summary="Save a backtest configuration (symbol and range are checked against the data)",
        request=BacktestConfigInputSerializer,
        responses={201: BacktestConfigSerializer},
    ),
    update=extend_schema(
        summary="Replace a backtest configuration",
        request=BacktestConfigInputSerializer,
        responses={200: BacktestConfigSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a backtest configuration",
        request=BacktestConfigInputSerializer,
        responses={200: BacktestConfigSerializer},
    ),
    destroy=extend_schema(summary="Delete a backtest configuration (its runs are kept)"),
)
class BacktestConfigViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """CRUD on the requesting user's named backtest settings."""

    serializer_class = BacktestConfigSerializer
    filterset_class = BacktestConfigFilter
    search_fields = ["name"]
    ordering_fields = ["name", "symbol", "created_at", "updated_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return BacktestConfig.objects.none()
        return selectors.config_list(user=self.request.user)

    def create(self, request):
        data = BacktestConfigInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        config = services.backtest_config_create(owner=request.user, **data.validated_data)
        return Response(BacktestConfigSerializer(config).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial: bool = False):
        config = self.get_object()
        data = BacktestConfigInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        config = services.backtest_config_update(
            config=config, replace=not partial, **data.validated_data
        )
        return Response(BacktestConfigSerializer(config).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def destroy(self, request, pk=None):
        services.backtest_config_delete(config=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Your backtest runs, newest first (without bulky results)"),
    retrieve=extend_schema(
        summary="One run: status, metrics, statistics, equity curve, plot and job links",
        responses={200: BacktestRunDetailSerializer},
    ),
    destroy=extend_schema(summary="Delete a run and its files (a waiting run is cancelled)"),
)
class BacktestRunViewSet(
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Backtest runs of the requesting user: start, follow, inspect, compare, export."""

    serializer_class = BacktestRunListSerializer
    filterset_class = BacktestRunFilter
    search_fields = ["label", "symbol"]
    ordering_fields = [
        "created_at",
        "finished_at",
        "return_pct",
        "sharpe_ratio",
        "max_drawdown",
        "win_rate",
        "num_trades",
        "execution_time",
    ]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = "[0-9]+"
    throttle_scope: str | None = None  # set per action (ScopedRateThrottle): execute

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return BacktestRun.objects.none()
        return selectors.run_list(user=self.request.user)

    def _run(self, pk) -> BacktestRun:
        return selectors.run_get(user=self.request.user, pk=pk)  # type: ignore[arg-type]

    def retrieve(self, request, pk=None):
        run = services.backtest_run_sync(run=self._run(pk))
        return Response(BacktestRunDetailSerializer(run).data)

    def destroy(self, request, pk=None):
        services.backtest_run_delete(run=self._run(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- starting runs --------------------------------------------------------------------------
    @extend_schema(
        summary="Backtest a strategy version, inline code or a spec (a job)",
        description=(
            "The source is exactly one of `strategy` (+ optional `version`), `code` or `spec`; "
            "settings come from `config` and/or inline fields (inline wins). Everything that "
            "needs no sandbox is checked first (400 naming the field). The run exists at once "
            "(status queued); code that fails is a run with `success` false."
        ),
        request=BacktestRunInputSerializer,
        parameters=[PREFER_WAIT_HEADER],
        responses={
            202: JobAcceptedSerializer,
            200: BacktestRunResultSerializer,
            422: OpenApiResponse(description="Unusable market data (error shape)."),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        filter_backends=[],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="execute",
    )
    def run(self, request):
        data = BacktestRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.backtest_run_submit(owner=request.user, **data.validated_data)
        return job_response(request, run.job)

    @extend_schema(
        summary="Run code or a spec and answer with the result (waits 30 s by default)",
        description=(
            "Like `run/` for inline code or a spec, but without a `Prefer` header it waits up "
            "to 30 s (setting `BACKTEST_QUICK_RUN_WAIT_SECONDS`) and answers the finished run; "
            "`Prefer: wait=N` sets the wait (0: answer 202 at once). Slower runs answer 202."
        ),
        request=QuickRunInputSerializer,
        parameters=[PREFER_WAIT_HEADER],
        responses={
            200: BacktestRunResultSerializer,
            202: JobAcceptedSerializer,
            422: OpenApiResponse(description="Unusable market data (error shape)."),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        filter_backends=[],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="execute",
    )
    def quick_run(self, request):
        data = QuickRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.backtest_run_submit(owner=request.user, **data.validated_data)
        return job_response(request, run.job, default_wait=settings.BACKTEST_QUICK_RUN_WAIT_SECONDS)

    # --- one run --------------------------------------------------------------------------------
    @extend_schema(
        summary="The run's trades, paginated",
        responses={200: TradeSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def trades(self, request, pk=None):
        page = self.paginate_queryset(self._run(pk).trades)
        return self.get_paginated_response(TradeSerializer(page, many=True).data)

    @extend_schema(
        summary="The run's interactive Bokeh plot (HTML), for its owner only",
        description=(
            "The plot is drawn after the run is answered (see `plot_status`). While it is "
            "drawn: 404 `plot_not_ready` with `Retry-After: 2`; 404 `plot_failed` or "
            "`plot_too_large` when there will be none. HEAD answers the same without a body."
        ),
        responses={(200, "text/html"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def plot(self, request, pk=None):
        html = services.backtest_run_plot_html(run=self._run(pk))
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = PLOT_CSP
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        summary="Cancel the run (queued: at once; running: at its next checkpoint)",
        description=(
            "A run that already finished (succeeded, failed or cancelled) is not changed: "
            "409 `run_finished`, with the run's status in `details.status` (as a job's cancel "
            "answers 409 `job_finished`)."
        ),
        request=None,
        responses={
            200: BacktestRunCancelSerializer,
            409: OpenApiResponse(description="The run already finished (error shape)."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def cancel(self, request, pk=None):
        reject_body(request)
        run = services.backtest_run_cancel(run=self._run(pk))
        return Response(BacktestRunCancelSerializer(run).data)

    @extend_schema(
        summary="Download the trades (format=csv) or the whole run (format=json)",
        description=(
            "`format` selects the file here, not a DRF renderer: errors are always JSON. "
            "Both answers carry `Content-Disposition: attachment`."
        ),
        parameters=[ExportQuerySerializer],
        responses={
            (200, "application/json"): BacktestRunExportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Trades as CSV."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer],
        content_negotiation_class=FileFormatNegotiation,
    )
    def export(self, request, pk=None):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        run = self._run(pk)
        filename = f"backtest-{run.pk}.{query.validated_data['format']}"
        disposition = f'attachment; filename="{filename}"'
        if query.validated_data["format"] == "csv":
            response = HttpResponse(
                services.backtest_run_trades_csv(run=run), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = disposition
            return response
        body = BacktestRunExportSerializer(run).data
        return Response(body, headers={"Content-Disposition": disposition})

    # --- comparing ------------------------------------------------------------------------------
    @extend_schema(
        summary="Compare 2 to 10 of your runs (backtests and executions), ranked by a metric",
        parameters=[CompareQuerySerializer],
        responses={200: CompareResultSerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def compare(self, request):
        query = CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = services.backtest_run_compare(user=request.user, **query.validated_data)
        return Response(CompareResultSerializer(result).data)

    @extend_schema(
        summary="Compare this run with others (`ids`), side by side",
        request=CompareInputSerializer,
        responses={200: CompareResultSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="compare",
        url_name="compare-with",
        filter_backends=[],
        pagination_class=None,
    )
    def compare_with(self, request, pk=None):
        data = CompareInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        result = services.backtest_run_compare(
            user=request.user,
            ids=[int(pk), *params["ids"]],
            execution_ids=params["execution_ids"],
            rank_by=params["rank_by"],
        )
        return Response(CompareResultSerializer(result).data)
