"""Optimistic concurrency for governed records: the second of two edits is refused.

A record carries a `version` that every save increments. An edit form (or an API client, as
ETag / If-Match) sends the version it started from; `claim_version` locks the row, compares, and
raises `StaleEdit` listing what the other person changed since, so nothing is silently
overwritten. One mechanism for the browser and the API.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from portal.history import changes_between


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(ValidationError):
    def __init__(self, *, current, expected_version: int, changes: list[dict]):
        self.current = current
        self.expected_version = expected_version
        self.changes = changes
        who = ""
        latest = current.history.order_by("-history_id").first() if changes else None
        if latest is not None and latest.history_user is not None:
            who = f" by {latest.history_user}"
        summary = "; ".join(
            f"{c['field']}: {c['old'] if c['old'] not in (None, '') else '–'} → "
            f"{c['new'] if c['new'] not in (None, '') else '–'}"
            for c in changes
        )
        super().__init__(
            f"Someone else saved this record{who} after you opened it "
            f"(your version {expected_version}, now {current.version}). "
            f"Their changes: {summary or 'none visible'}. Nothing of yours was saved; "
            "reload, check, and apply your edit again."
        )


def claim_version(instance: Versioned, *, expected_version: int | None) -> None:
    """Lock the row and move `instance.version` on, or raise StaleEdit.

    Call inside the service's transaction, before saving. `expected_version=None` skips the
    check (imports and system jobs that own the whole record).
    """
    model = type(instance)
    locked = model._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        before = locked.history.filter(version=expected_version).order_by("-history_id").first()
        now = locked.history.order_by("-history_id").first()
        changes = (
            [c for c in changes_between(before, now) if c["field"] != "version"]
            if before is not None and now is not None
            else []
        )
        raise StaleEdit(current=locked, expected_version=expected_version, changes=changes)
    instance.version = locked.version + 1
