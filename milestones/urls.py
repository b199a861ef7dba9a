from django.urls import path

from milestones import plan_views, views

urlpatterns = [
    path("", views.milestone_list, name="milestone-list"),
    path("dashboard/", views.milestone_dashboard, name="milestone-dashboard"),
    path("export/", views.milestone_export, name="milestone-export"),
    path("import/", views.milestone_import, name="milestone-import"),
    path("new/", views.milestone_create, name="milestone-create"),
    path("<int:pk>/", views.milestone_detail, name="milestone-detail"),
    path("<int:pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("<int:pk>/rebaseline/", views.milestone_rebaseline, name="milestone-rebaseline"),
    path("<int:pk>/inline/<str:field>/", views.milestone_inline, name="milestone-inline"),
    # The plan's timeline activities (drawn by the dashboards' timeline).
    path("plan/", plan_views.plan_list, name="plan-list"),
    path("plan/export/", plan_views.plan_export, name="plan-export"),
    path("plan/import/", plan_views.plan_import, name="plan-import"),
    path("plan/new/", plan_views.plan_create, name="plan-create"),
    path("plan/<int:pk>/edit/", plan_views.plan_edit, name="plan-edit"),
    path("plan/<int:pk>/delete/", plan_views.plan_delete, name="plan-delete"),
]
