"""Personal API tokens, created and revoked by their owner on the profile page.

One token per person (DRF's authtoken model). A new token replaces the old one, so a leaked
key is dealt with by pressing one button; the key is shown once, on the page that made it,
and never put in a cookie or message.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from portal.forms import ProfileForm
from portal.models import User
from portal.permissions import ensure, permission_required

logger = logging.getLogger("portal.security")


@transaction.atomic
def api_token_create(*, actor: User, user: User) -> Token:
    ensure(actor, "profile.edit", user)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    logger.info("API token created for user %s by %s", user.pk, actor.pk)
    return token


@transaction.atomic
def api_token_revoke(*, actor: User, user: User) -> bool:
    ensure(actor, "profile.edit", user)
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        logger.info("API token revoked for user %s by %s", user.pk, actor.pk)
    return bool(deleted)


def api_token_context(user: User) -> dict:
    """What the profile page shows about the user's token (never its key)."""
    token = Token.objects.filter(user=user).only("created").first()
    return {"api_token_created": token.created if token else None}


def _profile_page(request, *, status=200, **extra):
    form = ProfileForm(
        initial={"full_name": request.user.full_name, "job_title": request.user.job_title}
    )
    context = {"form": form, **api_token_context(request.user), **extra}
    return render(request, "portal/profile.html", context, status=status)


@require_POST
@permission_required("profile.edit")
def token_create(request):
    token = api_token_create(actor=request.user, user=request.user)
    # Rendered, not redirected: the key must not travel in a message cookie.
    return _profile_page(request, new_api_token=token.key)


@require_POST
@permission_required("profile.edit")
def token_revoke(request):
    revoked = api_token_revoke(actor=request.user, user=request.user)
    return _profile_page(request, api_token_revoked=revoked)
