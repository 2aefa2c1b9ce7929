from django.contrib import admin

from annotator.team.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "invited_by", "created", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created", "accepted_at", "user"]
