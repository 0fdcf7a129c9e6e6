"""API tokens: issued only after both factors, named, listed and revoked by their owner.

Token login is throttled like the web login (django-axes through ``authenticate``) and the
second factor is throttled by the device (django-otp).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tuyengiao.accounts import services
from tuyengiao.accounts.models import ApiToken


class ObtainTokenRequest(serializers.Serializer):
    username = serializers.CharField(required=False, help_text="Not needed from a logged-in browser session.")
    password = serializers.CharField(required=False, style={"input_type": "password"}, write_only=True)
    otp_token = serializers.CharField(
        required=False, allow_blank=True, help_text="The current code from the authenticator app, when 2FA is on.",
    )
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=100,
        help_text="What the token is for (device or program); defaults to the User-Agent.",
    )
    # DRF takes declared fields off the class, so this does not shadow Field.read_only at run time.
    read_only = serializers.BooleanField(required=False, default=False,  # type: ignore[assignment]
                                         help_text="A token that may only read (GET, HEAD, OPTIONS).")


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "read_only", "created", "expiry", "last_used"]
        read_only_fields = fields


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The secret; shown once, send it as 'Authorization: Token <token>'.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema(
    tags=["auth"],
    summary="Obtain an API token",
    description=(
        "From a browser session that has passed its second factor, or with username, password and, "
        "for accounts with two-factor authentication, the current code (otp_token). Tokens expire "
        "and are revoked when the password changes."
    ),
    request=ObtainTokenRequest,
    responses={
        200: IssuedTokenSerializer,
        400: OpenApiResponse(RefusalSerializer, description="Wrong credentials or code"),
        403: OpenApiResponse(RefusalSerializer, description="Locked out or 2FA must be set up first"),
    },
)
class ObtainTokenView(APIView):
    # A browser session (CSRF-checked) may ask for a token; a token may not mint another one.
    authentication_classes = [SessionAuthentication]
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        data = ObtainTokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        user: Any = request.user
        try:
            if user.is_authenticated:
                # The middleware stops sessions that owe a code before here; checked again at the source.
                services.check_may_hold_token(user, passed_second_factor=not services.owes_code(request._request))
            else:
                user = services.authenticate_for_token(request._request, values.get("username", ""),
                                                       values.get("password", ""))
                services.check_may_hold_token(user, passed_second_factor=False,
                                              otp_token=values.get("otp_token", ""))
                user_logged_in.send(sender=type(user), request=request._request, user=user)
            name = values.get("name") or services.default_token_name(request._request)
            token, secret = services.issue_token(user, name, read_only=values.get("read_only", False))
        except services.TokenRefused as refusal:
            body: dict[str, Any] = {"detail": refusal.message}
            if refusal.field:
                body[refusal.field] = [refusal.message]
            return Response(body, status=refusal.status)
        return Response({**ApiTokenSerializer(token).data, "token": secret})


@extend_schema_view(
    list=extend_schema(tags=["auth"], summary="Your API tokens that have not expired"),
    destroy=extend_schema(tags=["auth"], summary="Revoke one of your API tokens"),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Each user sees and revokes only their own tokens; anyone else's answers 404."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    queryset = ApiToken.objects.none()
    pagination_class = None

    def get_queryset(self) -> Any:
        return services.live_tokens(self.request.user)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.revoke_token(request.user, kwargs["pk"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI behind the same login as the schema; a browser without a session goes to log in.

    The page's own script is served by the view (``?script``) instead of inline, for the CSP.
    """

    template_name = "api/swagger_ui.html"

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, NotAuthenticated | AuthenticationFailed) and "script" not in self.request.GET:
            return redirect_to_login(self.request.get_full_path())  # type: ignore[return-value]
        return super().handle_exception(exc)
