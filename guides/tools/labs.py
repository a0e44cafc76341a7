"""The lab unit converter's logic: mg/dL, mmol/L and mEq/L, and typical blood ranges with their sources.

Pure: no queries; each range names the Reference key it comes from.
"""

from dataclasses import dataclass
from decimal import Decimal

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
        "magnesium",
        "Magnesium",
        Decimal("2.43"),
        2,
        ("IOM_1997", "MSD_HYPERMG"),
        (
            ReferenceRange(
                Decimal("1.8"), Decimal("2.3"), "mg/dL", "IOM_1997", ((Decimal("0.75"), Decimal("0.95"), "mmol/L"),)
            ),
            # MedlinePlus prints a mmol/L range that does not match its mg/dL range: not reused.
            ReferenceRange(Decimal("1.7"), Decimal("2.2"), "mg/dL", "MEDLINEPLUS_MG_TEST"),
            ReferenceRange(
                Decimal("1.46"),
                Decimal("2.68"),
                "mg/dL",
                "STATPEARLS_HYPOMG",
                ((Decimal("0.6"), Decimal("1.1"), "mmol/L"),),
            ),
        ),
    ),
    "potassium": Analyte(
        "potassium",
        "Potassium",
        Decimal("3.91"),
        1,
        (),
        (ReferenceRange(Decimal("3.7"), Decimal("5.2"), "mEq/L", "MEDLINEPLUS_K_NA_TEST"),),
    ),
    "sodium": Analyte(
        "sodium",
        "Sodium",
        Decimal("2.299"),
        1,
        (),
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
    """ "below", "within" or "above" the range (compared in the range's own unit), or None without a range."""
    reference_range = reference_range or analyte.reference_range
    if reference_range is None:
        return None
    in_range_unit = convert(analyte, value, unit)[reference_range.unit]
    if in_range_unit < reference_range.low:
        return "below"
    if in_range_unit > reference_range.high:
        return "above"
    return "within"
