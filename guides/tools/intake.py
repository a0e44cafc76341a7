"""The magnesium intake calculator's logic: requirements, upper limits, food and supplement totals.

Pure: functions take plain values and rows that look like ``IntakeValue``,
``Food`` and ``SupplementForm``; ``guides.tools.views`` loads them and
``guides.tools.forms`` validates input first. Amounts are ``Decimal``.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import ZERO, round_to

REQUIREMENT_KINDS = ("RDA", "AI")


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
        r
        for r in rows
        if r.kind in REQUIREMENT_KINDS and r.stage == stage and _covers_age(r, age) and r.sex in ("any", sex)
    ]
    matches.sort(key=lambda r: r.sex == "any")
    return matches[0] if matches else None


def needs_sex(rows, age, stage):
    """True when the value for this age (and stage) differs by sex."""
    stage = stage or "none"
    return any(
        r.kind in REQUIREMENT_KINDS and r.stage == stage and _covers_age(r, age) and r.sex != "any" for r in rows
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
