"""Admin: uploaded datasets, read-only; deleting goes through the service (removes the file)."""

from __future__ import annotations

from django.contrib import admin

from data_api import services
from data_api.models import MarketDataset


@admin.register(MarketDataset)
class MarketDatasetAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "rows", "interval", "start", "end", "created_at"]
    search_fields = ["name", "owner__username"]
    readonly_fields = [f.name for f in MarketDataset._meta.fields]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.dataset_delete(dataset=obj)

    def delete_queryset(self, request, queryset):
        for dataset in queryset:
            services.dataset_delete(dataset=dataset)
