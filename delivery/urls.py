from django.urls import path

from delivery import views

urlpatterns = [
    path("", views.home, name="delivery-home"),
    path("reports/request/", views.report_request, name="delivery-report-request"),
    path("reports/<int:pk>/", views.report_detail, name="delivery-report-detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="delivery-report-edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="delivery-report-submit"),
    path("reports/<int:pk>/review/", views.report_review, name="delivery-report-review"),
    path("reports/<int:pk>/due-date/", views.report_extend, name="delivery-report-extend"),
    path("finances/", views.finances, name="delivery-finances"),
    path("finances/export.<str:fmt>", views.finances_export, name="delivery-finances-export"),
    path("finances/import/", views.finances_import, name="delivery-finances-import"),
    path("finances/lines/<int:pk>/", views.finance_line_edit, name="delivery-finance-line-edit"),
    path("tests/", views.trials, name="delivery-trials"),
    path("tests/export.<str:fmt>", views.trials_export, name="delivery-trials-export"),
    path("tests/import/", views.trials_import, name="delivery-trials-import"),
    path("tests/<int:pk>/", views.trial_edit, name="delivery-trial-edit"),
]
