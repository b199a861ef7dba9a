"""The renderer of each section type: which data it reads and which partial shows it.

Partials belong to the app that owns the data (`templates/<app>/_*.html`) and serve its web
pages too; the templates under `dashboards/pack/sections/` only frame them for the page.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from dashboards.packs import changes, sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register

T = "dashboards/pack/sections/"


def _cached(ctx: PackContext, key: str, compute):
    if key not in ctx.cache:
        ctx.cache[key] = compute()
    return ctx.cache[key]


# Front matter and dividers ------------------------------------------------------------------


def _cover(section: Section, ctx: PackContext) -> dict:
    return {
        "version_number": ctx.version_label.removeprefix("v"),
        "meeting_short": str(ctx.meeting),
    }


register(SectionRenderer("cover", T + "cover.html", _cover))
register(SectionRenderer("contents", T + "contents.html", lambda s, c: {}))


def _agenda(section: Section, ctx: PackContext) -> dict:
    # Dividers are anchored "item-<pk>": the agenda partial's own rows use "agenda-item-<pk>".
    context = {"page_anchors": {row.pk: f"#item-{row.pk}" for row in ctx.agenda}}
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


# Milestones ---------------------------------------------------------------------------------


def _parse_date(params: dict, name: str) -> date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({"params": f"{name} must be a date like 2024-09-04"}) from exc


def _validate_window(params: dict) -> None:
    for name in ("weeks_before", "weeks_after"):
        if name in params:
            try:
                weeks = int(params[name])
            except (TypeError, ValueError) as exc:
                raise ValidationError({"params": f"{name} must be a whole number"}) from exc
            if not 0 <= weeks <= 520:
                raise ValidationError({"params": f"{name} must be between 0 and 520"})
    _parse_date(params, "from")
    _parse_date(params, "to")


def milestone_window(params: dict, reporting_date: date) -> tuple[date | None, date | None]:
    """The dashboard's window: explicit dates, or weeks either side of the reporting date."""
    start, end = _parse_date(params, "from"), _parse_date(params, "to")
    if start is None and "weeks_before" in params:
        start = reporting_date - timedelta(weeks=int(params["weeks_before"]))
    if end is None and "weeks_after" in params:
        end = reporting_date + timedelta(weeks=int(params["weeks_after"]))
    return start, end


def _milestone_dashboard(section: Section, ctx: PackContext) -> dict:
    from milestones.selectors import dashboard

    start, end = milestone_window(section.params, ctx.reporting_date)
    board = dashboard(
        reporting_date=ctx.reporting_date,
        next_steering_date=ctx.meeting.date,
        forum=section.params.get("forum") or None,
        tier=section.params.get("tier") or None,
        date_from=start,
        date_to=end,
    )
    return {
        "board": board,
        "window_from": start,
        "window_to": end,
        "chart": _slippage_chart(board.rows) if section.params.get("chart") != "no" else None,
    }


SLIP_CHART_ROWS = 15


def _slippage_chart(rows):
    """The worst slips of the table's open milestones, drawn by the dashboard's chart module."""
    if not sources.provides("dashboards.charts", "slippage_chart", "SlipItem"):
        return None
    from dashboards.charts import SlipItem, slippage_chart

    slipped = sorted(
        (r for r in rows if r.completed_on is None and r.forecast_date > r.baseline_date),
        key=lambda r: (r.baseline_date - r.forecast_date, r.reference),
    )[:SLIP_CHART_ROWS]
    if not slipped:
        return None
    worst = slipped[0]
    return slippage_chart(
        title="Largest forecast slips in this table",
        desc=(
            f"{len(slipped)} open milestones forecast after their baseline; the largest slip is "
            f"{worst.reference} by {(worst.forecast_date - worst.baseline_date).days} days."
        ),
        items=[SlipItem(f"{r.reference}", r.baseline_date, r.forecast_date) for r in slipped],
        width=900,
    )


