"""From a meeting's live data to the pack's HTML and PDFs (both editions).

Each edition is rendered from the data its readers may see: the Public edition as an observer
reads, without the sections classified Restricted; the Full edition as the steering group
reads, with Restricted records wherever records are shown. Sections with nothing to show are
left out (the pre-publish check reports them), and so is an agenda item's divider once every
section under it is. The contents, the dashboard index and the agenda's page numbers (WeasyPrint
`target-counter`) are computed from the edition actually printed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from dashboards.models import Edition
from dashboards.packs import sources
from dashboards.packs.pdf import html_to_pdf, pack_stylesheet
from dashboards.packs.registry import PackContext, Section, renderer_for

Progress = Callable[[int, int, str], None]
FRONT_MATTER = ("cover", "contents", "agenda")
# Rendered once the edition's sections are known: they list them or point at their pages.
ASSEMBLED = ("contents", "dashboard_index", "agenda")
EDITIONS = (Edition.FULL, Edition.PUBLIC)


@dataclass
class RenderedEdition:
    edition: str
    sections: list[Section]
    html: str = ""
    pdf: bytes = b""
    pages: int = 0
    # Configured sections left out: withheld (Restricted, Public edition) or with nothing to show.
    withheld: list[Section] = field(default_factory=list)
    empty: list[Section] = field(default_factory=list)

    @property
    def hashes(self) -> dict[str, str]:
        return {s.key: s.content_hash for s in self.sections if s.compare}

    @property
    def updates(self) -> dict[str, str]:
        return {s.key: s.updated_in for s in self.sections if s.updated_in}


@dataclass
class RenderedPack:
    context: PackContext
    editions: dict[str, RenderedEdition] = field(default_factory=dict)

    @property
    def hashes(self) -> dict[str, dict[str, str]]:
        return {name: e.hashes for name, e in self.editions.items()}

    @property
    def updates(self) -> dict[str, dict[str, str]]:
        return {name: e.updates for name, e in self.editions.items() if e.updates}

    def snapshot(self) -> dict:
        """What the version froze: each edition's sections, classification, hash and HTML."""
        ctx = self.context
        return {
            "meeting": str(ctx.meeting),
            "meeting_id": ctx.meeting.pk,
            "version": ctx.version_label,
            "document_number": ctx.document_number,
            "as_of": ctx.as_of.isoformat(),
            "reporting_date": ctx.reporting_date.isoformat(),
            "editions": {
                name: {
                    "pages": rendered.pages,
                    "withheld": len(rendered.withheld),
                    "sections": [
                        {
                            "key": s.key,
                            "type": s.section_type,
                            "title": s.title,
                            "classification": s.classification,
                            "params": s.params,
                            "hash": s.content_hash,
                            "updated_in": s.updated_in,
                            "html": s.html,
                        }
                        for s in rendered.sections
                    ],
                }
                for name, rendered in self.editions.items()
            },
        }


def build_context(
    meeting, *, as_of: datetime | None = None, version_label: str, draft: bool = False
) -> PackContext:
    from dashboards.models import Pack
    from portal.reporting import reporting_date

    as_of = as_of or timezone.now()
    pack = Pack.objects.filter(meeting=meeting).first()
    return PackContext(
        meeting=meeting,
        as_of=as_of,
        # The pack reports as of the programme's reporting date, never after its meeting.
        reporting_date=min(reporting_date(), meeting.date),
        draft=draft,
        document_number=pack.document_number if pack else "",
        previous_meeting=sources.previous_meeting(meeting),
        next_meeting=sources.next_meeting(meeting),
        version_label=version_label,
        agenda=sources.agenda_rows(meeting),
    )


