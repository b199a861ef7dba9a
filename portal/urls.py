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

# Each domain app owns its URLs under its own prefix; a missing urls module means the app
# has no pages yet.
for prefix, module in [
    ("meetings/", "meetings.urls"),
    ("milestones/", "milestones.urls"),
    ("raid/", "raid.urls"),
    ("change-requests/", "change_requests.urls"),
    ("delivery/", "delivery.urls"),
    ("dashboards/", "dashboards.urls"),
    ("api/", "portal.api_urls"),
]:
    try:
        urlpatterns.append(path(prefix, include(module)))
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
