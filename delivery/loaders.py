"""The delivery part of a programme directory (loader order 80).

- delivery_reports.csv (portal file): one row per party report in the seed, naming the
  organisation (or constituency), period and dates, and the `source_prefix` that marks its rows
  in the seed's milestones.csv ("Core capability provider report" party milestones) and raid.csv
  (the party's own RAID tables). Every such seed row must belong to exactly one report.
- finances.csv: the central-party finances table, through the same parser as the PMO import.
- sit_trials.csv: the MVC trial table, through the same parser as the PMO import.
"""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from delivery.importers import parse_finances, parse_trials
from delivery.models import (
    DeliveryMilestone,
    DeliveryRaidItem,
    DeliveryReport,
    RaidKind,
    ReportStatus,
)
from delivery.services import finance_year_replace, first_of_month, trials_replace
from portal.importing import collect, upsert
from portal.models import Constituency, Organisation
from portal.programme_loading import LoadContext, register_loader

PARTY_SOURCES = ("Core capability provider report", "LDSO Delivery Updates")


def _at_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12, 0))) if day else None


def _report_for(source: str, reports: list[tuple[str, DeliveryReport]]):
    matches = [report for prefix, report in reports if source.startswith(prefix)]
    return matches[0] if len(matches) == 1 else None


def load_delivery_reports(context: LoadContext) -> None:
    organisations = dict(Organisation.objects.values_list("name", "pk"))
    constituencies = dict(Constituency.objects.values_list("name", "pk"))

    def parse(row):
        organisation = row.text("organisation")
        constituency = row.text("constituency")
        if bool(organisation) == bool(constituency):
            row.problem("organisation", "give an organisation or a constituency, not both")
        if organisation and organisation not in organisations:
            row.problem("organisation", f"'{organisation}' is not a known organisation")
        if constituency and constituency not in constituencies:
            row.problem("constituency", f"'{constituency}' is not a known constituency")
        return {
            "prefix": row.text("source_prefix", required=True),
            "organisation_id": organisations.get(organisation),
            "constituency_id": constituencies.get(constituency),
            "period": row.date("period", required=True),
            "title": row.text("title", max_length=200),
            "report_date": row.date("report_date"),
            "due_date": row.date("due_date", required=True),
            "submitted_on": row.date("submitted_on", required=True),
            "accepted_on": row.date("accepted_on", required=True),
        }

    specs = collect(
        context.rows(
            "delivery_reports.csv",
            required=["source_prefix", "organisation", "constituency", "period", "due_date"],
        ),
        parse,
    )
    reports = []
    for spec in specs:
        report, _ = upsert(
            DeliveryReport,
            lookup={
                "organisation_id": spec["organisation_id"],
                "constituency_id": spec["constituency_id"],
                "period": first_of_month(spec["period"]),
            },
            values={
                "title": spec["title"],
                "report_date": spec["report_date"],
                "due_date": spec["due_date"],
                # Reports in the seed were printed in the pack, so they were accepted.
                "status": ReportStatus.ACCEPTED,
                "submitted_at": _at_noon(spec["submitted_on"]),
                "reviewed_at": _at_noon(spec["accepted_on"]),
            },
        )
        reports.append((spec["prefix"], report))

    milestone_rows = [
        row
        for row in context.rows(
            "milestones.csv",
            required=["title", "baseline_date", "forecast_date", "commentary", "source"],
        )
        if row.values["source"].startswith(PARTY_SOURCES)
    ]

    def parse_milestone(row):
        report = _report_for(row.values["source"], reports)
        if report is None:
            row.problem("source", "matches no single report in delivery_reports.csv")
        return report, {
            "title": row.text("title", required=True, max_length=300),
            "original_date": row.date("baseline_date"),
            "forecast_date": row.date("forecast_date"),
            "commentary": row.text("commentary"),
        }

    milestones = collect(milestone_rows, parse_milestone)
    raid_rows = [
        row
        for row in context.rows(
            "raid.csv",
            required=[
                "ref",
                "type",
                "description",
                "score_band",
                "mitigation",
                "owner",
                "due_or_target",
                "source",
            ],
        )
        if row.values["source"].startswith(PARTY_SOURCES)
    ]

    def parse_raid(row):
        report = _report_for(row.values["source"], reports)
        if report is None:
            row.problem("source", "matches no single report in delivery_reports.csv")
        kind = row.choice("type", RaidKind) or RaidKind.RISK_OR_ISSUE
        return report, {
            "kind": kind,
            "ref": row.text("ref", max_length=30),
            "description": row.text("description", required=True),
            "rating": row.text("score_band", max_length=50),
            "action": row.text("mitigation"),
            "owner": row.text("owner", max_length=200),
            "target": row.text("due_or_target", max_length=300),
        }

    raid_items = collect(raid_rows, parse_raid)
    for model, items in ((DeliveryMilestone, milestones), (DeliveryRaidItem, raid_items)):
        positions: dict[int, int] = {}
        for report, values in items:
            position = positions.get(report.pk, 0)
            positions[report.pk] = position + 1
            upsert(model, lookup={"report": report, "position": position}, values=values)
        for _prefix, report in reports:
            model.objects.filter(report=report, position__gte=positions.get(report.pk, 0)).delete()
    context.count("delivery reports", len(reports))
    context.count("delivery report milestones", len(milestones))
    context.count("delivery report RAID items", len(raid_items))


@register_loader("delivery", order=80)
def load(context: LoadContext) -> None:
    if context.has("delivery_reports.csv"):
        load_delivery_reports(context)
    if context.has("finances.csv"):
        path = context.directory / "finances.csv"
        year, lines = parse_finances(path.name, path.read_bytes())
        finance_year_replace(
            actor=None, year=year, lines=lines, reason="Loaded from programme files"
        )
        context.count("finance lines", len(lines))
    if context.has("sit_trials.csv"):
        path = context.directory / "sit_trials.csv"
        trials = parse_trials(path.name, path.read_bytes())
        context.count(
            "test results",
            trials_replace(actor=None, rows=trials, reason="Loaded from programme files"),
        )
