"""Admin: strategy review with read-only code, versions inline, approve/reject actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from Backtest.pipeline import BacktestRequest
from jobs.services import job_submit
from strategy_api import services
from strategy_api.models import (
    ReviewStatus,
    Strategy,
    StrategyExecution,
    StrategyFixAttempt,
    StrategyVersion,
)
from strategy_api.payloads import ExecuteJobInput

_CODE_STYLE = (
    "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; "
    "white-space: pre; overflow-x: auto; max-height: 40em; background: #f8f8f8; padding: 8px; "
    "border: 1px solid #ddd;"
)


def _code_block(code: str):
    return format_html('<pre style="{}">{}</pre>', _CODE_STYLE, code or "(no code)")


class StrategyVersionInline(admin.TabularInline):
    model = StrategyVersion
    extra = 0
    can_delete = False
    fields = ["number", "source", "message", "created_by", "created_at", "code_view"]
    readonly_fields = fields
    ordering = ["-number"]

    @admin.display(description="code")
    def code_view(self, obj: StrategyVersion):
        return _code_block(obj.code)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StrategyExecutionInline(_ReadOnlyInline):
    model = StrategyExecution
    fields = [
        "timestamp",
        "status",
        "version",
        "test_symbol",
        "return_pct",
        "num_trades",
        "win_rate",
        "error_type",
    ]
    readonly_fields = fields
    ordering = ["-timestamp"]


class StrategyFixAttemptInline(_ReadOnlyInline):
    model = StrategyFixAttempt
    fields = ["timestamp", "attempt_number", "success", "error_type", "fix_applied", "provider"]
    readonly_fields = fields
    ordering = ["-timestamp"]


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "owner",
        "status",
        "review_status",
        "current_version",
        "total_executions",
        "latest_return_pct",
        "updated_at",
    ]
    list_filter = ["status", "review_status", "created_at", "owner"]
    search_fields = ["name", "description", "owner__username"]
    list_select_related = ["owner"]
    inlines = [StrategyVersionInline, StrategyExecutionInline, StrategyFixAttemptInline]
    actions = ["approve", "reject", "reset_review", "run_backtest"]
    readonly_fields = [
        "owner",
        "code_view",
        "status",
        "current_version",
        "file_path",
        "created_at",
        "updated_at",
        "last_execution_date",
        "total_executions",
        "successful_executions",
        "failed_executions",
        "total_fix_attempts",
        "successful_fixes",
        "latest_return_pct",
        "latest_num_trades",
        "latest_win_rate",
        "reviewed_by",
        "reviewed_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "owner", "description", "status", "current_version"]}),
        ("Code", {"fields": ["code_view", "file_path"]}),
        ("Review", {"fields": ["review_status", "reviewer_notes", "reviewed_by", "reviewed_at"]}),
        (
            "Tracking",
            {
                "classes": ["collapse"],
                "fields": [
                    "last_execution_date",
                    "total_executions",
                    "successful_executions",
                    "failed_executions",
                    "total_fix_attempts",
                    "successful_fixes",
                    "latest_return_pct",
                    "latest_num_trades",
                    "latest_win_rate",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    @admin.display(description="code")
    def code_view(self, obj: Strategy):
        return _code_block(obj.code)

    def has_add_permission(self, request) -> bool:
        # Strategies are created through the API (which versions the code), not here.
        return False

    def save_model(self, request, obj, form, change):
        if "review_status" in form.changed_data:
            services.strategy_review(
                strategy=obj,
                reviewer=request.user,
                decision=obj.review_status,
                notes=obj.reviewer_notes,
            )
        else:
            super().save_model(request, obj, form, change)

    def _review(self, request, queryset, decision: str) -> None:
        for strategy in queryset:
            services.strategy_review(strategy=strategy, reviewer=request.user, decision=decision)
        self.message_user(
            request, f"{queryset.count()} strategies marked {decision}.", messages.SUCCESS
        )

    @admin.action(description="Approve selected strategies")
    def approve(self, request, queryset):
        self._review(request, queryset, ReviewStatus.APPROVED)

    @admin.action(description="Reject selected strategies")
    def reject(self, request, queryset):
        self._review(request, queryset, ReviewStatus.REJECTED)

    @admin.action(description="Reset review to pending")
    def reset_review(self, request, queryset):
        self._review(request, queryset, ReviewStatus.PENDING)

    @admin.action(description="Run a backtest (GOOG, default settings) as a job")
    def run_backtest(self, request, queryset):
        started = 0
        for strategy in queryset.exclude(current_version=0):
            job_submit(
                owner=strategy.owner,
                kind="execute",
                input=ExecuteJobInput(
                    strategy_id=strategy.pk,
                    version=strategy.current_version,
                    request=BacktestRequest.build(symbol="GOOG"),
                ),
                strategy=strategy,
                enforce_cap=False,  # a reviewer's action, not the owner's flood
            )
            started += 1
        skipped = queryset.count() - started
        message = f"Started {started} backtest job(s); see Jobs."
        if skipped:
            message += f" {skipped} strateg(ies) without code skipped."
        self.message_user(request, message, messages.SUCCESS if started else messages.WARNING)


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StrategyExecution)
class StrategyExecutionAdmin(_ReadOnlyAdmin):
    list_display = [
        "id",
        "strategy",
        "timestamp",
        "status",
        "test_symbol",
        "return_pct",
        "num_trades",
        "win_rate",
        "error_type",
        "execution_time",
    ]
    list_filter = ["status", "success", "error_type", "test_symbol", "timestamp"]
    search_fields = ["strategy__name", "strategy__owner__username", "error_message"]
    list_select_related = ["strategy"]
    readonly_fields = [f.name for f in StrategyExecution._meta.fields]


@admin.register(StrategyFixAttempt)
class StrategyFixAttemptAdmin(_ReadOnlyAdmin):
    list_display = [
        "id",
        "strategy",
        "timestamp",
        "attempt_number",
        "success",
        "error_type",
        "provider",
        "key_alias",
        "duration",
    ]
    list_filter = ["success", "error_type", "provider", "timestamp"]
    search_fields = ["strategy__name", "error_message", "fix_applied"]
    list_select_related = ["strategy"]
    readonly_fields = [f.name for f in StrategyFixAttempt._meta.fields]
