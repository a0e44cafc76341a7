"""What a guide page shows, assembled from the rows it shows: a pure function, no queries.

The view fetches the rows (the guide, its citations, FAQs, related guides, and
the ``Lookups`` its placeholders need); ``guide_page`` fills in the body and
FAQ answers and numbers the source list, the body's own citations first and
then any that its data tables add.
"""

from dataclasses import dataclass

from .placeholders import Citations, fill


@dataclass(frozen=True)
class Source:
    """One entry of a guide's numbered source list, with the anchors of each place it is cited."""

    number: int
    reference: object
    backlinks: tuple


@dataclass(frozen=True)
class GuidePage:
    body_html: str
    sources: tuple
    faqs: tuple  # ((faq, answer_html), ...)
    related: tuple
    changes: tuple = ()  # ((date, reviewer's note, reviewer), ...): the public "What changed" list


def guide_page(article, citations, faqs, related, lookups, changes=()):
    """``article``'s page from its ``Citation`` rows (with references), FAQs, related guides and lookups."""
    cited = Citations.of([(c.reference.key, c.occurrences) for c in citations])
    body = fill(article.body_html, lookups, cited)
    references = {c.reference.key: c.reference for c in citations}
    for table in lookups.tables.values():
        for reference in table.references:
            references.setdefault(reference.key, reference)
    sources = tuple(
        Source(number, references[key], tuple(f"cite-{number}-{i}" for i in range(1, count + 1)))
        for key, number, count in cited.ordered()
        if key in references
    )
    answers = tuple((faq, fill(faq.answer_html, lookups)) for faq in faqs)
    return GuidePage(body_html=body, sources=sources, faqs=answers, related=tuple(related), changes=tuple(changes))


def filled_faqs(faqs, lookups):
    """``((faq, answer_html), ...)`` for FAQ lists (topic hubs, the FAQ page)."""
    return tuple((faq, fill(faq.answer_html, lookups)) for faq in faqs)
