import pytest

from portal import services
from portal.concurrency import StaleEdit
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_second_of_two_edits_from_the_same_version_is_refused_with_the_changes():
    first_editor = UserFactory(full_name="First Editor", role="pmo")
    organisation = OrganisationFactory(name="Original")
    opened_at = organisation.version

    services.organisation_update(
        actor=first_editor, organisation=organisation, name="Renamed", expected_version=opened_at
    )

    stale_copy = type(organisation).objects.get(pk=organisation.pk)
    with pytest.raises(StaleEdit) as refusal:
        services.organisation_update(
            actor=None, organisation=stale_copy, name="Mine", expected_version=opened_at
        )
    message = str(refusal.value.messages[0])
    assert "First Editor" in message
    assert "Original → Renamed" in message
    organisation.refresh_from_db()
    assert organisation.name == "Renamed"
    assert organisation.version == opened_at + 1


def test_edit_from_the_current_version_succeeds():
    organisation = OrganisationFactory(name="A")
    services.organisation_update(
        actor=None, organisation=organisation, name="B", expected_version=organisation.version
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.version) == ("B", 2)
