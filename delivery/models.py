"""What parties report every month, central-party finances and test progress.

Three families of records, all governed (history on every save):
- delivery reports: the PMO requests one from an organisation for a period; that organisation's
  people draft and submit it; the PMO returns it with comments or accepts it. Accepted reports
  feed the pack and the dashboard. A report's tables: party milestones, key deliverables,
  decisions required, escalations, and the party's own risks, assumptions and dependencies.
- finances: budget and actual/forecast lines per party for a financial year (April-March).
- test progress: test stages, test cases, and each cohort's result with steps passed of total;
  SIT progress (completion targets, MVC status, stage statuses, cohort trials) in sit_models.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from portal.concurrency import Versioned
from portal.history import GovernedQuerySet, governed_history


class Rag(models.TextChoices):
    RED = "R", "Red"
    AMBER = "A", "Amber"
    GREEN = "G", "Green"
    COMPLETE = "C", "Complete"


# The eight dimensions of the monthly delivery report, in the order the pack prints them.
RAG_DIMENSIONS = [
    ("rag_overall", "Overall"),
    ("rag_approach", "Approach"),
    ("rag_plan", "Plan"),
    ("rag_resources", "Resources"),
    ("rag_budget", "Budget"),
    ("rag_risk", "Risk"),
    ("rag_stakeholders", "Stakeholders"),
    ("rag_suppliers", "Suppliers"),
]


class ReportCategory(models.TextChoices):
    """Which block of the pack a report prints in (the pack's "Delivery Dashboards" index)."""

    CORE = "core", "Core capability provider"
    LDSO = "ldso", "LDSO"
    OTHER = "other", "Other party"


class ReportStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned with comments"
    ACCEPTED = "accepted", "Accepted"


def _rag_field(label: str):
    return models.CharField(label, max_length=1, choices=Rag.choices, blank=True)


class DeliveryReport(Versioned):
    """One organisation's monthly delivery report for one period, from request to acceptance."""

    # A report comes from one organisation, or on behalf of a whole constituency (the LDSO
    # report the DNOs compile together); exactly one of the two is set.
    organisation = models.ForeignKey(
        "portal.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery_reports",
    )
    constituency = models.ForeignKey(
        "portal.Constituency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery_reports",
    )
    period = models.DateField(help_text="First day of the month reported on")
    title = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'MHHS - Monthly Delivery Report (DIP)'"
    )
    category = models.CharField(
        max_length=10, choices=ReportCategory.choices, default=ReportCategory.OTHER
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Order among the period's reports of the same category in the pack"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request_note = models.TextField(blank=True)
    report_date = models.DateField(
        null=True, blank=True, help_text="The date printed on the report"
    )
    rag_overall = _rag_field("Overall")
    rag_approach = _rag_field("Approach")
    rag_plan = _rag_field("Plan")
    rag_resources = _rag_field("Resources")
    rag_budget = _rag_field("Budget")
    rag_risk = _rag_field("Risk")
    rag_stakeholders = _rag_field("Stakeholders")
    rag_suppliers = _rag_field("Suppliers")
    progress_last_month = models.TextField(blank=True, help_text="Markdown")
    progress_next_month = models.TextField(
        "Progress expected next month", blank=True, help_text="Markdown"
    )
    # A report compiled for a whole constituency says how many of its organisations contributed
    # ("Number of Organisations who reported 8 of 14"): a fact the pack prints and checks.
    organisations_expected = models.PositiveSmallIntegerField(
        "Organisations expected to report", null=True, blank=True
    )
    organisations_reported = models.PositiveSmallIntegerField(
        "Organisations who reported", null=True, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comments = models.TextField(blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["-period", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"],
                condition=Q(organisation__isnull=False),
                name="delivery_report_one_per_org_period",
            ),
            models.UniqueConstraint(
                fields=["constituency", "period"],
                condition=Q(constituency__isnull=False),
                name="delivery_report_one_per_constituency_period",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, constituency__isnull=True)
                | Q(organisation__isnull=True, constituency__isnull=False),
                name="delivery_report_org_xor_constituency",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(reviewed_at__isnull=False),
                name="delivery_report_accepted_is_reviewed",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "draft"]) | Q(submitted_at__isnull=False),
                name="delivery_report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(
                    organisations_expected__isnull=True, organisations_reported__isnull=True
                )
                | Q(organisations_expected__isnull=False, organisations_reported__isnull=False),
                name="delivery_report_counts_together",
                violation_error_message=(
                    "Give both the number of organisations expected to report and the number "
                    "who reported, or neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(organisations_expected__isnull=True) | Q(constituency__isnull=False),
                name="delivery_report_counts_for_constituency",
                violation_error_message=(
                    "Only a report compiled for a constituency counts the organisations who "
                    "reported."
                ),
            ),
            models.CheckConstraint(
                condition=Q(organisations_reported__isnull=True)
                | Q(organisations_reported__lte=models.F("organisations_expected")),
                name="delivery_report_reported_within_expected",
                violation_error_message=(
                    "More organisations cannot have reported than were expected to report."
                ),
            ),
            models.CheckConstraint(
                condition=Q(organisations_expected__isnull=True) | Q(organisations_expected__gt=0),
                name="delivery_report_expected_positive",
                violation_error_message="At least one organisation must be expected to report.",
            ),
        ]

    def __str__(self):
        return f"{self.reporter} – {self.period:%B %Y}"

    @property
    def reporter(self):
        return self.organisation or self.constituency

    @property
    def rags(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, name)) for name, label in RAG_DIMENSIONS]

    @property
    def has_rags(self) -> bool:
        return any(rag for _, rag in self.rags)


