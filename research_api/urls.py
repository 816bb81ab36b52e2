from rest_framework.routers import DefaultRouter

from research_api.views import ResearchViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("strategies", ResearchViewSet, basename="strategy-research")

urlpatterns = router.urls
