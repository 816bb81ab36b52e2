"""Admin: configurations editable, runs read-only (they are records of what happened)."""

from __future__ import annotations

from django.contrib import admin

from backtest_api.models import BacktestConfig, BacktestRun


@admin.register(BacktestConfig)
class BacktestConfigAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "symbol", "interval", "start", "end", "cash", "updated_at"]
    list_filter = ["symbol"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]


@admin.register(BacktestRun)
class BacktestRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "label",
        "owner",
        "symbol",
        "status",
        "success",
        "return_pct",
        "num_trades",
        "created_at",
    ]
    list_filter = ["status", "success", "source"]
    search_fields = ["label", "symbol", "owner__username"]
    exclude = ["trades", "equity_curve"]  # large; the API and exports serve them

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
