from django.urls import path

from accounts.session_views import (
    SessionLoginView,
    SessionLogoutView,
    SessionRegisterView,
    SessionView,
)
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
    # The browser workspace's session sign-in (CSRF-checked; not in the OpenAPI schema).
    path("session/", SessionView.as_view(), name="auth-session"),
    path("session/login/", SessionLoginView.as_view(), name="auth-session-login"),
    path("session/register/", SessionRegisterView.as_view(), name="auth-session-register"),
    path("session/logout/", SessionLogoutView.as_view(), name="auth-session-logout"),
    path("tokens/", TokenListView.as_view(), name="auth-tokens"),
    path("tokens/<int:token_id>/", TokenDetailView.as_view(), name="auth-token-detail"),
]
