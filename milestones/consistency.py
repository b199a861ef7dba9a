"""The milestone register's rules for the pack's pre-publish check: pure functions of plain rows,
each returning `portal.findings.Finding`s (the selector `milestones.selectors.check_rows` builds
the rows; `milestones.selectors.prepublish_findings` runs everything for a reporting date).

Rules (codes are stable; the PMO reads the message and decides, nothing blocks):

* ``milestone_commentary_contradicts_rag`` (contradiction): the commentary states a status that
  the displayed RAG denies. What it states is read by `classify` from a small table of phrases
  (`PHRASES`); the first phrase in the text wins, because commentary leads with its status
  ("Date at risk because…", "Date will be missed due to…", "On track"). Negations are phrases
  of their own ("not on track", "will not be met", "no longer at risk"), so "on track" inside
  "not on track" never counts. Expected RAGs:

      complete          C
      on track          G or C (an on-track milestone may since have completed)
      at risk           A or R
      will be missed    R; or A while the forecast has not moved (next rule)

* ``milestone_missed_without_new_forecast`` (gap): the commentary says the date will be missed,
  but the forecast still equals (or precedes) the baseline, so the RAG can show only the PMO's
  at-risk flag (Amber). Enter the new forecast (a reforecast) and the RAG shows the slip.
* ``milestone_commentary_stale`` (gap): the forecast moved (latest reforecast) after the
  commentary last changed, and the commentary is at least `stale_weeks` weeks old on the
  reporting date (default `settings.MILESTONE_STALE_COMMENTARY_WEEKS`, 4).
* ``milestone_no_commentary`` (gap): open, past its baseline date, and no commentary.
* ``milestone_no_owner`` (gap): open, and neither a responsible person/team nor organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from portal.findings import Finding, Severity

RAG_WORDS = {"R": "Red", "A": "Amber", "G": "Green", "C": "Complete", "": "not computed"}
# What each rule is called on the pack page.
RULES = {
    "milestone_commentary_contradicts_rag": "Milestones whose commentary contradicts their RAG",
    "milestone_missed_without_new_forecast": "Milestones said to miss their date, no new forecast",
    "milestone_commentary_stale": "Milestone commentary unchanged while the forecast moved",
    "milestone_no_commentary": "Milestones past their baseline date with no commentary",
    "milestone_no_owner": "Open milestones without a responsible owner",
}


class Status(StrEnum):
    COMPLETE = "complete"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    MISSED = "will be missed"


# (pattern, status); status None marks a negation that states nothing by itself (so the words
# it contains, e.g. "complete" in "not yet complete", are not read as a status).
_PHRASE_TABLE: list[tuple[str, Status | None]] = [
    # will be missed / missed / off track / red
    (r"(?:has been|have been|was|were|is|are|will be|would be) missed", Status.MISSED),
    (r"missed", Status.MISSED),
    (r"(?:will|would|can|could) not be (?:met|achieved|delivered|completed)", Status.MISSED),
    (r"(?:won't|cannot|can't) be (?:met|achieved|delivered)", Status.MISSED),
    (r"(?:has not been|have not been|was not|were not|not) (?:met|achieved)", Status.MISSED),
    (r"off[ -]track", Status.MISSED),
    (r"(?:not|no longer) on[ -]track", Status.MISSED),
    (r"(?:status|rag)(?: as| is| remains| now)? red", Status.MISSED),
    (r"will not be missed", None),
    # at risk / amber
    (r"at[ -]risk", Status.AT_RISK),
    (r"(?:not|no longer) at[ -]risk", Status.ON_TRACK),
    (r"increased risk", Status.AT_RISK),
    (r"risk to (?:the )?(?:date|completion|milestone|delivery)", Status.AT_RISK),
    (r"no (?:risk|issue)s? to", None),
    (r"(?:may|might) not be (?:met|achieved|ready|delivered|completed)", Status.AT_RISK),
    (r"(?:status|rag)(?: as| is| remains| now)? amber", Status.AT_RISK),
    # on track / green
    (r"on[ -]track", Status.ON_TRACK),
    (r"on (?:schedule|target)", Status.ON_TRACK),
    (r"(?:status|rag)(?: as| is| remains| now)? green", Status.ON_TRACK),
    # complete
    (r"^\W*(?:complete|completed|achieved|delivered|approved|done)", Status.COMPLETE),
    (r"milestone (?:has been |was |is )?(?:complete|completed|achieved|met)", Status.COMPLETE),
    (r"(?:has been|have been|was|were|is now) (?:completed|achieved|delivered)", Status.COMPLETE),
    (r"not (?:yet )?(?:been )?(?:complete|completed|achieved|approved|delivered)", None),
    (r"incomplete", None),
]
PHRASES = [
    (re.compile(rf"(?<![\w-]){pattern}(?![\w-])", re.IGNORECASE), status)
    for pattern, status in _PHRASE_TABLE
]


@dataclass(frozen=True)
class Statement:
    """What a commentary says about the milestone's status, and the words that say it."""

    status: Status
    words: str


def classify(commentary: str) -> Statement | None:
    """The status the commentary states first, or None if it states none."""
    matches = []
    for pattern, status in PHRASES:
        for match in pattern.finditer(commentary or ""):
            matches.append((match.start(), -(match.end() - match.start()), match, status))
    matches.sort(key=lambda m: (m[0], m[1]))
    covered_to = -1
    for start, _, match, status in matches:
        if start < covered_to:
            continue  # inside a longer phrase already read (e.g. "on track" in "not on track")
        covered_to = match.end()
        if status is not None:
            return Statement(status, match.group(0).strip())
    return None


