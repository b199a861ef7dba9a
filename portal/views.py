from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from portal import selectors, services
from portal.api.tokens import api_token_context
from portal.forms import DirectoryFilterForm, ProfileForm
from portal.navigation import home_panels_for
from portal.permissions import permission_required


@login_required
def home(request):
    return render(request, "portal/home.html", {"panels": home_panels_for(request)})


@permission_required("directory.view")
def organisation_list(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        user=request.user,
        search=filters.get("q") or "",
        constituency_id=filters["constituency"].pk if filters.get("constituency") else None,
        parties_only=bool(filters.get("parties_only")),
    )
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/organisation_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "constituencies": selectors.constituency_list(),
        },
    )


@permission_required("organisation.view")
def organisation_detail(request, pk):
    organisation = selectors.organisation_get(user=request.user, pk=pk)
    return render(
        request,
        "portal/organisation_detail.html",
        {"organisation": organisation, "history": selectors.history_of(organisation, limit=20)},
    )


@permission_required("profile.view")
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_update_profile(actor=request.user, user=request.user, **form.cleaned_data)
            messages.success(request, "Your profile has been saved.")
            return redirect("profile")
    else:
        form = ProfileForm(
            initial={"full_name": request.user.full_name, "job_title": request.user.job_title}
        )
    return render(request, "portal/profile.html", {"form": form, **api_token_context(request.user)})


def health(request):
    """For load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
