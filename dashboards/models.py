"""The steering-group pack: its layout, its builds and its frozen versions.

A meeting's pack is an ordered list of sections generated from live data. PMO arranges the
sections (`PackSection`, which also links an agenda item to the records whose content it
contributes: meetings is a lower layer and cannot point up here). A `PackBuild` is one run of
the renderer in a worker; a publishing build freezes a `PackVersion` (v1.0, v1.1, ...) whose
snapshot, HTML and PDFs never change afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.concurrency import Versioned
from portal.history import GovernedQuerySet, governed_history
from portal.models import Classification  # noqa: F401  (re-exported for this app's callers)


class Edition(models.TextChoices):
    FULL = "full", "Full"
    PUBLIC = "public", "Public"


class SectionType(models.TextChoices):
    ACTIONS = "actions", "Actions log"
    DECISIONS = "decisions", "Decisions"
    NARRATIVE = "narrative", "Narrative"
    CR_IA_SUMMARY = "cr_ia_summary", "Change request impact-assessment summary"
    CR_IA_VIEWS = "cr_ia_views", "Change request impact-assessment views"
    MILESTONE_DASHBOARD = "milestone_dashboard", "Milestone dashboard"
    RAID_KEY_ITEMS = "raid_key_items", "RAID key items"
    RAID_THEMES = "raid_themes", "RAID theme slides"
    RAID_HEATMAP = "raid_heatmap", "RAID heat map"
    CHANGE_CONTROL = "change_control", "Change-control table"
    FINANCES = "finances", "Finances"
    TEST_PROGRESS = "test_progress", "Test progress"
    DELIVERY_REPORTS = "delivery_reports", "Delivery reports"
    WHAT_CHANGED = "what_changed", "What changed since the last meeting"
    SUMMARY = "summary", "Summary and next steps"
    DASHBOARD_INDEX = "dashboard_index", "Index of the delivery dashboards"
    SIT_TARGETS = "sit_targets", "SIT completion targets"
    SIT_MVC_STATUS = "sit_mvc_status", "SIT MVC status"
    SIT_STAGE_STATUS = "sit_stage_status", "SIT stage statuses"
    COHORT_TRIALS = "cohort_trials", "Cohort trial approach and plan"
    WORKSTREAM_UPDATE = "workstream_update", "Workstream update"
    ENGAGEMENT = "engagement", "Planned engagement (forward look)"
    TIMELINE = "timeline", "Plan timeline (Gantt)"


class PackSection(Versioned):
    """One configured block of a meeting's pack, optionally under an agenda item.

    `params` carries what the section type needs, e.g. {"cr": "CR054"} or
    {"window_weeks": 8, "forum": "PSG"}; the renderer for the type validates it.
    """

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="pack_sections"
    )
    position = models.PositiveIntegerField()
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pack_sections",
        help_text="The agenda item this block belongs to; none puts it in the appendix",
    )
    section_type = models.CharField(max_length=30, choices=SectionType.choices)
    title = models.CharField(max_length=200, blank=True)
    classification = models.CharField(
        max_length=10, choices=Classification.choices, default=Classification.PUBLIC
    )
    params = models.JSONField(default=dict, blank=True)
    # The dashboard index (a section type of its own) lists the sections that name an area,
    # grouped by area in pack order, with their purpose.
    index_area = models.CharField(
        "Dashboard index area",
        max_length=100,
        blank=True,
        help_text="e.g. 'Industry Delivery Status'; empty leaves the section out of the index",
    )
    purpose = models.CharField(
        max_length=300, blank=True, help_text="What the section tells the reader, for the index"
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="pack_section_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(classification__in=["public", "restricted"]),
                name="pack_section_classification_valid",
            ),
        ]

    def __str__(self):
        return self.title or self.get_section_type_display()

    @property
    def key(self) -> str:
        """Stable identity across versions, used to compare a section's content."""
        return f"section-{self.pk}"


