"""Who may read and write the milestone register: everyone signed in reads (and exports what
they can read); only PMO staff write, import, rebaseline and take snapshots."""

from portal.permissions import anyone, is_pmo, rule

rule("milestone.view")(anyone)
rule("milestone.export")(anyone)


@rule("milestone.edit")
def _edit(user, milestone=None) -> bool:
    return is_pmo(user)


@rule("milestone.import")
def _import(user, obj=None) -> bool:
    return is_pmo(user)


# The plan's timeline activities: everyone signed in reads them, PMO staff keep them.
rule("plan.view")(anyone)


@rule("plan.edit")
def _plan_edit(user, activity=None) -> bool:
    return is_pmo(user)
