"""Keeping a record's table of child rows equal to what a form or an import sent, in order.

Rows that already exist are updated in place (each keeps its own history); rows no longer sent
are deleted; nothing is saved that did not change. Call inside the service's transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from portal.history import mark_change


def _empty(model, field: str):
    """What a field holds when a row leaves it out: None where the column allows it, else ''."""
    return None if model._meta.get_field(field).null else ""


def sync_rows(
    model,
    *,
    parent_field: str,
    parent,
    rows: list[dict],
    fields: list[str],
    actor,
    match_position: bool = False,
):
    """Make `parent`'s rows of `model` equal `rows` (dicts, each with an optional 'id').

    An import has no ids: with `match_position` its n-th row updates the n-th existing row, so
    loading the same file twice changes nothing."""
    children = list(model.objects.filter(**{parent_field: parent}).order_by("position", "pk"))
    existing = {child.pk: child for child in children}
    if match_position:
        rows = [
            {**row, "id": children[index].pk} if index < len(children) else row
            for index, row in enumerate(rows)
        ]
    kept = set()
    for position, values in enumerate(rows):
        child_id = values.get("id")
        child = existing.get(child_id) if child_id else None
        if child_id and child is None:
            raise ValidationError(f"Row {position + 1} does not belong to this record.")
        if child is None:
            child = model(**{parent_field: parent})
        wanted = {
            field: values.get(field) if values.get(field) is not None else _empty(model, field)
            for field in fields
        }
        changed = (
            child.pk is None
            or child.position != position
            or any(getattr(child, field) != value for field, value in wanted.items())
        )
        if changed:
            child.position = position
            for field, value in wanted.items():
                setattr(child, field, value)
            try:
                child.full_clean(exclude=[parent_field])
            except ValidationError as exc:
                raise ValidationError(f"Row {position + 1}: " + "; ".join(exc.messages)) from None
            mark_change(child, actor=actor)
            child.save()
        kept.add(child.pk)
    for pk, child in existing.items():
        if pk not in kept:
            mark_change(child, actor=actor)
            child.delete()