def plan_sections(ctx: PackContext, edition: str = Edition.FULL) -> list[Section]:
    """The ordered sections of every edition: front matter, then each agenda item's divider
    followed by the blocks linked to it, then blocks linked to no item (the appendix)."""
    from dashboards.models import PackSection

    sections = [
        Section("cover", "cover", "Cover", "public", compare=False, edition=edition),
        Section("contents", "contents", "Contents", "public", compare=False, edition=edition),
        Section("agenda", "agenda", "Agenda", "public", edition=edition),
    ]
    configured = list(PackSection.objects.filter(meeting=ctx.meeting).order_by("position"))
    by_item: dict = {}
    for block in configured:
        by_item.setdefault(block.agenda_item_id, []).append(block)

    def blocks(item_id):
        for block in by_item.pop(item_id, []):
            if renderer_for(block.section_type) is None:
                continue
            yield Section(
                block.key,
                block.section_type,
                block.title or block.get_section_type_display(),
                block.classification,
                params=block.params or {},
                agenda_item=item_id,
                edition=edition,
                index_area=block.index_area,
                purpose=block.purpose,
            )

    for item in ctx.agenda:
        sections.append(
            Section(
                f"item-{item.pk}",
                "agenda_item",
                item.title,
                "public",
                agenda_item=item,
                edition=edition,
            )
        )
        sections.extend(blocks(item.pk))
    for item_id in list(by_item):
        sections.extend(blocks(item_id))
    return sections


