from django.urls import path

from chat_api.views import StrategyChatViewSet

urlpatterns = [
    path(
        "strategies/<int:strategy_id>/chat/",
        StrategyChatViewSet.as_view({"get": "list", "post": "create"}),
        name="strategy-chat",
    ),
]
