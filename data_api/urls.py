from rest_framework.routers import DefaultRouter

from data_api.views import MarketDatasetViewSet, MarketDataViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("datasets", MarketDatasetViewSet, basename="dataset")
router.register("", MarketDataViewSet, basename="market-data")

urlpatterns = router.urls
