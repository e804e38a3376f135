from django.contrib import admin

from chiso.web.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits or deletes it through the admin."""

    list_display = ["created", "actor_name", "event", "object_type", "object_id"]
    list_filter = ["event", "object_type"]
    search_fields = ["actor_name", "object_id", "event"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
