"""SIT progress as the PMO reports it each sprint: completion targets, MVC status, stage statuses
and the cohort trials. Imported by delivery.models (Django registers models from there).

- Completion targets: a target set per test stage and cycle ("SIT Functional", "Cycle 2") with a
  cut-off date; numbered targets; each target's measures, with a threshold and what was achieved
  where the figures can decide whether it was met (delivery.sit_rules computes it), or the PMO's
  stated assessment where they cannot ("UMS on track to meet target").
- The SIT dashboard of a date (as of 28 Aug 2024): the MVC status (participant groups, their
  market roles, how many are required and confirmed, and who) and the status of each test stage.
- The cohort trial plan of a sprint: its approach, ethos and operation, the trials (which cohorts
  run which target test, alone or paired), and what the trials taught (emerging themes, next
  steps). Text that is a list is stored one item per line.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from delivery.models import Rag
from portal.concurrency import Versioned
from portal.history import GovernedQuerySet, governed_history
from portal.text import points


def lines_of(text: str) -> list[str]:
    """The points of a one-item-per-line field (bullets a PMO typed are dropped: the pack adds its
    own)."""
    return points(text)


# Completion targets -------------------------------------------------------------------------


class Comparator(models.TextChoices):
    GT = "gt", ">"
    GE = "ge", "≥"
    LT = "lt", "<"
    LE = "le", "≤"
    EQ = "eq", "="


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", "Percent"
    COUNT = "count", "Count"


class Assessment(models.TextChoices):
    MET = "met", "Met"
    ON_TRACK = "on_track", "On track"
    NOT_MET = "not_met", "Not met"


class SitTargetSet(Versioned):
    """The completion targets of one test stage's cycle, judged at a cut-off date."""

    stage = models.CharField(max_length=100, help_text="e.g. SIT Functional")
    cycle = models.CharField(max_length=50, help_text="e.g. Cycle 2")
    title = models.CharField(
        max_length=200, help_text="As printed, e.g. 'SIT Functional Cycle 2 Completion Targets'"
    )
    cut_off = models.DateField(help_text="The date the targets are judged at")
    sprint = models.CharField(
        max_length=50, blank=True, help_text="The sprint that ends at the cut-off, e.g. Sprint 4"
    )
    position = models.PositiveIntegerField(default=0)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["-cut_off", "position", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "cycle"], name="sit_target_set_unique_cycle")
        ]

    def __str__(self):
        return self.title


class SitTarget(models.Model):
    target_set = models.ForeignKey(SitTargetSet, on_delete=models.CASCADE, related_name="targets")
    number = models.PositiveSmallIntegerField()
    statement = models.TextField()
    notes = models.TextField(blank=True, help_text="Points that are not measures, one per line")

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["target_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_set", "number"], name="sit_target_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="sit_target_number_positive",
                violation_error_message="Targets are numbered from 1.",
            ),
        ]

    def __str__(self):
        return f"{self.target_set} {self.number}"

    @property
    def note_lines(self) -> list[str]:
        return lines_of(self.notes)


class SitTargetMeasure(models.Model):
    """One measure of a target: what is measured, for whom, the threshold and what was achieved.

    `achieved` alone is a value; with `achieved_to` it is a range ("between 43% and 56%"); with
    `out_of` it is a count of a whole ("4 of 5"). `result` keeps the printed words of an outcome
    the figures do not carry; `assessment` is the PMO's judgement where there is no threshold.
    """

    target = models.ForeignKey(SitTarget, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveIntegerField(default=0)
    measure = models.TextField()
    scope = models.CharField(
        max_length=200, blank=True, help_text="Whose figure, e.g. '3 fastest Cohorts', 'Cohort C'"
    )
    comparator = models.CharField(max_length=2, choices=Comparator.choices, blank=True)
    threshold = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=10, choices=MeasureUnit.choices, default=MeasureUnit.PERCENT)
    achieved = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    achieved_to = models.DecimalField(
        "Achieved (upper end of a range)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    out_of = models.PositiveIntegerField(null=True, blank=True, help_text="'4 of 5': the 5")
    result = models.TextField(blank=True, help_text="The outcome in words, as reported")
    assessment = models.CharField(max_length=10, choices=Assessment.choices, blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["target", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comparator="", threshold__isnull=True)
                | (~Q(comparator="") & Q(threshold__isnull=False)),
                name="sit_measure_comparator_with_threshold",
                violation_error_message="Give the threshold together with its comparison (>, ≥…).",
            ),
            models.CheckConstraint(
                condition=Q(achieved_to__isnull=True)
                | Q(achieved__isnull=False, achieved_to__gte=F("achieved")),
                name="sit_measure_range_ordered",
                violation_error_message=(
                    "A range needs its lower end in 'achieved' and an upper end no smaller."
                ),
            ),
            models.CheckConstraint(
                condition=Q(out_of__isnull=True)
                | Q(achieved__isnull=False, achieved_to__isnull=True, unit="count"),
                name="sit_measure_out_of_is_a_count",
                violation_error_message=(
                    "'Out of' applies to a single achieved count (unit: count), not a range."
                ),
            ),
        ]

    def __str__(self):
        return self.measure[:60]


