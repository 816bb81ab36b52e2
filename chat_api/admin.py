"""Admin: the conversations, read-only."""

from __future__ import annotations

from django.contrib import admin

from chat_api.models import ChatMessage


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "strategy", "role", "author", "changed", "version", "provider"]
    list_display += ["created_at"]
    list_filter = ["role", "changed", "provider", "created_at"]
    search_fields = ["content", "strategy__name", "author__username"]
    list_select_related = ["strategy", "author", "version"]
    readonly_fields = [f.name for f in ChatMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
