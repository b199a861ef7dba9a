"""Change requests of a programme directory.

- change_requests.csv: the change-control table. Each CR's stored state is the lifecycle state
  whose derived columns print exactly the row's Latest Action / Approval Status / Current Stage.
- ia_responses_<ref>.csv: the parties that answered <ref>'s impact assessment. Its presence
  means every programme party was invited (the seed: 192 invited, 27 answered).
- ia_views_<ref>.csv: the PMO's range of views per constituency.
- ia_summary_<ref>.csv: the printed roll-up; the computed one must equal it, or nothing loads.
- ia_pmo_<ref>.csv (part, text[, slide]): the PMO's words beside the roll-up (objective, reasons
  for support and rejection, implementation, recommendation and rationale...), a point a row.
- cr_history.csv (ref, stage, at[, ia_opened_on, ia_deadline, slide, basis]): when each CR moved
  to each stage, oldest first, ending at the stage change_requests.csv gives it. Without it a
  CR's stage is recorded as reached when the directory is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from change_requests.lifecycle import state_for_columns
from change_requests.models import (
    ChangeRequest,
    ChangeType,
    ConstituencyView,
    Invitation,
    Recommendation,
    Response,
    ResponseStatus,
    Sentiment,
    Stage,
    StageChange,
)
from portal.importing import ImportRejected, RowProblem, collect, upsert
from portal.models import Constituency, Organisation
from portal.programme_loading import LoadContext, register_loader

CR_COLUMNS = [
    "ref",
    "title",
    "raiser_name",
    "raiser_org",
    "change_type",
    "latest_action",
    "approval_status",
    "stage",
    "implementation",
    "owner_name",
    "owner_org",
]
HISTORY_FILE = "cr_history.csv"
# The views pages print some constituencies in short form (seed README, ia_views_cr054.csv).
VIEW_CONSTITUENCY_ALIASES = {"DNO": "DNOs", "iDNO": "iDNOs", "Agents": "Ind. Agents"}


# The programme's usual types (also created by migration 0002); more are added in the admin.
DEFAULT_CHANGE_TYPES = [
    ("Full Impact Assessment", True, 1),
    ("Fast Track", False, 2),
    ("Information Only", False, 3),
]


def ensure_default_change_types() -> None:
    """A flushed database (tests that truncate tables) loses migration-created rows."""
    for name, requires_ia, position in DEFAULT_CHANGE_TYPES:
        if not ChangeType.objects.filter(name__iexact=name).exists():
            ChangeType.objects.create(
                name=name, requires_impact_assessment=requires_ia, position=position
            )


def _ia_files(context: LoadContext, kind: str) -> dict[str, str]:
    """{'CR054': 'ia_responses_cr054.csv', ...} for the files of one kind present."""
    found = {}
    for path in sorted(context.directory.glob(f"ia_{kind}_cr*.csv")):
        match = re.fullmatch(rf"ia_{kind}_(cr\d+)\.csv", path.name, flags=re.IGNORECASE)
        if match:
            found[match.group(1).upper()] = path.name
    return found


@register_loader("change-requests", order=70)
def load_change_requests(context: LoadContext) -> None:
    if not context.has("change_requests.csv"):
        return
    ensure_default_change_types()
    types = {t.name.lower(): t for t in ChangeType.objects.all()}
    organisations = {o.name: o for o in Organisation.objects.all()}

    def parse(row):
        ref = row.text("ref", required=True)
        if ref and not re.fullmatch(r"CR\d{3,}", ref):
            row.problem("ref", f"'{ref}' is not a reference like CR054")
        change_type = types.get(row.text("change_type", required=True).lower())
        if change_type is None:
            row.problem(
                "change_type",
                f"'{row.text('change_type')}' is not a configured change type "
                f"({', '.join(t.name for t in types.values())})",
            )
        state = state_for_columns(
            latest_action=row.text("latest_action", required=True),
            approval_status=row.text("approval_status", required=True),
            current_stage=row.text("stage", required=True),
        )
        if state is None:
            row.problem(
                "stage",
                "Latest Action / Approval Status / Current Stage "
                f"'{row.text('latest_action')}' / '{row.text('approval_status')}' / "
                f"'{row.text('stage')}' match no lifecycle state",
            )
        stage, recommendation, authority = state or ("", "", "")
        raiser_org = row.text("raiser_org", max_length=200)
        return {
            "number": int(ref[2:]) if ref[2:].isdigit() else None,
            "reference": ref,
            "values": {
                "title": row.text("title", required=True, max_length=300),
                "raiser_name": row.text("raiser_name", max_length=200),
                "raiser_organisation": organisations.get(raiser_org),
                "raiser_organisation_name": raiser_org,
                "change_type": change_type,
                "stage": stage,
                "board_recommendation": recommendation,
                "decision_authority": authority,
                "implementation_text": row.text("implementation", max_length=200),
                "owner_name": row.text("owner_name", max_length=200),
                "owner_organisation_name": row.text("owner_org", max_length=200),
            },
        }

    parsed = collect(context.rows("change_requests.csv", required=CR_COLUMNS), parse)
    histories = _histories(context, {item["reference"]: item["values"]["stage"] for item in parsed})
    now = timezone.now()
    by_reference = {}
    for item in parsed:
        history = histories.get(item["reference"])
        existing = ChangeRequest.objects.filter(reference=item["reference"]).first()
        dated = {}
        if history:
            dated = {
                "stage_changed_at": history.moves[-1][1],
                "ia_opened_on": history.ia_opened_on,
                "ia_deadline": history.ia_deadline,
            }
        elif not existing:
            dated = {"stage_changed_at": now}
        change_request, created = upsert(
            ChangeRequest,
            lookup={"reference": item["reference"]},
            values={**item["values"], "number": item["number"], **dated},
        )
        if history:
            _record_moves(change_request, history)
        elif (
            created
            or not change_request.stage_changes.filter(to_stage=change_request.stage).exists()
        ):
            StageChange.objects.create(
                change_request=change_request,
                from_stage="" if created else (existing.stage if existing else ""),
                to_stage=change_request.stage,
                transition="load",
                note="Loaded from the change-control table",
                at=now,
            )
        by_reference[change_request.reference] = change_request
    context.count("change requests", len(parsed))

    for reference, filename in _ia_files(context, "responses").items():
        change_request = by_reference.get(reference) or _missing_cr(filename, reference)
        _load_responses(context, change_request, filename)
    for reference, filename in _ia_files(context, "views").items():
        change_request = by_reference.get(reference) or _missing_cr(filename, reference)
        _load_views(context, change_request, filename)
    for reference, filename in _ia_files(context, "summary").items():
        change_request = by_reference.get(reference) or _missing_cr(filename, reference)
        _check_summary(context, change_request, filename)
    for reference, filename in _ia_files(context, "pmo").items():
        change_request = by_reference.get(reference) or _missing_cr(filename, reference)
        _load_pmo_summary(context, change_request, filename)


def _noon(day: date | None) -> datetime | None:
    return timezone.make_aware(datetime.combine(day, time(12, 0))) if day else None


@dataclass
class _History:
    moves: list[tuple[str, datetime]]  # (stage reached, when), oldest first
    ia_opened_on: date | None = None
    ia_deadline: date | None = None


def _histories(context: LoadContext, stages: dict[str, str]) -> dict[str, _History]:
    """cr_history.csv, checked: known CRs, stages in time order, ending at the CR's stage."""
    if not context.has(HISTORY_FILE):
        return {}

    def parse(row):
        reference = row.text("ref", required=True).upper()
        if reference and reference not in stages:
            row.problem("ref", f"{reference} is not in change_requests.csv")
        return (
            row,
            reference,
            row.choice("stage", Stage, required=True),
            row.date("at", required=True),
            row.date("ia_opened_on"),
            row.date("ia_deadline"),
        )

    rows = collect(context.rows(HISTORY_FILE, required=["ref", "stage", "at"]), parse)
    found: dict[str, _History] = {}
    problems = []
    for row, reference, stage, day, opened, deadline in rows:
        history = found.setdefault(reference, _History([]))
        if history.moves and _noon(day) < history.moves[-1][1]:
            problems.append(RowProblem(HISTORY_FILE, row.line, "at", "is before the move above"))
        history.moves.append((stage, _noon(day)))
        history.ia_opened_on = opened or history.ia_opened_on
        history.ia_deadline = deadline or history.ia_deadline
    for reference, history in found.items():
        if history.moves[-1][0] != stages[reference]:
            problems.append(
                RowProblem(
                    HISTORY_FILE,
                    0,
                    "stage",
                    f"{reference}'s history ends at '{history.moves[-1][0]}' but "
                    f"change_requests.csv puts it at '{stages[reference]}'",
                )
            )
    if problems:
        raise ImportRejected(problems)
    return found


