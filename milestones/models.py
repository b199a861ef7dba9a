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
