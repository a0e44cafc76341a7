"""Reader tools (issue 6): the magnesium intake calculator, the medicine
interaction and timing checker, and the lab unit converter.

Each tool is a GET form with a shareable URL. Django forms validate every
parameter; a bad value gets a message beside its field and the page is
re-rendered with status 200, never an error status. The arithmetic lives in
``guides.tools.intake``, ``labs`` and ``medicines``; this module loads data, validates and renders.
"""

import re
from decimal import Decimal

from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from ..models import Article, Food, IntakeValue, Interaction, Reference, SupplementForm
from . import intake, labs, medicines, numbers
from .forms import CalculatorForm, FoodLineForm, LabUnitsForm, MedicineForm

MAX_FOOD_LINES = 20
MAX_MEDICINES = 10

CALCULATOR_PARAMS = ("age", "sex", "stage", "food", "servings", "supplement", "supplement_mg", "elemental_mg")
LAB_PARAMS = ("analyte", "value", "unit")

CALCULATOR_GUIDES = (
    "how-much-magnesium",
    "magnesium-food-sources",
    "magnesium-supplement-forms",
    "too-much-magnesium",
    "magnesium-and-kidneys",
)
INTERACTION_GUIDES = ("magnesium-medicine-interactions", "magnesium-supplement-forms", "magnesium-deficiency")
LAB_GUIDES = (
    "magnesium-testing",
    "what-are-electrolytes",
    "magnesium-and-potassium",
    "magnesium-and-sodium",
    "magnesium-calcium-vitamin-d",
)

ELEMENTAL_SOURCES = ("ODS_MG_HP", "IOM_2000_APPS")
KIDNEY_SOURCES = ("MSD_HYPERMG", "ODS_MG_HP")


# --- Helpers ---------------------------------------------------------------


def short_label(ref):
    """A short name for a reference: "de Baaij et al. 2015", "Institute of Medicine 1997"."""
    if ref.authors:
        people = ref.authors.split(",")
        words = people[0].split()
        if len(words) > 1 and words[-1].isupper():
            words = words[:-1]
        who = " ".join(words) + (" et al." if len(people) > 1 else "")
    else:
        who = re.split(r"\s*[,(/]\s*", ref.container or ref.title)[0]
    return f"{who} {ref.year}" if ref.year else who


def cite(refs):
    """Reference objects as dicts the templates show: short label, link to /references/#ref-KEY."""
    return [
        {"key": r.key, "label": short_label(r), "url": r.get_absolute_url(), "citation": r.citation(), "link": r.link}
        for r in refs
    ]


def references(keys):
    """References by key, in the order given; unknown keys are skipped."""
    keys = list(dict.fromkeys(keys))
    found = {r.key: r for r in Reference.objects.filter(key__in=keys)}
    return [found[k] for k in keys if k in found]


def source_list(*groups):
    """Every cited reference on a page, once, in order of first use."""
    seen = {}
    for group in groups:
        for item in group:
            seen.setdefault(item["key"], item)
    return list(seen.values())


def guides(slugs):
    """Published guides that explain a tool, in the order given."""
    found = {a.slug: a for a in Article.objects.published().filter(slug__in=slugs).only("slug", "title")}
    return [found[s] for s in slugs if s in found]


def submitted(params, names):
    """True when the query string has any of the tool's parameters: the form is then validated."""
    return any(name in params for name in names)


# --- Magnesium intake calculator ------------------------------------------------


def food_line_forms(params, foods):
    """(bound forms for each entered food line, an error for the whole list or "")."""
    chosen, amounts = params.getlist("food"), params.getlist("servings")
    pairs = []
    for i in range(max(len(chosen), len(amounts))):
        food = chosen[i] if i < len(chosen) else ""
        servings = amounts[i] if i < len(amounts) else ""
        if food.strip() or servings.strip():
            pairs.append((food, servings))
    error = f"Enter up to {MAX_FOOD_LINES} foods." if len(pairs) > MAX_FOOD_LINES else ""
    return [
        FoodLineForm({"food": food, "servings": servings}, foods=foods, number=n)
        for n, (food, servings) in enumerate(pairs[:MAX_FOOD_LINES], start=1)
    ], error


