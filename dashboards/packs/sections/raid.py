"""RAID: key items, theme slides and the heat map."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T, audience

# RAID ---------------------------------------------------------------------------------------


def _raid_key_items(section: Section, ctx: PackContext) -> dict:
    from raid.models import Theme
    from raid.selectors import key_items, movement_context

    references = section.params.get("refs") or None
    if isinstance(references, str):
        references = [r.strip() for r in references.split(",") if r.strip()]
    limit = int(section.params["limit"]) if section.params.get("limit") else None
    items = key_items(
        user=audience(section),
        reporting_date=ctx.reporting_date,
        theme=_theme(section.params),
        references=references,
        limit=limit,
    )
    # The themes' headlines ("RAID Summary & Mitigations"), in the order the table meets them.
    theme_ids = list(dict.fromkeys(item.theme_id for item in items if item.theme_id))
    themes = Theme.objects.in_bulk(theme_ids)
    headlines = [themes[pk] for pk in theme_ids if pk in themes and themes[pk].headline.strip()]
    return {
        "items": items,
        "headlines": headlines,
        "context": movement_context(ctx.reporting_date),
    }


def _theme(params: dict):
    """The RAID theme an agenda item links to (params theme=<name>), or None for all."""
    name = str(params.get("theme", "")).strip()
    if not name:
        return None
    from raid.models import Theme

    theme = Theme.objects.filter(name__iexact=name).first()
    if theme is None:
        raise ValidationError(f"The pack names RAID theme '{name}', which does not exist.")
    return theme


def _raid_themes(section: Section, ctx: PackContext) -> dict:
    from raid.selectors import movement_context, theme_summaries

    slides = theme_summaries(user=audience(section), reporting_date=ctx.reporting_date)
    theme = _theme(section.params)
    if theme is not None:
        slides = [slide for slide in slides if slide.theme.pk == theme.pk]
    # A theme slide is the PMO's account of a theme: themes nobody has described have none.
    slides = [s for s in slides if s.theme.summary.strip() or s.theme.mitigation_approach.strip()]
    return {"slides": slides, "context": movement_context(ctx.reporting_date)}


def _raid_heatmap(section: Section, ctx: PackContext) -> dict:
    from raid.selectors import heatmap

    return {"heat": heatmap(user=audience(section), reporting_date=ctx.reporting_date)}


def _validate_raid(params: dict) -> None:
    if "limit" in params:
        try:
            if int(params["limit"]) < 1:
                raise ValueError
        except (TypeError, ValueError) as exc:
            raise ValidationError({"params": "limit must be a positive whole number"}) from exc


register(
    SectionRenderer(
        "raid_key_items",
        T + "raid_key_items.html",
        _raid_key_items,
        available=lambda: (
            sources.provides("raid.selectors", "key_items")
            and sources.template_exists("raid/_key_items_table.html")
        ),
        validate=_validate_raid,
    )
)
register(
    SectionRenderer(
        "raid_themes",
        T + "raid_themes.html",
        _raid_themes,
        available=lambda: (
            sources.provides("raid.selectors", "theme_summaries")
            and sources.template_exists("raid/_theme_slide.html")
        ),
    )
)
register(
    SectionRenderer(
        "raid_heatmap",
        T + "raid_heatmap.html",
        _raid_heatmap,
        available=lambda: (
            sources.provides("raid.selectors", "heatmap")
            and sources.template_exists("raid/_heatmap.html")
        ),
    )
)
