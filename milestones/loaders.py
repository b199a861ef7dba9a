"""The demo register: milestones.csv's "Delivery Dashboards" rows, through the import path.

milestones.csv mixes four sources (see demo/psg36/README.md); only the dashboard rows are
register milestones with unique references, a forum and both dates:

* the 12 code-drafting rows print no forum, and T3-RE-0500 / T3-RE-0550 appear twice
  (T3-RE-0550 a third time in the dashboards, with another title), so the register's
  all-or-nothing import would reject them: they are left out, not silently merged;
* the 5 qualification rows have no reference and no baseline, so they cannot be register
  milestones;
* the 16 party milestones of the core capability provider reports belong to the delivery
  reports (issue 7).

`milestone_facts.csv` then records, through the same import (a status update: only `ref` and
the columns it changes), what the pack's text states beyond the dashboard columns: completion
dates (e.g. QAG's approvals of 22 Aug) and at-risk flags with their reasons. Each row names the
slide and quotes the words that state it (`slide`, `evidence`: required here, ignored by the
import), so every C and every flag can be traced to the pack.

After loading, when the programme has a fixed reporting date, snapshots are taken at that
date and one week before, so "Previous RAG" comes from a recorded snapshot. Idempotent:
unchanged rows are left alone and retaking a snapshot replaces its rows.
"""

from __future__ import annotations

from datetime import timedelta

from milestones.services import (
    CREATE_REQUIRED,
    IMPORT_REQUIRED,
    milestones_import_rows,
    snapshot_take,
)
from portal.importing import ImportRejected
from portal.models import Programme
from portal.programme_loading import LoadContext, register_loader

REGISTER_SOURCE_PREFIX = "Delivery Dashboards"
FACTS_FILE = "milestone_facts.csv"
FACTS_COLUMNS = ["ref", "completed_on", "at_risk", "at_risk_reason", "slide", "evidence"]


def _with_sources(rows: list, *columns: str) -> list:
    """The rows, if each fills `columns` (the slide and words it comes from); else rejected."""
    problems = []
    for row in rows:
        for column in columns:
            row.text(column, required=True)
        problems += row.problems
    if problems:
        raise ImportRejected(problems)
    return rows


def _load_facts(context: LoadContext) -> None:
    rows = _with_sources(context.rows(FACTS_FILE, required=FACTS_COLUMNS), "slide", "evidence")
    milestones_import_rows(actor=None, rows=rows, source=FACTS_FILE)
    context.count("milestone facts (completions, at-risk flags)", len(rows))


@register_loader("milestones", order=50)
def load_milestones(context: LoadContext) -> None:
    if not context.has("milestones.csv"):
        return
    rows = context.rows("milestones.csv", required=[*IMPORT_REQUIRED, *CREATE_REQUIRED, "source"])
    register_rows = [
        row for row in rows if row.values.get("source", "").startswith(REGISTER_SOURCE_PREFIX)
    ]
    result = milestones_import_rows(actor=None, rows=register_rows, source="milestones.csv")
    context.count("milestones", result.created + result.updated + result.unchanged)
    context.count("milestone rows left out (not register rows)", len(rows) - len(register_rows))
    if context.has(FACTS_FILE):
        _load_facts(context)
    fixed = Programme.objects.filter(pk=1).values_list("reporting_date", flat=True).first()
    if fixed:
        from milestones.services import milestones_recompute

        milestones_recompute(on=fixed)
        for day in (fixed - timedelta(days=7), fixed):
            snapshot_take(on=day)
        context.count("milestone snapshots", 2)


PLAN_FILE = "plan_activities.csv"


@register_loader("plan_activities", order=52)
def load_plan_activities(context: LoadContext) -> None:
    """The plan's timeline (the M10 slide) through the plan's import: every row names its slide
    (`source`, required here) and, where the slide gives no date, how its dates were derived."""
    if not context.has(PLAN_FILE):
        return
    from milestones.plan_services import EXPORT_HEADERS, plan_activities_import_rows

    columns = [c for c in EXPORT_HEADERS if c != "id"]
    rows = _with_sources(context.rows(PLAN_FILE, required=columns), "source")
    plan_activities_import_rows(actor=None, rows=rows, source=PLAN_FILE)
    context.count("plan activities", len(rows))
