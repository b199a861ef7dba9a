import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api_for():
    """api_for(user) -> an APIClient authenticated with that user's token (None: anonymous)."""

    def make(user):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def demo_programme(db):
    """The bundled PSG 36 demo, loaded through the portal's own import path."""
    from django.core.management import call_command

    call_command("load_programme", verbosity=0)
    from portal.models import User

    return {user.email: user for user in User.objects.filter(email__endswith="@example.com")}
