"""Who may read, build and publish packs (docs/permissions.md, "Packs")."""

from dashboards.models import Edition
from portal.permissions import anyone, is_pmo, reads_restricted, rule

rule("pack.view")(anyone)


@rule("pack.build")
def _build(user, meeting=None) -> bool:
    return is_pmo(user)


@rule("pack.publish")
def _publish(user, meeting=None) -> bool:
    return is_pmo(user)


@rule("pack.arrange")
def _arrange(user, meeting=None) -> bool:
    return is_pmo(user)


@rule("pack.draft_download")
def _draft(user, build=None) -> bool:
    # Drafts may hold anything, including Restricted sections not yet reviewed.
    return is_pmo(user)


@rule("pack.download")
def _download(user, edition=None) -> bool:
    """`edition` is the edition asked for: the Full one only for readers of Restricted."""
    if edition == Edition.FULL:
        return reads_restricted(user)
    return True


def editions_for(user) -> list[str]:
    return [e for e in (Edition.FULL, Edition.PUBLIC) if _download(user, e)]
