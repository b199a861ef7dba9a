from django.urls import include, path

# Areas of one app, kept in separate modules: the programme dashboard and the pack.
urlpatterns = [
    path("", include("dashboards.programme_urls")),
    path("packs/", include("dashboards.pack_urls")),
    path("timeline/", include("dashboards.timeline_urls")),
]