def blank_food_forms(count, start, foods):
    """Empty food rows for the no-JavaScript form, numbered after the entered ones."""
    return [FoodLineForm(foods=foods, number=n) for n in range(start, start + count)]


@require_safe
def magnesium_calculator(request):
    """/tools/magnesium-calculator/: RDA or AI, food and supplement totals, and the supplemental UL."""
    rows = list(IntakeValue.objects.prefetch_related("sources"))
    foods = list(Food.objects.filter(magnesium_mg__isnull=False).prefetch_related("sources").order_by("name"))
    supplement_forms = list(SupplementForm.objects.filter(elemental_percent__isnull=False))
    is_bound = submitted(request.GET, CALCULATOR_PARAMS)
    form = CalculatorForm(request.GET if is_bound else None, rows=rows, supplement_forms=supplement_forms)
    lines, lines_error = food_line_forms(request.GET, foods) if is_bound else ([], "")
    blanks = blank_food_forms(max(1, 3 - len(lines)), len(lines) + 1, foods)

    context = {"form": form, "food_forms": lines + blanks, "foods_error": lines_error, "result": None}
    lines_valid = all([line.is_valid() for line in lines])  # a list, so every line gets its errors
    if is_bound and form.is_valid() and lines_valid and not lines_error:
        context.update(calculator_result(form.cleaned_data, lines, foods, supplement_forms, rows))
    extra = cite(references(KIDNEY_SOURCES + ELEMENTAL_SOURCES))
    context["kidney_sources"] = [c for c in extra if c["key"] in KIDNEY_SOURCES]
    context["elemental_sources"] = [c for c in extra if c["key"] in ELEMENTAL_SOURCES]
    context["sources"] = source_list(
        context.get("requirement_sources", []),
        context.get("ul_sources", []),
        context.get("food_sources", []),
        context["elemental_sources"],
        context["kidney_sources"],
    )
    context["guides"] = guides(CALCULATOR_GUIDES)
    return render(request, "tools/calculator.html", context)


def calculator_result(data, lines, foods, supplement_forms, rows):
    """Context for a valid calculator query."""
    by_slug = {f.slug: f for f in foods}
    food_lines = [
        intake.FoodLine(by_slug[line.cleaned_data["food"]], line.cleaned_data["servings"] or Decimal(1))
        for line in lines
    ]
    form_by_slug = {f.slug: f for f in supplement_forms}
    supplement = form_by_slug.get(data.get("supplement") or "")
    supplement_mg = None
    if supplement is not None:
        supplement_mg = intake.elemental_mg(data["supplement_mg"], supplement.elemental_percent)
    elif data.get("elemental_mg") is not None:
        supplement_mg = data["elemental_mg"]
    result = intake.intake_result(
        rows, data["age"], data.get("sex", ""), data.get("stage", ""), food_lines, supplement_mg
    )
    food_refs = []
    for line in food_lines:
        food_refs += [r for r in line.food.sources.all() if r not in food_refs]
    return {
        "result": result,
        "chart": intake.intake_chart(result),
        "supplement": supplement,
        "compound_mg": data.get("supplement_mg"),
        "requirement_sources": cite(result.requirement.sources.all()),
        "ul_sources": cite(result.upper_limit.sources.all()) if result.upper_limit else [],
        "food_sources": cite(food_refs),
    }


# --- Interaction and timing checker ----------------------------------------


def medicine_forms(params):
    """(bound forms for each non-blank ``med``, an error for the whole list or "")."""
    names = [name for name in params.getlist("med") if name.strip()]
    error = f"Check up to {MAX_MEDICINES} medicines at a time." if len(names) > MAX_MEDICINES else ""
    return [MedicineForm({"med": name}, number=n) for n, name in enumerate(names[:MAX_MEDICINES], start=1)], error


def replace_link(names, old, new):
    """The checker URL with one typed name swapped for a suggestion."""
    return "?" + urlencode([("med", new if name == old else name) for name in names])


