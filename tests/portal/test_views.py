import pytest
from django.core import mail
from django.urls import reverse

from portal.models import User

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password(client, world, password):
    response = client.post(
        reverse("login"), {"username": "A@example.org", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == world.users["participant"]


def test_wrong_password_shows_message(client, world):
    response = client.post(reverse("login"), {"username": "a@example.org", "password": "nope"})
    assert response.status_code == 200
    assert b"did not match" in response.content


def test_logout_requires_post_and_signs_out(client_for, world):
    client = client_for(world.users["participant"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_working_link(client, world):
    response = client.post(reverse("password_reset"), {"email": "a@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    response = client.get(path, follow=True)
    assert response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "A-much-better-pass-99", "new_password2": "A-much-better-pass-99"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="a@example.org").check_password("A-much-better-pass-99")


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_navigation_shows_only_permitted_items(client_for, world):
    response = client_for(world.users["participant"]).get(reverse("home"))
    labels = [item["label"] for item in response.context["nav_items"]]
    assert "Organisations" in labels
    assert b"Admin" not in response.content


def test_directory_filters_and_shows_people(client_for, world):
    client = client_for(world.users["observer"])
    response = client.get(reverse("organisation-list"), {"q": "Supplier"})
    names = [o.name for o in response.context["page"]]
    assert names == ["Supplier A", "Supplier B"]
    response = client.get(reverse("organisation-detail", args=[world.organisation.pk]))
    assert b"a@example.org" in response.content


def test_directory_query_count_is_constant(client_for, world, django_assert_max_num_queries):
    from tests.factories import OrganisationFactory, UserFactory

    for organisation in OrganisationFactory.create_batch(30):
        UserFactory(organisation=organisation)
    client = client_for(world.users["pmo"])
    with django_assert_max_num_queries(8):
        client.get(reverse("organisation-list"))


def test_profile_edit_saves_and_records_history(client_for, world):
    user = world.users["participant"]
    response = client_for(user).post(
        reverse("profile"), {"full_name": "Ada Byron", "job_title": "Analyst"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Ada Byron"
    assert user.history.latest().history_user == user


def test_profile_rejects_blank_name(client_for, world):
    user = world.users["participant"]
    before = user.full_name
    response = client_for(user).post(reverse("profile"), {"full_name": "", "job_title": ""})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    user.refresh_from_db()
    assert user.full_name == before


def test_unknown_organisation_is_404(client_for, world):
    response = client_for(world.users["pmo"]).get(reverse("organisation-detail", args=[999999]))
    assert response.status_code == 404


def test_login_is_throttled_with_a_clear_message(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "a@example.org", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "a@example.org", "password": "wrong"})
    assert response.status_code == 429
    assert b"locked" in response.content
