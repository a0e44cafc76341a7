"""Content models: guides and everything a guide draws on.

Markdown fields are rendered once, on save, by ``guides.rendering.pipeline`` into the
matching ``*_html`` field. Views never render Markdown.

The models live in submodules; import them from here (``from guides.models import Article``):

- ``base``: ``RenderedMarkdown``, ``today``, ``next_year``, ``WORDS_PER_MINUTE``;
- ``sources``: ``Person``, ``Reference`` and the reference field validators;
- ``data``: ``Food``, ``SupplementForm``, ``Interaction``, ``IntakeValue``;
- ``articles``: ``Topic``, ``Article``, ``Citation``, ``FAQ``, ``Page``, ``SlugHistory``;
- ``search``: ``SearchTerm``, ``SearchDocument``, ``SearchWord``, ``SEARCH_TERM_RE``;
- ``review``: ``Change``, ``ChangeEvent`` (staged changes awaiting medical review);
- ``sync``: ``SyncRecord``, what ``content/`` and the database last agreed on.
"""

from .articles import A_TO_Z, FAQ, Article, ArticleQuerySet, Citation, FAQQuerySet, Page, SlugHistory, Topic
from .base import WORDS_PER_MINUTE, RenderedMarkdown, next_year, today
from .data import Food, IntakeValue, Interaction, SupplementForm
from .review import Change, ChangeEvent
from .search import SEARCH_TERM_RE, SearchDocument, SearchTerm, SearchWord
from .sources import Person, Reference, cite_key_validator, doi_validator, pmid_validator
from .sync import SyncRecord

__all__ = [
    "A_TO_Z",
    "FAQ",
    "SEARCH_TERM_RE",
    "WORDS_PER_MINUTE",
    "Article",
    "ArticleQuerySet",
    "Change",
    "ChangeEvent",
    "Citation",
    "FAQQuerySet",
    "Food",
    "IntakeValue",
    "Interaction",
    "Page",
    "Person",
    "Reference",
    "RenderedMarkdown",
    "SearchDocument",
    "SearchTerm",
    "SearchWord",
    "SlugHistory",
    "SupplementForm",
    "SyncRecord",
    "Topic",
    "cite_key_validator",
    "doi_validator",
    "next_year",
    "pmid_validator",
    "today",
]
