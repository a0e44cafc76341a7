"""Pure logic behind the reader tools (issue 6): no requests, no templates, no queries.

Functions take plain values and objects that look like the content models
(``IntakeValue``, ``Food``, ``SupplementForm``, ``Interaction``); the views in
``guides.tools`` load those and validate input first. All amounts are
``Decimal`` so the known answers round the same way on every database.
"""

import difflib
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
REQUIREMENT_KINDS = ("RDA", "AI")


def round_to(value, places=0):
    """Round a Decimal half-up (301.5 -> 302), not to even."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def plain_number(value, places=2):
    """Text for a number: rounded half-up, without trailing zeros (2.43, 0.82, 140)."""
    text = f"{round_to(value, places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# --- Magnesium intake -------------------------------------------------------

def _covers_age(row, age):
    """IntakeValue ages: ``age_min`` inclusive, ``age_max`` exclusive or open."""
    return row.age_min <= age and (row.age_max is None or age < row.age_max)


def requirement_row(rows, age, sex, stage):
    """The RDA or AI row for a person, or None.

    ``sex`` is "female", "male" or "" (unknown); ``stage`` is "pregnant",
    "breastfeeding" or "" (neither). A row for the person's sex wins over a
    row for any sex.
    """
    stage = stage or "none"
    matches = [
        r for r in rows
        if r.kind in REQUIREMENT_KINDS and r.stage == stage and _covers_age(r, age) and r.sex in ("any", sex)
    ]
    matches.sort(key=lambda r: r.sex == "any")
    return matches[0] if matches else None


def needs_sex(rows, age, stage):
    """True when the value for this age (and stage) differs by sex."""
    stage = stage or "none"
    return any(
        r.kind in REQUIREMENT_KINDS and r.stage == stage and _covers_age(r, age) and r.sex != "any"
        for r in rows
    )


def stage_ages(rows, stage):
    """(youngest, oldest exclusive) ages that have values for a stage, or None."""
    ages = [(r.age_min, r.age_max) for r in rows if r.kind in REQUIREMENT_KINDS and r.stage == stage]
    if not ages:
        return None
    highs = [high for _low, high in ages]
    return min(low for low, _high in ages), (None if None in highs else max(highs))


def upper_limit_row(rows, age):
    """The supplemental UL row for an age (it also covers pregnancy and breastfeeding), or None."""
    matches = [r for r in rows if r.kind == "UL" and r.stage == "none" and _covers_age(r, age)]
    return matches[0] if matches else None


def elemental_mg(compound_mg, elemental_percent):
    """Elemental magnesium in ``compound_mg`` of a compound that is ``elemental_percent`` % magnesium."""
    return Decimal(compound_mg) * Decimal(elemental_percent) / 100


@dataclass
class FoodLine:
    """One food eaten today: ``servings`` servings of ``food``."""

    food: object
    servings: Decimal

    @property
    def magnesium_mg(self):
        return Decimal(self.food.magnesium_mg) * self.servings


@dataclass
class IntakeResult:
    """Everything the calculator shows, as numbers."""

    requirement: object
    upper_limit: object
    foods: list = field(default_factory=list)
    supplement_mg: Decimal | None = None

    @property
    def requirement_mg(self):
        return Decimal(self.requirement.amount_mg)

    @property
    def ul_mg(self):
        """The supplemental UL in mg, or None when it is not established."""
        if self.upper_limit is None or self.upper_limit.amount_mg is None:
            return None
        return Decimal(self.upper_limit.amount_mg)

    @property
    def food_mg(self):
        return sum((line.magnesium_mg for line in self.foods), ZERO)

    @property
    def total_mg(self):
        return self.food_mg + (self.supplement_mg or ZERO)

    @property
    def percent_of_requirement(self):
        return round_to(self.total_mg * 100 / self.requirement_mg)

    @property
    def shortfall_mg(self):
        return max(ZERO, self.requirement_mg - self.total_mg)

    @property
    def over_ul(self):
        """True when the supplement alone is above the UL. Food never counts toward it."""
        return self.supplement_mg is not None and self.ul_mg is not None and self.supplement_mg > self.ul_mg

    @property
    def supplement_without_ul(self):
        """A supplement for an age with no UL (infants): not a safe amount, just not established."""
        return bool(self.supplement_mg) and self.ul_mg is None


def intake_result(rows, age, sex, stage, foods=(), supplement_mg=None):
    """The calculator's answer. Returns None if no reference value covers the person."""
    if stage and not sex:
        sex = "female"
    requirement = requirement_row(rows, age, sex, stage)
    if requirement is None:
        return None
    return IntakeResult(
        requirement=requirement,
        upper_limit=upper_limit_row(rows, age),
        foods=list(foods),
        supplement_mg=supplement_mg,
    )


CHART_LEFT = 10
CHART_WIDTH = 380


def intake_chart(result):
    """Geometry (SVG user units) for the at-a-glance chart: x positions and widths only."""
    ul = result.ul_mg
    biggest = max(result.total_mg, result.requirement_mg, ul or ZERO, result.supplement_mg or ZERO)
    scale = Decimal(CHART_WIDTH) / (biggest * Decimal("1.1")) if biggest else ZERO

    def x(mg):
        return float(round_to(CHART_LEFT + mg * scale, 1))

    def width(mg):
        return float(round_to(mg * scale, 1))

    def label_x(position):
        """Keep a centred label inside the chart."""
        return min(max(position, CHART_LEFT + 55), CHART_LEFT + CHART_WIDTH - 55)

    supplement = result.supplement_mg or ZERO
    return {
        "left": CHART_LEFT,
        "food_width": width(result.food_mg),
        "supplement_x": x(result.food_mg),
        "supplement_width": width(supplement),
        "requirement_x": x(result.requirement_mg),
        "requirement_label_x": label_x(x(result.requirement_mg)),
        "supplement_alone_width": width(supplement),
        "ul_x": x(ul) if ul is not None else None,
        "ul_label_x": label_x(x(ul)) if ul is not None else None,
    }


