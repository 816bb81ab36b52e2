from django.urls import path

from accounts.views import (
    LoginView,
    LogoutView,
    MeView,
    RegisterView,
    TokenDetailView,
    TokenListView,
)

urlpatterns = [
    path("register/", RegisterView.as_view(), name="auth-register"),
    path("login/", LoginView.as_view(), name="auth-login"),
    path("logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="auth-me"),
    path("tokens/", TokenListView.as_view(), name="auth-tokens"),
    path("tokens/<int:token_id>/", TokenDetailView.as_view(), name="auth-token-detail"),
]
