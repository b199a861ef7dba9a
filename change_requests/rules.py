"""Who may do what with change requests and impact-assessment responses.

Responses are the sensitive part: before publication only people of the responding
organisation read or change theirs; the PMO reads submitted ones (it rolls them up);
after the PMO publishes a CR's responses, everyone reads those marked publishable.
"""

from change_requests.models import DecisionAuthority, Invitation, ResponseStatus
from portal.permissions import anyone, belongs_to, is_participant, is_pmo, is_steering, rule

rule("change_request.view")(anyone)
rule("change_request.document_view")(anyone)
rule("change_request.manage")(lambda user, obj=None: is_pmo(user))
rule("ia.inbox")(lambda user, obj=None: is_participant(user))


@rule("change_request.decide")
def _decide(user, change_request=None) -> bool:
    """The SRO and steering group decide; the PMO records Change Board decisions."""
    if is_steering(user):
        return True
    if change_request is None:
        return False
    return is_pmo(user) and change_request.decision_authority == DecisionAuthority.CHANGE_BOARD


@rule("ia.respond")
def _respond(user, change_request=None) -> bool:
    if not is_participant(user) or user.organisation_id is None:
        return False
    if change_request is None:
        return True
    return Invitation.objects.filter(
        change_request=change_request, organisation_id=user.organisation_id
    ).exists()


def response_is_published(response) -> bool:
    return (
        response.status == ResponseStatus.SUBMITTED
        and response.publishable
        and response.change_request.responses_published_at is not None
    )


@rule("ia_response.view")
def _response_view(user, response) -> bool:
    if belongs_to(user, response.organisation_id):
        return True
    if is_pmo(user):
        return response.status == ResponseStatus.SUBMITTED
    return response_is_published(response)
