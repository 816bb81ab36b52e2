"""URL routing: the API lives under /api/, the admin under /admin/, the workspace at /."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = "AlgoAgent administration"
admin.site.site_title = "AlgoAgent admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/auth/", include("accounts.urls")),
    path("api/", include("chat_api.urls")),
    path("api/backtests/", include("backtest_api.urls")),
    path("api/", include("strategy_api.urls")),
    path("api/", include("research_api.urls")),
    path("api/", include("jobs.urls")),
    path("api/", include("apikeys.urls")),
    path("api/data/", include("data_api.urls")),
    path("api/templates/", include("templates_api.urls")),
    path("api/production/", include("production_api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("web.urls")),
]

handler404 = "algoagent.errors.handler404"
handler500 = "algoagent.errors.handler500"
