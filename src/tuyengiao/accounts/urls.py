from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("2fa/verify/", views.verify, name="verify"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("users/", views.unit_users, name="unit_users"),
    path("users/<int:pk>/password/", views.set_user_password, name="set_user_password"),
]