def _record_moves(change_request: ChangeRequest, history: _History) -> None:
    """The CR's stage changes are exactly the recorded moves (a reload changes nothing)."""
    wanted = []
    previous = ""
    for stage, at in history.moves:
        wanted.append((previous, stage, at))
        previous = stage
    recorded = list(
        change_request.stage_changes.exclude(transition="create")
        .order_by("at", "pk")
        .values_list("from_stage", "to_stage", "at")
    )
    if recorded == wanted:
        return
    change_request.stage_changes.exclude(transition="create").delete()
    StageChange.objects.bulk_create(
        StageChange(
            change_request=change_request,
            from_stage=from_stage,
            to_stage=to_stage,
            transition="record",
            note=f"Recorded from {HISTORY_FILE}",
            at=at,
        )
        for from_stage, to_stage, at in wanted
    )


def _load_pmo_summary(context: LoadContext, change_request: ChangeRequest, filename: str) -> None:
    from change_requests.services import SUMMARY_PARTS, summary_update

    def parse(row):
        part = row.text("part", required=True)
        if part and part not in SUMMARY_PARTS:
            row.problem("part", f"'{part}' is not one of: {', '.join(SUMMARY_PARTS)}")
        return part, row.text("text", required=True)

    points: dict[str, list[str]] = {}
    for part, text in collect(context.rows(filename, required=["part", "text"]), parse):
        points.setdefault(part, []).append(text)
    parts = {part: "\n".join(texts) for part, texts in points.items()}
    summary = getattr(change_request, "summary", None) if change_request.pk else None
    if summary is None or any(getattr(summary, k) != v for k, v in parts.items()):
        summary_update(
            actor=None,
            change_request=change_request,
            expected_version=None,
            reason=f"Loaded from {filename}",
            **parts,
        )
    context.count("impact-assessment summary parts", len(parts))


