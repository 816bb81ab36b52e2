from rest_framework.routers import DefaultRouter

from production_api.views import PreflightBacktestViewSet, PreflightStrategyViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("strategies", PreflightStrategyViewSet, basename="preflight-strategy")
router.register("backtests", PreflightBacktestViewSet, basename="preflight-backtest")

urlpatterns = router.urls
