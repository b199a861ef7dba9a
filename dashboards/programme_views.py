from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from dashboards import programme
from dashboards.programme_calendar import build_calendar, feed_url, user_for_token
from dashboards.programme_forms import DashboardFilterForm, forum_choices
from portal.importing import write_csv, write_xlsx
from portal.models import Forum
from portal.permissions import can, ensure, permission_required
from portal.reporting import reporting_date


def _filters(request, version=None) -> tuple[DashboardFilterForm, programme.Filters]:
    forums = programme.cached("forums", version, forum_choices)
    form = DashboardFilterForm(request.GET or None, forums=forums)
    if not form.is_valid():
        return form, programme.Filters()
    data = form.cleaned_data
    return form, programme.Filters(
        forum=data.get("forum") or "",
        tier=data.get("tier") or "",
        workstream=(data.get("workstream") or "").upper(),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@permission_required("dashboard.view")
def dashboard(request):
    version = programme.data_version()
    form, filters = _filters(request, version)
    on = reporting_date()

    def render_panels() -> str:
        # The panels' HTML is the same for every reader in the same visibility class, so it is
        # rendered once per data version (see programme.data_version); the page around it, with
        # the reader's own navigation, is rendered every time.
        panels = programme.programme_dashboard(
            user=request.user, filters=filters, on=on, version=version
        )
        return render_to_string(
            "dashboards/programme_panels.html",
            {"panels": panels, "query": filters.query()},
            request=request,
        )

    audience = f"restricted={can(request.user, 'raid.view_restricted')}"
    html = mark_safe(  # rendered by our own template, escaped there
        programme.cached(f"page|{on}|{audience}|{filters.query()}", version, render_panels)
    )
    return render(
        request,
        "dashboards/programme.html",
        {"form": form, "filters": filters, "panels_html": html, "on": on},
    )


@permission_required("dashboard.export")
def export(request, panel, fmt):
    if panel not in programme.PANELS or fmt not in ("csv", "xlsx"):
        raise Http404("No such table")
    _form, filters = _filters(request)
    on = reporting_date()
    built = programme.build_panel(panel, user=request.user, filters=filters, on=on)
    stem = f"dashboard-{panel}-{on:%Y-%m-%d}"
    headers, rows = built.download()
    if fmt == "csv":
        response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            write_xlsx(headers, rows, title=panel),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@permission_required("dashboard.calendar")
def calendar_feeds(request):
    forums = Forum.objects.order_by("level", "code")
    return render(
        request,
        "dashboards/programme_calendar.html",
        {"feeds": [(forum, feed_url(request.user, forum.code)) for forum in forums]},
    )


def calendar(request, forum):
    """The .ics feed: a signed-in session, or the user id and token from the feed URL."""
    user = request.user if request.user.is_authenticated else None
    if "token" in request.GET or user is None:
        user = user_for_token(request.GET.get("user", ""), request.GET.get("token", ""))
        if user is None:
            return HttpResponse(
                "This calendar link is not valid (it may have been revoked). Copy the link "
                "again from the portal's calendar page.",
                status=403,
                content_type="text/plain; charset=utf-8",
            )
    ensure(user, "dashboard.calendar")
    forum_obj = get_object_or_404(Forum, code__iexact=forum)
    body = build_calendar(user=user, forum=forum_obj, today=reporting_date())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{forum_obj.code}.ics"'
    return response


calendar.permission_action = "dashboard.calendar"