class DeliveryMilestone(models.Model):
    """A party milestone or deliverable in a report: original and forecast dates with a RAG."""

    report = models.ForeignKey(DeliveryReport, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    original_date = models.DateField(null=True, blank=True)
    forecast_date = models.DateField(null=True, blank=True)
    rag = models.CharField(max_length=1, choices=Rag.choices, blank=True)
    commentary = models.TextField(blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["report", "position", "id"]

    def __str__(self):
        return self.title

    @property
    def slip_days(self) -> int | None:
        if self.original_date and self.forecast_date:
            return (self.forecast_date - self.original_date).days
        return None


class RaidKind(models.TextChoices):
    RISK = "risk", "Risk"
    ISSUE = "issue", "Issue"
    RISK_OR_ISSUE = "risk_or_issue", "Risk or issue"
    ASSUMPTION = "assumption", "Assumption"
    DEPENDENCY = "dependency", "Dependency"


class DeliveryRaidItem(models.Model):
    """A party's own risk, issue, assumption or dependency as stated in its report.

    These are the party's view, not the programme register: the raid app owns that.
    """

    report = models.ForeignKey(DeliveryReport, on_delete=models.CASCADE, related_name="raid_items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=RaidKind.choices)
    # The party's own numbering exactly as it prints it ("1".."5", "STCI11"), or none.
    ref = models.CharField(max_length=30, blank=True)
    movement = models.CharField(
        max_length=30, blank=True, help_text="The party's mark, e.g. NEW or Update"
    )
    description = models.TextField()
    dependency_on = models.CharField("Dependency on", max_length=200, blank=True)
    area = models.CharField(max_length=100, blank=True, help_text="The party's area or theme")
    rag = models.CharField(max_length=1, choices=Rag.choices, blank=True)
    rating = models.CharField(max_length=50, blank=True, help_text="A printed rating, e.g. High")
    action = models.TextField("Mitigating or resolving action", blank=True)
    owner = models.CharField(max_length=200, blank=True)
    target = models.CharField("Target date or milestone", max_length=300, blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["report", "position", "id"]

    def __str__(self):
        return self.ref or self.description[:60]


class DeliveryDecision(models.Model):
    """A decision the party needs from others ("Decisions required / From whom? / By when?")."""

    report = models.ForeignKey(DeliveryReport, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveIntegerField(default=0)
    decision = models.TextField()
    from_whom = models.CharField("From whom?", max_length=200, blank=True)
    by_date = models.DateField("By when?", null=True, blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["report", "position", "id"]

    def __str__(self):
        return self.decision[:60]


class DeliveryEscalation(models.Model):
    """An escalation or priority action: to whom, by when it must be resolved, and its owner.

    The required resolution is a date, or words where the party gives no date ("ASAP").
    """

    report = models.ForeignKey(DeliveryReport, on_delete=models.CASCADE, related_name="escalations")
    position = models.PositiveIntegerField(default=0)
    escalation = models.TextField()
    to_whom = models.CharField("To whom", max_length=200, blank=True)
    resolution_date = models.DateField("Required resolution date", null=True, blank=True)
    resolution_note = models.CharField(
        "Required resolution (no date)", max_length=100, blank=True, help_text="e.g. ASAP"
    )
    owner = models.CharField(max_length=200, blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution_date__isnull=True) | Q(resolution_note=""),
                name="delivery_escalation_date_or_note",
                violation_error_message="Give a resolution date or words such as ASAP, not both.",
            )
        ]

    def __str__(self):
        return self.escalation[:60]


class DeliveryDeliverable(models.Model):
    """A row of a report's "Key Deliverables & Activities" table (the LDSO report's).

    Unlike a party milestone (original and forecast dates), it carries the latest status, one
    due date and the programme milestone(s) it serves; rows are grouped under printed headings.
    The due date is a date, or the words the party printed where it gave no full date.
    """

    report = models.ForeignKey(
        DeliveryReport, on_delete=models.CASCADE, related_name="deliverables"
    )
    position = models.PositiveIntegerField(default=0)
    group = models.CharField(max_length=200, blank=True, help_text="The heading it sits under")
    deliverable = models.TextField()
    latest_status = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    due_note = models.CharField(
        "Due (not a full date)", max_length=50, blank=True, help_text="e.g. 30/08 as printed"
    )
    rag = models.CharField(max_length=1, choices=Rag.choices, blank=True)
    programme_milestones = models.CharField(
        "Relevant programme milestone(s)", max_length=200, blank=True
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_note=""),
                name="delivery_deliverable_date_or_note",
                violation_error_message="Give a due date or the due words as printed, not both.",
            )
        ]

    def __str__(self):
        return self.deliverable[:60]


# Finances ---------------------------------------------------------------------------------


class FinanceKind(models.TextChoices):
    BUDGET = "budget", "Budget"
    ACTUAL_FORECAST = "actual_forecast", "Actual/Forecast"


class FinanceLine(Versioned):
    """One line of the central-party finances table, e.g. 'DCC Act/Forecast' for 2024/25.

    A line either belongs to a party or is a total line the programme prints
    (`is_printed_total`); the portal computes its own totals from the party lines and shows the
    printed ones beside them, because printed totals may differ from the sum of rounded months.
    """

    year = models.PositiveIntegerField(
        help_text="Calendar year the financial year starts in: 2024 for April 2024 to March 2025",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    label = models.CharField(max_length=100)
    party = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=FinanceKind.choices)
    is_printed_total = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    printed_total = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The total as the party supplied it, if it supplied one",
    )
    note = models.CharField(max_length=300, blank=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["year", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["year", "label"], name="finance_line_unique_label"),
            models.CheckConstraint(
                condition=Q(is_printed_total=True) | ~Q(party=""),
                name="finance_line_party_unless_total",
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.year}/{(self.year + 1) % 100:02d}"


class FinanceAmount(models.Model):
    """£m for one month; `month` is empty for values supplied without a month (kept in order)."""

    line = models.ForeignKey(FinanceLine, on_delete=models.CASCADE, related_name="amounts")
    month = models.DateField(null=True, blank=True, help_text="First day of the month")
    position = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["line", "month", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "month"],
                condition=Q(month__isnull=False),
                name="finance_amount_one_per_month",
            ),
            models.UniqueConstraint(
                fields=["line", "position"],
                condition=Q(month__isnull=True),
                name="finance_amount_unassigned_position",
            ),
        ]

    def __str__(self):
        return f"{self.line.label} {self.month or 'unassigned'}: {self.amount}"