def _missing_cr(filename, reference):
    raise ImportRejected(
        [RowProblem(filename, 0, "", f"{reference} is not in change_requests.csv")]
    )


def _load_responses(context: LoadContext, change_request: ChangeRequest, filename: str) -> None:
    parties = {
        o.name: o
        for o in Organisation.objects.filter(is_programme_party=True, active=True).select_related(
            "constituency"
        )
    }

    def parse(row):
        name = row.text("party", required=True)
        organisation = parties.get(name)
        if name and organisation is None:
            row.problem("party", f"'{name}' is not an active programme party")
        constituency = row.text("constituency", required=True)
        if organisation is not None and organisation.constituency.name != constituency:
            row.problem(
                "constituency",
                f"'{name}' is in {organisation.constituency.name}, not '{constituency}'",
            )
        recommendation = row.choice("recommendation", Recommendation, required=True)
        rationale = row.text("rationale")
        if recommendation in (Recommendation.NO, Recommendation.ABSTAIN) and not rationale:
            row.problem("rationale", "is required for No and Abstain")
        return organisation, recommendation, rationale

    answers = collect(
        context.rows(filename, required=["party", "constituency", "recommendation", "rationale"]),
        parse,
    )
    seen = set()
    problems = []
    for index, (organisation, _, _) in enumerate(answers, start=2):
        if organisation.pk in seen:
            problems.append(RowProblem(filename, index, "party", "answers twice"))
        seen.add(organisation.pk)
    if problems:
        raise ImportRejected(problems)

    invited = set(
        Invitation.objects.filter(change_request=change_request).values_list(
            "organisation_id", flat=True
        )
    )
    # Without a recorded IA window, the load is the only date known.
    invited_at = _noon(change_request.ia_opened_on) or timezone.now()
    received_by = _noon(change_request.ia_deadline) or timezone.now()
    Invitation.objects.bulk_create(
        [
            Invitation(change_request=change_request, organisation=o, invited_at=invited_at)
            for o in parties.values()
            if o.pk not in invited
        ],
        batch_size=500,
    )
    for organisation, recommendation, rationale in answers:
        response, created = upsert(
            Response,
            lookup={"change_request": change_request, "organisation": organisation},
            values={
                "status": ResponseStatus.SUBMITTED,
                "recommendation": recommendation,
                "rationale": rationale,
            },
        )
        if created:
            Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(
                submitted_at=received_by
            )
    if change_request.stage in (Stage.DRAFT, Stage.RAISED, Stage.VALIDATED):
        raise ImportRejected(
            [RowProblem(filename, 0, "", f"{change_request.reference} has not been assessed")]
        )
    context.count("impact-assessment invitations", len(parties))
    context.count("impact-assessment responses", len(answers))


