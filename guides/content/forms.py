"""The content form: the same validation in admin as in ``content/``, and no silent overwrites.

``ContentForm`` is the form of every content admin and inline, and the form a reviewed
change is applied through (``guides.editorial.workflow``):

- fields that ``content/`` requires (``guides.content.format.SPECS``) are required here too,
  and Markdown is checked exactly as the loader checks it, so whatever admin accepts, export
  and load accept;
- text arrives with browser line endings (CRLF); it is normalised before the form compares it
  with the saved value, so a save that changes nothing changes nothing;
- optimistic locking: the form carries the hash of the row it was built from; if the row has
  changed since (someone else saved), the save is refused with who and when, and the editor's
  text stays in the form.
"""

from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from markdownx.widgets import AdminMarkdownxWidget
from reversion.models import Version

from ..models.base import normalise_text
from ..rendering import pipeline, resolvers
from .database import row_hash
from .format import SPEC_BY_MODEL


class TextField(forms.CharField):
    """A form field for text: browser line endings (CRLF) become the stored LF before any comparison."""

    def to_python(self, value):
        return normalise_text(super().to_python(value))


class PreviewWidget(AdminMarkdownxWidget):
    """The Markdown editor, previewing with the options of the field it edits (``markdown_options``).

    A failed image upload shows the server's message beside the editor and inserts nothing
    (``static/editor/uploads.js``).
    """

    class Media:
        js = ["editor/uploads.js"]

    def __init__(self, field_label, attrs=None):
        super().__init__(attrs)
        self.field_label = field_label

    def add_markdownx_attrs(self, attrs):
        attrs = AdminMarkdownxWidget.add_markdownx_attrs(attrs)
        attrs["data-markdownx-urls-path"] = (
            reverse("markdownx_markdownify") + "?" + urlencode({"field": self.field_label})
        )
        return attrs


def saved_by(obj):
    """'NAME on DATE at TIME' for the last revision of ``obj``, or a plain phrase if none is recorded."""
    version = Version.objects.get_for_object(obj).select_related("revision__user").first()
    if version is None:
        return "someone else"
    revision = version.revision
    who = revision.user.get_username() if revision.user else (revision.comment.split(":")[0] or "a command")
    return f"{who} on {revision.date_created:%-d %B %Y at %H:%M} UTC"


class ContentForm(forms.ModelForm):
    base_hash = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = SPEC_BY_MODEL.get(self._meta.model)
        for fld in self.spec.fields if self.spec else ():
            if fld.required and fld.name in self.fields:
                self.fields[fld.name].required = True
        if self.instance.pk and self.spec and not self.is_bound:
            self.initial["base_hash"] = self.state_hash(self.instance)
        self.fields["base_hash"].initial = self.initial.get("base_hash", "")

    def state_hash(self, obj):
        """What the form was built from, as a hash: the row as saved (a staged form: its open draft)."""
        return row_hash(self.spec, obj)

    def who_saved(self, obj):
        """Who last saved what the form edits, for the message when a save is refused."""
        return saved_by(obj)

    @cached_property
    def changed_data(self):
        """What the editor changed: the lock's hidden hash is not content."""
        return [name for name in super().changed_data if name != "base_hash"]

    def clean(self):
        cleaned = super().clean()
        self._check_not_changed_since_opened(cleaned.get("base_hash"))
        model = self._meta.model
        for field in getattr(model, "markdown_fields", {}):
            if field in cleaned and field not in self.errors:
                rendered = pipeline.render(cleaned[field], model.markdown_options(field))
                problems = pipeline.check(rendered, resolvers.Known.in_database(rendered), cleaned[field])
                for problem in problems:
                    self.add_error(field, problem)
        return cleaned

    def _check_not_changed_since_opened(self, base):
        if not (self.instance.pk and self.spec and base):
            return
        current = type(self.instance).objects.filter(pk=self.instance.pk).first()
        if current is None:
            raise forms.ValidationError("This was deleted while you were editing it. Copy your text before you leave.")
        if self.state_hash(current) != base:
            raise forms.ValidationError(
                f"{self.who_saved(current)} saved a change to this while you were editing, so your save was refused "
                "to keep their work. Your text is still in the form: copy it, reload the page to see their "
                "version (History compares the two), then make your change again.",
                code="stale",
            )
