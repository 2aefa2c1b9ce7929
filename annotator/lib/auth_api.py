"""`POST /api/auth/token/` with username and password returns `{"token": "..."}`.

The token expires (`expires_at`, see annotator.lib.auth_tokens); `POST /api/auth/token/revoke/`
revokes the caller's own token and `POST /api/auth/tokens/<user id>/revoke/` lets a moderator
revoke anyone's. Failed logins count towards the account's lockout (annotator.lib.login_limits).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.lib.auth_tokens import token_expires_at, token_issue, token_revoke
from annotator.lib.errors import InvalidInputError


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes: list[type] = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
        ),
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise InvalidInputError("Unable to log in with the provided credentials.")
        token = token_issue(user=user)
        # A token login is a login: last_login is updated and the failure count starts again.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})


class RevokeOwnTokenView(APIView):
    """The caller's own token stops working (204), whether they use it or a session."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        token_revoke(actor=request.user, user_id=int(request.user.pk or 0))
        return Response(status=204)


class RevokeTokenView(APIView):
    """A moderator revokes someone's token (204); others 403, an unknown person 404."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, user_id: int) -> Response:
        token_revoke(actor=request.user, user_id=user_id)
        return Response(status=204)
