"""The RAID log: risks, assumptions, issues and dependencies, grouped into themes.

An item's score is a cell of a configurable likelihood x impact ranking matrix (`ScoreCell`),
banded by configurable ranges (`ScoreBand`); `raid.scoring` holds the pure rules and
docs/raid-scoring.md the defaults. Where a source gives only a score (or only a band) the item
records that it was given directly (`score_given_directly`), with no likelihood or impact.

References keep the case they were printed in (the pack prints both "i191" and "I183"), but
are unique and looked up case-insensitively, and their first letter must match the type.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from portal.concurrency import Versioned
from portal.history import GovernedQuerySet, governed_history
from portal.models import Classification  # noqa: F401  (re-exported for this app's callers)

SCORE_MIN, SCORE_MAX = 1, 30
score_validators = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
scale_validators = [MinValueValidator(1), MaxValueValidator(10)]


class RaidType(models.TextChoices):
    RISK = "risk", "Risk"
    ASSUMPTION = "assumption", "Assumption"
    ISSUE = "issue", "Issue"
    DEPENDENCY = "dependency", "Dependency"


TYPE_PREFIX = {
    RaidType.RISK: "R",
    RaidType.ASSUMPTION: "A",
    RaidType.ISSUE: "I",
    RaidType.DEPENDENCY: "D",
}
PREFIX_TYPE = {prefix: raid_type for raid_type, prefix in TYPE_PREFIX.items()}


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    CONVERTED = "converted", "Converted"


class Band(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class StepState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ScoreCell(models.Model):
    """One cell of the scoring matrix: the score for a likelihood and an impact."""

    likelihood = models.PositiveSmallIntegerField(validators=scale_validators)
    impact = models.PositiveSmallIntegerField(validators=scale_validators)
    score = models.PositiveSmallIntegerField(validators=score_validators)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["-likelihood", "impact"]
        constraints = [
            models.UniqueConstraint(fields=["likelihood", "impact"], name="raid_cell_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX),
                name="raid_cell_score_1_to_30",
            ),
        ]

    def __str__(self):
        return f"L{self.likelihood} x I{self.impact} = {self.score}"


class ScoreBand(models.Model):
    """A band and the inclusive score range that falls in it."""

    band = models.CharField(max_length=10, choices=Band.choices, unique=True)
    min_score = models.PositiveSmallIntegerField(validators=score_validators)
    max_score = models.PositiveSmallIntegerField(validators=score_validators)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["-min_score"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_score__lte=models.F("max_score")), name="raid_band_range_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.get_band_display()} {self.min_score}-{self.max_score}"


class Theme(Versioned):
    """A RAID theme, as on the pack's appendix theme slides."""

    name = models.CharField(max_length=200, unique=True)
    position = models.PositiveIntegerField(default=0, help_text="Order on the theme slides")
    summary = models.TextField(blank=True)
    mitigation_approach = models.TextField(
        blank=True, help_text="Overview of how the theme's items are being mitigated"
    )
    headline = models.TextField(
        blank=True,
        help_text="One paragraph on where the theme stands, for the RAID summary's key themes",
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class RaidItem(Versioned):
    reference = models.CharField(
        max_length=30,
        help_text="Unique; first letter R, A, I or D matching the type. Case kept as printed.",
    )
    printed_reference = models.CharField(
        max_length=30,
        blank=True,
        help_text="The identifier as printed by the source, when it is not a valid reference",
    )
    type = models.CharField(max_length=12, choices=RaidType.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_raid_items",
    )
    owner_organisation = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_raid_items",
    )
    owner_text = models.CharField(
        max_length=200,
        blank=True,
        help_text="Owner as printed, when not a known person or organisation",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_raid_items",
    )
    raised_by_text = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closure_reason = models.TextField(blank=True)
    converted_to = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="converted_from",
        help_text="The issue this risk became when it materialised",
    )
    classification = models.CharField(
        max_length=10, choices=Classification.choices, default=Classification.RESTRICTED
    )

    likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=scale_validators
    )
    impact = models.PositiveSmallIntegerField(null=True, blank=True, validators=scale_validators)
    initial_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=score_validators
    )
    current_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=score_validators
    )
    target_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=score_validators
    )
    score_given_directly = models.BooleanField(
        default=False,
        help_text="The current score (or band) was stated without likelihood and impact",
    )
    stated_band = models.CharField(
        max_length=10,
        choices=Band.choices,
        blank=True,
        help_text="Band stated by the source when no score was given",
    )
    stated_band_text = models.CharField(
        max_length=40, blank=True, help_text="The band exactly as the source printed it"
    )

    proximity_date = models.DateField(
        null=True, blank=True, help_text="When the risk may occur, or the target date"
    )
    due_text = models.CharField(
        max_length=200, blank=True, help_text="Target as printed, e.g. 'Q3 2024' or 'M10'"
    )
    milestones = models.ManyToManyField(
        "milestones.Milestone",
        blank=True,
        related_name="raid_items",
        help_text="Milestones this item threatens or depends on",
    )
    source = models.TextField(blank=True, help_text="Where the item came from")
    recorded_from = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "The register holds this item's states from this date only (it was imported "
            "without its earlier history): movement before it is unknown, not 'new'"
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GovernedQuerySet.as_manager()
    # No updated_at column: the history says when (and portal.history diffs every column).
    history = governed_history(m2m_fields=[milestones])

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(Upper("reference"), name="raid_reference_unique_ci"),
            models.CheckConstraint(
                condition=(
                    (Q(type="risk") & Q(reference__istartswith="R"))
                    | (Q(type="assumption") & Q(reference__istartswith="A"))
                    | (Q(type="issue") & Q(reference__istartswith="I"))
                    | (Q(type="dependency") & Q(reference__istartswith="D"))
                ),
                name="raid_reference_prefix_matches_type",
            ),
            models.CheckConstraint(
                condition=(Q(likelihood__isnull=True) & Q(impact__isnull=True))
                | (Q(likelihood__isnull=False) & Q(impact__isnull=False)),
                name="raid_likelihood_and_impact_together",
            ),
            models.CheckConstraint(
                condition=Q(score_given_directly=True)
                | Q(likelihood__isnull=False)
                | Q(current_score__isnull=True),
                name="raid_score_from_matrix_or_direct",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closure_reason=""),
                name="raid_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="converted") | Q(converted_to__isnull=False),
                name="raid_converted_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(converted_to=models.F("id")), name="raid_not_converted_to_self"
            ),
            models.CheckConstraint(
                condition=Q(current_score__isnull=True)
                | (Q(current_score__gte=SCORE_MIN) & Q(current_score__lte=SCORE_MAX)),
                name="raid_current_score_1_to_30",
            ),
        ]
        indexes = [
            models.Index(fields=["classification", "status"], name="raid_item_visible_idx"),
            models.Index(fields=["current_score"], name="raid_item_score_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def prefix(self) -> str:
        return TYPE_PREFIX[self.type]

    @property
    def owner_display(self) -> str:
        if self.owner_person_id:
            return str(self.owner_person)
        if self.owner_organisation_id:
            return str(self.owner_organisation)
        return self.owner_text

    def clean(self):
        errors = {}
        prefix = TYPE_PREFIX.get(self.type)
        if self.reference and prefix and self.reference[:1].upper() != prefix:
            errors["reference"] = (
                f"A {self.get_type_display().lower()} reference starts with {prefix} "
                f"(for example {prefix}123)."
            )
        if (self.likelihood is None) != (self.impact is None):
            errors["impact"] = "Give both likelihood and impact, or neither."
        if self.status == Status.CLOSED and not self.closure_reason.strip():
            errors["closure_reason"] = "Say why the item is closed."
        if self.status == Status.CONVERTED and self.converted_to_id is None:
            errors["converted_to"] = "A converted item links to the item it became."
        if self.converted_to_id and self.converted_to_id == self.pk:
            errors["converted_to"] = "An item cannot be converted into itself."
        if errors:
            raise ValidationError(errors)


class MitigationStep(Versioned):
    """One numbered step of an item's mitigation plan."""

    item = models.ForeignKey(RaidItem, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    text = models.TextField()
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raid_steps",
    )
    owner_text = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=12, choices=StepState.choices, default=StepState.NOT_STARTED
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="raid_step_position_unique"),
        ]

    def __str__(self):
        return f"{self.item.reference} step {self.position}"

    @property
    def owner_display(self) -> str:
        return str(self.owner_person) if self.owner_person_id else self.owner_text
