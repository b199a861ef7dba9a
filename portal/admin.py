from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.history import history_context
from portal.models import Constituency, Forum, MarketRole, Organisation, User


@admin.register(Constituency)
class ConstituencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position"]
    ordering = ["position"]


@admin.register(MarketRole)
class MarketRoleAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.action(description="Deactivate selected organisations")
def deactivate(modeladmin, request, queryset):
    # A bulk UPDATE: GovernedQuerySet writes one history row per organisation.
    with history_context(actor=request.user, reason="Deactivated in admin"):
        queryset.update(active=False)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "constituency", "is_programme_party", "active"]
    list_filter = ["constituency", "is_programme_party", "active"]
    search_fields = ["name"]
    filter_horizontal = ["market_roles"]
    actions = [deactivate]


@admin.register(Forum)
class ForumAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "chair"]
    list_filter = ["level"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title", "organisation", "role"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "organisation", "role", "password1", "password2"],
            },
        )
    ]
