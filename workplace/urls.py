from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm
from .language import LoginView

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("healthz", views.healthz, name="healthz"),
]
