from django.urls import path

from dashboards import timeline_views as views

urlpatterns = [
    path("", views.milestone_timeline, name="milestone-timeline"),
]
