"""Change requests: the impact-assessment summary and views, and the change-control table."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T, parse_date

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

    since = parse_date(section.params, "since") or three_months_before(ctx.meeting.date)
    rows = change_control_rows(raised_since=since)
    moves = [row.stage_since for row in rows if row.stage_since]
    return {"rows": rows, "since": since, "updated_to": max(moves) if moves else None}


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
        validate=lambda params: parse_date(params, "since"),
    )
)
