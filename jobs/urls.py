from django.urls import path
from rest_framework.routers import DefaultRouter

from jobs.health import HealthView
from jobs.views import JobViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("jobs", JobViewSet, basename="job")

urlpatterns = [path("health/", HealthView.as_view(), name="health"), *router.urls]
