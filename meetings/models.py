"""Meetings of the programme's forums, their agendas, actions, decisions and narrative, and the
engagement planned around them (the pack's forward look).

Their dates drive "previous", "forecast" and "since the last PSG" everywhere else. This app
sits low in the layering: it never points at milestones, CRs or pack content; the apps above
own those links (an agenda item's records and pack blocks live in dashboards).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.concurrency import Versioned
from portal.history import GovernedQuerySet, governed_history


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PAPERS_PUBLISHED = "papers_published", "Papers published"
    HELD = "held", "Held"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"


class Meeting(Versioned):
    forum = models.ForeignKey("portal.Forum", on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField(null=True, blank=True, help_text="e.g. 36 for PSG 36")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    location = models.CharField(max_length=200, blank=True, help_text="Room or address")
    link = models.URLField(blank=True, help_text="Video-call link")
    attendees = models.ManyToManyField("portal.User", blank=True, related_name="meetings_attended")
    other_attendees = models.TextField(
        blank=True, help_text="People without a portal account, one per line"
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history(m2m_fields=[attendees])

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


class Decision(Versioned):
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


class AgendaItemType(models.TextChoices):
    # The seed prints one combined type ("Decision / Information") and one item with no
    # type at all; both are kept as printed rather than forced into a single kind.
    DECISION = "decision", "Decision"
    INFORMATION = "information", "Information"
    DISCUSSION = "discussion", "Discussion"
    DECISION_INFORMATION = "decision_information", "Decision / Information"


class AgendaItem(Versioned):
    """One line of a meeting's agenda. Times are computed (see meetings.scheduling)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(help_text="Order on the agenda")
    label = models.CharField(max_length=20, help_text="Printed item number, e.g. 3 or Appendix")
    title = models.CharField(max_length=200)
    objective = models.TextField(blank=True)
    item_type = models.CharField(
        max_length=30, choices=AgendaItemType.choices, blank=True, verbose_name="type"
    )
    leads = models.CharField(max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty for untimed lines such as an appendix"
    )
    fixed_start = models.TimeField(
        null=True,
        blank=True,
        help_text="Only when the item does not follow on from the one before (after a break)",
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=24 * 60),
                name="agenda_item_duration_within_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} item {self.label}: {self.title}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ONGOING = "ongoing", "Ongoing"
    RECOMMEND_CLOSED = "recommend_closed", "Recommend closed"
    CLOSED = "closed", "Closed"


class Action(Versioned):
    """An action raised at a meeting; referenced by the portal as <forum><number>-<nn>."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    sequence = models.PositiveIntegerField()
    reference = models.CharField(max_length=40, unique=True, editable=False)
    description = models.TextField(verbose_name="action")
    owner_user = models.ForeignKey(
        "portal.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_owned",
        verbose_name="owner (person)",
    )
    owner_organisation = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_owned",
        verbose_name="owner (organisation)",
    )
    owner_text = models.CharField(
        max_length=200,
        blank=True,
        verbose_name="owner (as written)",
        help_text="e.g. 'Programme / Elexon' when no single person or organisation owns it",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    latest_update = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["meeting__date", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "sequence"], name="action_unique_sequence_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False)
                | Q(owner_organisation__isnull=False)
                | ~Q(owner_text=""),
                name="action_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="action_closed_at_iff_closed",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def owner_display(self) -> str:
        parts = [str(p) for p in (self.owner_user, self.owner_organisation) if p is not None]
        if self.owner_text:
            parts.append(self.owner_text)
        return " · ".join(parts)


class NarrativeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class NarrativeSection(Versioned):
    """Free text for a meeting (testing update, planning update, a party's delivery report),
    written in Markdown and shown only as sanitised HTML (meetings.markdown)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="narrative_sections"
    )
    key = models.SlugField(max_length=60, help_text="Stable name, e.g. testing-update")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="narrative_sections",
    )
    contributor = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="narrative_sections",
        help_text="A participant organisation invited to write this section (its own report)",
    )
    body = models.TextField(blank=True, help_text="Markdown")
    status = models.CharField(
        max_length=20, choices=NarrativeStatus.choices, default=NarrativeStatus.DRAFT
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["meeting", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "key"], name="narrative_unique_key_per_meeting"
            ),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.title}"


