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
from reversion_compare.helpers import html_diff

from ..content.forms import ContentForm, PreviewWidget, TextField
from ..models.base import normalise_text
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


class ReadOnlyAdmin:
    """An admin list that nobody adds to, changes or deletes from (a log, a queue, a derived index)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffReadOnlyAdmin(ReadOnlyAdmin):
    """Read-only, and readable by every active staff user (editors and reviewers alike)."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff


def safe_diff(old, new):
    """django-reversion-compare's readable diff of two texts (its helper escapes both, then marks the result safe).

    Line endings are compared as saved (LF): a browser's CRLF is not a change.
    """
    return html_diff(normalise_text(old), normalise_text(new))


class ContentAdmin(ContentFields, CompareVersionAdmin):
    history_latest_first = True

    # Every diff here goes through safe_diff (html_diff escapes the values), never through a template
    # that marks raw field values safe.
    def fallback_compare(self, obj_compare):
        return safe_diff(*obj_compare.to_string())

    def generic_add_remove(self, raw_value1, raw_value2, value1, value2):
        if raw_value1 is None or raw_value2 is None:  # rendered by an autoescaping template
            return super().generic_add_remove(raw_value1, raw_value2, value1, value2)
        return safe_diff(value1, value2)

    def simple_compare_ManyToManyField(self, obj_compare):  # noqa: N802 (the library's hook name)
        old, new = obj_compare.get_many_to_many()
        return safe_diff(", ".join(map(str, old)), ", ".join(map(str, new)))

    def log_change(self, request, obj, message):
        if not message:  # "No fields changed."
            return None
        return super().log_change(request, obj, message)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [item for obj in objs for item in linked_from(obj)]
        return deleted, counts, perms_needed, list(protected) + links
