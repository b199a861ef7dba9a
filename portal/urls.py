from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views
from portal.forms import EmailAuthenticationForm

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include(auth_patterns)),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("profile/", views.profile, name="profile"),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
]

# Each domain app owns its URLs under its own prefix.
urlpatterns += [
    path("meetings/", include("meetings.urls")),
    path("milestones/", include("milestones.urls")),
    path("raid/", include("raid.urls")),
    path("change-requests/", include("change_requests.urls")),
    path("delivery/", include("delivery.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("api/", include("portal.api_urls")),
]
