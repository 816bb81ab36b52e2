from rest_framework.routers import DefaultRouter

from apikeys.views import KeyViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("keys", KeyViewSet, basename="key")

urlpatterns = router.urls
