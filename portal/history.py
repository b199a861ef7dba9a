"""Change history for governed data, on SQLite and PostgreSQL alike.

We use django-simple-history: every save and delete writes a full historical row
(who, when, type of change, reason), which lets later features ask "what was this
record on date D" (`Model.history.as_of(D)`) to derive previous RAG and score movement.
Plain saves are covered by simple-history's signals; `GovernedQuerySet` closes the gap
it leaves, bulk `update()` (and so `bulk_update()`) and `bulk_create()`, so no write
path skips history.

Who made a change is taken, in order, from the instance (`_history_user`, set by services),
the innermost `history_context()` (management commands, tasks), then the request user.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import models, transaction
from simple_history.models import HistoricalRecords

_actor: contextvars.ContextVar = contextvars.ContextVar("history_actor", default=None)
_reason: contextvars.ContextVar = contextvars.ContextVar("history_reason", default=None)


@contextmanager
def history_context(*, actor=None, reason: str | None = None):
    """Attribute every history record written inside the block to `actor`, with `reason`."""
    actor_token = _actor.set(actor)
    reason_token = _reason.set(reason)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _reason.reset(reason_token)


def current_actor():
    return _actor.get()


def current_reason():
    return _reason.get()


def _history_user(instance=None, request=None, **kwargs):
    user = getattr(instance, "_history_user", None) if instance is not None else None
    if user is None:
        user = _actor.get()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    return user


def governed_history(**kwargs) -> HistoricalRecords:
    """The one way governed models declare their history."""
    kwargs.setdefault("get_user", _history_user)
    return HistoricalRecords(**kwargs)


def mark_change(instance, *, actor=None, reason: str | None = None):
    """Attribute the next save of `instance` to `actor` with `reason` (services call this)."""
    if actor is not None:
        instance._history_user = actor
    if reason:
        instance._change_reason = reason
    elif _reason.get():
        instance._change_reason = _reason.get()
    return instance


class GovernedQuerySet(models.QuerySet):
    """A QuerySet whose bulk writes leave the same history as one-by-one saves."""

    def _record_bulk(self, objs, *, update: bool):
        if not objs:
            return
        self.model.history.bulk_history_create(
            objs,
            update=update,
            default_user=_actor.get(),
            default_change_reason=_reason.get() or "",
        )

    def update(self, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            if pks:
                changed = list(self.model._base_manager.using(self.db).filter(pk__in=pks))
                self._record_bulk(changed, update=True)
        return count

    update.alters_data = True

    # bulk_update() needs no override: Django implements it with update() on this QuerySet.

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            # Without returned primary keys (older SQLite, ignore_conflicts) nothing can be linked.
            self._record_bulk([obj for obj in created if obj.pk is not None], update=False)
        return created

    bulk_create.alters_data = True


def changes_between(older, newer) -> list[dict]:
    """Field-level differences between two historical rows: [{field, old, new}]."""
    if older is None:
        # Only fields the history keeps: models may exclude some (cached or secret columns).
        tracked = {f.attname for f in type(newer)._meta.concrete_fields}
        return [
            {"field": f.verbose_name, "old": None, "new": getattr(newer, f.attname)}
            for f in newer.instance_type._meta.concrete_fields
            if f.name != "id" and f.attname in tracked
        ]
    delta = newer.diff_against(older)
    labels = {f.name: f.verbose_name for f in newer.instance_type._meta.fields}
    return [
        {"field": labels.get(change.field, change.field), "old": change.old, "new": change.new}
        for change in delta.changes
    ]
