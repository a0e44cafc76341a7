"""What the pipeline's output points at, read from the database.

- ``lookups(*htmls)``: the link targets and data tables that rendered HTML
  shows (``placeholders.Lookups``), for ``placeholders.fill`` at render time:
  one query for the links (two when a link uses an old slug) and one per
  model behind the tables. Tables are kept per content version and day.
- ``Known``: which references, guides and tables exist, for ``pipeline.check``
  (the admin's validation; the loader builds one from the files instead).

The pipeline itself never reads the database; this module is the only bridge.
"""

from django.db.models import BooleanField, ExpressionWrapper, Q

from ..cache import fragment_many
from ..models import Article, Reference, SlugHistory, today
from . import pipeline, placeholders, tables


class Known:
    """References, guide slugs (old slugs too) and table names that exist."""

    def __init__(self, reference_keys=(), guide_slugs=(), table_names=None):
        self.reference_keys = set(reference_keys)
        self.guide_slugs = set(guide_slugs)
        self.table_names = set(tables.TABLES if table_names is None else table_names)

    def has_reference(self, key):
        return key in self.reference_keys

    def has_guide(self, slug):
        return slug in self.guide_slugs

    def has_table(self, name):
        return name in self.table_names

    @classmethod
    def in_database(cls, *rendered):
        """What exists of everything ``rendered`` (pipeline results) cites and links: two queries."""
        keys = {key for r in rendered for key in r.cited_keys}
        slugs = {slug for r in rendered for slug in r.links}
        found_keys = Reference.objects.filter(key__in=keys).values_list("key", flat=True) if keys else []
        found_slugs = set()
        if slugs:
            found_slugs |= set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            found_slugs |= set(SlugHistory.objects.filter(old_slug__in=slugs).values_list("old_slug", flat=True))
        return cls(found_keys, found_slugs)


def markdown_errors(instance, known=None):
    """``{field: message}`` for each Markdown field of ``instance`` that cites, links or embeds
    something that does not exist (``known``: what exists; the database by default)."""
    results = {
        source: pipeline.render(getattr(instance, source), instance.markdown_options(source))
        for source in getattr(instance, "markdown_fields", {})
    }
    if not results:
        return {}
    known = known or Known.in_database(*results.values())
    errors = {source: pipeline.check(rendered, known) for source, rendered in results.items()}
    return {source: "; ".join(problems) for source, problems in errors.items() if problems}


def _target(slug, title, status, published, on):
    return placeholders.LinkTarget(
        url=Article(slug=slug).get_absolute_url(),
        title=title,
        live=status == Article.Status.PUBLISHED and published <= on,
    )


def link_targets(slugs, on=None):
    """``{slug: LinkTarget}`` for the guides ``slugs`` name (an old slug gives the guide it moved to)."""
    on = on or today()
    if not slugs:
        return {}
    fields = ("slug", "title", "status", "published")
    targets = {row[0]: _target(*row, on) for row in Article.objects.filter(slug__in=slugs).values_list(*fields)}
    moved = [slug for slug in slugs if slug not in targets]
    if moved:
        old = SlugHistory.objects.filter(old_slug__in=moved).values_list(
            "old_slug", *(f"article__{name}" for name in fields)
        )
        targets.update({row[0]: _target(*row[1:], on) for row in old})
    return targets


def data_tables(names):
    """``{name: Table}``, rendered once per content version and day (see ``guides.cache.fragment_many``)."""
    return fragment_many("table", list(names), tables.render)


def lookups(*htmls):
    """Everything the placeholders in ``htmls`` need, in one ``Lookups``."""
    slugs, names = placeholders.referenced(*htmls)
    return placeholders.Lookups(links=link_targets(slugs), tables=data_tables(names))


def related_and_links(article, *htmls):
    """A guide's published related guides and its link targets, from one query on the guides table.

    The guide page shows both, so they share the query (the page stays within its budget).
    """
    slugs, names = placeholders.referenced(*htmls)
    on = today()
    related_ids = Article.related.through.objects.filter(from_article=article).values("to_article")
    rows = (
        Article.objects.filter(Q(slug__in=slugs) | Q(pk__in=related_ids))
        .for_listing()
        .annotate(is_related=ExpressionWrapper(Q(pk__in=related_ids), output_field=BooleanField()))
    )
    rows = list(rows.a_to_z())
    related = [row for row in rows if row.is_related and row.status == Article.Status.PUBLISHED and row.published <= on]
    targets = {
        row.slug: _target(row.slug, row.title, row.status, row.published, on) for row in rows if row.slug in slugs
    }
    moved = [slug for slug in slugs if slug not in targets]
    if moved:
        targets.update(link_targets(moved, on))
    return related, placeholders.Lookups(links=targets, tables=data_tables(names))