@require_safe
def interaction_checker(request):
    """/tools/interactions/: what each medicine does with magnesium, and the timing. Unknown names get help."""
    interactions = list(Interaction.objects.prefetch_related("sources"))
    med_forms, meds_error = medicine_forms(request.GET)
    names = [f.cleaned_data["med"] for f in med_forms if f.is_valid()]
    blanks = [
        MedicineForm(number=n) for n in range(len(med_forms) + 1, len(med_forms) + 1 + max(1, 3 - len(med_forms)))
    ]
    matches, unknown = medicines.check_medicines(names, interactions) if names else ([], [])

    results = []
    for match in matches:
        item = match.interaction
        results.append(
            {
                "interaction": item,
                "queries": match.queries,
                "timing": medicines.describe_separation(item.separation_hours),
                "sources": cite(item.sources.all()),
            }
        )
    not_found = [
        {"query": u.query, "suggestions": [(s, replace_link(names, u.query, s)) for s in u.suggestions]}
        for u in unknown
    ]
    index = medicines.name_index(interactions)
    return render(
        request,
        "tools/interactions.html",
        {
            "med_forms": med_forms + blanks,
            "meds_error": meds_error,
            "checked": bool(names),
            "med_errors": bool(meds_error) or any(f.errors for f in med_forms),
            "results": results,
            "not_found": not_found,
            "interactions": interactions,
            "all_names": sorted({display for display, _item in index.values()}, key=str.casefold),
            "sources": source_list(*(r["sources"] for r in results)),
            "guides": guides(INTERACTION_GUIDES),
        },
    )


# --- Lab unit converter -------------------------------------------------------


def _rounded(values):
    """[(unit, text)] in the order of ``UNITS``."""
    return [(unit, numbers.plain_number(values[unit])) for unit in labs.UNITS]


def _analyte_facts(analyte, refs):
    """What the page shows for an analyte whatever the input: its units and typical ranges, cited."""
    ranges = []
    for r in analyte.ranges:
        in_units = labs.range_in_units(analyte, r)
        ranges.append(
            {
                "range": r,
                "text": f"{numbers.plain_number(r.low)}–{numbers.plain_number(r.high)} {r.unit}",
                "in_units": [
                    (u, numbers.plain_number(in_units[u][0]), numbers.plain_number(in_units[u][1])) for u in labs.UNITS
                ],
                "sources": cite([refs[r.source]] if r.source in refs else []),
            }
        )
    return {
        "analyte": analyte,
        "one_mmol": [(unit, numbers.plain_number(v, 3)) for unit, v in labs.convert(analyte, 1, "mmol/L").items()],
        "factor_sources": cite([refs[k] for k in analyte.factor_sources if k in refs]),
        "ranges": ranges,
    }


@require_safe
def lab_units(request):
    """/tools/lab-units/: a result in mg/dL, mmol/L and mEq/L, placed against a cited typical range."""
    is_bound = submitted(request.GET, LAB_PARAMS)
    form = LabUnitsForm(request.GET if is_bound else None)
    refs = {r.key: r for r in references(labs.range_source_keys())}
    facts = [_analyte_facts(a, refs) for a in labs.ANALYTES.values()]
    context = {"form": form, "analytes": facts, "guides": guides(LAB_GUIDES)}
    if is_bound and form.is_valid():
        data = form.cleaned_data
        analyte = labs.ANALYTES[data["analyte"]]
        context.update(
            {
                "entry": next(f for f in facts if f["analyte"] is analyte),
                "converted": [
                    (unit, text)
                    for unit, text in _rounded(labs.convert(analyte, data["value"], data["unit"]))
                    if unit != data["unit"]
                ],
                "entered": f"{data['value']:f}",
                "placement": labs.place_in_range(analyte, data["value"], data["unit"]),
            }
        )
    context["sources"] = source_list(
        *(f["factor_sources"] for f in facts), *(r["sources"] for f in facts for r in f["ranges"])
    )
    return render(request, "tools/lab_units.html", context)
