from rest_framework.routers import DefaultRouter

from backtest_api.views import BacktestConfigViewSet, BacktestRunViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# Run ids are numeric (lookup_value_regex), so "configs/" never reads as a run.
router.register("configs", BacktestConfigViewSet, basename="backtest-config")
router.register("", BacktestRunViewSet, basename="backtest")

urlpatterns = router.urls
