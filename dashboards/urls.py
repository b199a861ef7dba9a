from django.urls import include, path

# Two areas of one app, kept in separate modules: the programme dashboard and the pack.
urlpatterns = [
    path("", include("dashboards.programme_urls")),
    path("packs/", include("dashboards.pack_urls")),
]
