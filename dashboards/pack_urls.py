from django.urls import path

from dashboards import pack_views as views

urlpatterns = [
    path("", views.pack_list, name="pack-list"),
    path("meeting/<int:meeting_pk>/", views.pack_detail, name="pack-detail"),
    path("meeting/<int:meeting_pk>/build/", views.pack_build, name="pack-build"),
    path("meeting/<int:meeting_pk>/sections/", views.pack_section_add, name="pack-section-add"),
    path("meeting/<int:meeting_pk>/check/", views.pack_check, name="pack-check"),
    path(
        "meeting/<int:meeting_pk>/check/acknowledge/",
        views.pack_check_acknowledge,
        name="pack-check-acknowledge",
    ),
    path(
        "sections/<int:section_pk>/remove/",
        views.pack_section_remove,
        name="pack-section-remove",
    ),
    path("builds/<int:build_pk>/progress/", views.pack_build_progress, name="pack-build-progress"),
    path(
        "builds/<int:build_pk>/<slug:edition>.pdf",
        views.pack_draft_download,
        name="pack-draft-download",
    ),
    path(
        "versions/<int:version_pk>/<slug:edition>.<slug:fmt>",
        views.pack_version_download,
        name="pack-version-download",
    ),
]
