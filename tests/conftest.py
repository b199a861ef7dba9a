"""Fixtures every app's tests share: one user per role, two participant organisations."""

from dataclasses import dataclass, field

import pytest

from portal.models import Role
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

ROLE_KEYS = [
    "anonymous",
    "participant",
    "other_participant",
    "observer",
    "steering",
    "chair",
    "pmo",
]


@dataclass
class World:
    """The people a permission test needs; `users[key]` is None for the anonymous visitor."""

    organisation: object
    other_organisation: object
    programme: object
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


@pytest.fixture
def world(db):
    organisation = OrganisationFactory(name="Supplier A")
    other = OrganisationFactory(name="Supplier B")
    programme = OrganisationFactory(name="Programme PMO", is_programme_party=False)
    users = {
        "anonymous": None,
        "participant": UserFactory(email="a@example.org", organisation=organisation),
        "other_participant": UserFactory(email="b@example.org", organisation=other),
        "observer": UserFactory(
            email="obs@example.org", role=Role.OBSERVER, organisation=programme
        ),
        "steering": UserFactory(
            email="psg@example.org", role=Role.STEERING, organisation=programme
        ),
        "chair": UserFactory(email="sro@example.org", role=Role.CHAIR, organisation=programme),
        "pmo": UserFactory(email="pmo@example.org", role=Role.PMO, organisation=programme),
    }
    return World(organisation, other, programme, users)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client signed in as `user` (or anonymous for None)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is deliberately slow; the suite creates hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
