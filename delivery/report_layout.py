"""A delivery report laid out as the pack prints it: only the blocks and columns that have content.

Pure over a report whose tables are prefetched (`delivery.selectors.REPORT_TABLES`): the web page
and the pack share the layout, so neither prints an empty block, an empty column or placeholder
text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from delivery.models import DeliveryReport, RaidKind
from meetings.markdown import render_markdown


def filled(rows: Iterable, names: Iterable[str]) -> set[str]:
    """The attribute names that hold a value in at least one row (the columns worth printing)."""
    rows = list(rows)
    return {name for name in names if any(getattr(row, name) not in (None, "") for row in rows)}


@dataclass
class Table:
    """Rows of one block and the columns that have content."""

    rows: list
    columns: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def has(self, name: str) -> bool:
        return name in self.columns


@dataclass
class RaidTable(Table):
    title: str = ""
    kind: str = ""


def _table(rows, names) -> Table:
    rows = list(rows)
    return Table(rows, filled(rows, names))


RAID_COLUMNS = [
    "ref",
    "movement",
    "dependency_on",
    "area",
    "rating",
    "rag",
    "action",
    "owner",
    "target",
]
RAID_BLOCKS = [
    ("Risks and issues", (RaidKind.RISK, RaidKind.ISSUE, RaidKind.RISK_OR_ISSUE)),
    ("Assumptions", (RaidKind.ASSUMPTION,)),
    ("Dependencies", (RaidKind.DEPENDENCY,)),
]


@dataclass
class ReportLayout:
    report: DeliveryReport
    progress_last_month: SafeString | str
    progress_next_month: SafeString | str
    milestones: Table
    deliverables: Table
    decisions: Table
    escalations: Table
    raid: list[RaidTable]

    @property
    def deliverable_groups(self) -> list[tuple[str, list]]:
        groups: list[tuple[str, list]] = []
        for row in self.deliverables.rows:
            if not groups or groups[-1][0] != row.group:
                groups.append((row.group, []))
            groups[-1][1].append(row)
        return groups

    @property
    def deliverable_width(self) -> int:
        """How many columns the key deliverables table prints (for its group headings)."""
        columns = self.deliverables.columns
        due = bool(columns & {"due_date", "due_note"})
        return 1 + due + len(columns & {"latest_status", "rag", "programme_milestones"})

    @property
    def has_progress(self) -> bool:
        return bool(self.progress_last_month or self.progress_next_month)

    @property
    def has_content(self) -> bool:
        """Anything to print beyond the report's heading (its RAGs count)."""
        return bool(
            self.report.has_rags
            or self.has_progress
            or self.milestones
            or self.deliverables
            or self.decisions
            or self.escalations
            or self.raid
        )


def report_layout(report: DeliveryReport) -> ReportLayout:
    items = list(report.raid_items.all())
    raid = []
    for title, kinds in RAID_BLOCKS:
        rows = [item for item in items if item.kind in kinds]
        if rows:
            columns = filled(rows, RAID_COLUMNS)
            # The type column says risk or issue only where the party said which.
            if any(item.kind in (RaidKind.RISK, RaidKind.ISSUE) for item in rows):
                columns.add("kind")
            raid.append(RaidTable(rows, columns, title=title, kind=kinds[0]))
    return ReportLayout(
        report=report,
        progress_last_month=render_markdown(report.progress_last_month)
        if report.progress_last_month.strip()
        else "",
        progress_next_month=render_markdown(report.progress_next_month)
        if report.progress_next_month.strip()
        else "",
        milestones=_table(
            report.milestones.all(), ["original_date", "forecast_date", "rag", "commentary"]
        ),
        deliverables=_table(
            report.deliverables.all(),
            ["latest_status", "due_date", "due_note", "rag", "programme_milestones"],
        ),
        decisions=_table(report.decisions.all(), ["from_whom", "by_date"]),
        escalations=_table(
            report.escalations.all(), ["to_whom", "resolution_date", "resolution_note", "owner"]
        ),
        raid=raid,
    )
