"""From a meeting's live data to the pack's HTML and PDFs (both editions).

The sections are rendered once; each edition is the same fragments assembled with or without
the Restricted ones, so the contents and the agenda's page numbers (WeasyPrint
`target-counter`) are computed from the edition actually printed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from dashboards.models import Edition
from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, renderer_for

Progress = Callable[[int, int, str], None]
# WeasyPrint logs every page it lays out at INFO; a worker's log should say what failed.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)
FRONT_MATTER = ("cover", "contents", "agenda")


@dataclass
class RenderedEdition:
    edition: str
    html: str
    pdf: bytes
    pages: int


@dataclass
class RenderedPack:
    context: PackContext
    sections: list[Section]
    editions: dict[str, RenderedEdition] = field(default_factory=dict)

    @property
    def hashes(self) -> dict[str, str]:
        return {s.key: s.content_hash for s in self.sections if s.compare}

    @property
    def updates(self) -> dict[str, str]:
        return {s.key: s.updated_in for s in self.sections if s.updated_in}

    def snapshot(self) -> dict:
        """What the version froze: each section's identity, classification, hash and HTML."""
        ctx = self.context
        return {
            "meeting": str(ctx.meeting),
            "meeting_id": ctx.meeting.pk,
            "version": ctx.version_label,
            "as_of": ctx.as_of.isoformat(),
            "reporting_date": ctx.reporting_date.isoformat(),
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
                for s in self.sections
            ],
            "pages": {name: e.pages for name, e in self.editions.items()},
        }


def build_context(
    meeting, *, as_of: datetime | None = None, version_label: str, draft: bool = False
) -> PackContext:
    from portal.reporting import reporting_date

    as_of = as_of or timezone.now()
    return PackContext(
        meeting=meeting,
        as_of=as_of,
        # The pack reports as of the programme's reporting date, never after its meeting.
        reporting_date=min(reporting_date(), meeting.date),
        draft=draft,
        previous_meeting=sources.previous_meeting(meeting),
        next_meeting=sources.next_meeting(meeting),
        version_label=version_label,
        agenda=sources.agenda_rows(meeting),
    )


def plan_sections(ctx: PackContext) -> list[Section]:
    """The ordered sections: front matter, then each agenda item's divider followed by the
    blocks linked to it, then blocks linked to no item (the appendix)."""
    from dashboards.models import PackSection

    sections = [
        Section("cover", "cover", "Cover", "public", compare=False),
        Section("contents", "contents", "Contents", "public", compare=False),
        Section("agenda", "agenda", "Agenda", "public"),
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
            )

    for item in ctx.agenda:
        sections.append(
            Section(f"item-{item.pk}", "agenda_item", item.title, "public", agenda_item=item)
        )
        sections.extend(blocks(item.pk))
    for item_id in list(by_item):
        sections.extend(blocks(item_id))
    return sections


def normalise(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def content_hash(html: str) -> str:
    return hashlib.sha256(normalise(html).encode()).hexdigest()


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


def render_sections(
    ctx: PackContext,
    *,
    history: list[tuple[str, dict]] | None = None,
    progress: Progress | None = None,
    extra_steps: int = 0,
) -> list[Section]:
    sections = plan_sections(ctx)
    total = len(sections) + extra_steps
    for number, section in enumerate(sections, start=1):
        if progress:
            progress(number, total, f"Rendering section {number} of {total}: {section.title}")
        if section.section_type == "contents":
            continue  # depends on the edition: rendered when the edition is assembled
        renderer = renderer_for(section.section_type)
        context = {"section": section, "pack": ctx, **renderer.context(section, ctx)}
        section.html = render_to_string(renderer.template, context)
        section.content_hash = content_hash(section.html)
        if section.compare:
            section.updated_in = updated_in(
                section.key, section.content_hash, history or [], ctx.version_label
            )
    return sections


def assemble_html(ctx: PackContext, sections: list[Section], edition: str) -> str:
    chosen = [s for s in sections if edition == Edition.FULL or not s.restricted]
    for section in chosen:
        if section.section_type == "contents":
            section.html = render_to_string(
                "dashboards/pack/sections/contents.html",
                {"section": section, "pack": ctx, "entries": chosen},
            )
    return render_to_string(
        "dashboards/pack/document.html",
        {
            "pack": ctx,
            "sections": chosen,
            "edition": edition,
            "edition_label": Edition(edition).label,
            "stylesheet": pack_stylesheet(),
        },
    )


@lru_cache(maxsize=1)
def pack_stylesheet() -> str:
    with open(finders.find("css/pack.css"), encoding="utf-8") as handle:
        return handle.read()


def refuse_fetch(url: str, *args, **kwargs):
    """The pack is built from our own data only: no remote fetch, whatever a narrative says."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"The pack does not fetch external resources ({url[:60]})")


def html_to_pdf(html: str) -> tuple[bytes, int]:
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=refuse_fetch, base_url="about:blank").render()
    return document.write_pdf(), len(document.pages)


def render_pack(
    meeting,
    *,
    version_label: str,
    history: list[tuple[str, dict]] | None = None,
    progress: Progress | None = None,
    editions: tuple[str, ...] = (Edition.FULL, Edition.PUBLIC),
    as_of: datetime | None = None,
    draft: bool = False,
) -> RenderedPack:
    ctx = build_context(meeting, as_of=as_of, version_label=version_label, draft=draft)
    sections = render_sections(ctx, history=history, progress=progress, extra_steps=len(editions))
    pack = RenderedPack(ctx, sections)
    total = len(sections) + len(editions)
    htmls = {edition: assemble_html(ctx, sections, edition) for edition in editions}
    later = list(editions[1:])
    background = _layout_in_child(htmls[later.pop()]) if later and parallel_layout() else None
    for number, edition in enumerate(editions, start=len(sections) + 1):
        if progress:
            label = Edition(edition).label
            progress(number, total, f"Laying out the {label} edition (page numbers)")
        if background is not None and edition == editions[-1]:
            pdf, pages = background.result()
        else:
            pdf, pages = html_to_pdf(htmls[edition])
        pack.editions[edition] = RenderedEdition(edition, htmls[edition], pdf, pages)
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
