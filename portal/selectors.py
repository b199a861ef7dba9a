"""Reads of the core, with the permission checks and joins every caller needs."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from portal.models import Constituency, Forum, Organisation, User
from portal.permissions import ensure


def organisation_list(
    *, user: User, search: str = "", constituency_id: int | None = None, parties_only=False
) -> QuerySet[Organisation]:
    ensure(user, "directory.view")
    organisations = (
        Organisation.objects.filter(active=True)
        .select_related("constituency")
        .prefetch_related("market_roles")
        .annotate(people_count=Count("people", filter=Q(people__is_active=True)))
    )
    if search:
        organisations = organisations.filter(name__icontains=search)
    if constituency_id:
        organisations = organisations.filter(constituency_id=constituency_id)
    if parties_only:
        organisations = organisations.filter(is_programme_party=True)
    return organisations.order_by("name")


def organisation_get(*, user: User, pk: int) -> Organisation:
    organisation = get_object_or_404(
        Organisation.objects.select_related("constituency").prefetch_related(
            "market_roles",
            Prefetch("people", queryset=User.objects.filter(is_active=True).order_by("full_name")),
        ),
        pk=pk,
    )
    ensure(user, "organisation.view", organisation)
    return organisation


def constituency_list() -> QuerySet[Constituency]:
    return Constituency.objects.annotate(
        party_count=Count("organisations", filter=Q(organisations__is_programme_party=True))
    ).order_by("position", "name")


def forum_list() -> QuerySet[Forum]:
    return Forum.objects.select_related("parent", "chair").order_by("level", "code")


def history_of(instance, *, limit: int = 200) -> list:
    """Newest-first history records of `instance`, each paired with its field changes."""
    from portal.history import changes_between

    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        entries.append({"record": record, "changes": changes_between(previous, record)})
    return entries
