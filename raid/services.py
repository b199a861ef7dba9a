"""Writes to the RAID log: atomic, validated, versioned and recorded in history.

`history_date` lets a loader record when a state really held (the demo dates scores before
the last PSG, so "movement since the last PSG" is computed from history like any other);
interactive edits never pass it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Upper

from portal.concurrency import claim_version
from portal.history import history_context, mark_change
from portal.permissions import ensure
from raid.models import (
    TYPE_PREFIX,
    MitigationStep,
    RaidItem,
    RaidType,
    Status,
    StepState,
    Theme,
)
from raid.scoring import ScoringConfig, ScoringError
from raid.selectors import scoring_config

# Fields a PMO edit form may change directly; scores go through raid_item_rescore's rules.
EDITABLE_FIELDS = {
    "title",
    "description",
    "theme",
    "owner_person",
    "owner_organisation",
    "owner_text",
    "raised_by",
    "raised_by_text",
    "classification",
    "proximity_date",
    "due_text",
    "source",
    "type",
    "reference",
    "printed_reference",
    "stated_band_text",
}


def _check_actor(actor, action: str = "raid.edit") -> None:
    if actor is not None:
        ensure(actor, action)


def _save(item, *, actor, reason: str, history_date: datetime | None) -> None:
    item.full_clean()
    mark_change(item, actor=actor, reason=reason)
    if history_date is not None:
        item._history_date = history_date
    item.save()
    if history_date is not None:
        del item._history_date


def _reference_taken(reference: str, *, exclude_pk: int | None = None) -> bool:
    matches = RaidItem.objects.annotate(ref_upper=Upper("reference")).filter(
        ref_upper=reference.upper()
    )
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    return matches.exists()


def apply_score(
    item: RaidItem,
    config: ScoringConfig,
    *,
    likelihood: int | None,
    impact: int | None,
    score: int | None,
    stated_band: str = "",
) -> None:
    """Set the current score from likelihood and impact, or record a score (or band) given
    directly. Raises ValidationError for inconsistent input."""
    if (likelihood is None) != (impact is None):
        raise ValidationError({"impact": "Give both likelihood and impact, or neither."})
    if likelihood is not None:
        try:
            computed = config.score(likelihood, impact)
        except ScoringError as exc:
            raise ValidationError({"likelihood": str(exc)}) from None
        if score is not None and score != computed:
            raise ValidationError(
                {
                    "current_score": (
                        f"Likelihood {likelihood} and impact {impact} score {computed} in the "
                        f"matrix, not {score}. Give likelihood and impact, or a score alone."
                    )
                }
            )
        item.likelihood, item.impact, item.current_score = likelihood, impact, computed
        item.score_given_directly = False
        item.stated_band = ""
        return
    item.likelihood = item.impact = None
    item.current_score = score
    if score is not None:
        band = config.band(score)
        if stated_band and band != stated_band:
            raise ValidationError(
                {"stated_band": f"A score of {score} is {band}, not {stated_band}."}
            )
        item.stated_band = ""
    else:
        item.stated_band = stated_band
    item.score_given_directly = score is not None or bool(stated_band)


@dataclass
class StepSpec:
    text: str
    owner_text: str = ""
    owner_person: object = None
    due_date: date | None = None
    state: str = StepState.NOT_STARTED


@transaction.atomic
def raid_item_create(
    *,
    actor=None,
    reference: str,
    type: str,
    title: str,
    description: str = "",
    theme: Theme | None = None,
    owner_person=None,
    owner_organisation=None,
    owner_text: str = "",
    raised_by=None,
    raised_by_text: str = "",
    classification: str = "restricted",
    likelihood: int | None = None,
    impact: int | None = None,
    current_score: int | None = None,
    stated_band: str = "",
    stated_band_text: str = "",
    initial_score: int | None = None,
    target_score: int | None = None,
    proximity_date: date | None = None,
    due_text: str = "",
    source: str = "",
    printed_reference: str = "",
    status: str = Status.OPEN,
    closure_reason: str = "",
    milestones: list | None = None,
    steps: list[StepSpec] | None = None,
    reason: str = "Created",
    history_date: datetime | None = None,
    recorded_from: date | None = None,
    initial_from_current: bool = True,
    config: ScoringConfig | None = None,
) -> RaidItem:
    """Create an item. Raised in the portal, its initial score is its score now; an import
    (`initial_from_current=False`) records only the initial score its source states."""
    _check_actor(actor)
    reference = reference.strip()
    if _reference_taken(reference):
        raise ValidationError({"reference": f"{reference} is already in the RAID log."})
    item = RaidItem(
        reference=reference,
        printed_reference=printed_reference,
        type=type,
        title=title,
        description=description,
        theme=theme,
        owner_person=owner_person,
        owner_organisation=owner_organisation,
        owner_text=owner_text,
        raised_by=raised_by,
        raised_by_text=raised_by_text,
        classification=classification,
        recorded_from=recorded_from,
        target_score=target_score,
        proximity_date=proximity_date,
        due_text=due_text,
        source=source,
        stated_band_text=stated_band_text,
        status=status,
        closure_reason=closure_reason,
    )
    apply_score(
        item,
        config or scoring_config(),
        likelihood=likelihood,
        impact=impact,
        score=current_score,
        stated_band=stated_band,
    )
    item.initial_score = initial_score
    if initial_score is None and initial_from_current:
        item.initial_score = item.current_score
    _save(item, actor=actor, reason=reason, history_date=history_date)
    if milestones:
        with history_context(actor=actor, reason=reason):
            item.milestones.set(milestones)
    for position, spec in enumerate(steps or [], start=1):
        _step_create(item, position, spec, actor=actor, reason=reason, history_date=history_date)
    return item


@transaction.atomic
def raid_item_update(
    *,
    actor=None,
    item: RaidItem,
    expected_version: int | None,
    reason: str = "",
    history_date: datetime | None = None,
    milestones: list | None = None,
    **changes,
) -> RaidItem:
    """Change descriptive fields (not the score: see raid_item_rescore)."""
    _check_actor(actor)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"raid_item_update cannot change {', '.join(sorted(unknown))}")
    claim_version(item, expected_version=expected_version)
    if "reference" in changes and _reference_taken(changes["reference"], exclude_pk=item.pk):
        raise ValidationError({"reference": f"{changes['reference']} is already in the RAID log."})
    for key, value in changes.items():
        setattr(item, key, value)
    _save(item, actor=actor, reason=reason, history_date=history_date)
    if milestones is not None:
        with history_context(actor=actor, reason=reason):
            item.milestones.set(milestones)
    return item


@transaction.atomic
def raid_item_rescore(
    *,
    actor=None,
    item: RaidItem,
    expected_version: int | None,
    likelihood: int | None = None,
    impact: int | None = None,
    score: int | None = None,
    stated_band: str = "",
    target_score: int | None = None,
    initial_score: int | None = None,
    reason: str = "",
    history_date: datetime | None = None,
    config: ScoringConfig | None = None,
) -> RaidItem:
    """Re-score from likelihood and impact (or a score given directly)."""
    _check_actor(actor)
    claim_version(item, expected_version=expected_version)
    apply_score(
        item,
        config or scoring_config(),
        likelihood=likelihood,
        impact=impact,
        score=score,
        stated_band=stated_band,
    )
    if target_score is not None:
        item.target_score = target_score
    if initial_score is not None:
        item.initial_score = initial_score
    _save(item, actor=actor, reason=reason or "Re-scored", history_date=history_date)
    return item


@transaction.atomic
def raid_item_close(
    *,
    actor=None,
    item: RaidItem,
    expected_version: int | None,
    closure_reason: str,
    history_date: datetime | None = None,
) -> RaidItem:
    _check_actor(actor)
    claim_version(item, expected_version=expected_version)
    if item.status != Status.OPEN:
        raise ValidationError("Only an open item can be closed.")
    item.status = Status.CLOSED
    item.closure_reason = closure_reason.strip()
    _save(item, actor=actor, reason=f"Closed: {item.closure_reason}", history_date=history_date)
    return item


@transaction.atomic
def raid_item_reopen(
    *, actor=None, item: RaidItem, expected_version: int | None, reason: str
) -> RaidItem:
    _check_actor(actor)
    claim_version(item, expected_version=expected_version)
    if item.status != Status.CLOSED:
        raise ValidationError("Only a closed item can be reopened.")
    item.status = Status.OPEN
    _save(item, actor=actor, reason=reason or "Reopened", history_date=None)
    return item


@transaction.atomic
def raid_item_convert(
    *,
    actor=None,
    item: RaidItem,
    expected_version: int | None,
    new_reference: str,
    reason: str = "",
) -> RaidItem:
    """A risk that materialised becomes an issue: a new issue carrying the risk's content,
    scores and open mitigation steps, linked both ways (risk.converted_to, issue.converted_from).
    """
    _check_actor(actor)
    claim_version(item, expected_version=expected_version)
    if item.type != RaidType.RISK or item.status != Status.OPEN:
        raise ValidationError("Only an open risk can be converted into an issue.")
    if not new_reference.strip():
        raise ValidationError({"new_reference": "Give the new issue a reference."})
    issue = raid_item_create(
        actor=actor,
        reference=new_reference,
        type=RaidType.ISSUE,
        title=item.title,
        description=item.description,
        theme=item.theme,
        owner_person=item.owner_person,
        owner_organisation=item.owner_organisation,
        owner_text=item.owner_text,
        raised_by=item.raised_by,
        raised_by_text=item.raised_by_text,
        classification=item.classification,
        likelihood=item.likelihood,
        impact=item.impact,
        current_score=item.current_score,
        stated_band=item.stated_band,
        target_score=item.target_score,
        proximity_date=item.proximity_date,
        due_text=item.due_text,
        milestones=list(item.milestones.all()),
        steps=[
            StepSpec(s.text, s.owner_text, s.owner_person, s.due_date, s.state)
            for s in item.steps.exclude(state__in=[StepState.DONE, StepState.CANCELLED])
        ],
        reason=f"Converted from {item.reference}" + (f": {reason}" if reason else ""),
    )
    item.status = Status.CONVERTED
    item.converted_to = issue
    item.closure_reason = f"Materialised as {issue.reference}" + (f": {reason}" if reason else "")
    _save(item, actor=actor, reason=f"Converted to {issue.reference}", history_date=None)
    return issue


# Mitigation steps ------------------------------------------------------------------------


def _step_create(item, position, spec: StepSpec, *, actor, reason, history_date):
    step = MitigationStep(
        item=item,
        position=position,
        text=spec.text,
        owner_text=spec.owner_text,
        owner_person=spec.owner_person,
        due_date=spec.due_date,
        state=spec.state,
    )
    _save(step, actor=actor, reason=reason, history_date=history_date)
    return step


@transaction.atomic
def mitigation_step_add(
    *,
    actor=None,
    item: RaidItem,
    text: str,
    owner_text: str = "",
    owner_person=None,
    due_date: date | None = None,
    state: str = StepState.NOT_STARTED,
) -> MitigationStep:
    _check_actor(actor)
    # Lock the item so two people adding steps at once get distinct positions.
    RaidItem.objects.select_for_update().filter(pk=item.pk).first()
    last = item.steps.order_by("-position").values_list("position", flat=True).first() or 0
    return _step_create(
        item,
        last + 1,
        StepSpec(text, owner_text, owner_person, due_date, state),
        actor=actor,
        reason="Mitigation step added",
        history_date=None,
    )


@transaction.atomic
def mitigation_step_update(
    *,
    actor=None,
    step: MitigationStep,
    expected_version: int | None,
    text: str | None = None,
    owner_text: str | None = None,
    owner_person=None,
    due_date: date | None = None,
    state: str | None = None,
    reason: str = "",
) -> MitigationStep:
    _check_actor(actor)
    claim_version(step, expected_version=expected_version)
    if text is not None:
        step.text = text
    if owner_text is not None:
        step.owner_text = owner_text
    step.owner_person = owner_person if owner_person is not None else step.owner_person
    step.due_date = due_date
    if state is not None:
        step.state = state
    _save(step, actor=actor, reason=reason or "Mitigation step updated", history_date=None)
    return step


@transaction.atomic
def mitigation_step_move(*, actor=None, step: MitigationStep, offset: int) -> MitigationStep:
    """Move a step up (-1) or down (+1) in its plan, swapping with its neighbour."""
    _check_actor(actor)
    steps = list(
        MitigationStep.objects.select_for_update().filter(item_id=step.item_id).order_by("position")
    )
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index + offset
    if offset not in (-1, 1) or not 0 <= other < len(steps):
        return step
    first, second = steps[index], steps[other]
    positions = (first.position, second.position)
    with history_context(actor=actor, reason="Mitigation plan reordered"):
        # Park one step outside the range so the unique (item, position) holds throughout.
        MitigationStep.objects.filter(pk=first.pk).update(position=0)
        MitigationStep.objects.filter(pk=second.pk).update(position=positions[0])
        MitigationStep.objects.filter(pk=first.pk).update(position=positions[1])
        MitigationStep.objects.filter(pk__in=[first.pk, second.pk]).update(version=F("version") + 1)
    step.refresh_from_db()
    return step


@transaction.atomic
def mitigation_step_delete(*, actor=None, step: MitigationStep, reason: str = "") -> None:
    _check_actor(actor)
    item_id, position = step.item_id, step.position
    mark_change(step, actor=actor, reason=reason or "Mitigation step removed")
    step.delete()
    with history_context(actor=actor, reason="Mitigation plan renumbered"):
        for later in MitigationStep.objects.filter(item_id=item_id, position__gt=position).order_by(
            "position"
        ):
            MitigationStep.objects.filter(pk=later.pk).update(position=later.position - 1)


def mitigation_steps_replace(
    *, actor, item: RaidItem, specs: list[StepSpec], reason: str, history_date=None
) -> bool:
    """Make the plan exactly `specs` (imports); returns whether anything changed."""
    current = list(item.steps.order_by("position"))
    same = len(current) == len(specs) and all(
        (s.text, s.owner_text, s.due_date, s.state)
        == (spec.text, spec.owner_text, spec.due_date, spec.state)
        for s, spec in zip(current, specs, strict=True)
    )
    if same:
        return False
    with history_context(actor=actor, reason=reason):
        for step in current:
            mark_change(step, actor=actor, reason=reason)
            step.delete()
    for position, spec in enumerate(specs, start=1):
        _step_create(item, position, spec, actor=actor, reason=reason, history_date=history_date)
    return True


# Themes ----------------------------------------------------------------------------------


@transaction.atomic
def theme_create(
    *,
    actor=None,
    name: str,
    summary: str = "",
    mitigation_approach: str = "",
    headline: str = "",
    position: int | None = None,
) -> Theme:
    _check_actor(actor)
    if Theme.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": f"There is already a theme called {name}."})
    if position is None:
        position = (
            Theme.objects.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
    theme = Theme(
        name=name.strip(),
        summary=summary,
        mitigation_approach=mitigation_approach,
        headline=headline,
        position=position,
    )
    _save(theme, actor=actor, reason="Theme created", history_date=None)
    return theme


def theme_get_or_create(*, actor=None, name: str) -> Theme:
    theme = Theme.objects.filter(name__iexact=name.strip()).first()
    return theme or theme_create(actor=actor, name=name)


@transaction.atomic
def theme_update(
    *,
    actor=None,
    theme: Theme,
    expected_version: int | None,
    name: str,
    summary: str,
    mitigation_approach: str,
    position: int,
    headline: str | None = None,
    reason: str = "",
) -> Theme:
    _check_actor(actor)
    claim_version(theme, expected_version=expected_version)
    if Theme.objects.filter(name__iexact=name.strip()).exclude(pk=theme.pk).exists():
        raise ValidationError({"name": f"There is already a theme called {name}."})
    theme.name = name.strip()
    theme.summary = summary
    theme.mitigation_approach = mitigation_approach
    if headline is not None:
        theme.headline = headline
    theme.position = position
    _save(theme, actor=actor, reason=reason or "Theme edited", history_date=None)
    return theme


def generated_reference(type_: str, code: str, number: str | int) -> str:
    """A reference for an item whose source printed none (or one without the type letter)."""
    return f"{TYPE_PREFIX[type_]}-{code}-{number}"


# Scoring configuration -------------------------------------------------------------------


@transaction.atomic
def scoring_update(
    *,
    actor=None,
    matrix: dict[tuple[int, int], int],
    bands: list[tuple[str, int, int]],
    reason: str = "",
) -> int:
    """Replace the matrix cells' scores and the band ranges, then re-score every item that has
    likelihood and impact (set-based, with history). Returns how many items were re-scored."""
    from raid.models import ScoreBand, ScoreCell
    from raid.scoring import validate_bands, validate_matrix

    _check_actor(actor)
    problems = validate_matrix(matrix) + validate_bands(bands)
    existing = set(ScoreCell.objects.values_list("likelihood", "impact"))
    if existing and set(matrix) != existing:
        problems.append("The matrix must keep its likelihood and impact scales.")
    if problems:
        raise ValidationError(problems)
    reason = reason or "Scoring matrix changed"
    with history_context(actor=actor, reason=reason):
        for cell in ScoreCell.objects.select_for_update():
            if cell.score != matrix[(cell.likelihood, cell.impact)]:
                ScoreCell.objects.filter(pk=cell.pk).update(
                    score=matrix[(cell.likelihood, cell.impact)]
                )
        for band, low, high in bands:
            ScoreBand.objects.filter(band=band).exclude(min_score=low, max_score=high).update(
                min_score=low, max_score=high
            )
        rescored = 0
        for (likelihood, impact), score in matrix.items():
            rescored += (
                RaidItem.objects.filter(likelihood=likelihood, impact=impact)
                .exclude(current_score=score)
                .update(current_score=score, version=F("version") + 1)
            )
    return rescored