@dataclass(frozen=True)
class ForecastMove:
    old_date: date
    new_date: date
    changed_at: datetime


@dataclass(frozen=True)
class MilestoneCheckRow:
    """One milestone as the pack prints it, with the history the rules need."""

    reference: str
    title: str
    baseline_date: date
    forecast_date: date
    completed_on: date | None
    responsible: str
    responsible_organisation: str
    commentary: str
    rag: str  # displayed RAG at the reporting date (the override where there is one)
    rag_reason: str = ""
    commentary_changed_at: datetime | None = None  # latest change of the commentary
    last_reforecast: ForecastMove | None = None
    url: str = ""


def _open(row: MilestoneCheckRow, on: date) -> bool:
    return row.completed_on is None or row.completed_on > on


def _finding(code: str, severity: Severity, row: MilestoneCheckRow, message: str) -> Finding:
    return Finding(code, severity, row.reference, message, row.url)


def _rag_words(row: MilestoneCheckRow) -> str:
    why = row.rag_reason.strip().rstrip(".")
    reason = f" ({why})" if why else ""
    return f"{RAG_WORDS.get(row.rag, row.rag)}{reason}"


def commentary_contradiction(row: MilestoneCheckRow) -> Finding | None:
    """The commentary's stated status against the displayed RAG."""
    said = classify(row.commentary)
    if said is None:
        return None
    quoted = f"The commentary says “{said.words}”"
    if said.status is Status.MISSED and row.rag == "A" and row.forecast_date <= row.baseline_date:
        return _finding(
            "milestone_missed_without_new_forecast",
            Severity.GAP,
            row,
            f"{quoted}, but the forecast date ({row.forecast_date:%d/%m/%y}) has not moved "
            "from the baseline, so the RAG can only show it at risk (Amber). Enter the new "
            "forecast date, or correct the commentary.",
        )
    allowed = {
        Status.COMPLETE: {"C"},
        Status.ON_TRACK: {"G", "C"},
        Status.AT_RISK: {"A", "R"},
        Status.MISSED: {"A", "R"},
    }[said.status]
    if row.rag in allowed:
        return None
    fix = {
        Status.COMPLETE: "Record the completion date, or correct the commentary.",
        Status.ON_TRACK: "Update the commentary, or the facts behind the RAG.",
        Status.AT_RISK: "Flag it at risk (with the reason), or correct the commentary.",
        Status.MISSED: "Enter the new forecast date or flag it at risk, or correct the commentary.",
    }[said.status]
    return _finding(
        "milestone_commentary_contradicts_rag",
        Severity.CONTRADICTION,
        row,
        f"{quoted}, but its RAG is {_rag_words(row)}. {fix}",
    )


def stale_commentary(row: MilestoneCheckRow, *, reporting_date: date, weeks: int) -> Finding | None:
    """The forecast moved after the commentary last changed, and the commentary is old."""
    moved, written = row.last_reforecast, row.commentary_changed_at
    if moved is None or written is None or not row.commentary.strip():
        return None
    age_days = (reporting_date - written.date()).days
    if written >= moved.changed_at or age_days < weeks * 7:
        return None
    return _finding(
        "milestone_commentary_stale",
        Severity.GAP,
        row,
        f"The forecast moved from {moved.old_date:%d/%m/%y} to {moved.new_date:%d/%m/%y} on "
        f"{moved.changed_at:%d/%m/%y}, but the commentary has not changed since "
        f"{written:%d/%m/%y} ({age_days // 7} weeks before the reporting date). "
        "Say what the new date rests on.",
    )


def past_baseline_without_commentary(
    row: MilestoneCheckRow, *, reporting_date: date
) -> Finding | None:
    if row.commentary.strip() or row.baseline_date >= reporting_date:
        return None
    if not _open(row, reporting_date):
        return None
    return _finding(
        "milestone_no_commentary",
        Severity.GAP,
        row,
        f"Its baseline date ({row.baseline_date:%d/%m/%y}) has passed, it is not complete, and "
        "it has no commentary. Say where it stands, or record its completion.",
    )


def without_owner(row: MilestoneCheckRow, *, reporting_date: date) -> Finding | None:
    if row.responsible.strip() or row.responsible_organisation.strip():
        return None
    if not _open(row, reporting_date):
        return None
    return _finding(
        "milestone_no_owner",
        Severity.GAP,
        row,
        "No one is responsible for it: name the responsible person, team or organisation.",
    )


def milestone_findings(
    *, rows: list[MilestoneCheckRow], reporting_date: date, stale_weeks: int = 4
) -> list[Finding]:
    """Every finding of every rule, in the rows' order (the register's: baseline, reference)."""
    if stale_weeks < 1:
        raise ValueError("stale_weeks must be at least 1")
    findings: list[Finding] = []
    for row in rows:
        for finding in (
            commentary_contradiction(row),
            stale_commentary(row, reporting_date=reporting_date, weeks=stale_weeks),
            past_baseline_without_commentary(row, reporting_date=reporting_date),
            without_owner(row, reporting_date=reporting_date),
        ):
            if finding is not None:
                findings.append(finding)
    return findings
