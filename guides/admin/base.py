"""``ContentAdmin``: what every content admin shares.

- **History**: every save is a revision (django-reversion); the history page compares any two
  revisions as a readable diff and reverts to one in one action (django-reversion-compare). A
  revert is itself a new revision.
- **No noise**: a save that changes nothing records no revision (``ignore_duplicates``) and
  logs nothing.
- **Markdown**: each Markdown field gets the editor with a live preview of that field.
- **Referential safety**: a row that other content links to or cites cannot be deleted; the
  delete page lists every item that links to it (``guides.admin.links``).
"""

from django.contrib.admin.utils import flatten
from django.db import models
from reversion_compare.admin import CompareVersionAdmin

from .forms import ContentForm, PreviewWidget, TextField
from .links import linked_from


class ContentFields:
    """Text fields normalise line endings; Markdown fields get the editor with a preview of that field."""

    form = ContentForm

    def get_fieldsets(self, request, obj=None):
        """The lock's hidden ``base_hash`` is rendered even where fields are listed by hand."""
        fieldsets = list(super().get_fieldsets(request, obj))
        listed = {name for _title, options in fieldsets for name in flatten(options["fields"])}
        if "base_hash" not in listed:
            title, options = fieldsets[0]
            fieldsets[0] = (title, {**options, "fields": (*options["fields"], "base_hash")})
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField):
            kwargs["form_class"] = TextField
        if db_field.name in getattr(self.model, "markdown_fields", {}):
            kwargs["widget"] = PreviewWidget(f"{self.model._meta.label_lower}.{db_field.name}")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ContentAdmin(ContentFields, CompareVersionAdmin):
    history_latest_first = True

    def log_change(self, request, obj, message):
        if not message:  # "No fields changed."
            return None
        return super().log_change(request, obj, message)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [item for obj in objs for item in linked_from(obj)]
        return deleted, counts, perms_needed, list(protected) + links
