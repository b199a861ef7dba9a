from django.urls import path

from delivery import sit_views, views

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
    # SIT progress: targets, MVC status, stage statuses, cohort trials.
    path("sit/", sit_views.sit_progress, name="delivery-sit"),
    path("sit/targets/new/", sit_views.target_set_new, name="delivery-sit-target-set-new"),
    path("sit/targets/<int:pk>/", sit_views.target_set_edit, name="delivery-sit-target-set"),
    path("sit/targets/<int:pk>/add/", sit_views.target_new, name="delivery-sit-target-new"),
    path("sit/target/<int:pk>/", sit_views.target_edit, name="delivery-sit-target-edit"),
    path("sit/target/<int:pk>/delete/", sit_views.target_delete, name="delivery-sit-target-delete"),
    path("sit/status/new/", sit_views.dashboard_new, name="delivery-sit-status-new"),
    path("sit/status/<int:pk>/groups/new/", sit_views.mvc_group_new, name="delivery-mvc-group-new"),
    path("sit/status/<int:pk>/stages/", sit_views.stages_edit, name="delivery-sit-stages-edit"),
    path("sit/groups/<int:pk>/", sit_views.mvc_group_edit, name="delivery-mvc-group-edit"),
    path(
        "sit/groups/<int:pk>/delete/",
        sit_views.mvc_group_remove,
        name="delivery-mvc-group-delete",
    ),
    path("sit/trials/new/", sit_views.cohort_plan_new, name="delivery-cohort-plan-new"),
    path("sit/trials/<int:pk>/", sit_views.cohort_plan_edit, name="delivery-cohort-plan-edit"),
    path("sit/import/<str:kind>/", sit_views.sit_import, name="delivery-sit-import"),
]
