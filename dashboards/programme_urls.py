from django.urls import path

from dashboards import programme_views as views

urlpatterns = [
    path("", views.dashboard, name="programme-dashboard"),
    path("export/<slug:panel>.<str:fmt>", views.export, name="programme-export"),
    path("calendar/", views.calendar_feeds, name="programme-calendar-feeds"),
    path("calendar/<str:forum>.ics", views.calendar, name="programme-calendar"),
]
