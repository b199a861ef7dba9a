"""Change requests, their impact assessments and every party's response.

The lifecycle is an explicit state machine (`change_requests.lifecycle`); the change-control
table's "Latest Action", "Approval Status" and "Current Stage" are derived from it, never typed.
Roll-ups are computed from invitations and submitted responses (`change_requests.rollup`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.concurrency import Versioned
from portal.history import GovernedQuerySet, governed_history


class Stage(models.TextChoices):
    DRAFT = "draft", "Draft"
    RAISED = "raised", "Raised"
    VALIDATED = "validated", "Validated by Change Board for impact assessment"
    IA_OPEN = "ia_open", "Impact assessment open"
    IA_CLOSED = "ia_closed", "Impact assessment closed"
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"
    IMPLEMENTED = "implemented", "Implemented"


class DecisionAuthority(models.TextChoices):
    CHANGE_BOARD = "change_board", "Change Board"
    PSG_SRO = "psg_sro", "PSG / SRO"
    SPONSOR = "sponsor", "Sponsor (Level 1 milestone affected)"


class BoardRecommendation(models.TextChoices):
    NONE = "", "None"
    APPROVE = "approve", "Recommended for approval"
    REJECT = "reject", "Recommended for rejection"


class ChangeType(models.Model):
    """Configurable (admin): Full impact assessment, Fast track, Information only, ..."""

    name = models.CharField(max_length=100, unique=True)
    requires_impact_assessment = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ChangeRequest(Versioned):
    number = models.PositiveIntegerField(unique=True, editable=False)
    reference = models.CharField(max_length=10, unique=True, editable=False)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    benefits = models.TextField(blank=True)
    # People and organisations as printed; the links are set where the portal knows them.
    raiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_change_requests",
    )
    raiser_name = models.CharField(max_length=200, blank=True)
    raiser_organisation = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_change_requests",
    )
    raiser_organisation_name = models.CharField(max_length=200, blank=True)
    change_type = models.ForeignKey(ChangeType, on_delete=models.PROTECT, related_name="+")
    decision_authority = models.CharField(
        max_length=20, choices=DecisionAuthority.choices, default=DecisionAuthority.PSG_SRO
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    board_recommendation = models.CharField(
        max_length=10, choices=BoardRecommendation.choices, blank=True, default=""
    )
    raised_on = models.DateField(null=True, blank=True)
    implementation_date = models.DateField(null=True, blank=True)
    implementation_milestone = models.ForeignKey(
        "milestones.Milestone",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    implementation_text = models.CharField(
        max_length=200, blank=True, help_text="As printed, e.g. 'M6 (Aug-24).'"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_change_requests",
    )
    owner_name = models.CharField(max_length=200, blank=True)
    owner_organisation_name = models.CharField(max_length=200, blank=True)
    # Impact assessment window.
    ia_opened_on = models.DateField(null=True, blank=True)
    ia_deadline = models.DateField(null=True, blank=True)
    reminder_working_days = models.PositiveSmallIntegerField(
        default=2, help_text="Reminders go this many working days before the deadline"
    )
    responses_published_at = models.DateTimeField(null=True, blank=True)
    # Links to lower apps' records are owned here (the higher app owns the link).
    affected_milestones = models.ManyToManyField(
        "milestones.Milestone", blank=True, related_name="change_requests"
    )
    affected_raid_items = models.ManyToManyField(
        "raid.RaidItem", blank=True, related_name="change_requests"
    )
    # The CR owns its link to the decisions taken on it (deferred, then approved: two).
    decisions = models.ManyToManyField(
        "meetings.Decision", blank=True, related_name="change_requests"
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history(m2m_fields=[decisions, affected_milestones, affected_raid_items])

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="cr_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(reference__regex=r"^CR[0-9]{3,}$"), name="cr_reference_pattern"
            ),
            models.CheckConstraint(
                condition=Q(ia_deadline__isnull=True)
                | Q(ia_opened_on__isnull=True)
                | Q(ia_deadline__gte=models.F("ia_opened_on")),
                name="cr_deadline_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["stage"], name="cr_stage")]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def raiser_label(self) -> str:
        name = self.raiser.full_name if self.raiser_id else self.raiser_name
        org = (
            self.raiser_organisation.name
            if self.raiser_organisation_id
            else (self.raiser_organisation_name)
        )
        return ", ".join(p for p in (name, org) if p)

    @property
    def owner_label(self) -> str:
        name = self.owner.full_name if self.owner_id else self.owner_name
        return ", ".join(p for p in (name, self.owner_organisation_name) if p)


class StageChange(models.Model):
    """One step through the lifecycle: the CR's timeline and the pack's "What changed"."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    transition = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="cr_stage_change_at")]

    def __str__(self):
        return f"{self.change_request_id}: {self.from_stage or 'new'} → {self.to_stage}"


