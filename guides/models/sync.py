"""What ``content/`` and the database agreed on at the last load or export (``guides.content.sync``).

One ``SyncRecord`` per record of ``content/``: which database row it is, and
the hash of the record's content when the two sides last matched. A later
load compares both sides with that hash, so it can tell an edit made in admin
from an edit made in git, and never overwrites either silently.
"""

from django.db import models


class SyncRecord(models.Model):
    spec = models.CharField(max_length=30, help_text="The content file kind: articles, faqs, foods, ...")
    key = models.CharField(max_length=400, help_text="The record's key in content/ when last synced.")
    object_id = models.PositiveBigIntegerField()
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField(auto_now=True)
    synced_by = models.CharField(max_length=20, help_text="loadcontent or exportcontent")

    class Meta:
        ordering = ["spec", "key"]
        constraints = [models.UniqueConstraint(fields=["spec", "key"], name="syncrecord_unique_key")]
        indexes = [models.Index(fields=["spec", "object_id"], name="syncrecord_object_idx")]

    def __str__(self):
        return f"{self.spec}: {self.key}"