# Test progress ----------------------------------------------------------------------------


class TrialStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not Started"
    IN_PROGRESS = "in_progress", "In Progress"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked"


class TestStage(models.Model):
    __test__ = False  # not a pytest test class

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class TestCase(models.Model):
    __test__ = False

    stage = models.ForeignKey(TestStage, on_delete=models.CASCADE, related_name="test_cases")
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["stage__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "name"], name="test_case_unique_in_stage")
        ]

    def __str__(self):
        return self.name


class TrialResult(Versioned):
    """One cohort (or cohort pair) running one test case: the 'MVC Trial Update' row."""

    test_case = models.ForeignKey(TestCase, on_delete=models.CASCADE, related_name="results")
    cohorts = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=TrialStatus.choices)
    steps_passed = models.PositiveIntegerField(null=True, blank=True)
    steps_total = models.PositiveIntegerField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(100)], help_text="Percent of steps passed, as reported"
    )
    commentary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["test_case__stage__position", "test_case__position", "position", "cohorts"]
        constraints = [
            models.UniqueConstraint(
                fields=["test_case", "cohorts"], name="trial_result_one_per_cohort"
            ),
            models.CheckConstraint(
                condition=Q(steps_total__isnull=True)
                | Q(steps_passed__lte=models.F("steps_total")),
                name="trial_result_passed_within_total",
            ),
            models.CheckConstraint(
                condition=(Q(steps_total__isnull=True) & Q(steps_passed__isnull=True))
                | (Q(steps_total__isnull=False) & Q(steps_passed__isnull=False)),
                name="trial_result_steps_both_or_neither",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="trial_result_percent_max"),
        ]

    def __str__(self):
        return f"{self.test_case} – {self.cohorts}"


def percent_of(passed: int | None, total: int | None) -> int | None:
    """Whole percent as the pack prints it (round half up), or None without step counts."""
    if passed is None or not total:
        return None
    return int((Decimal(100) * passed / total).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


# SIT progress: completion targets, MVC status, stage statuses and cohort trials --------------
# (their own module, so this one stays readable; imported here so Django registers them)
from delivery.sit_models import (  # noqa: E402, F401
    CohortTrial,
    CohortTrialPlan,
    MvcGroup,
    MvcRole,
    SitDashboard,
    SitStageStatus,
    SitTarget,
    SitTargetMeasure,
    SitTargetSet,
)
