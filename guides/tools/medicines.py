"""The interaction checker's logic: matching a medicine's name (generic, brand or lay) to its row.

Pure: functions take rows that look like ``Interaction``.
"""

import difflib
import re
from dataclasses import dataclass, field


def normalize_name(name):
    """Case- and space-insensitive form of a medicine name."""
    return " ".join(name.casefold().split())


def interaction_aliases(interaction):
    """Every name a reader might type for an interaction: generic and brand names, and the class name."""
    names = list(interaction.name_list())
    names.append(interaction.name)
    names.append(interaction.name.split(" (")[0])
    return names


def name_index(interactions):
    """{normalized name: (display name, interaction)} for every alias. The first interaction to claim a name keeps it."""
    index = {}
    for interaction in interactions:
        for name in interaction_aliases(interaction):
            index.setdefault(normalize_name(name), (name, interaction))
    return index


def find_interaction(query, index):
    """The interaction for a typed name, or None.

    Tries the whole name first, then each word of it, so "Fosamax 70 mg" and
    "doxycycline hyclate" still match; then the first words of a longer
    name, in the singular too, so "aminoglycosides" finds "aminoglycoside
    antibiotics", but only when that points to a single interaction.
    """
    key = normalize_name(query)
    if not key:
        return None
    if key in index:
        return index[key][1]
    for word in re.findall(r"[\w-]{4,}", key):
        if word in index:
            return index[word][1]
    starts = {key + " "} | ({key[:-1] + " "} if key.endswith("s") else set())
    found = {item.slug: item for name, (_display, item) in index.items() if any(name.startswith(s) for s in starts)}
    return next(iter(found.values())) if len(found) == 1 else None


def suggest_names(query, index, limit=3):
    """Close names from our list (difflib), in their display spelling."""
    key = normalize_name(query)
    close = difflib.get_close_matches(key, index.keys(), n=limit, cutoff=0.6)
    return [index[name][0] for name in close]


@dataclass
class InteractionMatch:
    """One interaction and the names the reader typed that led to it."""

    interaction: object
    queries: list = field(default_factory=list)


@dataclass
class UnknownMedicine:
    """A typed name that is not in our list, with close names."""

    query: str
    suggestions: list = field(default_factory=list)


def check_medicines(queries, interactions):
    """Match typed names: (matches in list order of first mention, unknown names with suggestions)."""
    index = name_index(interactions)
    matches, unknown = {}, []
    for query in queries:
        interaction = find_interaction(query, index)
        if interaction is None:
            unknown.append(UnknownMedicine(query, suggest_names(query, index)))
            continue
        match = matches.setdefault(interaction.slug, InteractionMatch(interaction))
        if query not in match.queries:
            match.queries.append(query)
    return list(matches.values()), unknown


SEPARATION_BEFORE_AFTER = re.compile(r"^\s*([\d.–-]+)\s*before\s*/\s*([\d.–-]+)\s*after\s*$", re.I)
SEPARATION_HOURS = re.compile(r"^\s*([\d.–-]+)\s*$")


def describe_separation(text):
    """Plain words for an interaction's ``separation_hours`` field."""
    if not text:
        return "No timing rule: spacing the doses apart is not the advice for this one."
    found = SEPARATION_BEFORE_AFTER.match(text)
    if found:
        before, after = (part.replace("-", "–") for part in found.groups())
        return (
            f"Take the medicine at least {before} hours before, or {after} hours after, "
            "any product that contains magnesium."
        )
    found = SEPARATION_HOURS.match(text)
    if found:
        return f"Keep the medicine and magnesium at least {found.group(1).replace('-', '–')} hours apart."
    return f"Timing: {text}."
