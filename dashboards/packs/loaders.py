"""The pack in a programme directory (both files optional).

- packs.csv: meeting, document_number[, slide]: what the pack's cover and header name it.
- pack_sections.csv: meeting (e.g. PSG 36), agenda_item (the printed item number, e.g. 6 or
  Appendix; empty for the appendix), position, section_type, title, classification (Public or
  Restricted), params (name=value pairs separated by ';', as on the pack page), and optionally
  index_area and purpose (the dashboard index's area and purpose of the section) and slide.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dashboards.models import Classification, Pack, PackSection, SectionType
from dashboards.pack_forms import parse_params
from dashboards.packs import registry
from portal.importing import collect, upsert
from portal.programme_loading import LoadContext, register_loader

FILE = "pack_sections.csv"
COLUMNS = [
    "meeting",
    "agenda_item",
    "position",
    "section_type",
    "title",
    "classification",
    "params",
]


@register_loader("pack_sections", order=90)
def load_pack_sections(context: LoadContext) -> None:
    if not context.has(FILE):
        return
    from meetings.models import AgendaItem
    from meetings.selectors import meeting_by_name

    def parse(row):
        name = row.text("meeting", required=True)
        meeting = meeting_by_name(name) if name else None
        if name and meeting is None:
            row.problem("meeting", f"'{name}' is not a meeting (expected e.g. 'PSG 36')")
        label = row.text("agenda_item")
        item = None
        if meeting is not None and label:
            item = AgendaItem.objects.filter(meeting=meeting, label=label).first()
            if item is None:
                row.problem("agenda_item", f"{meeting} has no agenda item '{label}'")
        section_type = row.choice("section_type", SectionType, required=True)
        try:
            params = parse_params(row.text("params"))
            if section_type:
                registry.validate_params(section_type, params)
        except ValidationError as exc:
            row.problem("params", " ".join(exc.messages))
            params = {}
        return {
            "meeting": meeting,
            "agenda_item": item,
            "position": row.integer("position", required=True, minimum=0),
            "section_type": section_type,
            "title": row.text("title", max_length=200),
            "classification": row.choice("classification", Classification, required=True),
            "params": params,
            "index_area": row.text("index_area", max_length=100),
            "purpose": row.text("purpose", max_length=300),
        }

    parsed = collect(context.rows(FILE, required=COLUMNS), parse)
    for block in parsed:
        upsert(
            PackSection,
            lookup={"meeting": block.pop("meeting"), "position": block.pop("position")},
            values=block,
        )
    context.count("pack sections", len(parsed))


@register_loader("packs", order=89)
def load_packs(context: LoadContext) -> None:
    if not context.has("packs.csv"):
        return
    from meetings.selectors import meeting_by_name

    def parse(row):
        name = row.text("meeting", required=True)
        meeting = meeting_by_name(name) if name else None
        if name and meeting is None:
            row.problem("meeting", f"'{name}' is not a meeting (expected e.g. 'PSG 36')")
        return {
            "meeting": meeting,
            "document_number": row.text("document_number", max_length=50),
        }

    parsed = collect(context.rows("packs.csv", required=["meeting", "document_number"]), parse)
    for spec in parsed:
        upsert(
            Pack,
            lookup={"meeting": spec["meeting"]},
            values={"document_number": spec["document_number"]},
        )
    context.count("packs", len(parsed))
