"""Elections, candidates and their proposals; feasibility ratings and verdicts on proposals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Election(models.Model):
    class Kind(models.TextChoices):
        PRESIDENTIAL = "presidential", _("Presidential election")
        PRIMARY = "primary", _("Primary")
        LEGISLATIVE = "legislative", _("Legislative election")
        EUROPEAN = "european", _("European election")
        OTHER = "other", _("Other")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")

    def __str__(self) -> str:
        return self.name


class Party(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.short_name or self.name


class Candidate(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Candidacy(models.Model):
    """A candidate standing in one election for one party."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="candidacies")
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidacies")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="candidacies", null=True, blank=True
    )

    class Meta:
        ordering = ["election__date", "candidate__last_name"]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "election"], name="candidacy_unique_per_election"
            ),
        ]

    def __str__(self) -> str:
        party = f" ({self.party})" if self.party_id else ""
        return f"{self.candidate}{party}, {self.election}"


class Theme(models.Model):
    """The fixed taxonomy of digital-policy themes (fixtures/themes.csv, loaded by a migration)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    label_fr = models.CharField(_("French label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    manifesto_code = models.CharField(_("Manifesto Project code"), max_length=16, blank=True)
    cap_major = models.CharField(_("CAP major topic"), max_length=16, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    @property
    def short_label(self) -> str:
        """The label without its parenthesised examples: 'Infrastructures et couverture'."""
        return self.label.split(" (")[0]


class Proposal(models.Model):
    """A campaign promise of one candidacy. Passages of articles link to it through annotations."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="proposals")
    primary_theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="primary_proposals"
    )
    secondary_themes = models.ManyToManyField(Theme, related_name="secondary_proposals", blank=True)
    title = models.CharField(_("title"), max_length=200)
    statement = models.TextField(_("statement"))
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="proposal_title_not_empty"),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="proposal_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/proposals/{self.slug}/"


class Feasibility(models.TextChoices):
    """Ordinal feasibility scale (1-5) and the two verdicts outside the order."""

    NOT_FEASIBLE = "not_feasible", _("Not feasible")
    HARDLY_FEASIBLE = "hardly_feasible", _("Hardly feasible")
    CONDITIONAL = "conditional", _("Feasible under conditions")
    MOSTLY_FEASIBLE = "mostly_feasible", _("Mostly feasible")
    FEASIBLE = "feasible", _("Feasible")
    ALREADY_IN_PLACE = "already_in_place", _("Already in place")
    NOT_ASSESSABLE = "not_assessable", _("Not assessable")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class FeasibilityRating(models.Model):
    """One rater's ex-ante judgement of a proposal. One per rater per proposal."""

    # PROTECT: a rated proposal is merged into the record that replaces it, never deleted.
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings"
    )
    feasibility = models.CharField(_("feasibility"), max_length=20, choices=Feasibility.choices)
    obstacles = models.JSONField(_("obstacles"), default=dict, blank=True)
    importance = models.CharField(_("importance"), max_length=10, choices=Level.choices)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Level.choices)
    justification = models.TextField(_("justification"))
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created"]
        verbose_name = _("feasibility rating")
        verbose_name_plural = _("feasibility ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "rater"], name="rating_one_per_rater_per_proposal"
            ),
            models.CheckConstraint(
                condition=Q(feasibility__in=Feasibility.values), name="rating_feasibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(importance__in=Level.values), name="rating_importance_valid"
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=Level.values), name="rating_confidence_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} / {self.rater}: {self.feasibility}"


class Verdict(models.Model):
    """A published feasibility verdict. Publishing a new one keeps the old ones (is_current=False)."""

    # PROTECT: a proposal with a verdict is merged, never deleted.
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="verdicts")
    feasibility = models.CharField(_("feasibility"), max_length=20, choices=Feasibility.choices)
    summary = models.TextField(_("public summary"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    ratings_snapshot = models.JSONField(_("ratings it was based on"), default=list, blank=True)
    is_current = models.BooleanField(default=True)
    # What the service proposed when it was published (blank: the proposal was "to discuss").
    proposed_feasibility = models.CharField(
        _("proposed feasibility"), max_length=20, choices=Feasibility.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(is_current=True),
                name="verdict_one_current_per_proposal",
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="verdict_summary_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.feasibility}"


class ProposalMerge(models.Model):
    """The record of a moderator merging a duplicate proposal into the kept one."""

    kept = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="merges_kept")
    duplicate = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="merge_record"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    moved_annotations = models.PositiveIntegerField(default=0)
    moved_ratings = models.PositiveIntegerField(default=0)
    moved_verdicts = models.PositiveIntegerField(default=0)
    # Ratings dropped because the same rater had rated both records (the newer one is kept).
    dropped_ratings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("proposal merge")
        verbose_name_plural = _("proposal merges")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kept=models.F("duplicate")), name="merge_not_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} -> {self.kept_id}"
