"""The core every app shares: constituencies, organisations, forums, people and roles."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.concurrency import Versioned
from portal.history import GovernedQuerySet, governed_history


class Constituency(models.Model):
    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in impact-assessment tables")

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "constituencies"

    def __str__(self):
        return self.name


class MarketRole(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(Versioned):
    name = models.CharField(max_length=200, unique=True)
    constituency = models.ForeignKey(
        Constituency, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    market_roles = models.ManyToManyField(MarketRole, blank=True, related_name="organisations")
    is_programme_party = models.BooleanField(
        default=False,
        help_text="A programme party: invited to impact assessments and counted in roll-ups.",
    )
    active = models.BooleanField(default=True)

    objects = GovernedQuerySet.as_manager()
    history = governed_history(m2m_fields=[market_roles])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_programme_party=False) | Q(constituency__isnull=False),
                name="organisation_party_has_constituency",
            )
        ]

    def __str__(self):
        return self.name


class Forum(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="1 sponsor, 2 steering group, 3 advisory groups, 4 working groups",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    chair = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="chaired"
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        ordering = ["level", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="forum_level_1_to_4"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="forum_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.code


class Classification(models.TextChoices):
    """Document classification: Public goes to every party, Restricted to the steering group
    and the programme only. RAID items and pack sections share it."""

    PUBLIC = "public", "Public"
    RESTRICTED = "restricted", "Restricted"


class Role(models.TextChoices):
    PMO = "pmo", "PMO"
    PARTICIPANT = "participant", "Participant"
    STEERING = "steering", "Steering group member"
    CHAIR = "chair", "Chair / SRO"
    OBSERVER = "observer", "Observer"


class UserQuerySet(GovernedQuerySet):
    pass


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        # People type their address in any case; it is stored lower-cased.
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.PMO)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in by email; belongs to one organisation and holds one role."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the admin site")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    history = governed_history(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="participant") | Q(organisation__isnull=False),
                name="user_participant_has_organisation",
            )
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class Programme(models.Model):
    """The programme this portal serves (one row). Its reporting date anchors every
    "as of" computation; empty means today, a fixed date replays a past month (the demo)."""

    name = models.CharField(max_length=200)
    reporting_date = models.DateField(
        null=True, blank=True, help_text="Leave empty to report as of today."
    )

    objects = GovernedQuerySet.as_manager()
    history = governed_history()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="programme_single_row"),
        ]

    def __str__(self):
        return self.name
