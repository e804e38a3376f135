from django.contrib import admin

from chiso.web.campaigns.models import (
    Assignment,
    Campaign,
    Contribution,
    ContributionVersion,
    ItemResponse,
    Solution,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Workflow rows change only through services (which write the audit log), never here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "province", "deadline", "status"]
    list_filter = ["year", "status"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "code", "lost", "lead_agency"]
    list_filter = ["campaign", "lead_agency"]
    search_fields = ["code", "name"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "agency", "state", "submitted_at", "late"]
    list_filter = ["campaign", "state", "late"]


@admin.register(ItemResponse)
class ItemResponseAdmin(ReadOnlyAdmin):
    list_display = ["contribution", "assignment"]


@admin.register(Solution)
class SolutionAdmin(ReadOnlyAdmin):
    list_display = ["item", "position", "text", "owner", "deadline", "expected_points"]


@admin.register(ContributionVersion)
class ContributionVersionAdmin(ReadOnlyAdmin):
    list_display = ["contribution", "number", "submitted_at", "late"]
