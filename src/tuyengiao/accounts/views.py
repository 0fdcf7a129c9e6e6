"""Login and logout; throttling comes from django-axes through the auth backend."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import services
from .forms import TokenForm, TokenNameForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("Wrong username or password. Note that both are case-sensitive."),
        "inactive": gettext_lazy("This account is inactive."),
    }


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of login for users who set up two-factor authentication."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = services.wait_seconds(request.user)
        if wait:  # the code is not even checked: say so rather than call a right code wrong
            form.add_error("token", _("Too many wrong codes: wait %(seconds)d seconds before the next try.")
                           % {"seconds": wait})
        elif services.verify(request, form.cleaned_data["token"]):
            return redirect(_next_url(request))
        else:
            form.add_error("token", _("The code is wrong or has expired; wait for a new one and try again."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up, confirm or turn off two-factor authentication for one's own account."""
    form = TokenForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "begin":
        services.begin_setup(request.user)
        form = TokenForm()
    elif request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if action == "confirm" and services.confirm_setup(request, token):
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next_url(request))
        if action == "disable" and services.disable(request, token):
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("accounts:two_factor")
        form.add_error("token", _("The code is wrong or has expired; wait for a new one and try again."))
    pending = services.pending_device(request.user)
    return render(request, "accounts/two_factor.html", {
        "form": form,
        "enabled": services.has_second_factor(request.user),
        "pending": pending,
        "qr": services.qr_svg(pending) if pending else "",
        "secret": services.secret_text(pending) if pending else "",
        "required": services.must_set_up(request.user),
        "next": _next_url(request),
    })


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """One's own API tokens: create a named one (its secret shown once), list, revoke."""
    form = TokenNameForm(request.POST if request.POST.get("action") == "create" else None)
    secret = ""
    if request.method == "POST" and request.POST.get("action") == "revoke":
        services.revoke_token(request.user, request.POST.get("token_id", ""))
        messages.success(request, _("The token was revoked."))
        return redirect("accounts:api_tokens")
    if request.method == "POST" and form.is_valid():
        try:
            services.check_may_hold_token(request.user, passed_second_factor=not services.owes_code(request))
            _token, secret = services.issue_token(request.user, form.cleaned_data["name"],
                                                  read_only=form.cleaned_data["read_only"])
            form = TokenNameForm()
        except services.TokenRefused as refusal:
            form.add_error(None, refusal.message)
    return render(request, "accounts/api_tokens.html", {
        "form": form, "secret": secret, "tokens": services.live_tokens(request.user),
    })


class PasswordChangeView(auth_views.PasswordChangeView):
    """One's own password; every API token ends and other sessions log out (Django's session hash)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def unit_users(request: HttpRequest) -> HttpResponse:
    """Users of the admin's units, each with a link to set a new password."""
    users = services.manageable_users(request.user).prefetch_related("assignments__unit")
    if not users.exists() and not request.user.is_superuser and not services.is_admin(request.user):
        raise PermissionDenied
    return render(request, "accounts/unit_users.html", {"users": users})


@login_required
@require_http_methods(["GET", "POST"])
def set_user_password(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit admin sets a new password for a user of their units (the user is told it in person)."""
    target = services.get_manageable_user(request.user, pk)
    form = SetPasswordForm(target, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The password of %(user)s was changed; their sessions and API tokens ended.")
                         % {"user": target.get_username()})
        return redirect("accounts:unit_users")
    return render(request, "accounts/set_user_password.html", {"form": form, "target": target})
