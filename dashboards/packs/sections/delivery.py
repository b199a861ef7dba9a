"""Delivery: central-party finances and party delivery reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T, audience, parse_date

# Delivery: finances and party reports ------------------------------------------------------


def _finances(section: Section, ctx: PackContext) -> dict:
    from delivery.selectors import finance_table

    year = int(section.params["year"]) if section.params.get("year") else None
    return {"table": finance_table(user=audience(section), year=year)}


def _delivery_reports(section: Section, ctx: PackContext) -> dict:
    from delivery.report_layout import report_layout
    from delivery.selectors import accepted_reports

    period = parse_date(section.params, "period")
    category = str(section.params.get("category", "")).strip()
    layouts = [
        report_layout(report) for report in accepted_reports(period=period, category=category)
    ]
    # A report with nothing but its heading (e.g. a count of who reported) is listed first, so it
    # shares a page instead of standing alone on one.
    return {
        "headings_only": [layout for layout in layouts if not layout.has_content],
        "layouts": [layout for layout in layouts if layout.has_content],
    }


def _validate_reports(params: dict) -> None:
    parse_date(params, "period")
    category = str(params.get("category", "")).strip()
    if category:
        from delivery.models import ReportCategory

        if category not in ReportCategory.values:
            allowed = ", ".join(ReportCategory.values)
            raise ValidationError({"params": f"category must be one of {allowed}"})


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
        "delivery_reports",
        T + "delivery_reports.html",
        _delivery_reports,
        available=lambda: (
            sources.provides("delivery.selectors", "accepted_reports")
            and sources.template_exists("delivery/_delivery_report.html")
        ),
        validate=_validate_reports,
    )
)
