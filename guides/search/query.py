"""Reading a query: words, stop words, lay terms (``SearchTerm``) and typo corrections.

A query is read as words. Lay terms and other spellings from ``SearchTerm``
(``content/search-terms.yaml``) are looked up as well ("water pill" also
finds "diuretic"); words the index does not know are corrected to the nearest
indexed word ("magnesuim" also finds "magnesium"). Stop words are dropped.
The result is a ``Plan`` of concepts that a backend searches for.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace

from ..models import SearchTerm

MAX_QUERY_CHARS = 200
MAX_WORDS = 12
MAX_TERM_WORDS = 5
WORD_RE = re.compile(r"[^\W_]+")

# The Snowball English stop words, as PostgreSQL's "english" configuration
# drops them, so both backends look for the same words.
_STOP_WORDS_TEXT = """
a about above after again against all am an and any are as at be because been before being below between
both but by can did do does doing don down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now
of off on once only or other our ours ourselves out over own same she should so some such t than that the
their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with you your yours yourself yourselves s
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Concept:
    """One thing the reader asked for, and every way of writing it (each a tuple of words).

    ``typed`` holds the alternatives without typo corrections, when they differ.
    """

    alternatives: tuple
    typed: tuple = None


@dataclass(frozen=True)
class Plan:
    """What the backends search for: documents matching any concept.

    Backends rank documents by where they match each concept (title, then
    summary, then anywhere), then by their own text rank, so a document
    matching every concept in its title comes first.
    """

    concepts: tuple


@dataclass
class ParsedQuery:
    """A query read into concepts, with the typo corrections made."""

    words: list
    concepts: list = field(default_factory=list)
    corrections: dict = field(default_factory=dict)

    def plan(self, corrected=True):
        if corrected:
            return Plan(tuple(self.concepts))
        return Plan(tuple(replace(c, alternatives=c.typed) if c.typed else c for c in self.concepts))

    @property
    def corrected_text(self):
        return " ".join(self.corrections.get(w, w) for w in self.words)


def clean_query(raw):
    """The query as typed, minus control characters, trimmed to ``MAX_QUERY_CHARS``."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in raw[: MAX_QUERY_CHARS * 2])
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_CHARS]


def words_of(text):
    return WORD_RE.findall(text.lower())[:MAX_WORDS]


def _spans(words):
    return {
        " ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + MAX_TERM_WORDS) + 1)
    }


def _lookup_terms(spans):
    return {t.term: t.expansion_list() for t in SearchTerm.objects.filter(term__in=sorted(spans))}


def _walk(words, terms):
    """Split ``words`` into lay-term spans (longest first) and single words: [(start, end, term or None)]."""
    pieces, i = [], 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_TERM_WORDS), i, -1):
            if " ".join(words[i:j]) in terms:
                pieces.append((i, j, " ".join(words[i:j])))
                i = j
                break
        else:
            pieces.append((i, i + 1, None))
            i += 1
    return pieces


def _meaningful(word):
    return word not in STOP_WORDS and (len(word) > 1 or word.isdigit())


def parse(text, backend):
    """Read ``text`` into concepts: lay terms, plain words and typo corrections.

    At most three queries: lay terms among the query's word sequences, the
    vocabulary for the words left over, and lay terms again if a correction
    made a new one ("magnesuim deficiency" -> "magnesium deficiency").
    """
    words = words_of(text)
    parsed = ParsedQuery(words)
    if not words:
        return parsed
    terms = _lookup_terms(_spans(words))
    leftover = [words[i] for i, _j, term in _walk(words, terms) if term is None and _meaningful(words[i])]
    parsed.corrections = backend.corrections(leftover) if leftover else {}
    fixed = [parsed.corrections.get(w, w) for w in words]
    if parsed.corrections:
        terms.update(_lookup_terms(_spans(fixed) - _spans(words)))
    seen = set()
    for i, j, term in _walk(fixed, terms):
        typed = tuple(words[i:j])
        if term is not None:
            alternatives = tuple(dict.fromkeys([tuple(fixed[i:j])] + [tuple(e.split()) for e in terms[term]]))
        elif _meaningful(words[i]):
            alternatives = tuple(dict.fromkeys([typed, tuple(fixed[i:j])]))
        else:
            continue
        if alternatives in seen:
            continue
        seen.add(alternatives)
        corrected = fixed[i:j] != words[i:j]
        parsed.concepts.append(Concept(alternatives, typed=(typed,) if corrected else None))
    return parsed
