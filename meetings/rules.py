"""Who may read and write meetings, agendas, actions, decisions and narrative.

Everyone signed in reads; PMO writes. A participant organisation that PMO invited to write a
narrative section (its own delivery report) may edit that section's text while it is a draft.
"""

from portal.permissions import anyone, belongs_to, is_participant, is_pmo, rule

rule("meeting.view")(anyone)


def _pmo(user, obj=None) -> bool:
    return is_pmo(user)


rule("meeting.edit")(_pmo)
rule("meeting.action_edit")(_pmo)
rule("meeting.decision_edit")(_pmo)
rule("meeting.narrative_manage")(_pmo)


@rule("meeting.narrative_view")
def _narrative_view(user, section) -> bool:
    if section is None or section.status == "published" or is_pmo(user):
        return True
    return is_participant(user) and belongs_to(user, section.contributor_id)


@rule("meeting.narrative_write")
def _narrative_write(user, section) -> bool:
    if is_pmo(user):
        return True
    return (
        section is not None
        and section.status == "draft"
        and is_participant(user)
        and belongs_to(user, section.contributor_id)
    )


# The forward look is read by everyone signed in (meeting.view); PMO plans the engagement.
rule("meeting.engagement_edit")(_pmo)
