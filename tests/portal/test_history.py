import pytest
from django.urls import reverse

from portal import services
from portal.history import history_context
from portal.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(email="admin@example.org", role="pmo", is_staff=True, is_superuser=True)


def test_admin_edit_records_who_old_and_new(client, admin_user):
    organisation = OrganisationFactory(name="Old Name Ltd")
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("admin:portal_organisation_change", args=[organisation.pk]),
        {
            "name": "New Name Ltd",
            "constituency": organisation.constituency_id,
            "is_programme_party": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    latest, previous = organisation.history.order_by("-history_id")[:2]
    assert latest.history_user == admin_user
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes["name"] == ("Old Name Ltd", "New Name Ltd")


def test_admin_bulk_action_records_each_row(client, admin_user):
    organisations = OrganisationFactory.create_batch(3)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("admin:portal_organisation_changelist"),
        {"action": "deactivate", "_selected_action": [o.pk for o in organisations]},
    )
    assert response.status_code == 302
    for organisation in organisations:
        latest = organisation.history.latest()
        assert latest.active is False
        assert latest.history_user == admin_user
        assert latest.history_change_reason == "Deactivated in admin"


def test_bulk_update_service_records_history_for_every_row():
    actor = UserFactory(role="pmo")
    organisations = OrganisationFactory.create_batch(4)
    count = services.organisations_set_active(
        actor=actor, organisation_ids=[o.pk for o in organisations], active=False, reason="Left"
    )
    assert count == 4
    records = Organisation.history.filter(id__in=[o.pk for o in organisations], active=False)
    assert records.count() == 4
    assert set(records.values_list("history_user", flat=True)) == {actor.pk}


def test_queryset_bulk_update_records_old_and_new():
    organisation = OrganisationFactory(name="Before")
    organisation.name = "After"
    with history_context(reason="bulk rename"):
        Organisation.objects.bulk_update([organisation], ["name"])
    latest, previous = organisation.history.order_by("-history_id")[:2]
    assert (previous.name, latest.name) == ("Before", "After")
    assert latest.history_change_reason == "bulk rename"


def test_as_of_returns_the_state_at_a_past_moment():
    organisation = OrganisationFactory(name="First")
    first_record = organisation.history.latest()
    services.organisation_update(actor=None, organisation=organisation, name="Second")
    assert organisation.history.as_of(first_record.history_date).name == "First"


def test_service_refuses_invalid_data_and_changes_nothing():
    from django.core.exceptions import ValidationError

    organisation = OrganisationFactory(name="Keep")
    before = organisation.history.count()
    with pytest.raises(ValidationError):
        services.organisation_update(actor=None, organisation=organisation, name="")
    organisation.refresh_from_db()
    assert organisation.name == "Keep"
    assert organisation.history.count() == before


def test_first_record_of_a_model_with_excluded_fields_lists_only_tracked_fields():
    from portal.history import changes_between

    user = UserFactory(full_name="Tracked Person")
    record = user.history.earliest()
    fields = {change["field"] for change in changes_between(None, record)}
    assert "full name" in fields
    assert "password" not in fields
