"""Admin: change types are configured here; CRs and responses change only through the portal's
services (state machine, permissions), so the admin shows them read-only with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from change_requests.models import ChangeRequest, ChangeType, Response


@admin.register(ChangeType)
class ChangeTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "requires_impact_assessment", "position", "active"]
    list_editable = ["requires_impact_assessment", "position", "active"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "stage", "decision_authority"]
    list_filter = ["stage"]
    search_fields = ["reference", "title"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    # Responses are confidential: only counts and status, never the content, in the list.
    list_display = ["change_request", "organisation", "status"]
    list_filter = ["status"]
    fields = ["change_request", "organisation", "status", "submitted_at"]
