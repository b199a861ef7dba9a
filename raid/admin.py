from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from raid.models import ScoreBand, ScoreCell, Theme


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position"]


# Matrix and bands are edited on the portal's scoring page (validated, items re-scored);
# the admin only shows them.
@admin.register(ScoreCell)
class ScoreCellAdmin(SimpleHistoryAdmin):
    list_display = ["likelihood", "impact", "score"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreBand)
class ScoreBandAdmin(ScoreCellAdmin):
    list_display = ["band", "min_score", "max_score"]