register(
    SectionRenderer(
        "milestone_dashboard",
        T + "milestone_dashboard.html",
        _milestone_dashboard,
        available=lambda: sources.template_exists("milestones/_dashboard_table.html"),
        validate=_validate_window,
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
        "next_meeting": ctx.next_meeting,
    }


register(SectionRenderer("summary", T + "summary.html", _summary))


# Whose eyes a section is for ------------------------------------------------------------------


def audience(section: Section):
    """A reader with exactly the section's clearance, for selectors that filter by user.

    A Public section is read as an observer reads (Public records only); a Restricted one as a
    steering group member. Nobody signs in as this user: it is never saved.
    """
    from portal.models import Role, User

    role = Role.STEERING if section.restricted else Role.OBSERVER
    return User(email=f"pack-{role}@portal.invalid", role=role, is_active=True)


# Change requests ----------------------------------------------------------------------------


def _validate_cr(params: dict) -> None:
    if not str(params.get("cr", "")).strip():
        raise ValidationError({"params": "Name the change request: cr=CR054"})


def _change_request(params: dict):
    from change_requests.models import ChangeRequest

    reference = str(params["cr"]).strip().upper()
    cr = ChangeRequest.objects.filter(reference=reference).first()
    if cr is None:
        raise ValidationError(f"The pack names change request {reference}, which does not exist.")
    return cr


def _cr_ia_summary(section: Section, ctx: PackContext) -> dict:
    from change_requests.selectors import ia_summary

    picture = ia_summary(_change_request(section.params))
    return {"picture": picture, "rollup": picture.rollup, "cr": picture.change_request}


def _cr_ia_views(section: Section, ctx: PackContext) -> dict:
    from change_requests.selectors import ia_views

    cr = _change_request(section.params)
    return {"views": ia_views(cr), "cr": cr}


def _change_control(section: Section, ctx: PackContext) -> dict:
    from change_requests.selectors import change_control_rows, three_months_before

    since = _parse_date(section.params, "since") or three_months_before(ctx.meeting.date)
    return {"rows": change_control_rows(raised_since=since), "since": since}


def _cr_ready() -> bool:
    return sources.provides("change_requests.selectors", "ia_summary", "change_control_rows")


register(
    SectionRenderer(
        "cr_ia_summary",
        T + "cr_ia_summary.html",
        _cr_ia_summary,
        available=lambda: (
            _cr_ready() and sources.template_exists("change_requests/_ia_summary_table.html")
        ),
        validate=_validate_cr,
    )
)
register(
    SectionRenderer(
        "cr_ia_views",
        T + "cr_ia_views.html",
        _cr_ia_views,
        available=lambda: _cr_ready() and sources.template_exists("change_requests/_ia_views.html"),
        validate=_validate_cr,
    )
)
register(
    SectionRenderer(
        "change_control",
        T + "change_control.html",
        _change_control,
        available=lambda: (
            _cr_ready() and sources.template_exists("change_requests/_change_control_table.html")
        ),
        validate=lambda params: _parse_date(params, "since"),
    )
)


# RAID ---------------------------------------------------------------------------------------


def _raid_key_items(section: Section, ctx: PackContext) -> dict:
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
    return {"items": items, "context": movement_context(ctx.reporting_date)}


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


# Delivery: finances, test progress, party reports ---------------------------------------


def _finances(section: Section, ctx: PackContext) -> dict:
    from delivery.selectors import finance_table

    year = int(section.params["year"]) if section.params.get("year") else None
    return {"table": finance_table(user=audience(section), year=year)}


def _test_progress(section: Section, ctx: PackContext) -> dict:
    from delivery.selectors import trial_results, trial_summary

    results = trial_results(user=audience(section))
    return {"results": results, "summary": trial_summary(results)}


def _delivery_reports(section: Section, ctx: PackContext) -> dict:
    from delivery.selectors import accepted_reports

    period = _parse_date(section.params, "period")
    return {"reports": list(accepted_reports(period=period))}


def _validate_year(params: dict) -> None:
    if params.get("year"):
        try:
            int(params["year"])
        except (TypeError, ValueError) as exc:
            raise ValidationError({"params": "year must be a year such as 2024"}) from exc


register(
    SectionRenderer(
        "finances",
        T + "finances.html",
        _finances,
        available=lambda: (
            sources.provides("delivery.selectors", "finance_table")
            and sources.template_exists("delivery/_finance_table.html")
        ),
        validate=_validate_year,
    )
)
register(
    SectionRenderer(
        "test_progress",
        T + "test_progress.html",
        _test_progress,
        available=lambda: (
            sources.provides("delivery.selectors", "trial_results")
            and sources.template_exists("delivery/_trial_table.html")
        ),
    )
)
register(
    SectionRenderer(
        "delivery_reports",
        T + "delivery_reports.html",
        _delivery_reports,
        available=lambda: (
            sources.provides("delivery.selectors", "accepted_reports")
            and sources.template_exists("delivery/_delivery_report.html")
        ),
        validate=lambda params: _parse_date(params, "period"),
    )
)
