"""Pre-flight check endpoints. Thin: validate input, call one service, return its answer."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from Backtest.spec import spec_json_schema
from backtest_api.request import request_from
from jobs.http import PREFER_WAIT_HEADER, job_response
from jobs.serializers import JobAcceptedSerializer
from production_api import services
from production_api.payloads import SandboxTestResult
from production_api.serializers import (
    PreflightBacktestConfigSerializer,
    PreflightBacktestResultSerializer,
    PreflightCodeInputSerializer,
    PreflightCodeResultSerializer,
    PreflightSandboxInputSerializer,
    PreflightSpecResultSerializer,
)
from strategy_api.services import specs


class PreflightStrategyViewSet(viewsets.ViewSet):
    """Check a spec or code before saving it: schema, static validation, a real sandbox run."""

    throttle_scope: str | None = None  # set per action (ScopedRateThrottle): execute

    @extend_schema(
        summary="Validate a canonical strategy spec (the body is the spec itself)",
        description="Answers the normalised spec, or 400 with dotted field paths "
        "(`rules.entry.conditions.0.right`) under `details.fields`. "
        "The format is `GET /api/production/strategies/schema/`.",
        request=OpenApiTypes.OBJECT,
        responses={200: PreflightSpecResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="validate-schema")
    def validate_schema(self, request):
        return Response(specs.spec_check(data=request.data))

    @extend_schema(
        summary="JSON Schema (draft 2020-12) of the canonical strategy spec",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="schema")
    def spec_schema(self, request):  # not "schema": APIView.schema is the OpenAPI inspector
        return Response(spec_json_schema())

    @extend_schema(
        summary="Static validation of strategy code (nothing is executed)",
        request=PreflightCodeInputSerializer,
        responses={200: PreflightCodeResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="validate-code")
    def validate_code(self, request):
        data = PreflightCodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(specs.code_validate(**data.validated_data))

    @extend_schema(
        summary="Run code or a spec in the sandbox on the last N bars; the real outcome (a job)",
        description=(
            "A job like every run: without a `Prefer` header it waits up to 30 s (setting "
            "`BACKTEST_QUICK_RUN_WAIT_SECONDS`) and answers the outcome; `Prefer: wait=N` sets "
            "the wait (0: 202 at once). Code the static validator refuses answers at once with "
            "`ran` false."
        ),
        request=PreflightSandboxInputSerializer,
        parameters=[PREFER_WAIT_HEADER],
        responses={200: SandboxTestResult, 202: JobAcceptedSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="sandbox-test",
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="execute",
    )
    def sandbox_test(self, request):
        data = PreflightSandboxInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        backtest = request_from(params, last_bars=params["bars"], finalize_trades=True, plot=False)
        submitted = services.strategy_sandbox_test_submit(
            user=request.user, request=backtest, code=params.get("code"), spec=params.get("spec")
        )
        if isinstance(submitted, dict):  # refused by static validation: nothing to run
            return Response(submitted)
        return job_response(
            request, submitted, default_wait=settings.BACKTEST_QUICK_RUN_WAIT_SECONDS
        )


class PreflightBacktestViewSet(viewsets.ViewSet):
    """Check backtest settings against the data before starting a run."""

    @extend_schema(
        summary="Check a backtest configuration: symbol, range, interval, cash, costs",
        request=PreflightBacktestConfigSerializer,
        responses={200: PreflightBacktestResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="validate-config")
    def validate_config(self, request):
        data = PreflightBacktestConfigSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.backtest_config_validate(
            user=request.user, request=request_from(data.validated_data)
        )
        return Response(PreflightBacktestResultSerializer(result).data)
