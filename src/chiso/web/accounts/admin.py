from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from chiso.web.accounts.models import Agency, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(User)
class ChisoUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "agency", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (*UserAdmin.fieldsets, ("Vai trò", {"fields": ("role", "agency")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Vai trò", {"fields": ("role", "agency")}))
