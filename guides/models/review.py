"""Medical review: a staged change to reviewed content, and what happened to it.

An editor's change to reviewed content (a guide, FAQ, food, supplement form,
interaction, intake value, topic or page) is a ``Change``: the admin form as the
editor submitted it, kept apart from the live row. Readers keep seeing the live
row until a member of the **Medical reviewers** group approves the change; only
then is it applied (``guides.editorial.workflow``). Each step (saved, submitted,
changes requested, approved) is a ``ChangeEvent`` with its user, note and time.
Approved changes to what readers see are the guide's public "What changed" list.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class ChangeQuerySet(models.QuerySet):
    def what_changed(self, article):
        """A guide's approved changes to what readers read, newest first: (date, reviewer's note, reviewer)."""
        content_type = ContentType.objects.get_for_model(article)
        return (
            self.filter(content_type=content_type, object_id=article.pk, state=Change.State.APPROVED, visible=True)
            .order_by("-reviewed_at")
            .values_list("reviewed_at", "review_note", "reviewer_name")
        )


class Change(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (State.DRAFT, State.IN_REVIEW, State.CHANGES_REQUESTED)

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="Empty for a row not yet created.")
    object_repr = models.CharField(max_length=200)
    data = models.JSONField(help_text="The admin form as the editor last saved it.")
    base_hash = models.CharField(max_length=64, blank=True, help_text="The live row's hash when the change began.")
    note = models.CharField("what changed", max_length=300, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="changes_made")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="changes_reviewed"
    )
    reviewer_name = models.CharField(max_length=200, blank=True, help_text="The reviewer as the byline names them.")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    visible = models.BooleanField(default=False, help_text="Whether the approved change altered what readers see.")

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state__in=["draft", "in_review", "changes_requested"], object_id__isnull=False),
                name="change_one_open_per_row",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "state"], name="change_row_state_idx")]

    def __str__(self):
        return f"{self.get_state_display()}: {self.object_repr}"

    @property
    def is_open(self):
        return self.state in self.OPEN


class ChangeEvent(models.Model):
    class Action(models.TextChoices):
        SAVED = "saved", "Saved a draft"
        SUBMITTED = "submitted", "Submitted for review"
        CHANGES_REQUESTED = "changes_requested", "Requested changes"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrew"

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.user} at {self.at:%Y-%m-%d %H:%M}"
