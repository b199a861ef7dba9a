"""Meetings of the programme's forums. Their dates drive "previous", "forecast" and
"since the last PSG" everywhere else."""

from django.db import models
from django.db.models import Q

from portal.history import GovernedQuerySet, governed_history


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PAPERS_PUBLISHED = "papers_published", "Papers published"
    HELD = "held", "Held"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"


class Meeting(models.Model):
    forum = models.ForeignKey("portal.Forum", on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField(null=True, blank=True, help_text="e.g. 36 for PSG 36")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "number"],
                condition=Q(number__isnull=False),
                name="meeting_unique_number_per_forum",
            ),
            models.UniqueConstraint(fields=["forum", "date"], name="meeting_one_per_forum_day"),
        ]

    def __str__(self):
        if self.number:
            return f"{self.forum.code} {self.number}"
        return f"{self.forum.code} {self.date:%d %b %Y}"

    @property
    def short_name(self) -> str:
        return str(self)


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    NOTED = "noted", "Noted"


class Decision(models.Model):
    """A decision taken at a meeting. Apps above link their records to it (a CR owns its link)."""

    reference = models.CharField(max_length=30, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    summary = models.TextField()
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    rationale = models.TextField(blank=True)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["decided_on", "reference"]

    def __str__(self):
        return self.reference
