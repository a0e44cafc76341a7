"""The shared base of content models: Markdown rendered on save, and date defaults.

``RenderedMarkdown`` renders a model's Markdown fields on save, by
``guides.rendering.pipeline``, into the matching ``*_html`` field. Views never render Markdown.
"""

from datetime import timedelta

from django.utils import timezone

from ..rendering import pipeline

WORDS_PER_MINUTE = 200


def normalise_text(text):
    """Text as stored: Unix line endings (browsers send CRLF) and no trailing spaces at the end."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class RenderedMarkdown:
    """Models whose Markdown fields are rendered on save into the matching ``*_html`` field.

    ``markdown_fields`` maps a source field to the field that holds its HTML.
    The stored HTML is a pure function of the row's own text: links to guides
    and data tables are placeholders, filled in when a page is rendered
    (``guides.rendering.placeholders``). Whether citations, links and tables
    name things that exist is checked by the admin and the loader
    (``guides.rendering.resolvers.markdown_errors``), not here.
    """

    markdown_fields = {}
    cite_links = "sources"

    @classmethod
    def markdown_options(cls, source):
        """How the field ``source`` is rendered: the one answer that save and the admin preview both use."""
        return pipeline.Options(cite_links=cls.cite_links)

    def render_markdown(self):
        """Render each Markdown field into its HTML field. Returns ``{source: pipeline.Rendered}``."""
        results = {}
        for source, target in self.markdown_fields.items():
            text = normalise_text(getattr(self, source))
            setattr(self, source, text)
            results[source] = pipeline.render(text, self.markdown_options(source))
            setattr(self, target, results[source].html)
        self.rendered(results)
        return results

    def rendered(self, results):
        """Hook, before the row is written: models that keep more than the HTML set it here."""

    def markdown_saved(self, results):
        """Hook, after the row is written: models that derive other rows (citations) write them here."""

    def save(self, *args, **kwargs):
        results = self.render_markdown()
        super().save(*args, **kwargs)
        self.markdown_saved(results)


def today():
    return timezone.localdate()


def next_year():
    return timezone.localdate() + timedelta(days=365)
