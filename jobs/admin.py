"""Admin: jobs with their events (read-only)."""

from __future__ import annotations

from django.contrib import admin

from jobs.models import Job, JobEvent


class JobEventInline(admin.TabularInline):
    model = JobEvent
    extra = 0
    can_delete = False
    fields = ["seq", "time", "kind", "progress", "message", "data"]
    readonly_fields = fields  # type: ignore[assignment]
    ordering = ["seq"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "progress", "owner", "created_at", "finished_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["id", "owner__username", "kind"]
    list_select_related = ["owner"]
    inlines = [JobEventInline]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
