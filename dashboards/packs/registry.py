"""Section renderers, keyed by section type.

Each renderer turns one section of a pack into an HTML fragment through a template, pulling
its data from the owning app's selectors. A renderer whose data provider is not installed
reports itself unavailable, and the pack leaves that section out rather than failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError


@dataclass
class PackContext:
    """What every renderer may read: the meeting, its reporting dates and the build's clock."""

    meeting: object
    as_of: datetime
    reporting_date: date
    previous_meeting: object | None
    next_meeting: object | None
    version_label: str
    draft: bool = False
    document_number: str = ""
    agenda: list = field(default_factory=list)
    cache: dict = field(default_factory=dict)


@dataclass
class Section:
    """One section of one edition of a pack."""

    key: str
    section_type: str
    title: str
    classification: str
    params: dict = field(default_factory=dict)
    agenda_item: object | None = None
    edition: str = "full"
    # Where the dashboard index lists this section, and what it tells the reader.
    index_area: str = ""
    purpose: str = ""
    # The edition's sections, for those that list them (contents, dashboard index, agenda).
    siblings: list = field(default_factory=list, repr=False)
    # Front matter (cover, contents, agenda) and dividers never carry "Updated" marks:
    # their content is the version label and the list of other sections.
    compare: bool = True
    html: str = ""
    content_hash: str = ""
    updated_in: str = ""

    @property
    def anchor(self) -> str:
        return self.key

    @property
    def restricted(self) -> bool:
        return self.classification == "restricted"

    @property
    def full_edition(self) -> bool:
        return self.edition == "full"


@dataclass(frozen=True)
class SectionRenderer:
    section_type: str
    template: str
    context: Callable[[Section, PackContext], dict]
    available: Callable[[], bool] = lambda: True
    # validate(params) raises ValidationError naming the bad parameter.
    validate: Callable[[dict], None] | None = None


_RENDERERS: dict[str, SectionRenderer] = {}


def register(renderer: SectionRenderer) -> SectionRenderer:
    _RENDERERS[renderer.section_type] = renderer
    return renderer


def renderer_for(section_type: str) -> SectionRenderer | None:
    renderer = _RENDERERS.get(section_type)
    if renderer is None or not renderer.available():
        return None
    return renderer


def available_types() -> list[str]:
    return [key for key, renderer in _RENDERERS.items() if renderer.available()]


def validate_params(section_type: str, params: dict) -> None:
    from dashboards.models import SectionType

    if section_type not in SectionType.values:
        raise ValidationError({"section_type": f"'{section_type}' is not a pack section type"})
    renderer = _RENDERERS.get(section_type)
    if renderer is not None and renderer.validate is not None:
        renderer.validate(params)
