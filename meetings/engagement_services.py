"""Writes to the planned engagement (the forward look's events): atomic, validated, recorded.

Every write takes `actor` (None for the programme loader, which skips the permission check).
Edits and deletes take `expected_version` (None skips the concurrency check; forms send it).
Imports (the PMO's CSV/XLSX upload and the programme loader) read rows through one parser,
`engagement_row_parser`, and apply all rows or none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from meetings.models import DatePrecision, EngagementCategory, EngagementEvent, EngagementStatus
from portal.concurrency import claim_version
from portal.history import mark_change
from portal.importing import ImportRejected, Row, RowProblem, collect, read_table
from portal.models import Forum, Organisation, User
from portal.permissions import ensure

EDIT = "meeting.engagement_edit"
FIELDS = (
    "title",
    "date",
    "precision",
    "end_date",
    "category",
    "status",
    "purpose",
    "forum",
    "organisation",
    "source_note",
)


def _check(actor, obj=None) -> None:
    if actor is not None:
        ensure(actor, EDIT, obj)


def _save(event: EngagementEvent, *, actor, reason: str) -> EngagementEvent:
    event.full_clean()
    mark_change(event, actor=actor, reason=reason)
    event.save()
    return event


@transaction.atomic
def engagement_event_create(
    *,
    actor: User | None,
    title: str,
    date: date,
    precision: str = DatePrecision.DAY,
    end_date: date | None = None,
    category: str = "",
    status: str = EngagementStatus.PLANNED,
    purpose: str = "",
    forum: Forum | None = None,
    organisation: Organisation | None = None,
    source_note: str = "",
    key: str = "",
    reason: str = "Engagement planned",
) -> EngagementEvent:
    _check(actor)
    event = EngagementEvent(
        title=title,
        date=date,
        precision=precision,
        end_date=end_date,
        category=category,
        status=status,
        purpose=purpose,
        forum=forum,
        organisation=organisation,
        source_note=source_note,
        key=key,
    )
    return _save(event, actor=actor, reason=reason)


@transaction.atomic
def engagement_event_update(
    *,
    actor: User | None,
    event: EngagementEvent,
    expected_version: int | None,
    title: str,
    date: date,
    precision: str,
    end_date: date | None,
    category: str,
    status: str,
    purpose: str,
    forum: Forum | None,
    organisation: Organisation | None,
    source_note: str,
    reason: str = "",
) -> EngagementEvent:
    _check(actor, event)
    claim_version(event, expected_version=expected_version)
    event.title, event.date, event.precision, event.end_date = title, date, precision, end_date
    event.category, event.status, event.purpose = category, status, purpose
    event.forum, event.organisation, event.source_note = forum, organisation, source_note
    return _save(event, actor=actor, reason=reason)


@transaction.atomic
def engagement_event_delete(
    *, actor: User | None, event: EngagementEvent, expected_version: int | None
) -> None:
    """Remove the event; its history keeps what it was, who removed it and when."""
    _check(actor, event)
    claim_version(event, expected_version=expected_version)
    mark_change(event, actor=actor, reason="Engagement removed")
    event.delete()


# Imports -------------------------------------------------------------------------------------

KEY = re.compile(r"[-a-zA-Z0-9_]+")
IMPORT_REQUIRED = ["key", "title", "date", "precision", "category", "status"]
IMPORT_OPTIONAL = ["end_date", "purpose", "forum", "organisation", "source", "date_basis"]


def engagement_row_parser(*, forums: dict[str, Forum], organisations: dict[str, Organisation]):
    """parse(row) -> the event's fields (with its key), problems noted on the row.

    `forum` is a forum code, `organisation` an organisation's exact name; `source` and
    `date_basis` (where the event comes from and what its date rests on) make its source note.
    """
    keys_seen: dict[str, int] = {}

    def parse(row: Row) -> dict:
        key = row.text("key", required=True, max_length=60)
        if key and not KEY.fullmatch(key):
            row.problem("key", f"'{key}' may hold only letters, digits, hyphens and underscores")
        elif key in keys_seen:
            row.problem("key", f"'{key}' is also on line {keys_seen[key]}")
        elif key:
            keys_seen[key] = row.line
        forum_code = row.text("forum")
        if forum_code and forum_code.upper() not in forums:
            row.problem("forum", f"'{forum_code}' is not a forum code")
        organisation_name = row.text("organisation")
        if organisation_name and organisation_name.lower() not in organisations:
            row.problem("organisation", f"'{organisation_name}' is not a known organisation")
        source, basis = row.text("source"), row.text("date_basis")
        note = ". ".join(
            part.rstrip(".") for part in (source, f"Date: {basis}" if basis else "") if part
        )
        values = {
            "key": key,
            "title": row.text("title", required=True, max_length=200),
            "date": row.date("date", required=True),
            "precision": row.choice("precision", DatePrecision, required=True),
            "end_date": row.date("end_date"),
            "category": row.choice("category", EngagementCategory) or "",
            "status": row.choice("status", EngagementStatus, required=True),
            "purpose": row.text("purpose", max_length=300),
            "forum": forums.get(forum_code.upper()) if forum_code else None,
            "organisation": organisations.get(organisation_name.lower())
            if organisation_name
            else None,
            "source_note": note,
        }
        if not row.problems:
            # The model's own rules (weekday, week's Monday, period end), per column.
            candidate = EngagementEvent(**values)
            try:
                candidate.clean()
            except ValidationError as error:
                for column, messages in error.message_dict.items():
                    for message in messages:
                        row.problem(column, message)
        return values

    return parse


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    keys: list[str] = field(default_factory=list)


@transaction.atomic
def engagement_events_import_rows(
    *, actor: User | None, rows: Iterable[Row], source: str
) -> ImportResult:
    """Validate every row, then apply all of them or none (raises ImportRejected).

    Rows are matched on `key`: a new key is a new event, a known one updates that event
    (saved, and so recorded, only when something changed).
    """
    _check(actor)
    parse = engagement_row_parser(
        forums={f.code.upper(): f for f in Forum.objects.all()},
        organisations={o.name.lower(): o for o in Organisation.objects.all()},
    )
    parsed = collect(rows, parse)
    existing = {e.key: e for e in EngagementEvent.objects.select_for_update().exclude(key="")}
    result = ImportResult()
    reason = f"Imported from {source}"
    for values in parsed:
        key = values.pop("key")
        current = existing.get(key)
        if current is None:
            engagement_event_create(actor=actor, key=key, reason=reason, **values)
            result.created += 1
        elif all(getattr(current, name) == values[name] for name in FIELDS):
            result.unchanged += 1
            continue
        else:
            engagement_event_update(
                actor=actor, event=current, expected_version=None, reason=reason, **values
            )
            result.updated += 1
        result.keys.append(key)
    return result


def engagement_events_import(*, actor: User | None, filename: str, content: bytes) -> ImportResult:
    """Import a CSV or XLSX of engagement events; all rows or none."""
    rows = list(read_table(filename, content, required=IMPORT_REQUIRED))
    if not rows:
        raise ImportRejected([RowProblem(filename, 0, "", "has no rows to import")])
    return engagement_events_import_rows(actor=actor, rows=rows, source=filename)
