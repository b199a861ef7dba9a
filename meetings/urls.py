from django.urls import path

from meetings import engagement_views, views

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/agenda/new/", views.agenda_item_add, name="meeting-agenda-add"),
    path("agenda/<int:pk>/edit/", views.agenda_item_edit, name="meeting-agenda-edit"),
    path("agenda/<int:pk>/move/", views.agenda_item_move, name="meeting-agenda-move"),
    path("agenda/<int:pk>/delete/", views.agenda_item_delete, name="meeting-agenda-delete"),
    path("actions/", views.action_list, name="meeting-action-list"),
    path("actions/export/", views.action_export, name="meeting-action-export"),
    path("<int:pk>/actions/new/", views.action_add, name="meeting-action-add"),
    path("actions/<int:pk>/", views.action_detail, name="meeting-action-detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="meeting-action-edit"),
    path("actions/<int:pk>/progress/", views.action_progress, name="meeting-action-progress"),
    path("<int:pk>/decisions/new/", views.decision_add, name="meeting-decision-add"),
    path("decisions/<int:pk>/", views.decision_detail, name="meeting-decision-detail"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="meeting-decision-edit"),
    path("<int:pk>/narrative/new/", views.narrative_add, name="meeting-narrative-add"),
    path("narrative/<int:pk>/", views.narrative_detail, name="meeting-narrative-detail"),
    path("narrative/<int:pk>/edit/", views.narrative_edit, name="meeting-narrative-edit"),
    path("engagement/", engagement_views.forward_look, name="meeting-forward-look"),
    path("engagement/new/", engagement_views.engagement_add, name="meeting-engagement-add"),
    path(
        "engagement/import/", engagement_views.engagement_import, name="meeting-engagement-import"
    ),
    path(
        "engagement/<int:pk>/edit/",
        engagement_views.engagement_edit,
        name="meeting-engagement-edit",
    ),
    path(
        "engagement/<int:pk>/delete/",
        engagement_views.engagement_delete,
        name="meeting-engagement-delete",
    ),
]
