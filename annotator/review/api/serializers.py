"""Input and output shapes of the review API (separate, uniquely named)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from annotator.annotations.models import Annotation
from annotator.review.models import AnnotationEvent, Flag, Notification, Reply
from annotator.review.notifications import notification_link


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class AnnotationStateSerializer(serializers.ModelSerializer):
    """The lifecycle fields of an annotation, as returned by every transition."""

    hidden = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        fields = ["id", "status", "version", "is_locked", "hidden", "hidden_reason"]

    def get_hidden(self, annotation: Annotation) -> bool:
        return annotation.hidden_at is not None


class ReviewStateSerializer(AnnotationStateSerializer):
    """A review's answer: the new state, and the approvals of the round while it is open."""

    approvals = serializers.IntegerField(allow_null=True, required=False)
    approvals_required = serializers.IntegerField(required=False)

    class Meta(AnnotationStateSerializer.Meta):
        fields = [*AnnotationStateSerializer.Meta.fields, "approvals", "approvals_required"]


class SubmitInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True)


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "request_changes", "reject"])
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=True
    )
    version = serializers.IntegerField(required=False, allow_null=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class HideInputSerializer(serializers.Serializer):
    """Hiding needs a reason, shown to the author and kept in the history."""

    reason = serializers.CharField(max_length=2000)


class AnnotationEventSerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(allow_null=True)

    class Meta:
        model = AnnotationEvent
        fields = ["id", "action", "from_state", "to_state", "comment", "actor", "created"]


class ReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000, trim_whitespace=False)
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]


class ReplySerializer(serializers.ModelSerializer):
    author = UserSummarySerializer()
    hidden = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["id", "annotation", "parent", "author", "body", "body_html", "hidden", "created"]

    def get_hidden(self, reply: Reply) -> bool:
        return reply.hidden_at is not None


class FlagInputSerializer(serializers.Serializer):
    annotation = serializers.IntegerField(required=False, allow_null=True)
    reply = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def to_internal_value(self, data: Any) -> Any:
        """A flag names its target (annotation or reply): reported with the other field errors,
        not after them, so that an empty body names every missing field at once."""
        errors: dict[str, Any] = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)  # type: ignore[arg-type]
            value = None
        targets = (
            [data.get(name) for name in ("annotation", "reply")] if hasattr(data, "get") else []
        )
        if targets and all(target in (None, "") for target in targets):
            errors.setdefault("annotation", [_("Flag exactly one annotation or one reply.")])
        if errors:
            raise serializers.ValidationError(errors)
        return value


class FlagResolveInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Flag.Status.RESOLVED, Flag.Status.DISMISSED])


class FlagSerializer(serializers.ModelSerializer):
    reporter = UserSummarySerializer()

    class Meta:
        model = Flag
        fields = ["id", "annotation", "reply", "reason", "note", "status", "reporter", "created"]


class NotificationSerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(allow_null=True)
    label = serializers.CharField(source="get_kind_display")  # type: ignore[assignment]
    link = serializers.SerializerMethodField()
    is_read = serializers.BooleanField()

    class Meta:
        model = Notification
        fields = [
            "id", "kind", "label", "text", "actor", "annotation", "proposal", "link",
            "is_read", "read_at", "created",
        ]  # fmt: skip

    def get_link(self, notification: Notification) -> str:
        return notification_link(notification)


def state_payload(annotation: Annotation, **extra: Any) -> dict[str, Any]:
    return {**AnnotationStateSerializer(annotation).data, **extra}
