"""The API's shared machinery: authentication, tokens, errors, schema and docs."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from portal.api.concurrency import expected_version_from
from portal.api.exceptions import PreconditionFailed, PreconditionRequired

pytestmark = pytest.mark.django_db


def test_anonymous_call_is_401_with_the_error_body(client):
    response = client.get(reverse("api-organisation-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["status"] == 401
    assert body["code"] == "not_authenticated"
    assert body["detail"]
    assert body["fields"] == {}


def test_token_authenticates_and_lists(world, api_for):
    response = api_for(world.users["participant"]).get(reverse("api-organisation-list"))
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert "Supplier A" in names


def test_bad_token_is_refused(world, client):
    response = client.get(
        reverse("api-organisation-list"), HTTP_AUTHORIZATION="Token not-a-real-key"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_inactive_user_token_is_refused(world, api_for):
    user = world.users["participant"]
    api = api_for(user)
    user.is_active = False
    user.save()
    assert api.get(reverse("api-organisation-list")).status_code == 401


def test_unknown_record_is_404_in_the_same_shape(world, api_for):
    response = api_for(world.users["pmo"]).get(
        reverse("api-organisation-detail", kwargs={"pk": 999999})
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_bad_filter_is_400_naming_the_field(world, api_for):
    response = api_for(world.users["pmo"]).get(
        reverse("api-organisation-list"), {"constituency": "not-a-number"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "constituency" in body["fields"]


def test_page_size_is_bounded(world, api_for):
    response = api_for(world.users["pmo"]).get(
        reverse("api-organisation-list"), {"page_size": 100000}
    )
    assert response.status_code == 200


def test_profile_creates_shows_once_replaces_and_revokes_a_token(world, client_for):
    user = world.users["participant"]
    client = client_for(user)
    page = client.get(reverse("profile"))
    assert b"You have no API token" in page.content

    created = client.post(reverse("api-token-create"))
    key = Token.objects.get(user=user).key
    assert key.encode() in created.content
    # Shown once: the profile page afterwards names no key.
    assert key.encode() not in client.get(reverse("profile")).content

    client.post(reverse("api-token-create"))
    new_key = Token.objects.get(user=user).key
    assert new_key != key
    assert client.get(reverse("api-root"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 401

    revoked = client.post(reverse("api-token-revoke"))
    assert b"has been revoked" in revoked.content
    assert not Token.objects.filter(user=user).exists()
    client.logout()
    assert client.get(reverse("api-root"), HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 401


def test_token_views_refuse_get(world, client_for):
    client = client_for(world.users["participant"])
    assert client.get(reverse("api-token-create")).status_code == 405
    assert not Token.objects.filter(user=world.users["participant"]).exists()


def test_schema_is_valid_openapi(world, api_for):
    response = api_for(world.users["observer"]).get(
        reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert "/api/organisations/" in schema["paths"]


def test_docs_page_loads_only_same_origin_scripts(world, client_for):
    response = client_for(world.users["observer"]).get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "<style>" not in html
    assert "<script>" not in html  # every script has a same-origin src
    assert "/static/drf_spectacular_sidecar/" in html
    script = client_for(world.users["observer"]).get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def _request(headers):
    return Request(RequestFactory().patch("/", headers=headers))


@pytest.mark.parametrize(
    ("header", "expected"),
    [('"7"', 7), ("7", 7), ('W/"12"', 12), (' "3" ', 3)],
)
def test_if_match_is_read_as_a_version(header, expected):
    assert expected_version_from(_request({"If-Match": header})) == expected


@pytest.mark.parametrize("header", [None, "", "*"])
def test_missing_if_match_is_precondition_required(header):
    headers = {} if header is None else {"If-Match": header}
    with pytest.raises(PreconditionRequired):
        expected_version_from(_request(headers))


def test_garbage_if_match_is_a_validation_error():
    from rest_framework.exceptions import ValidationError

    with pytest.raises(ValidationError):
        expected_version_from(_request({"If-Match": '"abc"'}))


def test_impossible_version_is_precondition_failed():
    with pytest.raises(PreconditionFailed):
        expected_version_from(_request({"If-Match": '"9999999999"'}))