class Invitation(models.Model):
    """An organisation invited to assess a CR, with its own deadline (extensible per party)."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="ia_invitations"
    )
    deadline = models.DateField(null=True, blank=True)
    invited_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    email_sent_at = models.DateTimeField(null=True, blank=True)
    reminded_for_deadline = models.DateField(
        null=True, blank=True, help_text="The deadline the last reminder was sent for"
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "organisation"], name="ia_one_invitation_per_org"
            )
        ]

    def __str__(self):
        return f"{self.change_request_id} → {self.organisation_id}"


class DeadlineExtension(models.Model):
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="deadline_extensions"
    )
    organisation = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the deadline moved for every invited party",
    )
    old_deadline = models.DateField(null=True)
    new_deadline = models.DateField()
    reason = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="ia_extension_has_reason")
        ]

    def __str__(self):
        return f"{self.old_deadline} → {self.new_deadline}"


class Recommendation(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    ABSTAIN = "abstain", "Abstain"


class ImpactLevel(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Response(Versioned):
    """One organisation's impact assessment of one CR."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="responses"
    )
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="ia_responses"
    )
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    impacted = models.BooleanField(null=True, blank=True)
    cost_impact = models.CharField(max_length=10, choices=ImpactLevel.choices, blank=True)
    cost_impact_text = models.TextField(blank=True)
    cost_estimate = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    schedule_impact = models.CharField(max_length=10, choices=ImpactLevel.choices, blank=True)
    schedule_impact_text = models.TextField(blank=True)
    delay_days = models.PositiveIntegerField(null=True, blank=True)
    resource_impact = models.CharField(max_length=10, choices=ImpactLevel.choices, blank=True)
    resource_impact_text = models.TextField(blank=True)
    benefits = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    publishable = models.BooleanField(
        default=False, help_text="May be published; otherwise confidential to the programme"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # PMO reclassification (e.g. "not impacted" counted as Abstain), always with a reason.
    counted_as = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    reclassification_reason = models.TextField(blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["organisation__constituency__position", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "organisation"], name="ia_one_response_per_org"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(recommendation=""),
                name="ia_submitted_has_recommendation",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(recommendation="yes") | ~Q(rationale=""),
                name="ia_no_abstain_has_rationale",
            ),
            models.CheckConstraint(
                condition=Q(counted_as="") | ~Q(reclassification_reason=""),
                name="ia_reclassification_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.change_request.reference} – {self.organisation}"

    @property
    def counted_recommendation(self) -> str:
        return self.counted_as or self.recommendation


def _upload_to(prefix):
    def path(instance, filename):
        from uuid import uuid4

        return f"{prefix}/{uuid4().hex}/{filename}"

    return path


def document_path(instance, filename):
    return _upload_to("change-requests")(instance, filename)


def attachment_path(instance, filename):
    return _upload_to("ia-responses")(instance, filename)


class Document(models.Model):
    """A CR document (paper, annex); stored through default_storage, served by a view."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=document_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    history = governed_history()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Attachment(models.Model):
    """A file attached to a response; readable exactly by those who may read the response."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    history = governed_history()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class AssessmentSummary(Versioned):
    """The PMO's headline and recommendation, shown beside the computed figures."""

    change_request = models.OneToOneField(
        ChangeRequest, on_delete=models.CASCADE, related_name="summary"
    )
    objective = models.TextField(
        blank=True, help_text="What the steering group is asked to do with the assessments"
    )
    headline = models.TextField(blank=True)
    support_reasons = models.TextField(
        "Why respondents supported it", blank=True, help_text="One point per line"
    )
    rejection_reasons = models.TextField(
        "Why respondents rejected it", blank=True, help_text="One point per line"
    )
    abstention_notes = models.TextField(
        "Why respondents abstained", blank=True, help_text="One point per line"
    )
    implementation = models.TextField(
        blank=True, help_text="What implementing the change would take (one point per line)"
    )
    table_notes = models.TextField(
        "Notes on the responses table", blank=True, help_text="One point per line"
    )
    recommendation = models.TextField(blank=True)
    rationale = models.TextField(blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()


class Sentiment(models.TextChoices):
    SUPPORT = "+", "Support (+)"
    NEUTRAL = "•", "Point (•)"
    AGAINST = "‒", "Against (‒)"
    NONE = "", "None"


class ConstituencyView(models.Model):
    """One bullet of the PMO's "range of views" for a constituency."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="constituency_views"
    )
    constituency = models.ForeignKey(
        "portal.Constituency", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    sentiment = models.CharField(max_length=1, choices=Sentiment.choices, blank=True)
    text = models.TextField()

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["constituency__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "constituency", "position"],
                name="ia_view_position_unique",
            )
        ]

    def __str__(self):
        return f"{self.sentiment} {self.text[:60]}".strip()
