from rest_framework.routers import DefaultRouter

from strategy_api.views import ExecutionViewSet, StrategyViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("strategies", StrategyViewSet, basename="strategy")
router.register("executions", ExecutionViewSet, basename="execution")

urlpatterns = router.urls
