from django.contrib import admin

from chiso.web.datasets.models import Dataset


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """Read-only: imports and re-activation go through the services (validation, audit row)."""

    list_display = ["uploaded_at", "kind", "province", "year", "original_name", "rows", "active"]
    list_filter = ["kind", "year", "active"]
    search_fields = ["original_name", "sha256"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
