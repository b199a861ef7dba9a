import factory
from django.utils import timezone

from change_requests.models import ChangeRequest, ChangeType, Invitation, Response, Stage
from tests.factories import OrganisationFactory


def change_type(name="Full Impact Assessment"):
    return ChangeType.objects.get_or_create(
        name=name, defaults={"requires_impact_assessment": name == "Full Impact Assessment"}
    )[0]


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeRequest

    number = factory.Sequence(lambda n: 100 + n)
    reference = factory.LazyAttribute(lambda o: f"CR{o.number:03d}")
    title = factory.Sequence(lambda n: f"Change {n}")
    change_type = factory.LazyFunction(change_type)
    stage = Stage.DRAFT
    stage_changed_at = factory.LazyFunction(timezone.now)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    change_request = factory.SubFactory(ChangeRequestFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    invited_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda o: o.change_request.ia_deadline)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    change_request = factory.SubFactory(ChangeRequestFactory)
    organisation = factory.SubFactory(OrganisationFactory)
