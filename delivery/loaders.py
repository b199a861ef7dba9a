"""The delivery part of a programme directory (loader order 80).

- delivery_reports.csv (portal file): one row per party report in the seed, naming the
  organisation (or constituency), period and dates, and the `source_prefix` that marks its rows
  in the seed's milestones.csv ("Core capability provider report" party milestones) and raid.csv
  (the party's own RAID tables). Every such seed row must belong to exactly one report.
- finances.csv: the central-party finances table, through the same parser as the PMO import.
- sit_trials.csv: the MVC trial table, through the same parser as the PMO import.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from delivery.importers import parse_finances, parse_trials
from delivery.models import (
    DeliveryDeliverable,
    DeliveryEscalation,
    DeliveryMilestone,
    DeliveryRaidItem,
    DeliveryReport,
    Rag,
    RaidKind,
    ReportCategory,
    ReportStatus,
)
from delivery.report_text import markdown_list, printed_dates, split_dependency_on
from delivery.rows import sync_rows
from delivery.services import (
    DELIVERABLE_FIELDS,
    ESCALATION_FIELDS,
    finance_year_replace,
    first_of_month,
    trials_replace,
)
from portal.importing import ImportRejected, RowProblem, collect, upsert
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
    positions: dict[str, int] = {}

    def parse(row):
        organisation = row.text("organisation")
        constituency = row.text("constituency")
        if bool(organisation) == bool(constituency):
            row.problem("organisation", "give an organisation or a constituency, not both")
        if organisation and organisation not in organisations:
            row.problem("organisation", f"'{organisation}' is not a known organisation")
        if constituency and constituency not in constituencies:
            row.problem("constituency", f"'{constituency}' is not a known constituency")
        status = row.choice("status", ReportStatus) or ReportStatus.ACCEPTED
        submitted = status in (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED)
        reviewed = status in (ReportStatus.RETURNED, ReportStatus.ACCEPTED)
        category = row.choice("category", ReportCategory) or ReportCategory.OTHER
        reported = row.integer("organisations_reported", minimum=0)
        expected = row.integer("organisations_expected", minimum=1)
        if (reported is None) != (expected is None):
            row.problem("organisations_expected", "give both counts of organisations, or neither")
        elif reported is not None and reported > expected:
            row.problem("organisations_reported", f"{reported} reported out of {expected}")
        if reported is not None and not constituency:
            row.problem("organisations_reported", "only a constituency's report counts them")
        positions[category] = positions.get(category, -1) + 1
        return {
            "key": row.text("key", required=True, max_length=50),
            "prefix": row.text("source_prefix"),
            "organisation_id": organisations.get(organisation),
            "constituency_id": constituencies.get(constituency),
            "period": row.date("period", required=True),
            "title": row.text("title", max_length=200),
            "category": category,
            "position": positions[category],
            "status": status,
            "report_date": row.date("report_date"),
            "due_date": row.date("due_date", required=True),
            "submitted_on": row.date("submitted_on", required=submitted),
            "accepted_on": row.date("accepted_on", required=reviewed),
            "organisations_reported": reported,
            "organisations_expected": expected,
        }

    specs = collect(
        context.rows(
            "delivery_reports.csv",
            required=["key", "organisation", "constituency", "period", "due_date", "status"],
        ),
        parse,
    )
    reports, by_key = [], {}
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
                "category": spec["category"],
                "position": spec["position"],
                "report_date": spec["report_date"],
                "due_date": spec["due_date"],
                "status": spec["status"],
                "submitted_at": _at_noon(spec["submitted_on"]),
                "reviewed_at": _at_noon(spec["accepted_on"]),
                "organisations_reported": spec["organisations_reported"],
                "organisations_expected": spec["organisations_expected"],
            },
        )
        if spec["prefix"]:
            reports.append((spec["prefix"], report))
        by_key[spec["key"]] = report
    if len(by_key) != len(specs):
        raise ImportRejected(
            [RowProblem("delivery_reports.csv", 0, "key", "every report needs its own key")]
        )
    load_report_content(context, by_key)

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
                "theme",
                "score_band",
                "movement_text",
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
        description, dependency_on = split_dependency_on(row.text("description", required=True))
        return report, {
            "kind": kind,
            "ref": row.text("ref", max_length=30),
            "movement": row.text("movement_text", max_length=30),
            "description": description,
            "dependency_on": dependency_on,
            "area": row.text("theme", max_length=100),
            "rating": row.text("score_band", max_length=50),
            "action": row.text("mitigation"),
            "owner": row.text("owner", max_length=200),
            "target": printed_dates(row.text("due_or_target", max_length=300)),
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
    context.count("delivery reports", len(specs))
    context.count("delivery report milestones", len(milestones))
    context.count("delivery report RAID items", len(raid_items))


REPORT_TEXT_FIELDS = {"progress_last_month", "progress_next_month"}


def _report_key(row, by_key: dict):
    key = row.text("report", required=True)
    if key and key not in by_key:
        row.problem("report", f"'{key}' is not a key of delivery_reports.csv")
    return by_key.get(key)


def _date_or_words(row, column: str, max_length: int) -> tuple:
    """A column holding a date (YYYY-MM-DD) or, where the party gave none, its words."""
    value = row.text(column, max_length=max_length)
    try:
        return date.fromisoformat(value), ""
    except ValueError:
        return None, value


def load_report_content(context: LoadContext, by_key: dict) -> None:
    """The reports' own words: progress text, escalations and key deliverables.

    - delivery_report_text.csv: report, field, heading, text (one list item per row; `heading`
      groups items under a printed sub-heading), stored as the Markdown a party would type.
    - delivery_escalations.csv: report, escalation, to_whom, required_resolution (a date or
      words such as ASAP), owner.
    - delivery_deliverables.csv: report, group, deliverable, latest_status, due (a date or the
      words as printed), rag, programme_milestones.
    """
    if context.has("delivery_report_text.csv"):

        def parse_text(row):
            field = row.text("field", required=True)
            if field and field not in REPORT_TEXT_FIELDS:
                allowed = ", ".join(sorted(REPORT_TEXT_FIELDS))
                row.problem("field", f"'{field}' is not one of {allowed}")
            report = _report_key(row, by_key)
            return report, field, row.text("heading"), row.text("text", required=True)

        items = collect(
            context.rows("delivery_report_text.csv", required=["report", "field", "text"]),
            parse_text,
        )
        texts: dict[tuple, list] = {}
        for report, field, heading, text in items:
            texts.setdefault((report.pk, field), []).append((heading, text))
        for report in by_key.values():
            values = {f: markdown_list(texts.get((report.pk, f), [])) for f in REPORT_TEXT_FIELDS}
            upsert(DeliveryReport, lookup={"pk": report.pk}, values=values)
        context.count("delivery report text items", len(items))

    tables = [
        ("delivery_escalations.csv", "escalation", DeliveryEscalation, ESCALATION_FIELDS),
        ("delivery_deliverables.csv", "deliverable", DeliveryDeliverable, DELIVERABLE_FIELDS),
    ]
    for filename, column, model, fields in tables:
        if not context.has(filename):
            continue
        parse_row = _parse_escalation if model is DeliveryEscalation else _parse_deliverable
        rows = collect(
            context.rows(filename, required=["report", column]),
            lambda row, parse_row=parse_row: (_report_key(row, by_key), parse_row(row)),
        )
        for report in by_key.values():
            sync_rows(
                model,
                parent_field="report",
                parent=report,
                rows=[values for owner, values in rows if owner.pk == report.pk],
                fields=fields,
                actor=None,
                match_position=True,
            )
        context.count(model._meta.verbose_name_plural, len(rows))


def _parse_escalation(row) -> dict:
    resolution_date, resolution_note = _date_or_words(row, "required_resolution", 100)
    return {
        "escalation": row.text("escalation", required=True),
        "to_whom": row.text("to_whom", max_length=200),
        "resolution_date": resolution_date,
        "resolution_note": resolution_note,
        "owner": row.text("owner", max_length=200),
    }


def _parse_deliverable(row) -> dict:
    due_date, due_note = _date_or_words(row, "due", 50)
    return {
        "group": row.text("group", max_length=200),
        "deliverable": row.text("deliverable", required=True),
        "latest_status": row.text("latest_status"),
        "due_date": due_date,
        "due_note": due_note,
        "rag": row.choice("rag", Rag) or "",
        "programme_milestones": row.text("programme_milestones", max_length=200),
    }


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
