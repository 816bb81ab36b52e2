from django.urls import path

from web.views import WorkspaceView

urlpatterns = [
    path("", WorkspaceView.as_view(), name="workspace"),
]
