"""Delivery: central-party finances, test progress and party delivery reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dashboards.packs import sources
from dashboards.packs.registry import PackContext, Section, SectionRenderer, register
from dashboards.packs.sections.common import T, audience, parse_date

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

    period = parse_date(section.params, "period")
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
        validate=lambda params: parse_date(params, "period"),
    )
)
