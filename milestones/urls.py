from django.urls import path

from milestones import views

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
]
