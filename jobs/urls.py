from django.urls import path
from rest_framework.routers import DefaultRouter

from jobs.health import HealthView
from jobs.streams import job_events
from jobs.views import JobViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("jobs", JobViewSet, basename="job")

# The async events view comes first: it streams SSE itself and hands JSON to the DRF action
# (which stays in the router for its OpenAPI documentation and its name, ``job-events``).
urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("jobs/<uuid:pk>/events/", job_events, name="job-events-stream"),
    *router.urls,
]
