"""Market-data endpoints. Thin: validate input, call one service or selector, serialize output."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from data_api import selectors, services
from data_api.frames import FrameRows
from data_api.models import MarketDataset
from data_api.pagination import OhlcvPagination
from data_api.serializers import (
    DataFetchInputSerializer,
    IndicatorComputeQuerySerializer,
    IndicatorSeriesSerializer,
    MarketDatasetSerializer,
    MarketDatasetUploadSerializer,
    MarketSymbolListSerializer,
    OhlcvQuerySerializer,
    OhlcvRowSerializer,
)
from jobs import services as job_services
from jobs.http import PREFER_WAIT_HEADER, job_response
from jobs.serializers import JobAcceptedSerializer

SYMBOL_PATH = OpenApiParameter(
    "symbol",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="GOOG, EURUSD, BTCUSD, a cached Yahoo ticker or one of your dataset names.",
)


class MarketDataViewSet(viewsets.GenericViewSet):
    throttle_scope: str | None = None  # set per action (ScopedRateThrottle): data
    """Symbols, bars and indicator series from bundled data, the cache and your uploads."""

    lookup_field = "symbol"
    lookup_value_regex = r"[A-Za-z0-9^][A-Za-z0-9.\-=^_]{0,63}"
    filter_backends: list = []
    pagination_class = None
    query_params_accepted: tuple[str, ...] = ()  # a paged action's own (see DefaultPagination)

    @extend_schema(
        summary="Symbols you can load: your uploads, bundled samples and cached downloads",
        responses={200: MarketSymbolListSerializer},
    )
    @action(detail=False, methods=["get"])
    def symbols(self, request):
        infos = selectors.symbol_list(user=request.user)
        body = {"count": len(infos), "symbols": [info.to_dict() for info in infos]}
        return Response(MarketSymbolListSerializer(body).data)

    @extend_schema(
        summary="OHLCV bars of a symbol, paged",
        parameters=[SYMBOL_PATH, OhlcvQuerySerializer],
        responses={
            200: OhlcvRowSerializer(many=True),
            422: OpenApiResponse(description="No bars in the requested range (error shape)."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=OhlcvPagination,
        query_params_accepted=tuple(OhlcvQuerySerializer().fields),
    )
    def ohlcv(self, request, symbol=None):
        query = OhlcvQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        frame = selectors.ohlcv_get(user=request.user, symbol=symbol, **query.validated_data)
        page = self.paginate_queryset(FrameRows(frame))
        return self.get_paginated_response(page)

    @extend_schema(
        summary="Upload an OHLCV CSV as one of your datasets",
        request=MarketDatasetUploadSerializer,
        responses={201: MarketDatasetSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        throttle_classes=[ScopedRateThrottle],
        throttle_scope="data",
    )
    def upload(self, request):
        data = MarketDatasetUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = services.dataset_upload(owner=request.user, **data.validated_data)
        return Response(MarketDatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a symbol from Yahoo Finance into the cache (a job)",
        request=DataFetchInputSerializer,
        parameters=[PREFER_WAIT_HEADER],
        responses={
            202: JobAcceptedSerializer,
            200: OpenApiResponse(
                description="With `Prefer: wait`: the cached symbol (as in `symbols/`)."
            ),
            502: OpenApiResponse(description="Yahoo Finance failed: `fetch_failed` (error shape)."),
        },
    )
    @action(
        detail=False, methods=["post"], throttle_classes=[ScopedRateThrottle], throttle_scope="data"
    )
    def fetch(self, request):
        data = DataFetchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = {
            k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in data.validated_data.items()
        }
        job = job_services.job_submit(owner=request.user, kind="data_fetch", input=params)
        return job_response(request, job)

    @extend_schema(
        summary="An indicator computed over a symbol's bars, one series per output",
        parameters=[IndicatorComputeQuerySerializer],
        responses={200: IndicatorSeriesSerializer},
    )
    @action(detail=False, methods=["get"], url_path="indicators/compute")
    def indicators_compute(self, request):
        query = IndicatorComputeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(selectors.indicator_series(user=request.user, **query.validated_data))


class MarketDatasetViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your uploaded datasets; delete one by name."""

    serializer_class = MarketDatasetSerializer
    lookup_field = "name"
    lookup_value_regex = r"[A-Za-z][A-Za-z0-9_-]{0,31}"
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return MarketDataset.objects.none()
        return selectors.dataset_list(user=self.request.user)

    @extend_schema(summary="Your uploaded datasets")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Delete one of your datasets and its file", responses={204: None})
    def destroy(self, request, name=None):
        services.dataset_delete(dataset=selectors.dataset_get(user=request.user, name=name))
        return Response(status=status.HTTP_204_NO_CONTENT)