# Planned engagement ------------------------------------------------------------------------


class EngagementCategory(models.TextChoices):
    """The key of the pack's "Planned engagement – 4-week forward look" slide."""

    OFGEM_IPA = "ofgem_ipa", "Ofgem / IPA"
    CODE_BODIES = "code_bodies", "Code Bodies"
    CENTRAL_PARTIES = "central_parties", "Central Parties"
    PROGRAMME_GOVERNANCE = "programme_governance", "Programme governance"
    CHANGE_CONTROL = "change_control", "Change control"
    INDUSTRY_ENGAGEMENT = "industry_engagement", "Industry engagement"


class EngagementStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    TO_BE_ARRANGED = "to_be_arranged", "To be arranged"
    COMPLETE = "complete", "Complete"


class DatePrecision(models.TextChoices):
    """How much of an engagement's date is known. The pack often gives no day at all."""

    DAY = "day", "On the day"
    WEEK = "week", "In the week"
    PERIOD = "period", "Within the period"


class EngagementEvent(Versioned):
    """A meeting or engagement activity the programme plans with its stakeholders.

    `date` is the day (precision day), the Monday of the week (week), or the first day of the
    period (period, with `end_date` its last day). Forum meetings themselves are Meetings; an
    event is everything else the forward look shows (account meetings, webinars, bilaterals).
    """

    title = models.CharField(max_length=200)
    date = models.DateField()
    precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day of the period (period precision only)"
    )
    category = models.CharField(
        max_length=30,
        choices=EngagementCategory.choices,
        blank=True,
        help_text="Empty when the source names no audience",
    )
    status = models.CharField(
        max_length=20, choices=EngagementStatus.choices, default=EngagementStatus.PLANNED
    )
    purpose = models.CharField(max_length=300, blank=True, help_text="e.g. Present CR for approval")
    forum = models.ForeignKey(
        "portal.Forum",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagement_events",
    )
    organisation = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagement_events",
    )
    source_note = models.TextField(
        blank=True, help_text="Where this came from and what its date rests on"
    )
    key = models.SlugField(
        max_length=60,
        blank=True,
        help_text="Stable name used by imports to update the same event again",
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["date", "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="engagement_event_has_title"),
            models.CheckConstraint(
                condition=Q(precision__in=["day", "week", "period"]),
                name="engagement_event_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "to_be_arranged", "complete"]),
                name="engagement_event_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(category__in=["", *EngagementCategory.values]),
                name="engagement_event_category_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(precision="period", end_date__isnull=False, end_date__gte=models.F("date"))
                    | (~Q(precision="period") & Q(end_date__isnull=True))
                ),
                name="engagement_event_period_has_end",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=~Q(key=""),
                name="engagement_event_unique_key",
                violation_error_message="Another engagement event already has this key.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.when})"

    @property
    def when(self) -> str:
        if self.precision == DatePrecision.WEEK:
            return f"week of {self.date:%d/%m/%y}"
        if self.precision == DatePrecision.PERIOD and self.end_date is not None:
            return f"between {self.date:%d/%m/%y} and {self.end_date:%d/%m/%y}"
        return f"{self.date:%d/%m/%y}"

    def clean(self):
        errors = {}
        weekday = self.date.weekday() if self.date is not None else None
        if self.precision == DatePrecision.DAY and weekday is not None and weekday >= 5:
            errors["date"] = "The forward look runs Monday to Friday: choose a weekday."
        if self.precision == DatePrecision.WEEK and weekday not in (None, 0):
            errors["date"] = "A week-precision event is dated by its week's Monday."
        if self.precision == DatePrecision.PERIOD:
            if self.end_date is None:
                errors["end_date"] = "An event within a period needs the period's last day."
            elif self.date is not None and self.end_date < self.date:
                errors["end_date"] = "The period cannot end before it starts."
        elif self.end_date is not None:
            errors["end_date"] = "Only an event within a period has an end date."
        if errors:
            raise ValidationError(errors)
