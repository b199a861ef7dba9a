from django.urls import path

from raid import views

urlpatterns = [
    path("", views.raid_log, name="raid-log"),
    path("export/", views.raid_export, name="raid-export"),
    path("import/", views.raid_import, name="raid-import"),
    path("heatmap/", views.raid_heatmap, name="raid-heatmap"),
    path("scoring/", views.raid_scoring, name="raid-scoring"),
    path("scoring/edit/", views.raid_scoring_edit, name="raid-scoring-edit"),
    path("new/", views.raid_item_create, name="raid-item-create"),
    path("themes/", views.raid_theme_list, name="raid-theme-list"),
    path("themes/new/", views.raid_theme_create, name="raid-theme-create"),
    path("themes/<int:pk>/edit/", views.raid_theme_edit, name="raid-theme-edit"),
    path("steps/<int:pk>/", views.raid_step_edit, name="raid-step-edit"),
    path("steps/<int:pk>/move/", views.raid_step_move, name="raid-step-move"),
    path("steps/<int:pk>/delete/", views.raid_step_delete, name="raid-step-delete"),
    path("items/<str:reference>/", views.raid_item_detail, name="raid-item-detail"),
    path("items/<str:reference>/edit/", views.raid_item_edit, name="raid-item-edit"),
    path("items/<str:reference>/score/", views.raid_item_score, name="raid-item-score"),
    path("items/<str:reference>/close/", views.raid_item_close, name="raid-item-close"),
    path("items/<str:reference>/convert/", views.raid_item_convert, name="raid-item-convert"),
    path("items/<str:reference>/steps/", views.raid_step_add, name="raid-step-add"),
]
