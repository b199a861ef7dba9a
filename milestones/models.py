"""The programme's milestone register, its weekly RAG snapshots and forecast-date history.

A milestone's RAG is never typed: `milestones.rag` computes it from the dates, completion,
the PMO's at-risk flag and the predecessors. The stored `rag`/`rag_reason` columns are a
cache of that computation for today, refreshed set-based by `milestones.tasks`; they are
excluded from the governed history because they are derived, and the weekly snapshots are
their history. An optional override wins on display but always travels with its reason and
the computed value.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from portal.concurrency import Versioned
from portal.history import GovernedQuerySet, governed_history

REFERENCE_PATTERN = r"^T[1-3]-[A-Z]{2,4}-[0-9]{3,5}$"
reference_validator = RegexValidator(
    REFERENCE_PATTERN,
    "A milestone reference is tier, workstream code and number, like T3-DB-0153.",
)


class Tier(models.TextChoices):
    T1 = "T1", "Tier 1"
    T2 = "T2", "Tier 2"
    T3 = "T3", "Tier 3"


class Rag(models.TextChoices):
    RED = "R", "Red"
    AMBER = "A", "Amber"
    GREEN = "G", "Green"
    COMPLETE = "C", "Complete"


# Derived columns: not part of governed history (their history is the weekly snapshot).
DERIVED_FIELDS = ["rag", "rag_reason", "rag_evaluated_on"]


class Milestone(Versioned):
    reference = models.CharField(
        max_length=20, unique=True, validators=[reference_validator], help_text="e.g. T3-DB-0153"
    )
    tier = models.CharField(max_length=2, choices=Tier.choices)
    workstream = models.CharField(max_length=4, help_text="Workstream code, e.g. DB, TE, QU")
    forum = models.ForeignKey(
        "portal.Forum",
        on_delete=models.PROTECT,
        related_name="milestones",
        help_text="The governance group that owns the milestone",
    )
    forum_stream = models.CharField(
        max_length=100,
        blank=True,
        help_text="Sub-group as printed in brackets after the forum, e.g. 'Transition'",
    )
    title = models.CharField(max_length=300)
    baseline_date = models.DateField()
    forecast_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    responsible = models.CharField(max_length=200, blank=True)
    responsible_organisation = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    at_risk = models.BooleanField(default=False, help_text="PMO judges the milestone at risk")
    at_risk_reason = models.TextField(
        blank=True, help_text="Why the PMO judges it at risk (required with the flag)"
    )
    commentary = models.TextField(blank=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="successors"
    )
    rag_override = models.CharField(max_length=1, choices=Rag.choices, blank=True)
    override_reason = models.TextField(blank=True)

    # Cache of the computed RAG for `rag_evaluated_on` (see module docstring).
    rag = models.CharField(max_length=1, choices=Rag.choices, blank=True)
    rag_reason = models.TextField(blank=True)
    rag_evaluated_on = models.DateField(null=True, blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history(m2m_fields=[predecessors], excluded_fields=DERIVED_FIELDS)

    class Meta:
        ordering = ["baseline_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN),
                name="milestone_reference_pattern",
            ),
            models.CheckConstraint(
                condition=Q(tier="T1", reference__startswith="T1-")
                | Q(tier="T2", reference__startswith="T2-")
                | Q(tier="T3", reference__startswith="T3-"),
                name="milestone_tier_matches_reference",
            ),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(override_reason=""),
                name="milestone_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(rag_override__in=["", "R", "A", "G", "C"]),
                name="milestone_override_valid",
            ),
            models.CheckConstraint(
                condition=Q(at_risk=False) | ~Q(at_risk_reason=""),
                name="milestone_at_risk_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["forum", "tier"], name="milestone_forum_tier"),
            models.Index(fields=["forecast_date"], name="milestone_forecast"),
            models.Index(fields=["rag"], name="milestone_rag"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def forum_label(self) -> str:
        """The forum as printed in the pack, e.g. 'MCAG (Transition)'."""
        code = self.forum.code
        return f"{code} ({self.forum_stream})" if self.forum_stream else code

    @property
    def display_rag(self) -> str:
        return self.rag_override or self.rag


class Reforecast(models.Model):
    """One change of a milestone's forecast date: old, new, who, when and why."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reforecasts")
    old_date = models.DateField()
    new_date = models.DateField()
    changed_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["changed_at"], name="reforecast_changed_at")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="reforecast_has_reason"),
            models.CheckConstraint(
                condition=~Q(old_date=models.F("new_date")), name="reforecast_changes_date"
            ),
        ]

    def __str__(self):
        return f"{self.milestone.reference}: {self.old_date} → {self.new_date}"


class Snapshot(models.Model):
    """A weekly record of every milestone's RAG: the source of 'Previous RAG'."""

    taken_on = models.DateField(unique=True, help_text="The date the RAGs were evaluated for")
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["-taken_on"]

    def __str__(self):
        return f"Snapshot {self.taken_on:%d %b %Y}"


class SnapshotRow(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="rows")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="snapshots")
    rag = models.CharField(max_length=1, choices=Rag.choices, help_text="As displayed")
    computed_rag = models.CharField(max_length=1, choices=Rag.choices)
    reason = models.TextField()
    is_override = models.BooleanField(default=False)
    baseline_date = models.DateField()
    forecast_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["snapshot", "milestone"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "milestone"], name="snapshot_row_one_per_milestone"
            )
        ]

    def __str__(self):
        return f"{self.snapshot}: {self.milestone_id} {self.rag}"


class ActivityKind(models.TextChoices):
    """The kinds of bar and mark on a plan timeline (the M10 slide's key)."""

    ACTIVITY = "activity", "Key activity"
    REVIEW = "review", "Iterative review / engagement"
    DECISION = "decision", "Decision / approval / meeting"
    MILESTONE = "milestone", "Milestone"
    DEPENDENCY = "dependency", "Dependency"


# Kinds drawn as a mark on one day rather than as a bar.
POINT_KINDS = (ActivityKind.MILESTONE, ActivityKind.DECISION)


class PlanActivity(Versioned):
    """One bar or mark of the programme plan's timeline, in a lane such as "SIT Functional".

    `end_date` empty means the activity runs on beyond what the plan shows. Where the dates
    are known only roughly (a planning slide gives positions, not dates), `approximate` is set
    and `date_basis` says how they were arrived at, so no guess is shown as a fact.
    """

    lane = models.CharField(max_length=100, help_text="The group it is drawn in, e.g. Milestones")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=ActivityKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="Empty: runs on beyond what the plan shows"
    )
    approximate = models.BooleanField(default=False, help_text="The dates are approximate")
    date_basis = models.TextField(blank=True, help_text="How the dates are known")
    source = models.CharField(max_length=200, blank=True, help_text="Document or slide")
    milestone = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_activities",
        help_text="The register milestone it stands for, if any",
    )
    position = models.PositiveIntegerField(default=0, help_text="Order on the timeline")

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["position", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="plan_activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in POINT_KINDS])
                | Q(end_date__isnull=False, end_date=models.F("start_date")),
                name="plan_activity_point_is_one_day",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ActivityKind]),
                name="plan_activity_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(approximate=False) | ~Q(date_basis=""),
                name="plan_activity_approximate_has_basis",
            ),
            models.UniqueConstraint(
                fields=["lane", "title", "start_date"], name="plan_activity_unique_in_lane"
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"], name="plan_activity_dates")]

    def __str__(self):
        return f"{self.lane}: {self.title}"

    @property
    def is_point(self) -> bool:
        return self.kind in POINT_KINDS
