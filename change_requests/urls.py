from django.urls import path

from change_requests import views

urlpatterns = [
    path("", views.cr_list, name="cr-list"),
    path("new/", views.cr_create, name="cr-create"),
    path("export/", views.cr_export, name="cr-export"),
    path("inbox/", views.cr_inbox, name="cr-inbox"),
    path("<int:pk>/", views.cr_detail, name="cr-detail"),
    path("<int:pk>/edit/", views.cr_edit, name="cr-edit"),
    path("<int:pk>/actions/<slug:name>/", views.cr_transition, name="cr-transition"),
    path("<int:pk>/deadline/", views.cr_extend_deadline, name="cr-extend-deadline"),
    path("<int:pk>/summary/", views.cr_summary_edit, name="cr-summary-edit"),
    path("<int:pk>/views/", views.cr_view_add, name="cr-view-add"),
    path("views/<int:pk>/delete/", views.cr_view_delete, name="cr-view-delete"),
    path("<int:pk>/documents/", views.cr_document_upload, name="cr-document-upload"),
    path("documents/<int:pk>/", views.cr_document_download, name="cr-document-download"),
    path("<int:pk>/publish-responses/", views.cr_publish_responses, name="cr-publish-responses"),
    path("<int:pk>/rebaseline/", views.cr_rebaseline, name="cr-rebaseline"),
    path("<int:pk>/respond/", views.cr_respond, name="cr-respond"),
    path("responses/<int:pk>/", views.cr_response_detail, name="cr-response-detail"),
    path(
        "responses/<int:pk>/attachments/<int:attachment_pk>/",
        views.cr_attachment_download,
        name="cr-attachment-download",
    ),
    path(
        "responses/<int:pk>/reclassify/",
        views.cr_response_reclassify,
        name="cr-response-reclassify",
    ),
]
