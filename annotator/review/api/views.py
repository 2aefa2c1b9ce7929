"""Review API: validate, call one service or selector, serialize."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.lib.api import parse_expected_version
from annotator.review import selectors, services
from annotator.review.api import serializers as s
from annotator.review.models import AnnotationEvent, Flag, Notification, Reply
from annotator.review.notifications import notification_mark_all_read, notification_mark_read


class AnnotationSubmitView(APIView):
    @extend_schema(request=s.SubmitInputSerializer, responses=s.AnnotationStateSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = s.SubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = services.annotation_submit(
            actor=request.user,
            annotation_id=pk,
            expected_version=parse_expected_version(request, data.validated_data.get("version")),
        )
        return Response(s.state_payload(annotation))


class AnnotationReviewView(APIView):
    @extend_schema(request=s.ReviewInputSerializer, responses={201: s.ReviewStateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = s.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = services.annotation_review(
            actor=request.user,
            annotation_id=pk,
            decision=data.validated_data["decision"],
            comment=data.validated_data["comment"],
            expected_version=parse_expected_version(request, data.validated_data.get("version")),
        )
        approvals = (
            len(services.approvals_in_current_round(annotation))
            if annotation.status == "submitted"
            else None
        )
        return Response(
            s.state_payload(
                annotation,
                approvals=approvals,
                approvals_required=settings.REVIEW_APPROVALS_REQUIRED,
            ),
            status=status.HTTP_201_CREATED,
        )


class _ModerationView(APIView):
    action_name = ""
    input_serializer: type[s.serializers.Serializer] = s.ReasonInputSerializer

    def get_serializer_class(self) -> type[s.serializers.Serializer]:  # read by the schema
        return self.input_serializer

    @extend_schema(responses=s.AnnotationStateSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        actor = request.user
        if self.action_name == "lock":
            annotation = services.annotation_lock(actor=actor, annotation_id=pk, reason=reason)
        elif self.action_name == "unlock":
            annotation = services.annotation_unlock(actor=actor, annotation_id=pk)
        elif self.action_name == "hide":
            annotation = services.annotation_hide(actor=actor, annotation_id=pk, reason=reason)
        else:
            annotation = services.annotation_restore(actor=actor, annotation_id=pk)
        return Response(s.state_payload(annotation))


class AnnotationLockView(_ModerationView):
    action_name = "lock"


class AnnotationUnlockView(_ModerationView):
    action_name = "unlock"


class AnnotationHideView(_ModerationView):
    action_name = "hide"
    input_serializer = s.HideInputSerializer


class AnnotationRestoreView(_ModerationView):
    action_name = "restore"


class AnnotationEventListView(generics.ListAPIView):
    serializer_class = s.AnnotationEventSerializer
    queryset = AnnotationEvent.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.event_list_for(actor=self.request.user, annotation_id=self.kwargs["pk"])


class AnnotationReplyListView(generics.ListAPIView):
    serializer_class = s.ReplySerializer
    queryset = Reply.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.reply_list_for(actor=self.request.user, annotation_id=self.kwargs["pk"])

    @extend_schema(request=s.ReplyInputSerializer, responses={201: s.ReplySerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = s.ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_create(
            actor=request.user,
            annotation_id=pk,
            body=data.validated_data["body"],
            parent_id=data.validated_data.get("parent"),
        )
        return Response(s.ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


FLAG_STATUSES = ("open", "resolved", "dismissed", "all")


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=FLAG_STATUSES, default="open"),
        ]
    )
)
class FlagListView(generics.ListAPIView):
    """GET: the moderators' queue of open flags (`?status=` for others; another value is a 400).
    POST: flag something."""

    serializer_class = s.FlagSerializer
    queryset = Flag.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        wanted = self.request.query_params.get("status", "open")
        if wanted not in FLAG_STATUSES:
            raise ValidationError(
                {"status": [_("Expected one of: %s.") % ", ".join(FLAG_STATUSES)]}
            )
        return selectors.flag_list_for(
            actor=self.request.user, status=None if wanted == "all" else wanted
        )

    @extend_schema(request=s.FlagInputSerializer, responses={201: s.FlagSerializer})
    def post(self, request: Request) -> Response:
        data = s.FlagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_create(
            actor=request.user,
            annotation_id=data.validated_data.get("annotation"),
            reply_id=data.validated_data.get("reply"),
            reason=data.validated_data["reason"],
            note=data.validated_data["note"],
        )
        return Response(s.FlagSerializer(flag).data, status=status.HTTP_201_CREATED)


class FlagResolveView(APIView):
    @extend_schema(request=s.FlagResolveInputSerializer, responses=s.FlagSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = s.FlagResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_resolve(
            actor=request.user, flag_id=pk, status=data.validated_data["status"]
        )
        return Response(s.FlagSerializer(flag).data)


@extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, default=False)])
)
class NotificationListView(generics.ListAPIView):
    """The signed-in user's notifications, newest first; `?unread=true` for unread ones only."""

    serializer_class = s.NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        raw = self.request.query_params.get("unread", "false").lower()
        if raw not in ("1", "true", "0", "false"):
            raise ValidationError({"unread": [_("Use true or false.")]})
        unread = raw in ("1", "true")
        return selectors.notification_list_for(actor=self.request.user, unread_only=unread)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=s.NotificationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        notification = notification_mark_read(actor=request.user, notification_id=pk)
        return Response(s.NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request) -> Response:
        return Response({"marked": notification_mark_all_read(actor=request.user)})