def normalise(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def content_hash(html: str) -> str:
    return hashlib.sha256(normalise(html).encode()).hexdigest()


def has_content(html: str) -> bool:
    """Whether a rendered section shows anything: text, or a chart or table without text."""
    if strip_tags(html).strip():
        return True
    return bool(re.search(r"<(svg|img)\b", html))


def updated_in(key: str, current_hash: str, history: list[tuple[str, dict]], label: str) -> str:
    """The version in which a section took its current content, if that differs from v1.0.

    `history` lists the published versions, oldest first, as (label, {key: hash}).
    """
    if not history:
        return ""
    if history[0][1].get(key) == current_hash:
        return ""
    since = label
    for version_label, hashes in reversed(history):
        if hashes.get(key) != current_hash:
            break
        since = version_label
    return since


def edition_history(history: list[tuple[str, dict]] | None, edition: str):
    """The published hashes of one edition. Versions published before editions were rendered
    apart hold one flat {key: hash}, true of both editions' shared sections."""
    found = []
    for label, hashes in history or []:
        if hashes and all(isinstance(v, dict) for v in hashes.values()):
            hashes = hashes.get(edition, {})
        found.append((label, hashes))
    return found


def _render_one(section: Section, ctx: PackContext) -> None:
    renderer = renderer_for(section.section_type)
    context = {"section": section, "pack": ctx, **renderer.context(section, ctx)}
    section.html = render_to_string(renderer.template, context)


def render_edition(
    ctx: PackContext,
    edition: str,
    *,
    history: list[tuple[str, dict]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RenderedEdition:
    """Render every section one edition prints (its HTML, not yet its pages)."""
    planned = plan_sections(ctx, edition)
    rendered = RenderedEdition(edition, [])
    published = edition_history(history, edition)
    kept_by_item: dict = {}
    configured_by_item: dict = {}
    for section in planned:
        configured = section.section_type not in FRONT_MATTER + ("agenda_item",)
        if configured:
            configured_by_item[section.agenda_item] = (
                configured_by_item.get(section.agenda_item, 0) + 1
            )
        if edition == Edition.PUBLIC and section.restricted:
            rendered.withheld.append(section)
            continue
        if progress:
            progress(f"{Edition(edition).label} edition: {section.title}")
        if section.section_type not in ASSEMBLED:
            _render_one(section, ctx)
            if configured and not has_content(section.html):
                rendered.empty.append(section)
                continue
        if configured:
            kept_by_item[section.agenda_item] = kept_by_item.get(section.agenda_item, 0) + 1
        rendered.sections.append(section)
    # An agenda item whose every section was left out keeps no divider: a divider announces
    # content. Items that never had sections (a welcome, a chair's item) keep theirs.
    rendered.sections = [
        s
        for s in rendered.sections
        if s.section_type != "agenda_item"
        or not configured_by_item.get(s.agenda_item.pk)
        or kept_by_item.get(s.agenda_item.pk)
    ]
    if rendered.withheld:
        note = Section(
            "withheld", "withheld", "Withheld from this edition", "public", compare=False
        )
        note.edition = edition
        note.html = render_to_string(
            "dashboards/pack/sections/withheld.html",
            {"section": note, "pack": ctx, "withheld": rendered.withheld},
        )
        rendered.sections.append(note)
    # Sections that list the others (with their "Updated" marks) come last.
    assembled = [s for s in rendered.sections if s.section_type in ASSEMBLED]
    for section in [s for s in rendered.sections if s.section_type not in ASSEMBLED]:
        _mark(section, published, ctx.version_label)
    for section in assembled:
        section.siblings = rendered.sections
        _render_one(section, ctx)
        if section.section_type == "dashboard_index" and not has_content(section.html):
            rendered.empty.append(section)
            continue
        _mark(section, published, ctx.version_label)
    rendered.sections = [s for s in rendered.sections if s not in rendered.empty]
    return rendered


def _mark(section: Section, published: list[tuple[str, dict]], label: str) -> None:
    section.content_hash = content_hash(section.html)
    if section.compare:
        section.updated_in = updated_in(section.key, section.content_hash, published, label)


def assemble_html(ctx: PackContext, rendered: RenderedEdition) -> str:
    return render_to_string(
        "dashboards/pack/document.html",
        {
            "pack": ctx,
            "sections": rendered.sections,
            "edition": rendered.edition,
            "edition_label": Edition(rendered.edition).label,
            "stylesheet": pack_stylesheet(),
        },
    )


def render_pack(
    meeting,
    *,
    version_label: str,
    history: list[tuple[str, dict]] | None = None,
    progress: Progress | None = None,
    editions: tuple[str, ...] = EDITIONS,
    as_of: datetime | None = None,
    draft: bool = False,
) -> RenderedPack:
    ctx = build_context(meeting, as_of=as_of, version_label=version_label, draft=draft)
    pack = RenderedPack(ctx)
    planned = len(plan_sections(ctx))
    total = planned * len(editions) + len(editions)
    step = 0

    def tick(message: str) -> None:
        nonlocal step
        step += 1
        if progress:
            progress(min(step, total), total, message)

    for edition in editions:
        rendered = render_edition(ctx, edition, history=history, progress=tick)
        rendered.html = assemble_html(ctx, rendered)
        pack.editions[edition] = rendered
    step = planned * len(editions)
    later = list(editions[1:])
    background = (
        _layout_in_child(pack.editions[later.pop()].html) if later and parallel_layout() else None
    )
    for edition in editions:
        tick(f"Laying out the {Edition(edition).label} edition (page numbers)")
        rendered = pack.editions[edition]
        if background is not None and edition == editions[-1]:
            rendered.pdf, rendered.pages = background.result()
        else:
            rendered.pdf, rendered.pages = html_to_pdf(rendered.html)
    return pack


def parallel_layout() -> bool:
    """Lay the last edition out in a second process while this one does the first.

    Layout is pure CPU under the GIL, so a thread would not help; a fork shares everything
    already computed. Off where fork is unavailable, or with PACK_PARALLEL_EDITIONS=False.
    """
    from django.conf import settings

    return hasattr(os, "fork") and getattr(settings, "PACK_PARALLEL_EDITIONS", True)


class _ChildLayout:
    def __init__(self, pid: int, reader: int):
        self.pid, self.reader = pid, reader

    def result(self) -> tuple[bytes, int]:
        with os.fdopen(self.reader, "rb") as incoming:
            payload = incoming.read()
        _, status = os.waitpid(self.pid, 0)
        if status != 0 or not payload:
            raise RuntimeError("the second layout process failed")
        outcome = pickle.loads(payload)
        if isinstance(outcome, str):
            raise RuntimeError(outcome)
        return outcome


def _layout_in_child(html: str) -> _ChildLayout:
    """Fork a process that lays `html` out and sends back (pdf, pages) through a pipe.

    The child touches nothing but WeasyPrint (no database, no files) and leaves with
    os._exit, so it closes nothing the parent still uses.
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        status = 1
        try:
            os.close(reader)
            try:
                outcome = html_to_pdf(html)
            except Exception as exc:  # noqa: BLE001 - reported to the parent as text
                outcome = f"{type(exc).__name__}: {exc}"
            with os.fdopen(writer, "wb") as outgoing:
                outgoing.write(pickle.dumps(outcome))
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    return _ChildLayout(pid, reader)
