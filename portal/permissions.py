"""May this user do this to this object? The one place that answers.

Every app registers its rules here (in its AppConfig.ready) under dotted action names such
as "milestone.edit"; views, selectors, the API and templates all ask `can()`. An action
without a rule is a programming error, not a silent "no".
The whole matrix is written out in docs/permissions.md and walked by
tests/test_permissions_matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from portal.models import Role

Rule = Callable[..., bool]
_RULES: dict[str, Rule] = {}

# Who reads Restricted material (RAID items, pack sections, Full editions).
RESTRICTED_READERS = frozenset({Role.PMO, Role.STEERING, Role.CHAIR})
STEERING_ROLES = frozenset({Role.STEERING, Role.CHAIR})


def rule(action: str):
    """Register the rule for `action`; the function takes (user, obj) and returns a bool."""

    def register(func: Rule) -> Rule:
        if action in _RULES and _RULES[action] is not func:
            raise ImproperlyConfigured(f"Permission rule {action!r} registered twice")
        _RULES[action] = func
        return func

    return register


def registered_actions() -> list[str]:
    return sorted(_RULES)


def can(user, action: str, obj=None) -> bool:
    try:
        check = _RULES[action]
    except KeyError as exc:
        raise ImproperlyConfigured(f"No permission rule for {action!r}") from exc
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(check(user, obj))


def ensure(user, action: str, obj=None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(f"You may not {action.replace('.', ' ').replace('_', ' ')}.")


# Role predicates: rules are composed from these.
def is_pmo(user) -> bool:
    return user.role == Role.PMO


def reads_restricted(user) -> bool:
    return user.role in RESTRICTED_READERS


def is_steering(user) -> bool:
    return user.role in STEERING_ROLES


def is_participant(user) -> bool:
    return user.role == Role.PARTICIPANT


def belongs_to(user, organisation_id) -> bool:
    return organisation_id is not None and user.organisation_id == organisation_id


def anyone(user, obj=None) -> bool:
    return True


def permission_required(action: str, get_object: Callable | None = None):
    """View decorator: anonymous visitors go to the login page, refused users get 403.

    `get_object(request, **kwargs)` fetches the object the rule is asked about; it should
    raise Http404 itself for ids that do not exist.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = get_object(request, **kwargs) if get_object else None
            ensure(request.user, action, obj)
            if obj is not None:
                kwargs["obj"] = obj
            return view(request, *args, **kwargs)

        wrapped.permission_action = action
        return wrapped

    return decorator


# The core's own rules.
rule("directory.view")(anyone)
rule("organisation.view")(anyone)
rule("profile.view")(anyone)


@rule("profile.edit")
def _profile_edit(user, obj) -> bool:
    return obj is None or obj.pk == user.pk
