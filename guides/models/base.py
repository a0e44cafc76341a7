"""The shared base of content models: Markdown rendered on save, and date defaults.

``RenderedMarkdown`` renders a model's Markdown fields once, on save, by
``guides.rendering.pipeline`` into the matching ``*_html`` field. Views never render Markdown.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..rendering import pipeline as markdown

WORDS_PER_MINUTE = 200


class RenderedMarkdown:
    """Models whose Markdown fields are rendered once, on save, by ``guides.rendering.pipeline``.

    ``markdown_fields`` maps a source field to the field that holds its HTML.
    A loader can set ``_resolver`` so links and citations resolve against the
    files being loaded rather than the database.
    """

    markdown_fields = {}
    cite_links = "sources"

    def resolver(self):
        return getattr(self, "_resolver", None) or markdown.DatabaseResolver()

    def _render_key(self, text):
        """What a field's rendering depends on besides the database: its text and a loader's resolver."""
        return text, getattr(self, "_resolver", None)

    def render(self):
        """Render each Markdown field into its HTML field.

        A result that ``check_markdown()`` (run by ``clean()``) rendered from the
        same text is reused once, so a validated save renders each field once.
        """
        checked = getattr(self, "_checked_markdown", {})
        self._checked_markdown = {}  # a check's results serve one save at most
        resolver = self.resolver()
        for source, target in self.markdown_fields.items():
            text = getattr(self, source).replace("\r\n", "\n")
            setattr(self, source, text)
            key, rendered = checked.get(source, (None, None))
            if key != self._render_key(text):
                rendered = markdown.render(text, resolver=resolver, cite_links=self.cite_links)
            setattr(self, target, rendered.html)
            self.rendered(source, rendered)

    def rendered(self, source, result):
        """Hook for models that keep more than the HTML."""

    def check_markdown(self):
        """Render each Markdown field strictly: unknown citations, links or tables are errors.

        Each result is kept with the text it came from, for ``render()`` to reuse.
        """
        errors = {}
        self._checked_markdown = {}
        resolver = self.resolver()
        for source in self.markdown_fields:
            text = getattr(self, source).replace("\r\n", "\n")
            try:
                rendered = markdown.render(text, resolver=resolver, strict=True, cite_links=self.cite_links)
            except markdown.MarkdownError as exc:
                errors[source] = str(exc)
            else:
                self._checked_markdown[source] = (self._render_key(text), rendered)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        self.check_markdown()

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)


def today():
    return timezone.localdate()


def next_year():
    return timezone.localdate() + timedelta(days=365)
