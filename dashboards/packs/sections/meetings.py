"""Front matter, agenda dividers, and the meetings app's sections.

Actions, decisions, narrative, what changed since the last meeting, summary and next steps.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dashboards.packs import changes, sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T, audience

# Front matter and dividers ------------------------------------------------------------------


def _cover(section: Section, ctx: PackContext) -> dict:
    return {
        "version_number": ctx.version_label.removeprefix("v"),
    }


register(SectionRenderer("cover", T + "cover.html", _cover))
register(SectionRenderer("contents", T + "contents.html", lambda s, c: {"entries": s.siblings}))


def _dashboard_index(section: Section, ctx: PackContext) -> dict:
    """The sections this edition prints that name an index area, grouped by area in the order
    the areas first appear."""
    groups: dict[str, list[Section]] = {}
    for sibling in section.siblings:
        if sibling.index_area and sibling is not section:
            groups.setdefault(sibling.index_area, []).append(sibling)
    return {"groups": list(groups.items())}


register(SectionRenderer("dashboard_index", T + "dashboard_index.html", _dashboard_index))


def _agenda(section: Section, ctx: PackContext) -> dict:
    # Dividers are anchored "item-<pk>": the agenda partial's own rows use "agenda-item-<pk>".
    # Only items whose divider this edition prints get a page number.
    present = {sibling.key for sibling in section.siblings}
    context = {
        "page_anchors": {
            row.pk: f"#item-{row.pk}" for row in ctx.agenda if f"item-{row.pk}" in present
        }
    }
    if sources.template_exists("meetings/_agenda_table.html"):
        from meetings.selectors import agenda_rows

        context["agenda_rows"] = agenda_rows(ctx.meeting)
        context["meeting"] = ctx.meeting
        context["partial"] = "meetings/_agenda_table.html"
    return context


register(SectionRenderer("agenda", T + "agenda.html", _agenda))


def _divider(section: Section, ctx: PackContext) -> dict:
    row = next(r for r in ctx.agenda if r.pk == section.agenda_item.pk)
    return {"row": row}


register(SectionRenderer("agenda_item", T + "agenda_item.html", _divider))


# Meetings: actions, decisions, narrative ----------------------------------------------------


def _actions(section: Section, ctx: PackContext) -> dict:
    from meetings.selectors import meeting_action_rows

    return {"action_rows": meeting_action_rows(ctx.meeting)}


register(
    SectionRenderer(
        "actions",
        T + "actions.html",
        _actions,
        available=lambda: sources.template_exists("meetings/_actions_table.html"),
    )
)


def _decisions(section: Section, ctx: PackContext) -> dict:
    from meetings.selectors import meeting_decisions

    return {"decisions": meeting_decisions(ctx.meeting)}


register(
    SectionRenderer(
        "decisions",
        T + "decisions.html",
        _decisions,
        available=lambda: sources.template_exists("meetings/_decisions_table.html"),
    )
)


def _validate_narrative(params: dict) -> None:
    keys = params.get("keys")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise ValidationError({"params": "A narrative section names its sections: keys=a;b"})


def _narrative(section: Section, ctx: PackContext) -> dict:
    from meetings.selectors import narrative_blocks

    return {"narrative_blocks": narrative_blocks(ctx.meeting, keys=section.params["keys"])}


register(
    SectionRenderer(
        "narrative",
        T + "narrative.html",
        _narrative,
        available=lambda: sources.template_exists("meetings/_narrative.html"),
        validate=_validate_narrative,
    )
)


# What changed and summary -------------------------------------------------------------------


def _what_changed(section: Section, ctx: PackContext) -> dict:
    report = changes.change_report(
        ctx.meeting,
        previous=ctx.previous_meeting,
        until=ctx.as_of,
        reader=audience(section),
    )
    return {"report": report}


register(SectionRenderer("what_changed", T + "what_changed.html", _what_changed))


def _summary(section: Section, ctx: PackContext) -> dict:
    from meetings.selectors import meeting_action_rows, meeting_decisions

    raised = [row.action for row in meeting_action_rows(ctx.meeting) if not row.carried_forward]
    return {
        "decisions": meeting_decisions(ctx.meeting),
        "new_actions": raised,
    }


register(SectionRenderer("summary", T + "summary.html", _summary))
