from django.contrib import admin

from apikeys.models import ApiKeyState


@admin.register(ApiKeyState)
class ApiKeyStateAdmin(admin.ModelAdmin):
    list_display = [
        "alias",
        "disabled",
        "invalid",
        "cooldown_until",
        "success_count",
        "error_count",
        "last_used",
    ]
    list_filter = ["disabled", "invalid"]
    readonly_fields = [f.name for f in ApiKeyState._meta.fields if f.name not in ("disabled",)]
