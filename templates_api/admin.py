"""Admin: templates are listed; built-ins are changed by data migrations, not here."""

from __future__ import annotations

from django.contrib import admin

from templates_api.models import StrategyTemplate


@admin.register(StrategyTemplate)
class StrategyTemplateAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "category", "builtin", "owner", "updated_at"]
    list_filter = ["builtin", "category"]
    search_fields = ["slug", "name", "description"]

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.builtin

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.builtin
