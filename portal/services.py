"""Writes to the core: every one atomic, validated and recorded in history."""

from __future__ import annotations

from django.db import transaction

from portal.concurrency import claim_version
from portal.history import history_context, mark_change
from portal.models import Constituency, Forum, MarketRole, Organisation, Role, User
from portal.permissions import ensure


@transaction.atomic
def organisation_update(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str | None = None,
    constituency: Constituency | None = None,
    market_roles: list[MarketRole] | None = None,
    is_programme_party: bool | None = None,
    active: bool | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Organisation:
    claim_version(organisation, expected_version=expected_version)
    if name is not None:
        organisation.name = name
    if constituency is not None:
        organisation.constituency = constituency
    if is_programme_party is not None:
        organisation.is_programme_party = is_programme_party
    if active is not None:
        organisation.active = active
    organisation.full_clean()
    mark_change(organisation, actor=actor, reason=reason)
    organisation.save()
    if market_roles is not None:
        with history_context(actor=actor, reason=reason):
            organisation.market_roles.set(market_roles)
    return organisation


@transaction.atomic
def organisations_set_active(
    *, actor: User | None, organisation_ids: list[int], active: bool, reason: str
) -> int:
    """Bulk (de)activation: one UPDATE, one history row per organisation."""
    with history_context(actor=actor, reason=reason):
        return Organisation.objects.filter(pk__in=organisation_ids).update(active=active)


@transaction.atomic
def user_update_profile(*, actor: User, user: User, full_name: str, job_title: str) -> User:
    ensure(actor, "profile.edit", user)
    user.full_name = full_name
    user.job_title = job_title
    user.full_clean(exclude=["password"])
    mark_change(user, actor=actor, reason="Profile edited")
    user.save(update_fields=["full_name", "job_title"])
    return user


@transaction.atomic
def person_upsert(
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation | None,
    job_title: str = "",
    is_staff: bool = False,
    password: str | None = None,
) -> tuple[User, bool]:
    """Create or update a person by email; the password is set only on creation."""
    user = User.objects.filter(email=email.lower()).first()
    created = user is None
    if created:
        user = User(email=email.lower())
        user.set_password(password) if password else user.set_unusable_password()
    fields = {
        "full_name": full_name,
        "role": role,
        "organisation": organisation,
        "job_title": job_title,
        "is_staff": is_staff,
        "is_superuser": is_staff,
    }
    changed = created or any(getattr(user, k) != v for k, v in fields.items())
    for key, value in fields.items():
        setattr(user, key, value)
    if changed:
        user.full_clean(exclude=["password"])
        user.save()
    return user, created


@transaction.atomic
def forum_upsert(*, code: str, name: str, level: int, parent: Forum | None) -> Forum:
    forum = Forum.objects.filter(code=code).first() or Forum(code=code)
    if forum.pk and (forum.name, forum.level, forum.parent_id) == (
        name,
        level,
        parent.pk if parent else None,
    ):
        return forum
    forum.name, forum.level, forum.parent = name, level, parent
    forum.full_clean()
    forum.save()
    return forum