# --- Lab units --------------------------------------------------------------

UNITS = ("mg/dL", "mmol/L", "mEq/L")


@dataclass(frozen=True)
class ReferenceRange:
    """A typical blood range from one source (a Reference key in content/references.yaml).

    ``also`` holds the same range as the source prints it in other units,
    ``((low, high, unit), ...)``; we show those rather than our own conversion.
    """

    low: Decimal
    high: Decimal
    unit: str
    source: str
    also: tuple = ()


@dataclass(frozen=True)
class Analyte:
    """An electrolyte: how its units relate, and its typical ranges (the first one is used to place a value)."""

    slug: str
    name: str
    mg_per_dl_per_mmol: Decimal  # 1 mmol/L in mg/dL (atomic weight / 10)
    charge: int  # mEq/L = mmol/L x charge
    factor_sources: tuple = ()
    ranges: tuple = ()

    @property
    def reference_range(self):
        return self.ranges[0] if self.ranges else None


ANALYTES = {
    "magnesium": Analyte(
        "magnesium", "Magnesium", Decimal("2.43"), 2, ("IOM_1997", "MSD_HYPERMG"),
        (
            ReferenceRange(Decimal("1.8"), Decimal("2.3"), "mg/dL", "IOM_1997",
                           ((Decimal("0.75"), Decimal("0.95"), "mmol/L"),)),
            # MedlinePlus prints a mmol/L range that does not match its mg/dL range: not reused.
            ReferenceRange(Decimal("1.7"), Decimal("2.2"), "mg/dL", "MEDLINEPLUS_MG_TEST"),
            ReferenceRange(Decimal("1.46"), Decimal("2.68"), "mg/dL", "STATPEARLS_HYPOMG",
                           ((Decimal("0.6"), Decimal("1.1"), "mmol/L"),)),
        ),
    ),
    "potassium": Analyte(
        "potassium", "Potassium", Decimal("3.91"), 1, (),
        (ReferenceRange(Decimal("3.7"), Decimal("5.2"), "mEq/L", "MEDLINEPLUS_K_NA_TEST"),),
    ),
    "sodium": Analyte(
        "sodium", "Sodium", Decimal("2.299"), 1, (),
        (ReferenceRange(Decimal("135"), Decimal("145"), "mEq/L", "MEDLINEPLUS_NA_TEST"),),
    ),
    "calcium": Analyte("calcium", "Calcium", Decimal("4.008"), 2, (), ()),
}


def range_source_keys():
    """Every Reference key the lab-unit tool cites."""
    keys = []
    for analyte in ANALYTES.values():
        keys += list(analyte.factor_sources) + [r.source for r in analyte.ranges]
    return list(dict.fromkeys(keys))


def to_mmol(analyte, value, unit):
    """A value in ``unit`` as mmol/L (unrounded)."""
    if unit == "mmol/L":
        return Decimal(value)
    if unit == "mg/dL":
        return Decimal(value) / analyte.mg_per_dl_per_mmol
    if unit == "mEq/L":
        return Decimal(value) / analyte.charge
    raise ValueError(f"unknown unit {unit!r}")


def from_mmol(analyte, mmol, unit):
    """mmol/L as ``unit`` (unrounded)."""
    if unit == "mmol/L":
        return mmol
    if unit == "mg/dL":
        return mmol * analyte.mg_per_dl_per_mmol
    if unit == "mEq/L":
        return mmol * analyte.charge
    raise ValueError(f"unknown unit {unit!r}")


def convert(analyte, value, unit):
    """The value in every unit, unrounded: {"mg/dL": ..., "mmol/L": ..., "mEq/L": ...}."""
    mmol = to_mmol(analyte, value, unit)
    return {u: (Decimal(value) if u == unit else from_mmol(analyte, mmol, u)) for u in UNITS}


def range_in_units(analyte, reference_range):
    """A range's low and high in every unit: {unit: (low, high)}, unrounded.

    Units the source prints are taken as printed; the rest are converted,
    from the printed mmol/L figures when there are some.
    """
    printed = {reference_range.unit: (reference_range.low, reference_range.high)}
    printed.update({unit: (low, high) for low, high, unit in reference_range.also})
    base_unit = "mmol/L" if "mmol/L" in printed else reference_range.unit
    low = convert(analyte, printed[base_unit][0], base_unit)
    high = convert(analyte, printed[base_unit][1], base_unit)
    return {u: printed.get(u, (low[u], high[u])) for u in UNITS}


def place_in_range(analyte, value, unit, reference_range=None):
    """"below", "within" or "above" the range (compared in the range's own unit), or None without a range."""
    reference_range = reference_range or analyte.reference_range
    if reference_range is None:
        return None
    in_range_unit = convert(analyte, value, unit)[reference_range.unit]
    if in_range_unit < reference_range.low:
        return "below"
    if in_range_unit > reference_range.high:
        return "above"
    return "within"


# --- Medicine interactions ---------------------------------------------------

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
        return (f"Take the medicine at least {before} hours before, or {after} hours after, "
                "any product that contains magnesium.")
    found = SEPARATION_HOURS.match(text)
    if found:
        return f"Keep the medicine and magnesium at least {found.group(1).replace('-', '–')} hours apart."
    return f"Timing: {text}."
