"""What the section renderers share: the template folder, parameter parsing and the audience."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from dashboards.packs.registry import Section

T = "dashboards/pack/sections/"


def parse_date(params: dict, name: str) -> date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({"params": f"{name} must be a date like 2024-09-04"}) from exc


def audience(section: Section):
    """A reader with exactly the edition's clearance, for selectors that filter by user.

    The Public edition is read as an observer reads (Public records only); the Full edition as
    a steering group member, so it shows Restricted records wherever it shows records. Nobody
    signs in as this user: it is never saved.
    """
    from portal.models import Role, User

    role = Role.STEERING if section.full_edition else Role.OBSERVER
    return User(email=f"pack-{role}@portal.invalid", role=role, is_active=True)