def _load_views(context: LoadContext, change_request: ChangeRequest, filename: str) -> None:
    constituencies = {c.name: c for c in Constituency.objects.all()}

    def parse(row):
        name = row.text("constituency", required=True)
        constituency = constituencies.get(VIEW_CONSTITUENCY_ALIASES.get(name, name))
        if name and constituency is None:
            row.problem("constituency", f"'{name}' is not a constituency")
        sentiment = row.text("sentiment")
        if sentiment not in Sentiment.values:
            row.problem("sentiment", f"'{sentiment}' is not one of + • ‒ or empty")
        return constituency, sentiment, row.text("text", required=True)

    views = collect(context.rows(filename, required=["constituency", "sentiment", "text"]), parse)
    positions: dict[int, int] = {}
    for constituency, sentiment, text in views:
        positions[constituency.pk] = positions.get(constituency.pk, 0) + 1
        upsert(
            ConstituencyView,
            lookup={
                "change_request": change_request,
                "constituency": constituency,
                "position": positions[constituency.pk],
            },
            values={"sentiment": sentiment, "text": text},
        )
    context.count("impact-assessment views", len(views))


def _check_summary(context: LoadContext, change_request: ChangeRequest, filename: str) -> None:
    from change_requests.selectors import ia_rollup, ia_rollup_csv_rows

    def parse(row):
        return (
            row.text("constituency", required=True),
            row.integer("yes", required=True, minimum=0),
            row.integer("no", required=True, minimum=0),
            row.integer("abstain", required=True, minimum=0),
            row.integer("no_reply", required=True, minimum=0),
        )

    printed = collect(
        context.rows(filename, required=["constituency", "yes", "no", "abstain", "no_reply"]),
        parse,
    )
    computed = ia_rollup_csv_rows(ia_rollup(change_request))
    if printed != computed:
        differences = [
            RowProblem(filename, line, "", f"printed {p} but the responses give {c}")
            for line, (p, c) in enumerate(zip(printed, computed, strict=False), start=2)
            if p != c
        ] or [RowProblem(filename, 0, "", "row count differs from the computed roll-up")]
        raise ImportRejected(differences)
