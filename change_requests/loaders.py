"""Change requests of a programme directory.

- change_requests.csv: the change-control table. Each CR's stored state is the lifecycle state
  whose derived columns print exactly the row's Latest Action / Approval Status / Current Stage.
- ia_responses_<ref>.csv: the parties that answered <ref>'s impact assessment. Its presence
  means every programme party was invited (the seed: 192 invited, 27 answered).
- ia_views_<ref>.csv: the PMO's range of views per constituency.
- ia_summary_<ref>.csv: the printed roll-up; the computed one must equal it, or nothing loads.
"""

from __future__ import annotations

import re

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
    now = timezone.now()
    by_reference = {}
    for item in parsed:
        existing = ChangeRequest.objects.filter(reference=item["reference"]).first()
        change_request, created = upsert(
            ChangeRequest,
            lookup={"reference": item["reference"]},
            values={
                **item["values"],
                "number": item["number"],
                **({} if existing else {"stage_changed_at": now}),
            },
        )
        if (
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
    now = timezone.now()
    Invitation.objects.bulk_create(
        [
            Invitation(change_request=change_request, organisation=o, invited_at=now)
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
                submitted_at=now
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