class Pack(Versioned):
    """The meeting's pack as a document: what its cover and running header say about it."""

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="pack"
    )
    document_number = models.CharField(
        max_length=50,
        blank=True,
        help_text="The programme's reference for this document, e.g. MHHS-DEL3002",
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    def __str__(self):
        return f"{self.meeting} pack"


class PrepublishAcknowledgement(models.Model):
    """The PMO read the pre-publish check's findings and decided to publish anyway.

    `findings` keeps what was acknowledged (code, subject and message of each), so history
    shows exactly what the PMO saw; publishing needs every current finding to be among them.
    """

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="prepublish_acknowledgements"
    )
    findings = models.JSONField(default=list, blank=True)
    note = models.TextField(
        help_text="Why the pack may be published with these findings (recorded in history)"
    )
    # Empty when a command acknowledged (the note says which).
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField()

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["meeting", "-acknowledged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""), name="prepublish_acknowledgement_has_note"
            )
        ]

    def __str__(self):
        return f"Pre-publish check of {self.meeting} acknowledged {self.acknowledged_at:%d/%m/%Y}"

    @property
    def keys(self) -> set[str]:
        return {f"{f['code']}:{f['subject']}" for f in self.findings}


class BuildKind(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISH = "publish", "Publish"


class BuildState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PackBuild(models.Model):
    """One request to render a pack. Its unique `key` makes a duplicate request or message
    land on the same record, and its `state` (changed only under select_for_update) makes a
    redelivered task a no-op once the build is done."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=BuildKind.choices)
    state = models.CharField(max_length=10, choices=BuildState.choices, default=BuildState.QUEUED)
    step = models.PositiveIntegerField(default=0)
    steps = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # A worker renews its lease as it goes; a build whose lease ran out was abandoned
    # (the worker died) and may be taken over.
    lease_until = models.DateTimeField(null=True, blank=True)
    worker_token = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Storage names (default_storage) of a draft's outputs; a published build's are on its version.
    pdf_full = models.CharField(max_length=300, blank=True)
    pdf_public = models.CharField(max_length=300, blank=True)
    pages_full = models.PositiveIntegerField(default=0)
    pages_public = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "rendering", "done", "failed"]),
                name="pack_build_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["draft", "publish"]), name="pack_build_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} build of {self.meeting} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (BuildState.DONE, BuildState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == BuildState.DONE:
            return 100
        return int(100 * self.step / self.steps) if self.steps else 0


class ImmutableVersion(Exception):
    pass


class PackVersion(models.Model):
    """A published, frozen pack. Never updated after creation."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="pack_versions"
    )
    build = models.OneToOneField(PackBuild, on_delete=models.PROTECT, related_name="version")
    major = models.PositiveIntegerField(default=1)
    minor = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.CharField(max_length=300)
    html_full = models.CharField(max_length=300)
    html_public = models.CharField(max_length=300)
    pdf_full = models.CharField(max_length=300)
    pdf_public = models.CharField(max_length=300)
    pages_full = models.PositiveIntegerField(default=0)
    pages_public = models.PositiveIntegerField(default=0)
    # Per edition, {section key: content hash} and {section key: "v1.1"} for the sections
    # changed since v1.0: {"full": {...}, "public": {...}}. (Versions published before the
    # editions were rendered apart hold one flat dict, true of both.)
    section_hashes = models.JSONField(default=dict)
    section_updates = models.JSONField(default=dict)

    class Meta:
        ordering = ["meeting", "major", "minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "major", "minor"], name="pack_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.meeting} pack {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableVersion(f"Pack {self.label} is published and cannot change.")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"v{self.major}.{self.minor}"

    def updates_in(self, edition: str) -> dict[str, str]:
        """{section key: version} of the sections marked "Updated" in one edition."""
        updates = self.section_updates or {}
        if updates and all(isinstance(v, dict) for v in updates.values()):
            return updates.get(edition, {})
        return updates

    @property
    def updated_in_full(self) -> int:
        return len(self.updates_in(Edition.FULL))