# The SIT dashboard of a date: MVC status and stage statuses ----------------------------------


class CcpReadiness(models.TextChoices):
    """The pack's "CCP Readiness Key"."""

    READY = "ready", "Ready"
    EXPECTED = "expected", "Expected to be ready"
    IF_MITIGATED = "if_mitigated", "Expected to be ready if risk mitigation is successful"
    UNLIKELY = "unlikely", "Unlikely to be ready"


# The pack's "SIT Stage Readiness Key – Outlook to reach and progress through each Stage".
STAGE_OUTLOOK = {
    Rag.GREEN: "On track per programme plan",
    Rag.AMBER: "Expected to meet programme plan if risk mitigation is successful",
    Rag.RED: "Unlikely to comply with programme plan",
    Rag.COMPLETE: "Complete",
}


class SitDashboard(Versioned):
    """The SIT status the PMO reports as of one date; next month's starts as a copy of this."""

    as_of = models.DateField(unique=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["-as_of"]

    def __str__(self):
        return f"SIT status as of {self.as_of:%d %b %Y}"


class MvcGroup(models.Model):
    """A row group of the MVC status: a SIT participants' constituency and its confirmed PPs."""

    dashboard = models.ForeignKey(SitDashboard, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField("SIT participants' constituency", max_length=200)
    pps_confirmed = models.PositiveIntegerField(
        "PPs confirmed for SIT", null=True, blank=True, help_text="FTIG attendees"
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["dashboard", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dashboard", "name"], name="mvc_group_unique_name")
        ]

    def __str__(self):
        return self.name


class MvcRole(models.Model):
    group = models.ForeignKey(MvcGroup, on_delete=models.CASCADE, related_name="roles")
    position = models.PositiveIntegerField(default=0)
    market_role = models.CharField(max_length=100, blank=True)
    required = models.PositiveIntegerField("Required for SIT MVC", null=True, blank=True)
    confirmed = models.PositiveIntegerField("Confirmed for SIT", null=True, blank=True)
    participants = models.TextField(blank=True, help_text="One name per line")
    readiness = models.CharField(max_length=15, choices=CcpReadiness.choices, blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["group", "position", "id"]

    def __str__(self):
        return self.market_role or str(self.group)

    @property
    def participant_names(self) -> list[str]:
        return lines_of(self.participants)


class SitStageStatus(models.Model):
    dashboard = models.ForeignKey(SitDashboard, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveIntegerField(default=0)
    stage = models.CharField("Test stage", max_length=100)
    rag = models.CharField(max_length=1, choices=Rag.choices, blank=True)
    comment = models.TextField(blank=True, help_text="One point per line")

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["dashboard", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dashboard", "stage"], name="sit_stage_status_unique")
        ]

    def __str__(self):
        return self.stage

    @property
    def comment_lines(self) -> list[str]:
        return lines_of(self.comment)

    @property
    def outlook(self) -> str:
        return STAGE_OUTLOOK.get(self.rag, "")


# Cohort trials ------------------------------------------------------------------------------


class TrialKind(models.TextChoices):
    SINGLE = "single", "Single Cohorts’ Trials"
    PAIRED = "paired", "Paired Cohorts’ Trials"


class CohortTrialPlan(Versioned):
    """A sprint's cohort trials: the approach and plan, then what they taught."""

    sprint = models.CharField(max_length=50, unique=True, help_text="e.g. Sprint 4.1")
    title = models.CharField(max_length=200, blank=True)
    objective = models.TextField(blank=True)
    single_approach = models.TextField("How single-cohort trials run", blank=True)
    paired_approach = models.TextField("How paired-cohort trials run", blank=True)
    ethos = models.TextField(blank=True, help_text="One point per line")
    operation = models.TextField(blank=True, help_text="One point per line")
    themes_intro = models.TextField("Introduction to the emerging themes", blank=True)
    emerging_themes = models.TextField(blank=True, help_text="One theme per line")
    next_steps = models.TextField(blank=True, help_text="One step per line")

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["-sprint"]

    def __str__(self):
        return self.title or f"Cohort trials – {self.sprint}"

    @property
    def ethos_lines(self) -> list[str]:
        return lines_of(self.ethos)

    @property
    def operation_lines(self) -> list[str]:
        return lines_of(self.operation)

    @property
    def theme_lines(self) -> list[str]:
        return lines_of(self.emerging_themes)

    @property
    def next_step_lines(self) -> list[str]:
        return lines_of(self.next_steps)

    def approach_for(self, kind: str) -> str:
        return self.single_approach if kind == TrialKind.SINGLE else self.paired_approach


class CohortTrial(models.Model):
    """One cohort (or linked pair) running one selected target test in the trial."""

    plan = models.ForeignKey(CohortTrialPlan, on_delete=models.CASCADE, related_name="trials")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=TrialKind.choices)
    cohorts = models.CharField(max_length=50, help_text="e.g. A, or A & J for a pair")
    target_test = models.CharField(max_length=200, help_text="e.g. 1 SIT Functional Target Test")
    detail = models.TextField(blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "cohorts", "target_test"], name="cohort_trial_unique"
            )
        ]

    def __str__(self):
        return f"{self.cohorts}: {self.target_test}"
