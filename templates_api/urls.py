from rest_framework.routers import DefaultRouter

from templates_api.views import StrategyTemplateViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("", StrategyTemplateViewSet, basename="template")

urlpatterns = router.urls
